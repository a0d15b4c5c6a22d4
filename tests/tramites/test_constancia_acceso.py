"""Who gets a constancia de notificación: the citizen who follows the request
(from its page) and the staff of its offices (from its admin page); anyone
else, or a guessed id, gets 404. While its PDF is being signed, the citizen
gets a page that says so, with links that work without JavaScript."""

import pytest
from django.test import Client

from ciudadanos.models import CategoriaAviso, Notificacion
from egov.models import EstadoDocumento
from tests.fixtures import DOMICILIO, presentar, servidor_de
from tests.tramites.conftest import Pagina
from tests.tramites.test_notificacion_legal import descargar, observar, texto_pdf
from tramites.constancias.models import ConstanciaNotificacion

pytestmark = pytest.mark.django_db


def url_constancia(solicitud, aviso) -> str:
    return f"/mis-tramites/{solicitud.expediente}/notificaciones/{aviso.pk}/constancia/"


def url_admin_constancia(solicitud, aviso) -> str:
    return f"/admin/tramites/solicitud/{solicitud.pk}/notificaciones/{aviso.pk}/constancia/"


@pytest.fixture
def observada(catalogo, ciudadano, django_capture_on_commit_callbacks):
    solicitud = presentar(ciudadano, DOMICILIO)
    return solicitud, observar(solicitud, django_capture_on_commit_callbacks)


def test_el_ciudadano_descarga_la_constancia_desde_la_pagina_de_su_solicitud(observada, ciudadano, web):
    solicitud, aviso = observada
    web.force_login(ciudadano)
    pagina = Pagina(web.get(solicitud.get_absolute_url()))
    texto = pagina.texto()
    assert "Notificaciones" in texto and aviso.asunto in texto and "Sin abrir" in texto
    enlace = pagina.enlace("Descargar constancia de notificación")
    assert enlace == url_constancia(solicitud, aviso)
    assert "Constancia de notificación" in texto_pdf(descargar(web, enlace))


def test_mientras_se_genera_una_pagina_lo_dice_y_ofrece_volver_a_intentar(observada, ciudadano, client):
    # A plain client: the PDF task waits for a commit that never comes here.
    solicitud, aviso = observada
    client.force_login(ciudadano)
    respuesta = client.get(url_constancia(solicitud, aviso))
    assert respuesta.status_code == 202
    pagina = Pagina(respuesta)
    assert "Estamos preparando tu constancia de notificación" in pagina.texto()
    assert pagina.enlace("Descargar ahora") == url_constancia(solicitud, aviso)
    assert pagina.enlace("Volver al expediente").startswith(solicitud.get_absolute_url())
    constancia = ConstanciaNotificacion.objects.get(notificacion=aviso)
    assert constancia.estado == EstadoDocumento.PENDIENTE
    assert constancia.codigo_legible in pagina.texto()
    # Asking again does not pile up rows.
    client.get(url_constancia(solicitud, aviso))
    assert ConstanciaNotificacion.objects.filter(notificacion=aviso).count() == 1


def test_otro_ciudadano_recibe_404(observada, otro_ciudadano, web):
    solicitud, aviso = observada
    web.force_login(otro_ciudadano)
    assert web.get(url_constancia(solicitud, aviso)).status_code == 404
    assert not ConstanciaNotificacion.objects.exists()


def test_un_id_adivinado_de_un_aviso_ajeno_bajo_el_expediente_propio_da_404(
    observada, ciudadano, otro_ciudadano, web, django_capture_on_commit_callbacks
):
    solicitud, _aviso = observada
    ajena = presentar(otro_ciudadano, DOMICILIO)
    aviso_ajeno = observar(ajena, django_capture_on_commit_callbacks)
    web.force_login(ciudadano)
    assert web.get(url_constancia(solicitud, aviso_ajeno)).status_code == 404
    assert web.get(url_constancia(ajena, aviso_ajeno)).status_code == 404


def test_un_aviso_sin_efectos_legales_no_tiene_constancia(observada, ciudadano, web):
    solicitud, _aviso = observada
    rutina = Notificacion.objects.get(usuario=ciudadano, categoria=CategoriaAviso.NOVEDAD)  # "recibimos tu solicitud"
    web.force_login(ciudadano)
    assert web.get(url_constancia(solicitud, rutina)).status_code == 404


def test_el_personal_de_la_oficina_la_descarga_desde_la_ficha_de_la_solicitud(
    observada, admin_de, django_capture_on_commit_callbacks
):
    solicitud, aviso = observada
    cliente = admin_de(servidor_de("SGPV", "evaluador"))
    ficha = Pagina(cliente.get(f"/admin/tramites/solicitud/{solicitud.pk}/change/"))
    assert "Notificaciones con efectos legales" in ficha.texto()
    enlace = ficha.enlace("Descargar constancia de notificación")
    assert enlace == url_admin_constancia(solicitud, aviso)
    with django_capture_on_commit_callbacks(execute=True):
        primera = cliente.get(enlace)
    assert primera.status_code == 302  # back to the request's page: it is being generated
    assert "se está generando" in Pagina(cliente.get(primera["Location"])).texto()
    respuesta = cliente.get(enlace)
    assert respuesta.status_code == 200 and respuesta["Content-Type"] == "application/pdf"
    assert aviso.asunto in texto_pdf(b"".join(respuesta.streaming_content))


def test_el_personal_de_otra_oficina_recibe_404(observada, admin_de):
    solicitud, aviso = observada
    cliente = admin_de(servidor_de("SG", "jefe"))
    assert cliente.get(url_admin_constancia(solicitud, aviso)).status_code == 404
    assert not ConstanciaNotificacion.objects.exists()


def test_un_ciudadano_no_entra_por_la_direccion_del_personal(observada, ciudadano):
    solicitud, aviso = observada
    cliente = Client()
    cliente.force_login(ciudadano)
    respuesta = cliente.get(url_admin_constancia(solicitud, aviso))
    assert respuesta.status_code == 302 and respuesta["Location"].startswith("/admin/login/")
