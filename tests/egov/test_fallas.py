"""When a shared service fails during a request: a committed decision keeps
all its follow-up work even if the cache refresh fails at commit; storage
that refuses files gives the citizen a message on the form (503), not an
error page, and loses nothing; a database outage answers 503 with
Retry-After; and private pages are never stored by a browser or proxy."""

import errno
import logging

import pytest
from django.core.files.storage import FileSystemStorage
from django.test import Client

from tests.factories import CLAVE
from tests.fixtures import DOMICILIO, certificado_de, pdf_simple, presentar, resolutor
from tests.procesos import Gunicorn, entorno_produccion, puerto_libre
from tramites import services
from tramites.models import Adjunto, Estado, EstadoDocumento, Solicitud, Tramite


class AlmacenSoloLectura(FileSystemStorage):
    """Private files on a disk that went read-only: every write is refused."""

    def _save(self, name, content):
        raise OSError(errno.EROFS, "Read-only file system", name)


# --- 1. After-commit work survives a failing cache -------------------------------------------------


@pytest.mark.django_db
def test_con_la_cache_fallando_al_confirmar_la_aprobacion_igual_emite_el_certificado(
    catalogo, ciudadano, settings, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    """The cache raises on every call (Django's own Redis backend against a
    port where nothing listens): the refresh of the citizen's pages, the first
    thing scheduled after the commit, fails and is logged; the notice's alert
    and the certificate scheduled after it still happen."""
    solicitud = presentar(ciudadano, DOMICILIO)
    servidor = resolutor(solicitud)
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{puerto_libre()}/0",
    }}
    caplog.set_level(logging.ERROR)
    with django_capture_on_commit_callbacks(execute=True):
        services.solicitud_tomar(solicitud=Solicitud.objects.get(pk=solicitud.pk), servidor=servidor)
        services.solicitud_aprobar(solicitud=Solicitud.objects.get(pk=solicitud.pk), servidor=servidor)

    assert Solicitud.objects.get(pk=solicitud.pk).estado == Estado.APROBADA
    assert certificado_de(solicitud).estado == EstadoDocumento.EMITIDO
    asuntos = [m.subject for m in mailoutbox]
    assert any("aprobada" in a.lower() for a in asuntos), asuntos
    # The document ready is announced by the approval's notice (still unread),
    # and recorded in the request's timeline.
    assert solicitud.eventos.filter(tipo="documento_emitido").count() == 1
    # The failures were logged, not raised.
    assert any("on_commit" in r.getMessage() and r.exc_info for r in caplog.records), caplog.text[-2000:]


# --- 2. Storage that refuses files -----------------------------------------------------------------


@pytest.mark.django_db
def test_si_el_almacenamiento_no_acepta_archivos_el_formulario_lo_dice(catalogo, ciudadano, settings):
    tramite = Tramite.objects.get(slug="constancia-de-posesion")
    plano, acta = tramite.adjuntos_requeridos.all()
    borrador = services.borrador_iniciar(ciudadano=ciudadano, tramite=tramite)
    services.borrador_responder(solicitud=borrador, respuestas={"direccion_predio": "Mz. B lote 4"})
    url = f"/tramites/{tramite.slug}/solicitar/{borrador.uuid}/adjuntos/"
    cliente = Client()
    cliente.force_login(ciudadano)
    from django.core.files.uploadedfile import SimpleUploadedFile

    def subir():
        return cliente.post(url, {f"archivo_{plano.pk}": SimpleUploadedFile("plano.pdf", pdf_simple())})

    assert subir().status_code == 400  # stored; the page asks for the other document
    guardado = Adjunto.objects.get()

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "tests.egov.test_fallas.AlmacenSoloLectura",
        "OPTIONS": {"location": settings.MEDIA_ROOT},
    }}
    respuesta = subir()  # a new plan, to replace the stored one
    assert respuesta.status_code == 503
    assert respuesta["Retry-After"] == "30"
    html = " ".join(respuesta.content.decode().replace("\xa0", " ").split())
    assert "No pudimos guardar «plano.pdf»: nuestro almacenamiento de archivos no responde" in html
    assert "Hay un problema" in html
    # Nothing was lost: the plan stored before is still there, with its file.
    assert list(Adjunto.objects.all()) == [guardado]
    assert guardado.archivo.storage.exists(guardado.archivo.name)
    assert Solicitud.objects.get(pk=borrador.pk).respuestas["direccion_predio"] == "Mz. B lote 4"


# --- 3. The database down --------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_con_la_base_de_datos_caida_se_responde_503_con_retry_after(tmp_path):
    entorno = entorno_produccion(
        tmp_path / "portal", DATABASE_URL=f"postgres://postgres@127.0.0.1:{puerto_libre()}/egov",
    )
    with Gunicorn(tmp_path / "portal", entorno) as portal:
        # The login page itself needs no database; every page that reads data does.
        assert portal.pedir("/cuenta/login/", cabeceras={"X-Forwarded-Proto": "https"}).status == 200
        for ruta in ["/tramites/", f"/tramites/{DOMICILIO}/", "/transparencia/",
                     "/verificar/ABCDEFGHJKMNPQRS/", "/api/v1/tramites"]:
            respuesta = portal.pedir(ruta, cabeceras={"X-Forwarded-Proto": "https"})
            assert respuesta.status == 503, (ruta, respuesta.status)
            assert respuesta.getheader("Retry-After") == "30"
            texto = respuesta.cuerpo.decode()
            assert "El servicio no está disponible por unos momentos" in texto
            assert "Lo que ya guardaste" in texto
        salud = portal.pedir("/salud/")
        assert salud.status == 503
        assert "Internal Server Error" not in portal.log()


# --- 4. Private pages --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_las_paginas_privadas_no_se_guardan_en_ninguna_cache(catalogo, ciudadano):
    solicitud = presentar(ciudadano, DOMICILIO)
    cliente = Client()
    assert cliente.post("/cuenta/login/", {"login": ciudadano.email, "password": CLAVE}).status_code == 302
    notificacion = ciudadano.notificaciones.first()
    privadas = ["/mis-tramites/", f"/mis-tramites/{solicitud.expediente}/", "/casilla/", "/cuenta/perfil/",
                "/cuenta/perfil/editar/", f"/tramites/{DOMICILIO}/", "/"]
    if notificacion is not None:
        privadas.append(f"/casilla/{notificacion.pk}/")
    for url in privadas:
        respuesta = cliente.get(url)
        assert respuesta.status_code == 200, url
        directivas = {d.strip() for d in respuesta["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directivas, (url, respuesta["Cache-Control"])
        assert "Cookie" in respuesta["Vary"], url
    # Public pages for an anonymous visitor stay cacheable by the portal (no no-store).
    assert "no-store" not in Client().get(f"/tramites/{DOMICILIO}/").get("Cache-Control", "")
