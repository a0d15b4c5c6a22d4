"""What citizens upload: only real PDF, JPEG and PNG files get in, PDFs that
run code or carry other files are refused, images lose their hidden metadata,
and a refused file leaves nothing behind (no row, no file on disk). Every
refusal says in plain Spanish what to do."""

import hashlib
import io
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from tests.fixtures import DOMICILIO
from tests.tramites.conftest import Archivos, Pagina, archivos_guardados, url_paso
from tramites import services
from tramites.archivos import archivo_revisar
from tramites.models import Adjunto, Tramite

MB = 1024 * 1024


# --- Hand-built PDFs ------------------------------------------------------------------------


def pdf_clasico(objetos: list[bytes]) -> bytes:
    """A PDF 1.4 with a classic xref table; object 1 is the catalog."""
    salida = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    posiciones = []
    for numero, cuerpo in enumerate(objetos, start=1):
        posiciones.append(len(salida))
        salida += b"%d 0 obj\n" % numero + cuerpo + b"\nendobj\n"
    xref = len(salida)
    salida += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objetos) + 1)
    salida += b"".join(b"%010d 00000 n \n" % p for p in posiciones)
    salida += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objetos) + 1, xref)
    return salida


PAGINAS = [
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
]


def pdf_con_objetos_comprimidos(catalogo: bytes, extra=()) -> bytes:
    """A PDF 1.5 whose objects (catalog included) live in a Flate-compressed
    object stream, indexed by a cross-reference stream: nothing of them is
    visible in the file's bytes."""
    objetos = [catalogo, *PAGINAS, *extra]
    cabecera, cuerpo = b"", b""
    for numero, objeto in enumerate(objetos, start=1):
        cabecera += b"%d %d " % (numero, len(cuerpo))
        cuerpo += objeto + b"\n"
    comprimido = zlib.compress(cabecera + cuerpo)
    n = len(objetos)
    flujo, indice = n + 1, n + 2
    salida = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    pos_flujo = len(salida)
    salida += (
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (flujo, n, len(cabecera), len(comprimido))
        + comprimido + b"\nendstream\nendobj\n"
    )
    pos_indice = len(salida)
    filas = (
        [struct.pack(">BIH", 0, 0, 65535)]
        + [struct.pack(">BIH", 2, flujo, i) for i in range(n)]
        + [struct.pack(">BIH", 1, pos_flujo, 0), struct.pack(">BIH", 1, pos_indice, 0)]
    )
    tabla = b"".join(filas)
    salida += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % (indice, indice + 1, len(tabla))
        + tabla + b"\nendstream\nendobj\n"
    )
    salida += b"startxref\n%d\n%%%%EOF\n" % pos_indice
    return salida


def pdf_escrito(preparar) -> bytes:
    escritor = PdfWriter()
    escritor.add_blank_page(width=595, height=842)
    preparar(escritor)
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def pdf_con_javascript() -> bytes:
    return pdf_escrito(lambda w: w.add_open_action(JavaScript("app.alert('hola');")))


def pdf_con_adjunto() -> bytes:
    return pdf_escrito(lambda w: w.add_attachment("factura.exe", b"MZ\x90\x00 un programa"))


def pdf_con_nombre_escapado() -> bytes:
    # /J#61vaScript is /JavaScript and /#4AS is /JS once a reader decodes the names.
    return pdf_clasico([
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        *PAGINAS,
        b"<< /Type /Action /S /J#61vaScript /#4AS (app.alert(1)) >>",
    ])


def pdf_con_lanzamiento() -> bytes:
    return pdf_clasico([
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>",
        *PAGINAS,
    ])


def pdf_js_en_flujo_de_objetos() -> bytes:
    # The action is written inside the (compressed) catalog, not as an object of its own.
    return pdf_con_objetos_comprimidos(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"
    )


def pdf_js_indirecto_en_flujo_de_objetos() -> bytes:
    return pdf_con_objetos_comprimidos(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        [b"<< /S /JavaScript /JS (app.alert(1)) >>"],
    )


def pdf_js_en_arbol_de_nombres_comprimido() -> bytes:
    return pdf_con_objetos_comprimidos(
        b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript << /Names [(a) << /S /JavaScript /JS (x) >>] >> >> >>"
    )


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"

PELIGROSO = "El PDF contiene código (JavaScript), acciones que abren programas o archivos incrustados"

