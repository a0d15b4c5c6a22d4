"""The review step asks a citizen without consent to the casilla where they
want to be notified: in the casilla (accepting the consent shown, with the
time, IP and identity level of the session) or at home. Nothing is
preselected, and leaving it unanswered files nothing and loses nothing else
the citizen marked. A citizen whose consent is in force reads one line that
says so, with the way to change it."""

import pytest

from ciudadanos.canales import consentimiento_texto, consentimiento_vigente
from ciudadanos.models import ConsentimientoNotificacion, NivelIngreso
from tests import factories
from tests.fixtures import DOMICILIO, LICENCIA, borrador_completo
from tests.tramites.conftest import Pagina, url_paso
from tramites.models import Estado, Evento, Solicitud, TipoEvento

pytestmark = pytest.mark.django_db

ELIGE = "Elige dónde quieres que te notifiquemos: en tu casilla electrónica o en tu domicilio."


@pytest.fixture
def sin_consentimiento(db):
    return factories.PerfilFactory(consentimiento=False, direccion="Av. Grau 1020").usuario


def test_sin_consentimiento_la_revision_ofrece_las_dos_opciones_sin_marcar_ninguna(
    catalogo, sin_consentimiento, web
):
    borrador = borrador_completo(sin_consentimiento, DOMICILIO)
    web.force_login(sin_consentimiento)
    pagina = Pagina(web.get(url_paso(borrador, "revisar")))
    assert "En mi casilla electrónica" in pagina.etiquetas and "En mi domicilio" in pagina.etiquetas
    assert pagina.controles.count("notificacion") == 2
    assert "notificacion" not in pagina.valores  # nothing preselected
    texto = pagina.texto()
    assert " ".join(consentimiento_texto().split()) in texto
    assert f"te avisaremos gratis a {sin_consentimiento.email}" in texto
    assert "Av. Grau 1020" in texto


def test_sin_elegir_no_se_presenta_y_se_conserva_lo_marcado(catalogo, sin_consentimiento, web):
    borrador = borrador_completo(sin_consentimiento, DOMICILIO)
    web.force_login(sin_consentimiento)
    respuesta = web.post(url_paso(borrador, "revisar"), {"declaracion_jurada": "on"})
    assert respuesta.status_code == 400
    pagina = Pagina(respuesta)
    assert pagina.errores == [ELIGE]
    assert pagina.valores.get("declaracion_jurada") == "on"  # still marked
    assert Solicitud.objects.get(pk=borrador.pk).estado == Estado.BORRADOR
    assert not ConsentimientoNotificacion.objects.exists()


def test_elegir_la_casilla_sin_la_declaracion_no_registra_el_consentimiento(catalogo, sin_consentimiento, web):
    borrador = borrador_completo(sin_consentimiento, DOMICILIO)
    web.force_login(sin_consentimiento)
    respuesta = web.post(url_paso(borrador, "revisar"), {"notificacion": "casilla"})
    assert respuesta.status_code == 400
    pagina = Pagina(respuesta)
    assert pagina.valores.get("notificacion") == "casilla"  # the choice is kept
    assert "Marca la declaración jurada para poder enviar la solicitud." in pagina.texto()
    assert consentimiento_vigente(usuario_id=sin_consentimiento.pk) is None
    assert Solicitud.objects.get(pk=borrador.pk).estado == Estado.BORRADOR


def test_elegir_la_casilla_registra_el_consentimiento_y_presenta(catalogo, sin_consentimiento, web):
    borrador = borrador_completo(sin_consentimiento, DOMICILIO)
    web.force_login(sin_consentimiento)
    respuesta = web.post(url_paso(borrador, "revisar"), {"notificacion": "casilla", "declaracion_jurada": "on"})
    assert respuesta.status_code == 302
    solicitud = Solicitud.objects.get(pk=borrador.pk)
    assert solicitud.estado == Estado.PRESENTADA
    consentimiento = consentimiento_vigente(usuario_id=sin_consentimiento.pk)
    assert consentimiento.texto == consentimiento_texto()
    assert consentimiento.ip == "127.0.0.1"
    assert consentimiento.nivel_ingreso == NivelIngreso.CLAVE


def test_con_aprobacion_automatica_la_decision_llega_a_la_casilla_que_acaba_de_aceptar(
    catalogo, sin_consentimiento, web
):
    borrador = borrador_completo(sin_consentimiento, LICENCIA)
    web.force_login(sin_consentimiento)
    web.post(url_paso(borrador, "revisar"), {"notificacion": "casilla", "declaracion_jurada": "on"})
    solicitud = Solicitud.objects.get(pk=borrador.pk)
    assert solicitud.estado == Estado.APROBADA
    assert sin_consentimiento.notificaciones.filter(categoria="legal").count() == 1
    assert not Evento.objects.filter(solicitud=solicitud, tipo=TipoEvento.NOTIFICAR_OTRO_MEDIO).exists()


def test_elegir_el_domicilio_presenta_sin_consentimiento(catalogo, sin_consentimiento, web):
    borrador = borrador_completo(sin_consentimiento, LICENCIA)
    web.force_login(sin_consentimiento)
    respuesta = web.post(url_paso(borrador, "revisar"), {"notificacion": "domicilio", "declaracion_jurada": "on"})
    assert respuesta.status_code == 302
    solicitud = Solicitud.objects.get(pk=borrador.pk)
    assert solicitud.estado == Estado.APROBADA
    assert consentimiento_vigente(usuario_id=sin_consentimiento.pk) is None
    # The approval is notified by the office, at home.
    evento = Evento.objects.get(solicitud=solicitud, tipo=TipoEvento.NOTIFICAR_OTRO_MEDIO)
    assert "Av. Grau 1020" in evento.nota
    assert not sin_consentimiento.notificaciones.filter(categoria="legal").exists()


def test_una_opcion_inventada_se_rechaza_con_un_mensaje_claro(catalogo, sin_consentimiento, web):
    borrador = borrador_completo(sin_consentimiento, DOMICILIO)
    web.force_login(sin_consentimiento)
    respuesta = web.post(url_paso(borrador, "revisar"), {"notificacion": "whatsapp", "declaracion_jurada": "on"})
    assert respuesta.status_code == 400
    assert Pagina(respuesta).errores == ["Elige una de las dos opciones: en tu casilla electrónica o en tu domicilio."]
    assert Solicitud.objects.get(pk=borrador.pk).estado == Estado.BORRADOR


def test_con_consentimiento_vigente_solo_se_informa_y_se_enlaza_a_los_avisos(catalogo, ciudadano, web):
    borrador = borrador_completo(ciudadano, DOMICILIO)
    web.force_login(ciudadano)
    pagina = Pagina(web.get(url_paso(borrador, "revisar")))
    assert "notificacion" not in pagina.controles
    assert "Te notificaremos las decisiones de este trámite en tu casilla electrónica" in pagina.texto()
    assert pagina.enlace("Revisa tus avisos y tu consentimiento") == "/cuenta/avisos/"
    respuesta = web.post(url_paso(borrador, "revisar"), {"declaracion_jurada": "on"})
    assert respuesta.status_code == 302
    assert ConsentimientoNotificacion.objects.filter(usuario=ciudadano).count() == 1
