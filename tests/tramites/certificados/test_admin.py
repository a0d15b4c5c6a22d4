"""The back office of issued documents: retrying a certificate that failed,
and revoking one (only a head of the procedure's office)."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from egov import pdf as documentos
from tests.fixtures import DOMICILIO, aprobar, certificado_de, presentar, servidor_de
from tramites.models import Certificado, EstadoDocumento, Evento, TipoEvento
from tramites.roles import EVALUADOR, JEFE_DE_OFICINA

from .conftest import archivos_bajo, firma_validar

LISTA = "/admin/tramites/certificado/"


def en_el_panel(sigla, rol, capturar):
    """A logged-in admin client of a servant (with TOTP: the panel demands it)
    whose requests end as real ones do (after-commit work runs)."""
    servidor = servidor_de(sigla, rol, nombres="Lucía")
    cliente = Client()
    cliente.force_login(servidor)

    class Panel:
        usuario = servidor

        def get(self, *args, **kwargs):
            with capturar(execute=True):
                return cliente.get(*args, **kwargs)

        def post(self, *args, **kwargs):
            with capturar(execute=True):
                return cliente.post(*args, **kwargs)

    return Panel()


def mensajes(respuesta):
    return [str(m) for m in get_messages(respuesta.wsgi_request)]


def reintentar(panel, *certificados):
    return panel.post(LISTA, {"action": "reintentar", "_selected_action": [c.pk for c in certificados], "index": 0})


@pytest.mark.django_db
def test_reintentar_un_certificado_fallido_desde_el_panel(
    catalogo, ciudadano, settings, tmp_path, al_confirmar, django_capture_on_commit_callbacks
):
    documentos.firmante()  # the demo signing certificate exists…
    valida = settings.CERT_SIGNING_P12
    # …but the server is pointed at a PKCS#12 that is not there, with no demo fallback.
    settings.CERT_SIGNING_P12 = str(tmp_path / "no-existe.p12")
    settings.CERT_SIGNING_DEMO = False

    with al_confirmar():
        solicitud = presentar(ciudadano, DOMICILIO)
    with al_confirmar():
        solicitud = aprobar(solicitud, nota="Conforme.")  # the approval itself goes through
    certificado = certificado_de(solicitud)
    assert certificado.estado == EstadoDocumento.FALLIDO
    assert "No existe el certificado de firma" in certificado.error
    assert certificado.intentos >= 1
    assert archivos_bajo("documentos/certificados") == []
    assert not Evento.objects.filter(solicitud=solicitud, tipo=TipoEvento.DOCUMENTO_EMITIDO).exists()
    intentos = certificado.intentos

    panel = en_el_panel("SGPV", JEFE_DE_OFICINA, django_capture_on_commit_callbacks)
    lista = panel.get(LISTA, {"estado": "fallido"})
    assert lista.status_code == 200
    assert certificado.codigo_legible in lista.content.decode()

    # Retried while the setting is still wrong: it fails again, and says why on the row.
    respuesta = reintentar(panel, certificado)
    assert respuesta.status_code == 302
    assert "Enviados a generar de nuevo: 1." in mensajes(respuesta)
    certificado.refresh_from_db()
    assert certificado.estado == EstadoDocumento.FALLIDO
    assert certificado.intentos > intentos
    assert "No existe el certificado de firma" in certificado.error
    ficha = panel.get(f"{LISTA}{certificado.pk}/change/")
    assert ficha.status_code == 200
    assert "No existe el certificado de firma" in ficha.content.decode()

    # The setting fixed, the same action issues it.
    settings.CERT_SIGNING_P12 = valida
    respuesta = reintentar(panel, certificado)
    assert "Enviados a generar de nuevo: 1." in mensajes(respuesta)
    certificado.refresh_from_db()
    assert certificado.estado == EstadoDocumento.EMITIDO
    assert certificado.error == ""
    [archivo] = archivos_bajo("documentos/certificados")
    assert firma_validar(archivo.read_bytes()).bottom_line
    assert Evento.objects.filter(solicitud=solicitud, tipo=TipoEvento.DOCUMENTO_EMITIDO).count() == 1

    # Issued documents are left alone by the action.
    respuesta = reintentar(panel, certificado)
    assert "Enviados a generar de nuevo: 0." in mensajes(respuesta)
    assert len(archivos_bajo("documentos/certificados")) == 1


@pytest.fixture
def emitido(catalogo, ciudadano, al_confirmar):
    with al_confirmar():
        solicitud = aprobar(presentar(ciudadano, DOMICILIO))
    return certificado_de(solicitud)


@pytest.mark.django_db
def test_solo_un_jefe_de_la_oficina_revoca_desde_el_panel(emitido, django_capture_on_commit_callbacks, mailoutbox):
    capturar = django_capture_on_commit_callbacks
    url = f"{LISTA}{emitido.pk}/revocar/"
    motivo = "El recibo de luz presentado era de otra dirección."

    evaluador = en_el_panel("SGPV", EVALUADOR, capturar)
    assert "Revocar este certificado" not in evaluador.get(f"{LISTA}{emitido.pk}/change/").content.decode()
    respuesta = evaluador.post(url, {"motivo": motivo})
    assert respuesta.status_code == 302
    assert "No tienes permiso para revocar este certificado." in mensajes(respuesta)

    # Staff of another office do not even find it.
    otra = en_el_panel("SGRC", JEFE_DE_OFICINA, capturar)
    assert otra.post(url, {"motivo": motivo}).status_code == 404
    emitido.refresh_from_db()
    assert not emitido.revocado

    jefe = en_el_panel("SGPV", JEFE_DE_OFICINA, capturar)
    ficha = jefe.get(f"{LISTA}{emitido.pk}/change/").content.decode()
    assert "Revocar este certificado" in ficha
    assert f'action="{url}"' in ficha
    assert jefe.get(url).status_code == 302  # GET changes nothing
    sin_motivo = jefe.post(url, {"motivo": ""})
    assert "Escribe el motivo de la revocación." in mensajes(sin_motivo)
    emitido.refresh_from_db()
    assert not emitido.revocado

    mailoutbox.clear()
    respuesta = jefe.post(url, {"motivo": motivo})
    assert respuesta.status_code == 302
    assert respuesta["Location"] == f"{LISTA}{emitido.pk}/change/"
    assert f"Revocaste el certificado {emitido.codigo_legible}." in mensajes(respuesta)
    emitido = Certificado.objects.get(pk=emitido.pk)
    assert emitido.revocado and emitido.motivo_revocacion == motivo and emitido.revocado_por == jefe.usuario
    assert [m.subject for m in mailoutbox] == [f"{emitido.solicitud.expediente}: tu certificado fue revocado"]
    assert "Revocar este certificado" not in jefe.get(f"{LISTA}{emitido.pk}/change/").content.decode()
