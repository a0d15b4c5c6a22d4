"""The PDF documents themselves: a real certificate per seeded procedure
(text, signature, QR, tagging), long texts, and rendering that never reaches
outside the portal's own static files."""

import contextlib
import datetime
import hashlib
import io
import re
import socket
import time
from unittest import mock

import pytest
import segno
from django.conf import settings
from pypdf import PdfReader

from egov import pdf as documentos
from egov.pdf import FetcherEstatico
from tests.fixtures import (
    DOMICILIO,
    INFORMACION,
    NOMBRE_COMPLETO,
    aprobar,
    certificado_de,
    presentar,
)
from tramites import services
from tramites.models import Certificado, EstadoDocumento, Solicitud, TipoEvento, Tramite

from .conftest import SLUGS, cajas_de_texto, firma_validar, qr_leer, sin_espacios, texto_pdf
from .test_plantillas import CASOS
from .test_plantillas import corrido as corrido_de

MM = 72 / 25.4


def url_de(certificado):
    """Where the certificate's QR code leads: its public verification page."""
    return settings.SITE_URL + certificado.get_absolute_url()


def leer(documento) -> bytes:
    with documento.archivo.open("rb") as archivo:
        return archivo.read()


def etiquetado(pdf: bytes) -> bool:
    raiz = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    marca = raiz.get("/MarkInfo")
    marcado = marca is not None and marca.get_object().get("/Marked") == True  # noqa: E712 - a pypdf BooleanObject
    return marcado and "/StructTreeRoot" in raiz


def texto_sin_pies(pdf: bytes, expediente: str) -> str:
    """The text of every page without its running footer ("EXP-… Página n de m"),
    so a paragraph that spans pages reads as one."""
    paginas = []
    for pagina in PdfReader(io.BytesIO(pdf)).pages:
        texto = pagina.extract_text() or ""
        texto = re.sub(rf"{re.escape(expediente)}\s*Página\s*\d+\s*de\s*\d+", " ", texto)
        paginas.append(texto)
    return "\n".join(paginas)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
def test_un_certificado_real_por_cada_tramite_del_catalogo(
    slug, catalogo, ciudadano, al_confirmar, avisos_weasyprint
):
    respuestas, titulo, hechos = CASOS[slug]
    with al_confirmar():
        solicitud = presentar(ciudadano, slug, **respuestas)
    with al_confirmar():
        solicitud = aprobar(solicitud, nota="Se verificó la información declarada.")
    tramite = Tramite.objects.select_related("oficina_resolucion").get(slug=slug)
    certificado = certificado_de(solicitud)
    assert certificado.estado == EstadoDocumento.EMITIDO, certificado.error
    assert certificado.tipo == Certificado.Tipo.CERTIFICADO

    pdf = leer(certificado)
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == certificado.sha256
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1

    texto = texto_pdf(pdf)
    corrido = corrido_de(pdf)
    assert NOMBRE_COMPLETO in corrido
    assert "DNI 45871236" in corrido
    assert solicitud.expediente in texto
    assert certificado.codigo_legible in texto
    assert tramite.oficina_resolucion.nombre in corrido
    # The procedure's own document: its name as the title and the fact it certifies.
    assert titulo in corrido
    for hecho in hechos:
        assert hecho in corrido
    if not tramite.es_automatica:
        assert "Se verificó la información declarada." in corrido
    url = url_de(certificado)
    assert url == f"http://testserver/verificar/{certificado.codigo}/"
    assert url in sin_espacios(texto)

    # The QR, read from the rendered page as a phone would, leads to the verification page.
    assert qr_leer(pdf) == [url]

    # The entity's signature: intact, valid and trusted with the demo certificate as root.
    estado = firma_validar(pdf)
    assert estado.intact
    assert estado.valid
    assert estado.trusted
    assert estado.bottom_line
    assert "DEMOSTRACIÓN" in estado.signing_cert.subject.human_friendly

    # Tagged PDF (PDF/UA): screen readers get the structure.
    assert etiquetado(pdf)
    assert avisos_weasyprint() == []


