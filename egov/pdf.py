"""
PDF documents the entity issues: rendering with WeasyPrint, the QR code, and
the PAdES signature with the entity's PKCS#12 key (pyHanko).

Rendering fetches nothing from the network or the disk except the portal's own
static files (fonts), through FetcherEstatico. PDF templates use simple block
layout: no flexbox or grid, which WeasyPrint lays out slowly.
"""

import datetime
import functools
import io
import logging
import mimetypes
import os
from pathlib import Path

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

ESQUEMA = "estatico:"
# Room for the CMS signature in the PDF (a 2048/4096-bit RSA key with a short chain fits).
RESERVA_FIRMA = 16 * 1024


class FetcherEstatico(URLFetcher):
    """Serves `estatico:<path>` from the portal's static files; refuses every
    other URL (http, file, data…), so a document can never reach outside."""

    def fetch(self, url, headers=None):
        if not url.startswith(ESQUEMA):
            raise ValueError(f"URL no permitida en documentos: {url[:80]}")
        relativa = url[len(ESQUEMA):].lstrip("/")
        if ".." in relativa.split("/"):
            raise ValueError("Ruta no permitida")
        ruta = finders.find(relativa)
        if not ruta:
            raise ValueError(f"Archivo estático inexistente: {relativa}")
        tipo = mimetypes.guess_type(ruta)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(ruta).read_bytes(), {"Content-Type": tipo})


def qr_svg(texto: str) -> str:
    """The QR code of a text as inline SVG markup (no fetch needed)."""
    return segno.make(texto, error="m").svg_inline(scale=3, border=2, dark="#000")


def pdf_renderizar(plantilla: str | list[str], contexto: dict) -> bytes:
    """HTML template -> tagged PDF (PDF/UA-1 where WeasyPrint allows)."""
    html = render_to_string(plantilla, contexto)
    return HTML(string=html, base_url=ESQUEMA, url_fetcher=FetcherEstatico()).write_pdf(
        pdf_variant="pdf/ua-1",
        pdf_identifier=(contexto.get("identificador") or "").encode()[:32] or None,
    )


# --- Signature ------------------------------------------------------------------------------------


def _certificado_demo_crear(ruta: Path, clave: str) -> None:
    """A self-signed signing certificate for the embedded default and tests.
    Production installs the entity's real one (see README)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    llave = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    nombre = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "PE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.ENTIDAD_NOMBRE),
        x509.NameAttribute(NameOID.COMMON_NAME, f"{settings.ENTIDAD_NOMBRE} (DEMOSTRACIÓN)"),
    ])
    ahora = datetime.datetime.now(datetime.UTC)
    certificado = (
        x509.CertificateBuilder()
        .subject_name(nombre)
        .issuer_name(nombre)
        .public_key(llave.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(ahora - datetime.timedelta(days=1))
        .not_valid_after(ahora + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_cert_sign=True,
                key_encipherment=False, data_encipherment=False, key_agreement=False,
                crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .sign(llave, hashes.SHA256())
    )
    datos = pkcs12.serialize_key_and_certificates(
        b"firma-demo", llave, certificado, None,
        serialization.BestAvailableEncryption(clave.encode()),
    )
    ruta.parent.mkdir(parents=True, exist_ok=True)
    temporal = ruta.with_suffix(f".{os.getpid()}.tmp")
    temporal.write_bytes(datos)
    os.chmod(temporal, 0o600)
    temporal.replace(ruta)
    log.warning("Se creó un certificado de firma de DEMOSTRACIÓN en %s", ruta)


def ruta_p12() -> Path:
    return Path(settings.CERT_SIGNING_P12)


@functools.cache
def _clase_firmante():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash

    class FirmanteConLlave(signers.SimpleSigner):
        """pyHanko's signer decodes (and re-validates) the private key on every
        signature, which costs as much as rendering the PDF; this one keeps the
        decoded key. Other mechanisms than RSA PKCS#1 v1.5 use pyHanko's path."""

        _llave = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mecanismo = self.get_signature_mechanism_for_digest(digest_algorithm)
            if mecanismo["algorithm"].native not in ("rsassa_pkcs1v15", "sha256_rsa", "sha384_rsa", "sha512_rsa"):
                return super().sign_raw(data, digest_algorithm)
            if self._llave is None:
                self._llave = serialization.load_der_private_key(self.signing_key.dump(), password=None)
            if not isinstance(self._llave, RSAPrivateKey):
                return super().sign_raw(data, digest_algorithm)
            return self._llave.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))

    return FirmanteConLlave


@functools.lru_cache(maxsize=4)
def _firmante(ruta: str, modificado: float, clave: str):
    firmante = _clase_firmante().load_pkcs12(pfx_file=ruta, passphrase=clave.encode() if clave else None)
    if firmante is not None:
        # load_pkcs12 builds a plain SimpleSigner whatever class it is called on.
        firmante.__class__ = _clase_firmante()
    return firmante


def firmante():
    ruta = ruta_p12()
    if not ruta.exists():
        if not settings.CERT_SIGNING_DEMO:
            raise RuntimeError(
                f"No existe el certificado de firma {ruta}: define CERT_SIGNING_P12 (ver README)."
            )
        _certificado_demo_crear(ruta, settings.CERT_SIGNING_PASSWORD)
    firmante = _firmante(str(ruta), ruta.stat().st_mtime, settings.CERT_SIGNING_PASSWORD)
    if firmante is None:
        raise RuntimeError(f"No se pudo abrir el certificado de firma {ruta}: revisa la contraseña.")
    return firmante


def pdf_firmar(pdf: bytes, *, motivo: str) -> bytes:
    """Adds the entity's PAdES signature (an incremental update of the PDF)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadatos = signers.PdfSignatureMetadata(
        field_name="FirmaEntidad",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=motivo,
        location=settings.ENTIDAD_NOMBRE,
    )
    # Reserving the signature's room up front spares pyHanko a trial signature
    # it would otherwise make to measure it (half of the signing time).
    salida = signers.PdfSigner(metadatos, signer=firmante()).sign_pdf(escritor, bytes_reserved=RESERVA_FIRMA)
    return salida.getvalue()