RECHAZOS = [
    # (file name, content builder, error code, what the citizen reads)
    ("recibo.pdf", lambda: HTML, "contenido", "«recibo.pdf» no es realmente un archivo PDF aunque su nombre lo diga. Sube un archivo PDF, JPG o PNG."),
    ("foto.png", lambda: EXE, "contenido", "«foto.png» no es realmente un archivo PNG aunque su nombre lo diga."),
    ("foto.jpg", lambda: ELF, "contenido", "«foto.jpg» no es realmente un archivo JPG aunque su nombre lo diga."),
    ("recibo.pdf", lambda: Archivos.png(), "contenido", "no es realmente un archivo PDF"),
    ("con-js.pdf", pdf_con_javascript, "pdf_activo", PELIGROSO),
    ("escapado.pdf", pdf_con_nombre_escapado, "pdf_activo", PELIGROSO),
    ("lanza.pdf", pdf_con_lanzamiento, "pdf_activo", PELIGROSO),
    ("comprimido.pdf", pdf_js_en_flujo_de_objetos, "pdf_activo", PELIGROSO),
    ("comprimido2.pdf", pdf_js_indirecto_en_flujo_de_objetos, "pdf_activo", PELIGROSO),
    ("nombres.pdf", pdf_js_en_arbol_de_nombres_comprimido, "pdf_activo", PELIGROSO),
    ("con-adjunto.pdf", pdf_con_adjunto, "pdf_activo", PELIGROSO),
    ("vacio.pdf", lambda: b"", "vacio", "«vacio.pdf» está vacío. Elige el archivo correcto."),
    ("../../etc/recibo.pdf", lambda: Archivos.pdf(), "nombre_invalido", "El nombre del archivo no puede contener «/», «\\» ni «..»."),
    ("..\\recibo.pdf", lambda: Archivos.pdf(), "nombre_invalido", "no puede contener"),
    ("programa.exe", lambda: EXE, "extension", "«programa.exe» no es un tipo de archivo aceptado: sube un archivo PDF, JPG o PNG."),
    ("recibo", lambda: Archivos.pdf(), "sin_extension", "El archivo debe tener extensión"),
    ("roto.pdf", lambda: b"%PDF-1.7\n esto no es un PDF", "pdf_danado", "No pudimos leer el PDF: puede estar dañado."),
    ("roto.png", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "imagen_danada", "No pudimos abrir la imagen"),
]
IDS = [f"{nombre}-{codigo}" for nombre, _c, codigo, _m in RECHAZOS]


# --- archivo_revisar -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nombre", "construir", "tipo"),
    [
        ("recibo.pdf", Archivos.pdf, "application/pdf"),
        ("RECIBO.PDF", Archivos.pdf, "application/pdf"),
        ("plano.png", Archivos.png, "image/png"),
        ("foto.jpg", Archivos.jpeg, "image/jpeg"),
        ("foto.jpeg", Archivos.jpeg, "image/jpeg"),
        ("sin-js-comprimido.pdf", lambda: pdf_con_objetos_comprimidos(b"<< /Type /Catalog /Pages 2 0 R >>"), "application/pdf"),
    ],
)
def test_archivos_reales_pasan(nombre, construir, tipo):
    revisado = archivo_revisar(Archivos.subido(nombre, construir()), max_bytes=MB)
    assert revisado.tipo_mime == tipo
    assert revisado.nombre == nombre
    assert revisado.sha256 == hashlib.sha256(revisado.contenido).hexdigest()


def test_un_pdf_valido_se_guarda_tal_cual():
    contenido = Archivos.pdf(paginas=2)
    assert archivo_revisar(Archivos.subido("a.pdf", contenido), max_bytes=MB).contenido == contenido


class Crudo(io.BytesIO):
    """An uploaded file exactly as named by the browser (Django's own upload
    classes would already drop the folders of the name)."""

    def __init__(self, nombre, contenido):
        super().__init__(contenido)
        self.name = nombre
        self.size = len(contenido)


@pytest.mark.parametrize(("nombre", "construir", "codigo", "mensaje"), RECHAZOS, ids=IDS)
def test_archivos_peligrosos_o_falsos_se_rechazan_con_un_mensaje_claro(nombre, construir, codigo, mensaje):
    with pytest.raises(ValidationError) as error:
        archivo_revisar(Crudo(nombre, construir()), max_bytes=MB)
    assert error.value.code == codigo
    assert mensaje in error.value.messages[0]


def test_archivo_demasiado_grande():
    with pytest.raises(ValidationError) as error:
        archivo_revisar(Archivos.subido("grande.pdf", Archivos.pdf() + b"%" * 2000), max_bytes=1000)
    assert error.value.code == "tamano"
    assert error.value.messages[0].startswith("«grande.pdf» pesa más de 1000")
    assert "Reduce su tamaño" in error.value.messages[0]


