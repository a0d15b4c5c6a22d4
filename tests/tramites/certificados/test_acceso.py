"""Who may download an issued document, and the public verification page:
by code (typed any way), by uploading the PDF, revoked certificates, and the
throttling of code guessing."""

import hashlib
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.fixtures import (
    DOMICILIO,
    ORGANIZACIONES,
    aprobar,
    certificado_de,
    presentar,
    servidor_de,
)
from tramites import services
from tramites.models import Certificado, EstadoDocumento, Evento, TipoEvento
from tramites.roles import EVALUADOR, JEFE_DE_OFICINA, MESA_DE_PARTES

from .conftest import contenido, sin_espacios, texto_pdf

CODIGO = "ABCDEFGHIJKLMNOP"  # a fixed code with letters people mistype (O, I, B)


def texto(respuesta) -> str:
    """The visible text of a page, whitespace collapsed."""
    cuerpo = respuesta.content.decode()
    sin_etiquetas = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", cuerpo, flags=re.S)
    return " ".join(html.unescape(sin_etiquetas).split())


@pytest.fixture
def emitida(catalogo, ciudadano, al_confirmar):
    """A request of the address certificate (resolved by SGPV, received by
    MPA), approved, with its certificate (code ABCD-EFGH-IJKL-MNOP) and filing
    receipt issued."""
    with al_confirmar():
        solicitud = presentar(ciudadano, DOMICILIO)
    solicitud = aprobar(solicitud, nota="Se verificó el domicilio.")
    certificado = certificado_de(solicitud)
    Certificado.objects.filter(pk=certificado.pk).update(codigo=CODIGO)
    with al_confirmar():
        services.certificado_emitir(certificado_id=certificado.pk)
    return solicitud


def url(solicitud, tipo):
    return f"/mis-tramites/{solicitud.expediente}/{tipo}.pdf"


def leer(documento) -> bytes:
    with documento.archivo.open("rb") as archivo:
        return archivo.read()


# --- Downloads ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("tipo", ["certificado", "cargo"])
def test_el_titular_descarga_sus_documentos(emitida, ciudadano, client, tipo):
    client.force_login(ciudadano)
    respuesta = client.get(url(emitida, tipo))
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "application/pdf"
    assert respuesta["Content-Disposition"] == f'attachment; filename="{tipo}-{emitida.expediente}.pdf"'
    assert "no-store" in respuesta["Cache-Control"] and "private" in respuesta["Cache-Control"]
    pdf = contenido(respuesta)
    assert pdf.startswith(b"%PDF-")
    documento = certificado_de(emitida) if tipo == "certificado" else emitida.cargo
    assert hashlib.sha256(pdf).hexdigest() == documento.sha256


@pytest.mark.django_db
@pytest.mark.parametrize("tipo", ["certificado", "cargo"])
def test_nadie_mas_descarga_los_documentos(emitida, otro_ciudadano, client, tipo):
    # Anonymous: to the login page, and back here afterwards.
    respuesta = client.get(url(emitida, tipo))
    assert respuesta.status_code == 302
    assert respuesta["Location"] == f"/cuenta/login/?next={url(emitida, tipo)}"

    # Another citizen: as if it did not exist.
    client.force_login(otro_ciudadano)
    assert client.get(url(emitida, tipo)).status_code == 404

    # Staff of offices that neither receive nor resolve the procedure, whatever their role.
    for sigla, rol in [("SGRC", JEFE_DE_OFICINA), ("SG", EVALUADOR), ("SGOPC", MESA_DE_PARTES)]:
        client.force_login(servidor_de(sigla, rol, nombres="Lucía"))
        assert client.get(url(emitida, tipo)).status_code == 404, sigla

    # A made-up document type or expediente.
    client.force_login(emitida.ciudadano)
    assert client.get(f"/mis-tramites/{emitida.expediente}/resolucion.pdf").status_code == 404
    assert client.get(f"/mis-tramites/EXP-2020-999999/{tipo}.pdf").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("tipo", ["certificado", "cargo"])