@pytest.mark.django_db
def test_el_qr_es_el_svg_de_la_url_de_verificacion(catalogo, ciudadano, al_confirmar, monkeypatch):
    """The QR drawn in the PDF is segno's SVG of the verification URL, inline
    in the HTML (no image is fetched), with its alternative text as the SVG's title."""
    with al_confirmar():
        solicitud = presentar(ciudadano, DOMICILIO)
    solicitud = aprobar(solicitud)  # pending: the task did not run
    certificado = certificado_de(solicitud)
    html = {}
    original = documentos.render_to_string

    def guardar(plantilla, contexto):
        # A list means "the procedure's own template, else the generic one".
        clave = plantilla[-1] if isinstance(plantilla, list) else plantilla
        html[clave] = original(plantilla, contexto)
        return html[clave]

    monkeypatch.setattr(documentos, "render_to_string", guardar)
    services.certificado_emitir(certificado_id=certificado.pk)
    url = url_de(certificado)
    esperado = segno.make(url, error="m").svg_inline(scale=3, border=2, dark="#000")
    inicio, resto = esperado.split(">", 1)
    titulo = f"<title>Código QR con la dirección de verificación: {url}</title>"
    assert f"{inicio}>{titulo}{resto}" in html["pdf/certificado.html"]
    assert "<img" not in html["pdf/certificado.html"]


@pytest.mark.django_db
def test_silencio_positivo_emite_la_constancia(catalogo, ciudadano, al_confirmar, avisos_weasyprint):
    with al_confirmar():
        solicitud = presentar(ciudadano, DOMICILIO)
    vencida = solicitud.fecha_limite
    with al_confirmar():
        resultado = services.plazos_vencidos_procesar(hoy=vencida + datetime.timedelta(days=1))
    assert resultado["silencio_positivo"] == 1
    certificado = certificado_de(solicitud)
    assert certificado.tipo == Certificado.Tipo.SILENCIO
    assert certificado.estado == EstadoDocumento.EMITIDO, certificado.error
    assert certificado.firmante_nombre == "Firma automática del sistema"
    pdf = leer(certificado)
    corrido = " ".join(texto_pdf(pdf).split())
    assert "Constancia de aprobación por silencio administrativo positivo" in corrido
    assert f"venció el {vencida:%d/%m/%Y}" in corrido
    assert "artículo 199" in corrido
    assert NOMBRE_COMPLETO in corrido
    assert firma_validar(pdf).bottom_line
    assert qr_leer(pdf) == [url_de(certificado)]
    assert avisos_weasyprint() == []


# --- Long texts --------------------------------------------------------------------------------

PALABRA_LARGA = "INTERCONSTITUCIONALIDADMUNICIPALDEVILLAESPERANZAREGISTRO2026"