def test_archivo_sin_tamano_declarado_no_se_lee_mas_alla_del_limite():
    class SinTamano(io.BytesIO):
        name = "grande.pdf"
        size = None

    with pytest.raises(ValidationError) as error:
        archivo_revisar(SinTamano(b"%PDF-" + b"0" * 5000), max_bytes=1000)
    assert error.value.code == "tamano"


def test_el_nombre_se_limpia_de_caracteres_raros():
    revisado = archivo_revisar(Archivos.subido("recibo <luz> \"marzo\".pdf", Archivos.pdf()), max_bytes=MB)
    assert revisado.nombre == "recibo _luz_ _marzo_.pdf"


def test_jpeg_pierde_los_metadatos_exif_y_la_ubicacion():
    exif = Image.Exif()
    exif[0x010F] = "CamaraDelVecino"  # Make
    exif[0x8825] = {1: "S", 2: (12.0, 3.0, 30.0), 3: "W", 4: (77.0, 2.0, 15.0)}  # GPS
    original = Archivos.jpeg(exif=exif)
    assert b"CamaraDelVecino" in original and Image.open(io.BytesIO(original)).getexif()

    revisado = archivo_revisar(Archivos.subido("foto.jpg", original), max_bytes=MB)

    assert b"CamaraDelVecino" not in revisado.contenido
    assert b"Exif" not in revisado.contenido
    imagen = Image.open(io.BytesIO(revisado.contenido))
    assert dict(imagen.getexif()) == {}
    assert imagen.format == "JPEG" and imagen.size == (40, 30)


def test_png_pierde_sus_metadatos():
    exif = Image.Exif()
    exif[0x010F] = "CamaraDelVecino"
    salida = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(salida, format="PNG", exif=exif.tobytes())
    assert b"CamaraDelVecino" in salida.getvalue()
    revisado = archivo_revisar(Archivos.subido("plano.png", salida.getvalue()), max_bytes=MB)
    assert b"CamaraDelVecino" not in revisado.contenido
    assert Image.open(io.BytesIO(revisado.contenido)).format == "PNG"


# --- Storing (services) ---------------------------------------------------------------------


@pytest.fixture
def borrador(catalogo, ciudadano):
    tramite = Tramite.objects.get(slug=DOMICILIO)
    return services.borrador_iniciar(ciudadano=ciudadano, tramite=tramite)


def agregar(borrador, nombre, contenido, max_total=25 * MB):
    revisado = archivo_revisar(Archivos.subido(nombre, contenido), max_bytes=10 * MB)
    return services.adjunto_agregar(
        solicitud=borrador, requerido=borrador.tramite.adjuntos_requeridos.first(),
        revisado=revisado, max_total=max_total,
    )


def test_el_archivo_se_guarda_con_un_nombre_al_azar(borrador, settings):
    contenido = Archivos.pdf()
    adjunto = agregar(borrador, "Recibo de luz de Rosa Huamán.pdf", contenido)
    assert adjunto.nombre_original == "Recibo de luz de Rosa Huamán.pdf"
    assert re.fullmatch(r"adjuntos/[0-9a-f]{2}/[0-9a-f]{32}\.pdf", adjunto.archivo.name)
    assert "Recibo" not in adjunto.archivo.name and "Rosa" not in adjunto.archivo.name
    (guardado,) = archivos_guardados(settings)
    assert guardado.read_bytes() == contenido
    assert (adjunto.tamano, adjunto.sha256, adjunto.tipo_mime) == (
        len(contenido), hashlib.sha256(contenido).hexdigest(), "application/pdf",
    )
    otro = agregar(borrador, "Recibo de luz de Rosa Huamán.pdf", contenido)
    assert otro.archivo.name != adjunto.archivo.name


def test_reemplazar_en_un_borrador_borra_el_archivo_anterior(
    borrador, settings, django_capture_on_commit_callbacks
):
    primero = agregar(borrador, "recibo.pdf", Archivos.pdf())
    with django_capture_on_commit_callbacks(execute=True):
        segundo = agregar(borrador, "recibo-nuevo.jpg", Archivos.jpeg())
        # Until the replacement is committed, the previous file stays.
        assert len(archivos_guardados(settings)) == 2
    assert list(Adjunto.objects.values_list("pk", flat=True)) == [segundo.pk]
    assert [p.name for p in archivos_guardados(settings)] == [segundo.archivo.name.rsplit("/", 1)[1]]
    assert not Adjunto.objects.filter(pk=primero.pk).exists()