def test_el_personal_de_la_oficina_del_tramite_los_descarga(emitida, client, tipo):
    for sigla, rol in [("SGPV", EVALUADOR), ("SGPV", JEFE_DE_OFICINA), ("MPA", MESA_DE_PARTES)]:
        client.force_login(servidor_de(sigla, rol, nombres="Lucía"))
        respuesta = client.get(url(emitida, tipo))
        assert respuesta.status_code == 200, (sigla, rol)
        assert contenido(respuesta).startswith(b"%PDF-")


@pytest.mark.django_db
def test_los_documentos_pendientes_no_se_descargan(catalogo, ciudadano, client, web):
    solicitud = aprobar(presentar(ciudadano, DOMICILIO))  # nothing ran after the commits
    assert certificado_de(solicitud).estado == EstadoDocumento.PENDIENTE
    assert solicitud.cargo.estado == EstadoDocumento.PENDIENTE
    web.force_login(ciudadano)
    for tipo in ("certificado", "cargo"):
        assert web.get(url(solicitud, tipo)).status_code == 404
    pagina = web.get(solicitud.get_absolute_url())
    assert "Estamos generando tu documento firmado" in texto(pagina)
    assert url(solicitud, "certificado") not in pagina.content.decode()
    assert url(solicitud, "cargo") not in pagina.content.decode()
    # A failed one neither.
    Certificado.objects.filter(solicitud=solicitud).update(estado=EstadoDocumento.FALLIDO)
    assert web.get(url(solicitud, "certificado")).status_code == 404


@pytest.mark.django_db
def test_el_cargo_se_descarga_desde_el_detalle_y_lista_los_adjuntos(catalogo, ciudadano, al_confirmar, web):
    with al_confirmar():
        solicitud = presentar(ciudadano, ORGANIZACIONES)
    web.force_login(ciudadano)
    pagina = web.get(solicitud.get_absolute_url())
    assert pagina.status_code == 200
    enlaces = re.findall(r'<a href="([^"]+)">([^<]+)</a>', pagina.content.decode())
    [href] = [h for h, t in enlaces if "cargo de presentación" in t]
    assert href == url(solicitud, "cargo")
    assert not [h for h, _t in enlaces if h.endswith("certificado.pdf")]  # not approved yet

    respuesta = web.get(href)
    assert respuesta.status_code == 200
    pdf = contenido(respuesta)
    plano = sin_espacios(texto_pdf(pdf))
    adjuntos = list(solicitud.adjuntos.select_related("requerido"))
    assert len(adjuntos) == 2
    for adjunto in adjuntos:
        assert adjunto.nombre_original in plano
        assert f"SHA-256:{adjunto.sha256}" in plano
        with adjunto.archivo.open("rb") as archivo:
            assert hashlib.sha256(archivo.read()).hexdigest() == adjunto.sha256


@pytest.mark.django_db
def test_el_certificado_se_descarga_desde_el_detalle(emitida, ciudadano, web):
    web.force_login(ciudadano)
    pagina = web.get(emitida.get_absolute_url())
    visible = texto(pagina)
    assert "Documentos emitidos" in visible
    assert "ABCD-EFGH-IJKL-MNOP" in visible
    assert f'href="{url(emitida, "certificado")}"' in pagina.content.decode()
    assert "Documento emitido" in visible  # the timeline
    assert web.get(url(emitida, "certificado")).status_code == 200


# --- Verification by code -----------------------------------------------------------------------


@pytest.mark.django_db
def test_un_codigo_valido_muestra_el_documento_sin_revelar_los_datos(emitida, client):
    certificado = certificado_de(emitida)
    respuesta = client.get(f"/verificar/{CODIGO}/")
    assert respuesta.status_code == 200
    assert respuesta["X-Robots-Tag"] == "noindex"
    visible = texto(respuesta)
    assert "Documento válido" in visible
    assert emitida.expediente in visible
    assert "Subgerencia de Participación Vecinal" in visible
    assert certificado.sha256 in visible
    assert "ABCD-EFGH-IJKL-MNOP" in visible
    # The holder, partly masked: enough to recognise, not to read.
    assert "Ch***** Ro** Ña*** Pé**********" in visible
    assert "DNI ****1236" in visible
    cuerpo = html.unescape(respuesta.content.decode())
    for dato in ("Ch'aska", "Rosa", "Ñahui", "Pérez-Albela", "45871236"):
        assert dato not in cuerpo, dato


