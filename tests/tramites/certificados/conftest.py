"""Pieces of the issued-documents tests: the 8 seeded procedures, PDF readers
(text, signature, QR, character boxes), WeasyPrint's warnings, and the files a
response or the private storage holds. Catalog, people, requests and approval
come from tests/fixtures.py; the worker and a Redis of the test's own from
tests/procesos.py."""

import io
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from egov import pdf as documentos
from tests.fixtures import DOMICILIO, INFORMACION, LICENCIA, ORGANIZACIONES

# The 8 procedures catalogo_cargar seeds.
SLUGS = [
    DOMICILIO,
    LICENCIA,
    "certificado-de-parametros-urbanisticos",
    INFORMACION,
    "constancia-de-posesion",
    "matrimonio-civil",
    "certificado-de-numeracion",
    ORGANIZACIONES,
]

# --- Reading PDFs ----------------------------------------------------------------------------


def sin_espacios(texto: str) -> str:
    return "".join(texto.split())


def texto_pdf(pdf: bytes) -> str:
    return "\n".join(pagina.extract_text() or "" for pagina in PdfReader(io.BytesIO(pdf)).pages)


def certificado_firma():
    """The demo signing certificate (created on first use), read from its
    PKCS#12 and loaded as pyHanko loads trust roots."""
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
    from pyhanko.keys import load_cert_from_pemder

    documentos.firmante()  # creates the demo PKCS#12 if it does not exist yet
    _llave, certificado, _otros = pkcs12.load_key_and_certificates(
        Path(settings.CERT_SIGNING_P12).read_bytes(), settings.CERT_SIGNING_PASSWORD.encode()
    )
    pem = Path(settings.CERT_SIGNING_P12).with_suffix(".pem")
    pem.write_bytes(certificado.public_bytes(Encoding.PEM))
    return load_cert_from_pemder(str(pem))


def firma_validar(pdf: bytes):
    """The status of the PDF's only signature, validated with the demo
    certificate as the only trust root."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    lector = PdfFileReader(io.BytesIO(pdf), strict=False)
    firmas = lector.embedded_signatures
    assert len(firmas) == 1, f"se esperaba una firma, hay {len(firmas)}"
    contexto = ValidationContext(trust_roots=[certificado_firma()])
    # pyHanko validates with asyncio.run(), which refuses to run under an event
    # loop; the browser tests leave Playwright's running in this thread.
    with ThreadPoolExecutor(max_workers=1) as hilo:
        return hilo.submit(validate_pdf_signature, firmas[0], contexto).result()


def qr_leer(pdf: bytes, pagina=None, escalas=(1.5, 3)) -> list[str]:
    """Renders a page (the last one by default) to images at a coarse and a
    fine resolution, as a phone camera would see it, and decodes the QR codes
    in each. A QR that decodes at one resolution only (crossed by a border,
    no quiet zone) gives different lists per resolution: the result is then
    a list of lists, which no test expects."""
    import pypdfium2
    import zxingcpp

    documento = pypdfium2.PdfDocument(pdf)
    try:
        indice = len(documento) - 1 if pagina is None else pagina
        lecturas = []
        for escala in escalas:
            imagen = documento[indice].render(scale=escala).to_pil()
            lecturas.append([
                r.text for r in zxingcpp.read_barcodes(imagen) if r.format == zxingcpp.BarcodeFormat.QRCode
            ])
        return lecturas[0] if all(lectura == lecturas[0] for lectura in lecturas) else lecturas
    finally:
        documento.close()


def cajas_de_texto(pdf: bytes):
    """Per page: (width, height, [(char, left, bottom, right, top), ...]) as pdfium lays them out."""
    import pypdfium2

    documento = pypdfium2.PdfDocument(pdf)
    try:
        paginas = []
        for pagina in documento:
            ancho, alto = pagina.get_size()
            texto = pagina.get_textpage()
            cajas = []
            for i in range(texto.count_chars()):
                caracter = texto.get_text_range(i, 1)
                if caracter.strip():
                    cajas.append((caracter, *texto.get_charbox(i)))
            paginas.append((ancho, alto, cajas))
        return paginas
    finally:
        documento.close()


@pytest.fixture
def avisos_weasyprint(caplog):
    """The WARNING (and worse) records WeasyPrint logs while the test runs."""
    caplog.set_level(logging.WARNING, logger="weasyprint")

    def leer():
        return [r for r in caplog.records if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING]

    return leer


# --- HTTP ----------------------------------------------------------------------------------


def contenido(respuesta) -> bytes:
    return b"".join(respuesta.streaming_content) if respuesta.streaming else respuesta.content


def archivos_bajo(carpeta) -> list[Path]:
    raiz = Path(settings.MEDIA_ROOT) / carpeta
    return sorted(p for p in raiz.rglob("*") if p.is_file()) if raiz.exists() else []