def test_limite_total_por_solicitud(catalogo, ciudadano, settings):
    tramite = Tramite.objects.get(slug="constancia-de-posesion")
    borrador = services.borrador_iniciar(ciudadano=ciudadano, tramite=tramite)
    plano, acta = tramite.adjuntos_requeridos.all()
    uno = archivo_revisar(Archivos.subido("plano.pdf", Archivos.pdf(paginas=3)), max_bytes=MB)
    dos = archivo_revisar(Archivos.subido("acta.pdf", Archivos.pdf(paginas=3)), max_bytes=MB)
    limite = len(uno.contenido) + len(dos.contenido) - 1
    services.adjunto_agregar(solicitud=borrador, requerido=plano, revisado=uno, max_total=limite)
    guardados = archivos_guardados(settings)
    with pytest.raises(services.LimiteAdjuntosExcedido):
        services.adjunto_agregar(solicitud=borrador, requerido=acta, revisado=dos, max_total=limite)
    assert Adjunto.objects.count() == 1
    assert archivos_guardados(settings) == guardados
    # Replacing the same document counts the new file instead of the old one.
    services.adjunto_agregar(solicitud=borrador, requerido=plano, revisado=dos, max_total=limite)
    assert Adjunto.objects.count() == 1


# --- Through the attachments page -------------------------------------------------------------------


@pytest.fixture
def pagina_adjuntos(borrador, web_ciudadano):
    requerido = borrador.tramite.adjuntos_requeridos.get()
    return url_paso(borrador, "adjuntos"), f"archivo_{requerido.pk}"


def test_subir_un_pdf_valido_por_la_pagina(borrador, pagina_adjuntos, web_ciudadano, settings):
    url, campo = pagina_adjuntos
    respuesta = web_ciudadano.post(url, {campo: Archivos.subido("recibo.pdf", Archivos.pdf())})
    assert respuesta.status_code == 302
    assert respuesta["Location"] == url_paso(borrador, "pago")
    adjunto = Adjunto.objects.get(solicitud=borrador)
    assert adjunto.nombre_original == "recibo.pdf"
    assert len(archivos_guardados(settings)) == 1


# Django's upload parser keeps only the last part of a file name ("../../etc/x.pdf"
# arrives as "x.pdf"): names with folders are tested below with a raw request.
RECHAZOS_WEB = [r for r in RECHAZOS if r[2] != "nombre_invalido"]


@pytest.mark.parametrize(
    ("nombre", "construir", "codigo", "mensaje"), RECHAZOS_WEB,
    ids=[f"{n}-{c}" for n, _b, c, _m in RECHAZOS_WEB],
)
def test_archivo_rechazado_en_la_pagina_no_guarda_nada(
    nombre, construir, codigo, mensaje, borrador, pagina_adjuntos, web_ciudadano, settings
):
    url, campo = pagina_adjuntos
    respuesta = web_ciudadano.post(url, {campo: Archivos.subido(nombre, construir())})
    assert respuesta.status_code == 400
    texto = respuesta.content.decode()
    assert "Hay un problema" in texto
    assert escape(mensaje) in texto
    assert not Adjunto.objects.exists()
    assert archivos_guardados(settings) == []


def _multipart(campo, nombre_archivo, contenido):
    limite = "----limite7MA4YWxkTrZu0gW"
    cuerpo = (
        f"--{limite}\r\nContent-Disposition: form-data; name=\"{campo}\"; "
        f"filename=\"{nombre_archivo}\"\r\nContent-Type: application/pdf\r\n\r\n"
    ).encode() + contenido + f"\r\n--{limite}--\r\n".encode()
    return cuerpo, f"multipart/form-data; boundary={limite}"


def test_nombre_con_carpetas_nunca_sale_de_la_carpeta_de_adjuntos(
    borrador, pagina_adjuntos, web_ciudadano, settings, tmp_path
):
    url, campo = pagina_adjuntos
    cuerpo, tipo = _multipart(campo, "../../../../tmp/recibo.pdf", Archivos.pdf())
    respuesta = web_ciudadano.post(url, cuerpo, content_type=tipo)
    assert respuesta.status_code == 302
    adjunto = Adjunto.objects.get()
    assert adjunto.nombre_original == "recibo.pdf"
    (guardado,) = archivos_guardados(settings)
    assert guardado.is_relative_to(settings.MEDIA_ROOT / "adjuntos")
    assert guardado.name != "recibo.pdf"