@pytest.mark.django_db
def test_un_codigo_desconocido_da_404(emitida, client):
    respuesta = client.get("/verificar/ZZZZZZZZZZZZZZZZ/")
    assert respuesta.status_code == 404
    visible = texto(respuesta)
    assert "No encontramos ese código" in visible
    assert emitida.expediente not in visible
    assert client.get("/verificar/esto-no-es-un-codigo/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "escrito",
    ["abcd-efgh-ijkl-mnop", "ABCD EFGH IJKL MNOP", " abcd efgh-ijkl mnop ", "ABCD-EFGH-1JKL-MN0P", "abcdefghijklmnop"],
)
def test_el_codigo_se_escribe_como_sea(emitida, client, escrito):
    respuesta = client.get("/verificar/", {"codigo": escrito})
    assert respuesta.status_code == 302
    assert respuesta["Location"] == f"/verificar/{CODIGO}/"
    assert "Documento válido" in texto(client.get(respuesta["Location"]))
    # Typed straight into the address too.
    directo = client.get(f"/verificar/{escrito.strip()}/")
    assert directo.status_code == 200
    assert "Documento válido" in texto(directo)


@pytest.mark.django_db
def test_un_codigo_mal_formado_se_explica(client):
    respuesta = client.get("/verificar/", {"codigo": "ABC-123"})
    assert respuesta.status_code == 400
    assert "El código tiene 16 letras y números" in texto(respuesta)


# --- Revocation ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_un_certificado_revocado_lo_dice_con_el_motivo(emitida, ciudadano, client, al_confirmar, mailoutbox):
    certificado = certificado_de(emitida)
    motivo = "Se comprobó que el recibo presentado no corresponde al domicilio."

    # Only a head of the procedure's office may revoke it.
    for servidor in (servidor_de("SGPV", EVALUADOR, nombres="Lucía"), servidor_de("SGRC", JEFE_DE_OFICINA, nombres="Lucía"),
                     servidor_de("MPA", MESA_DE_PARTES, nombres="Lucía")):
        with pytest.raises(services.TransicionNoPermitida):
            services.certificado_revocar(certificado=certificado, servidor=servidor, motivo=motivo)
    jefe = servidor_de("SGPV", JEFE_DE_OFICINA, nombres="Lucía")
    with pytest.raises(services.TransicionNoPermitida):
        services.certificado_revocar(certificado=certificado, servidor=jefe, motivo="  ")
    certificado.refresh_from_db()
    assert not certificado.revocado
    assert "Documento válido" in texto(client.get(f"/verificar/{CODIGO}/"))

    mailoutbox.clear()
    with al_confirmar():
        services.certificado_revocar(certificado=certificado, servidor=jefe, motivo=motivo)
        services.certificado_revocar(certificado=certificado, servidor=jefe, motivo="otra vez")  # no-op
    certificado.refresh_from_db()
    assert certificado.revocado and certificado.revocado_por == jefe
    assert certificado.motivo_revocacion == motivo

    respuesta = client.get(f"/verificar/{CODIGO.lower()}/")
    assert respuesta.status_code == 200
    visible = texto(respuesta)
    assert "Documento revocado" in visible
    assert "Documento válido" not in visible
    assert motivo in visible
    assert "otra vez" not in visible
    # The citizen is told, once, and the request's timeline says so.
    assert Evento.objects.filter(solicitud=emitida, tipo=TipoEvento.CERTIFICADO_REVOCADO).count() == 1
    assert [m.subject for m in mailoutbox] == [f"{emitida.expediente}: tu certificado fue revocado"]
    client.force_login(ciudadano)
    assert "revocado" in texto(client.get(emitida.get_absolute_url()))