def texto_de(largo: int) -> str:
    frase = (
        "Visto el expediente y el informe técnico favorable de la subgerencia, "
        "conforme a la Ley Orgánica de Municipalidades y al TUPA vigente, se resuelve. "
    )
    texto = (frase * (largo // len(frase) + 1))[: largo - len(PALABRA_LARGA) - 2]
    return f"{texto[: largo // 2]} {PALABRA_LARGA} {texto[largo // 2 :]}"[:largo]


@pytest.mark.django_db
def test_una_resolucion_de_5000_caracteres_y_una_palabra_de_60_no_desbordan(
    catalogo, ciudadano, al_confirmar, avisos_weasyprint
):
    assert len(PALABRA_LARGA) == 60
    resolucion = texto_de(5000)
    assert len(resolucion) == 5000 and PALABRA_LARGA in resolucion
    with al_confirmar():
        solicitud = presentar(
            ciudadano, INFORMACION, informacion=f"Copia del expediente {PALABRA_LARGA} completo."
        )
    inicio = time.monotonic()
    with al_confirmar():
        solicitud = aprobar(solicitud, nota=resolucion)
    duracion = time.monotonic() - inicio
    certificado = certificado_de(solicitud)
    assert certificado.estado == EstadoDocumento.EMITIDO, certificado.error
    assert duracion < 5, f"renderizar y firmar tomó {duracion:.1f} s"

    pdf = leer(certificado)
    paginas = len(PdfReader(io.BytesIO(pdf)).pages)
    assert paginas >= 2
    # Every character is there (nothing cut or hidden)…
    texto = sin_espacios(texto_sin_pies(pdf, solicitud.expediente))
    assert sin_espacios(resolucion) in texto
    assert f"Copiadelexpediente{PALABRA_LARGA}completo." in texto
    assert f"Página{paginas}de{paginas}" in sin_espacios(texto_pdf(pdf))
    # …and inside the page: the long word wraps instead of running off the edge.
    for ancho, alto, cajas in cajas_de_texto(pdf):
        for caracter, izquierda, abajo, derecha, arriba in cajas:
            assert 15 * MM <= izquierda and derecha <= ancho - 15 * MM, (caracter, izquierda, derecha)
            assert 0 <= abajo and arriba <= alto, (caracter, abajo, arriba)
    assert qr_leer(pdf) == [url_de(certificado)]
    assert firma_validar(pdf).bottom_line
    assert avisos_weasyprint() == []


# --- Nothing outside the portal is fetched ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.pe/estilo.css",
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
        "data:text/css,body{color:red}",
        "ftp://127.0.0.1/x",
        "/etc/passwd",
        "estatico:../egov/settings.py",
        "estatico:fuentes/../../egov/settings.py",
        "estatico:/etc/passwd",
        "estatico:fuentes/no-existe.ttf",
    ],
)
def test_el_fetcher_rechaza_todo_lo_que_no_es_un_estatico(url):
    with pytest.raises(ValueError):
        FetcherEstatico().fetch(url)


def test_el_fetcher_sirve_las_fuentes_del_portal():
    respuesta = FetcherEstatico().fetch("estatico:fuentes/DejaVuSans.ttf")
    assert respuesta.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font


@pytest.fixture
def escucha():
    """A TCP server on a free local port that records any connection."""
    servidor = socket.socket()
    servidor.bind(("127.0.0.1", 0))
    servidor.listen(5)
    servidor.setblocking(False)
    yield servidor
    servidor.close()


def conexiones(servidor) -> int:
    n = 0
    while True:
        try:
            conexion, _direccion = servidor.accept()
        except BlockingIOError:
            return n
        conexion.close()
        n += 1


@pytest.fixture
def pedidos(monkeypatch):
    """Every URL WeasyPrint asks the fetcher for, and whether it was served."""
    registro = []
    original = FetcherEstatico.fetch

    def espia(self, url, headers=None):
        try:
            respuesta = original(self, url, headers)
        except Exception:
            registro.append((url, False))
            raise
        registro.append((url, True))
        return respuesta

    monkeypatch.setattr(FetcherEstatico, "fetch", espia)
    return registro


@contextlib.contextmanager
def sin_red():
    """Any attempt to open a socket connection is recorded and refused (a
    context, not a fixture: the cache fixtures still talk to Redis afterwards)."""
    intentos = []

    def rechazar(*args, **kwargs):
        intentos.append(args)
        raise OSError("conexión bloqueada por la prueba")

    with (
        mock.patch.object(socket.socket, "connect", rechazar),
        mock.patch.object(socket.socket, "connect_ex", rechazar),
        mock.patch.object(socket, "create_connection", rechazar),
    ):
        yield intentos


