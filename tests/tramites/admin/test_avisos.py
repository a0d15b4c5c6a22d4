"""Every state change tells the citizen in their casilla. An observation or
a decision (legal effect) is also emailed, once, after the commit; routine
changes wait for the day's digest."""

import pytest

from ciudadanos.models import CategoriaAviso, Notificacion
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


def _una_novedad(django_capture_on_commit_callbacks, mailoutbox, solicitud, hacer) -> Notificacion:
    """A routine change: its notice is in the casilla, and no email goes now."""
    mailoutbox.clear()
    antes = Notificacion.objects.filter(usuario=solicitud.ciudadano).count()
    with django_capture_on_commit_callbacks(execute=True):
        hacer()
    assert correos_de_estado(mailoutbox) == []
    nuevas = list(Notificacion.objects.filter(usuario=solicitud.ciudadano).order_by("pk")[antes:])
    assert [(n.categoria, n.alertada_en) for n in nuevas] == [(CategoriaAviso.NOVEDAD, None)]
    assert solicitud.expediente in nuevas[0].asunto
    return nuevas[0]


@pytest.fixture
def gente(catalogo):
    return {"jefe": servidor_de("SG", "jefe"), "evaluador": servidor_de("SG", "evaluador"),
            "mesa": servidor_de("MPA", "mesa")}


def test_cada_cambio_de_estado_un_aviso_y_las_decisiones_un_correo(
    gente, ciudadano, mailoutbox, django_capture_on_commit_callbacks
):
    jefe, evaluador, mesa = gente["jefe"], gente["evaluador"], gente["mesa"]
    with django_capture_on_commit_callbacks(execute=True):
        solicitud = presentar(ciudadano, INFORMACION)
    assert correos_de_estado(mailoutbox) == []
    assert Notificacion.objects.get(usuario=ciudadano).asunto == f"{solicitud.expediente}: recibimos tu solicitud"

    novedades = [
        (lambda: services.solicitud_asignar(solicitud=solicitud, servidor=mesa, asignado=evaluador),
         "en evaluación"),
        (lambda: services.solicitud_subsanar(solicitud=solicitud, ciudadano=ciudadano,
                                             respuestas={"informacion": "Actas de 2025."}),
         "subsanación"),
    ]
    legales = [
        (lambda: services.solicitud_observar(solicitud=solicitud, servidor=evaluador, mensaje="Precisa el año."),
         "observación"),
        (lambda: services.solicitud_aprobar(solicitud=solicitud, servidor=jefe), "aprobada"),
    ]
    for (novedad, palabra_novedad), (legal, palabra_legal) in zip(novedades, legales, strict=True):
        aviso = _una_novedad(django_capture_on_commit_callbacks, mailoutbox, solicitud, novedad)
        assert palabra_novedad in aviso.asunto
        correo = _una_transicion(django_capture_on_commit_callbacks, mailoutbox, solicitud, legal)
        assert palabra_legal in correo.subject


def test_tomar_denegar_y_desistir_tambien(gente, ciudadano, mailoutbox, django_capture_on_commit_callbacks):
    jefe = gente["jefe"]
    una, otra = presentar(ciudadano, INFORMACION), presentar(ciudadano, INFORMACION)
    aviso = _una_novedad(django_capture_on_commit_callbacks, mailoutbox, una,
                         lambda: services.solicitud_tomar(solicitud=una, servidor=jefe))
    assert "en evaluación" in aviso.asunto
    correo = _una_transicion(django_capture_on_commit_callbacks, mailoutbox, una,
                             lambda: services.solicitud_denegar(solicitud=una, servidor=jefe,
                                                                motivo="La información no existe."))
    assert "denegada" in correo.subject
    aviso = _una_novedad(django_capture_on_commit_callbacks, mailoutbox, otra,
                         lambda: services.solicitud_desistir(solicitud=otra, ciudadano=ciudadano))
    assert "desistimiento" in aviso.asunto


def test_una_accion_rechazada_no_envia_nada(gente, ciudadano, mailoutbox, al_confirmar):
    solicitud = presentar(ciudadano, INFORMACION)
    mailoutbox.clear()
    with al_confirmar(), pytest.raises(services.TransicionNoPermitida):
        services.solicitud_aprobar(solicitud=solicitud, servidor=gente["jefe"])
    assert mailoutbox == []
