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


def pdf_renderizar(plantilla: str, contexto: dict) -> bytes:
    """HTML template -> tagged PDF (PDF/UA-1 where WeasyPrint allows)."""
    html = render_to_string(plantilla, contexto)
    return HTML(string=html, base_url=ESQUEMA, url_fetcher=FetcherEstatico()).write_pdf(
        pdf_variant="pdf/ua-1",
        pdf_identifier=contexto.get("identificador", b"").encode()[:32] or None,
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


@functools.lru_cache(maxsize=4)
def _firmante(ruta: str, modificado: float, clave: str):
    from pyhanko.sign import signers

    return signers.SimpleSigner.load_pkcs12(pfx_file=ruta, passphrase=clave.encode() if clave else None)


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
    salida = signers.sign_pdf(escritor, metadatos, signer=firmante())
    return salida.getvalue()