def test_renderizar_html_con_recursos_externos_no_abre_conexiones(monkeypatch, escucha, pedidos):
    puerto = escucha.getsockname()[1]
    externas = [
        "http://127.0.0.1:9/x.png",
        f"http://127.0.0.1:{puerto}/y.png",
        f"http://127.0.0.1:{puerto}/estilo.css",
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
    ]
    html = f"""<!DOCTYPE html><html lang="es-PE"><head><meta charset="utf-8"><title>Prueba</title>
    <link rel="stylesheet" href="{externas[2]}">
    <style>@font-face {{ font-family: "Portal"; src: url("estatico:fuentes/DejaVuSans.ttf"); }}
    html {{ font-family: "Portal"; }} body {{ background: url("{externas[1]}"); }}</style></head>
    <body><p>Documento</p><img src="{externas[0]}" alt="x"><img src="{externas[3]}" alt="y">
    <img src="{externas[4]}" alt="z"></body></html>"""
    monkeypatch.setattr(documentos, "render_to_string", lambda plantilla, contexto: html)

    with sin_red() as intentos:
        pdf = documentos.pdf_renderizar("pdf/certificado.html", {"identificador": "PRUEBA"})

    assert pdf.startswith(b"%PDF-")
    assert "Documento" in texto_pdf(pdf)
    assert intentos == []
    assert conexiones(escucha) == 0
    # The fetcher was asked, and refused every one of them; only the font was served.
    servidas = [url for url, ok in pedidos if ok]
    assert servidas == ["estatico:fuentes/DejaVuSans.ttf"]
    rechazadas = {url for url, ok in pedidos if not ok}
    assert {externas[0], externas[1], externas[2]} <= rechazadas


@pytest.mark.django_db
def test_el_html_en_los_datos_del_ciudadano_es_texto(catalogo, ciudadano, al_confirmar, escucha, pedidos):
    """A resolution or an answer with markup is printed as text, never fetched."""
    puerto = escucha.getsockname()[1]
    marcado = f'<img src="http://127.0.0.1:{puerto}/rastreo.png"><b>negrita</b>'
    with al_confirmar():
        solicitud = presentar(ciudadano, INFORMACION, informacion=marcado)
    with al_confirmar():
        solicitud = aprobar(solicitud, nota=marcado)
    certificado = certificado_de(solicitud)
    assert certificado.estado == EstadoDocumento.EMITIDO, certificado.error
    texto = texto_pdf(leer(certificado))
    assert texto.count("<b>negrita</b>") == 2
    assert conexiones(escucha) == 0
    assert all(url.startswith("estatico:") for url, _ok in pedidos)


# --- The filing receipt ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_el_cargo_se_emite_al_presentar_con_cada_adjunto_y_su_sha256(
    catalogo, ciudadano, al_confirmar, avisos_weasyprint
):
    with al_confirmar():
        solicitud = presentar(ciudadano, "registro-de-organizaciones-sociales")
    solicitud = Solicitud.objects.get(pk=solicitud.pk)
    cargo = solicitud.cargo
    assert cargo.estado == EstadoDocumento.EMITIDO, cargo.error
    pdf = leer(cargo)
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == cargo.sha256
    texto = texto_pdf(pdf)
    corrido = " ".join(texto.split())
    plano = sin_espacios(texto)
    assert "Cargo de presentación" in corrido
    assert solicitud.expediente in texto
    assert NOMBRE_COMPLETO in corrido
    assert "Mesa de Partes y Archivo" in corrido
    adjuntos = list(solicitud.adjuntos.filter(vigente=True).select_related("requerido"))
    assert len(adjuntos) == 2
    for adjunto in adjuntos:
        assert sin_espacios(adjunto.requerido.nombre) in plano
        assert adjunto.nombre_original in plano
        assert f"SHA-256:{adjunto.sha256}" in plano
    assert firma_validar(pdf).bottom_line
    assert etiquetado(pdf)
    assert avisos_weasyprint() == []
    # Filing makes no certificate and no "document issued" event: the receipt is not announced.
    assert not Certificado.objects.filter(solicitud=solicitud).exists()
    assert not solicitud.eventos.filter(tipo=TipoEvento.DOCUMENTO_EMITIDO).exists()