# --- Verification of a file -------------------------------------------------------------------------


def archivos_privados() -> list[Path]:
    raiz = Path(settings.MEDIA_ROOT)
    return sorted(p for p in raiz.rglob("*") if p.is_file())


@pytest.mark.django_db
def test_subir_el_pdf_emitido_dice_que_es_identico_y_no_guarda_nada(emitida, client):
    certificado = certificado_de(emitida)
    pdf = leer(certificado)
    antes = archivos_privados()
    filas = Certificado.objects.count(), Evento.objects.count()

    respuesta = client.post("/verificar/", {"archivo": SimpleUploadedFile("mi-copia.pdf", pdf, "application/pdf")})
    assert respuesta.status_code == 200
    visible = texto(respuesta)
    assert f"El archivo es idéntico al documento emitido para el expediente {emitida.expediente}" in visible
    assert certificado.sha256 in visible
    assert f'href="/verificar/{CODIGO}/"' in respuesta.content.decode()

    # The filing receipt is recognised too.
    cargo = leer(emitida.cargo)
    respuesta = client.post("/verificar/", {"archivo": SimpleUploadedFile("cargo.pdf", cargo, "application/pdf")})
    assert "El archivo es idéntico" in texto(respuesta)

    # One byte changed: not ours.
    modificado = bytearray(pdf)
    posicion = pdf.index(b"/Reason") + 9
    modificado[posicion] = ord("X") if modificado[posicion] != ord("X") else ord("Y")
    respuesta = client.post("/verificar/", {"archivo": SimpleUploadedFile("mi-copia.pdf", bytes(modificado), "application/pdf")})
    assert respuesta.status_code == 200
    visible = texto(respuesta)
    assert "Este archivo no coincide con ningún documento emitido por la entidad" in visible
    assert "El archivo es idéntico" not in visible
    assert hashlib.sha256(bytes(modificado)).hexdigest() in visible

    # Nothing uploaded was kept.
    assert archivos_privados() == antes
    assert (Certificado.objects.count(), Evento.objects.count()) == filas


@pytest.mark.django_db
def test_subir_sin_archivo_pide_el_archivo(client):
    respuesta = client.post("/verificar/", {})
    assert respuesta.status_code == 400
    assert "Elige el archivo PDF que quieres comprobar." in texto(respuesta)


# --- Throttling ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_treinta_codigos_equivocados_seguidos_se_frenan(emitida, client):
    estados = []
    for i in range(30):
        desconocido = f"ZZZZ-ZZZZ-ZZZZ-ZZ{chr(65 + i // 26)}{chr(65 + i % 26)}"
        respuesta = client.get(f"/verificar/{desconocido}/", REMOTE_ADDR="203.0.113.7")
        estados.append(respuesta.status_code)
    assert estados[:20] == [404] * 20
    assert estados[20:] == [429] * 10
    assert "Demasiados intentos" in texto(respuesta)

    # The IP is stopped even for a valid code, and for the search form…
    assert client.get(f"/verificar/{CODIGO}/", REMOTE_ADDR="203.0.113.7").status_code == 429
    assert client.get("/verificar/", {"codigo": "abc"}, REMOTE_ADDR="203.0.113.7").status_code == 429
    # …while anyone else verifies as usual.
    otra = client.get(f"/verificar/{CODIGO}/", REMOTE_ADDR="198.51.100.20")
    assert otra.status_code == 200 and "Documento válido" in texto(otra)


@pytest.mark.django_db
def test_mas_de_treinta_consultas_por_minuto_se_frenan(emitida, client):
    estados = [client.get(f"/verificar/{CODIGO}/", REMOTE_ADDR="203.0.113.8").status_code for _ in range(32)]
    assert estados[:30] == [200] * 30
    assert estados[30:] == [429, 429]
    pdf = SimpleUploadedFile("copia.pdf", leer(certificado_de(emitida)), "application/pdf")
    assert client.post("/verificar/", {"archivo": pdf}, REMOTE_ADDR="203.0.113.8").status_code == 429