@pytest.mark.parametrize("nombre", ["..recibo.pdf", "recibo..pdf"])
def test_nombre_con_dos_puntos_se_rechaza_en_la_pagina(nombre, borrador, pagina_adjuntos, web_ciudadano, settings):
    url, campo = pagina_adjuntos
    cuerpo, tipo = _multipart(campo, nombre, Archivos.pdf())
    respuesta = web_ciudadano.post(url, cuerpo, content_type=tipo)
    assert respuesta.status_code == 400
    assert escape("El nombre del archivo no puede contener «/», «\\» ni «..».") in respuesta.content.decode()
    assert not Adjunto.objects.exists()
    assert archivos_guardados(settings) == []


def test_un_archivo_mayor_al_limite_se_senala_en_su_campo(catalogo, ciudadano, web_ciudadano, settings):
    """The oversized file is named in its own field's error; the other file of
    the same submission is kept (its bytes were read), so nothing else is lost."""
    settings.ADJUNTO_MAX_BYTES = 20 * 1024
    tramite = Tramite.objects.get(slug="constancia-de-posesion")
    borrador = services.borrador_iniciar(ciudadano=ciudadano, tramite=tramite)
    plano, acta = tramite.adjuntos_requeridos.all()
    grande = Archivos.pdf() + b"%" + b"x" * (60 * 1024) + b"\n"
    respuesta = web_ciudadano.post(url_paso(borrador, "adjuntos"), {
        f"archivo_{plano.pk}": Archivos.subido("plano.pdf", Archivos.pdf()),
        f"archivo_{acta.pk}": Archivos.subido("grande.pdf", grande),
    })
    assert respuesta.status_code == 400
    pagina = Pagina(respuesta)
    assert "Hay un problema" in pagina.texto()
    assert pagina.errores == [
        "«grande.pdf» pesa más de 20.0 KB. Reduce su tamaño (por ejemplo, escanea en blanco y negro) y súbelo otra vez."
    ]
    assert list(Adjunto.objects.values_list("nombre_original", flat=True)) == ["plano.pdf"]
    assert len(archivos_guardados(settings)) == 1


def test_un_envio_que_declara_mas_que_el_total_no_se_lee(borrador, pagina_adjuntos, web_ciudadano, settings):
    """A body whose declared length is over the limit is refused before it is
    parsed: a page that explains the limit and leads back, nothing stored."""
    settings.SOLICITUD_ADJUNTOS_MAX_BYTES = 20 * 1024
    url, campo = pagina_adjuntos
    grande = Archivos.pdf() + b"%" + b"x" * (200 * 1024) + b"\n"
    respuesta = web_ciudadano.post(url, {campo: Archivos.subido("grande.pdf", grande)})
    assert respuesta.status_code == 413
    texto = Pagina(respuesta).texto()
    assert "Los archivos pesan demasiado" in texto
    assert "hasta 10.0 MB por archivo y 20.0 KB en total por envío" in texto
    assert "No guardamos nada de este envío. Lo que ya habías guardado antes sigue ahí." in texto
    assert Pagina(respuesta).enlace("Volver a la página") == url
    assert not Adjunto.objects.exists()
    assert archivos_guardados(settings) == []


def test_limite_total_de_la_solicitud_en_la_pagina(catalogo, ciudadano, web_ciudadano, settings):
    tramite = Tramite.objects.get(slug="constancia-de-posesion")
    borrador = services.borrador_iniciar(ciudadano=ciudadano, tramite=tramite)
    plano, acta = tramite.adjuntos_requeridos.all()
    contenido = Archivos.pdf(paginas=3)
    settings.SOLICITUD_ADJUNTOS_MAX_BYTES = len(contenido) + len(contenido) // 2
    url = url_paso(borrador, "adjuntos")
    primera = web_ciudadano.post(url, {f"archivo_{plano.pk}": Archivos.subido("plano.pdf", contenido)})
    # The plan is kept; the page asks for the missing document.
    assert primera.status_code == 400
    assert "Adjunta el documento: Documento que acredite la posesión." in primera.content.decode()
    guardados = archivos_guardados(settings)
    assert len(guardados) == 1

    segunda = web_ciudadano.post(url, {f"archivo_{acta.pk}": Archivos.subido("acta.pdf", contenido)})
    assert segunda.status_code == 400
    assert "Con este archivo la solicitud superaría" in segunda.content.decode()
    assert list(Adjunto.objects.values_list("nombre_original", flat=True)) == ["plano.pdf"]
    assert archivos_guardados(settings) == guardados
