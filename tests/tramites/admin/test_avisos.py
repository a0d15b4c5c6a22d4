"""Every state change tells the citizen by email, once, after the commit."""

import pytest

from tests.fixtures import INFORMACION, presentar, servidor_de
from tramites import services

from .conftest import correos_de_estado


def _una_transicion(django_capture_on_commit_callbacks, mailoutbox, solicitud, hacer):
    """Nothing is sent while the transaction is open; one email once it commits."""
    mailoutbox.clear()
    with django_capture_on_commit_callbacks() as pendientes:
        hacer()
    assert mailoutbox == []
    assert pendientes
    for funcion in pendientes:
        funcion()
    correos = correos_de_estado(mailoutbox)
    assert len(correos) == 1, [m.subject for m in mailoutbox]
    correo = correos[0]
    assert solicitud.expediente in correo.subject
    assert correo.to == [solicitud.ciudadano.email]
    return correo


@pytest.fixture
def gente(catalogo):
    return {"jefe": servidor_de("SG", "jefe"), "evaluador": servidor_de("SG", "evaluador"),
            "mesa": servidor_de("MPA", "mesa")}


def test_cada_cambio_de_estado_un_correo(gente, ciudadano, mailoutbox, django_capture_on_commit_callbacks):
    jefe, evaluador, mesa = gente["jefe"], gente["evaluador"], gente["mesa"]
    with django_capture_on_commit_callbacks(execute=True):
        solicitud = presentar(ciudadano, INFORMACION)
    assert [m.subject for m in mailoutbox] == [f"{solicitud.expediente}: recibimos tu solicitud"]

    pasos = [
        (lambda: services.solicitud_asignar(solicitud=solicitud, servidor=mesa, asignado=evaluador),
         "en evaluación"),
        (lambda: services.solicitud_observar(solicitud=solicitud, servidor=evaluador, mensaje="Precisa el año."),
         "observación"),
        (lambda: services.solicitud_subsanar(solicitud=solicitud, ciudadano=ciudadano,
                                             respuestas={"informacion": "Actas de 2025."}),
         "subsanación"),
        (lambda: services.solicitud_aprobar(solicitud=solicitud, servidor=jefe), "aprobada"),
    ]
    for hacer, palabra in pasos:
        correo = _una_transicion(django_capture_on_commit_callbacks, mailoutbox, solicitud, hacer)
        assert palabra in correo.subject


def test_tomar_denegar_y_desistir_tambien(gente, ciudadano, mailoutbox, django_capture_on_commit_callbacks):
    jefe = gente["jefe"]
    una, otra = presentar(ciudadano, INFORMACION), presentar(ciudadano, INFORMACION)
    correo = _una_transicion(django_capture_on_commit_callbacks, mailoutbox, una,
                             lambda: services.solicitud_tomar(solicitud=una, servidor=jefe))
    assert "en evaluación" in correo.subject
    correo = _una_transicion(django_capture_on_commit_callbacks, mailoutbox, una,
                             lambda: services.solicitud_denegar(solicitud=una, servidor=jefe,
                                                                motivo="La información no existe."))
    assert "denegada" in correo.subject
    correo = _una_transicion(django_capture_on_commit_callbacks, mailoutbox, otra,
                             lambda: services.solicitud_desistir(solicitud=otra, ciudadano=ciudadano))
    assert "desistimiento" in correo.subject


def test_una_accion_rechazada_no_envia_nada(gente, ciudadano, mailoutbox, al_confirmar):
    solicitud = presentar(ciudadano, INFORMACION)
    mailoutbox.clear()
    with al_confirmar(), pytest.raises(services.TransicionNoPermitida):
        services.solicitud_aprobar(solicitud=solicitud, servidor=gente["jefe"])
    assert mailoutbox == []
