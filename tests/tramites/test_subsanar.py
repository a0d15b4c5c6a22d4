"""A correction must change something: a new document, a changed answer or a
comment that explains it. An empty one is refused, keeps what was typed and
leaves the request observed (no event, no restarted clock)."""

import pytest
import time_machine

from tests.fixtures import DOMICILIO, en_lima, presentar, servidor_de
from tests.tramites.conftest import Archivos, Pagina
from tramites import services
from tramites.archivos import archivo_revisar
from tramites.models import Estado, Evento, Observacion, Solicitud, TipoEvento
from tramites.services.evaluacion import SubsanacionVacia

pytestmark = pytest.mark.django_db

VACIA = ("Para subsanar, sube un documento nuevo, cambia una respuesta o escribe un comentario que explique "
         "la corrección.")


@pytest.fixture
def observada(catalogo, ciudadano):
    """Filed Monday 2 March 2026, observed Thursday 5 March (to correct by Monday 9)."""
    with time_machine.travel(en_lima(2026, 3, 2, 9), tick=False):
        solicitud = presentar(ciudadano, DOMICILIO)
    with time_machine.travel(en_lima(2026, 3, 5, 11), tick=False):
        services.solicitud_observar(
            solicitud=solicitud, servidor=servidor_de("SGPV", "jefe"), mensaje="El recibo está cortado."
        )
    return Solicitud.objects.get(pk=solicitud.pk)


def _estado(solicitud):
    solicitud = Solicitud.objects.get(pk=solicitud.pk)
    return (solicitud.estado, solicitud.fecha_limite, dict(solicitud.respuestas), solicitud.eventos.count(),
            solicitud.adjuntos.count(), Observacion.objects.filter(solicitud=solicitud, subsanada_en=None).count())


def test_una_subsanacion_vacia_se_rechaza_y_no_cambia_nada(observada, ciudadano):
    antes = _estado(observada)
    with time_machine.travel(en_lima(2026, 3, 6, 9), tick=False):
        with pytest.raises(SubsanacionVacia) as error:
            services.solicitud_subsanar(
                solicitud=observada, ciudadano=ciudadano, respuestas=dict(observada.respuestas), nota="  \n ",
            )
    assert str(error.value) == VACIA
    assert _estado(observada) == antes
    assert _estado(observada)[0] == Estado.OBSERVADA


def test_un_comentario_solo_basta(observada, ciudadano):
    with time_machine.travel(en_lima(2026, 3, 6, 9), tick=False):
        solicitud = services.solicitud_subsanar(
            solicitud=observada, ciudadano=ciudadano, respuestas=dict(observada.respuestas),
            nota="El recibo ya estaba completo: la página 2 tiene el sello.",
        )
    assert solicitud.estado == Estado.EN_EVALUACION
    ultimo = solicitud.eventos.last()
    assert (ultimo.tipo, ultimo.nota) == (TipoEvento.SUBSANADA, "El recibo ya estaba completo: la página 2 tiene el sello.")


def test_un_documento_nuevo_basta(observada, ciudadano):
    requerido = observada.tramite.adjuntos_requeridos.get()
    nuevo = archivo_revisar(Archivos.subido("recibo-entero.pdf", Archivos.pdf()), max_bytes=10**7)
    with time_machine.travel(en_lima(2026, 3, 6, 9), tick=False):
        solicitud = services.solicitud_subsanar(
            solicitud=observada, ciudadano=ciudadano, archivos=[(requerido, nuevo)], max_total=10**7,
        )
    assert solicitud.estado == Estado.EN_EVALUACION
    assert "recibo-entero.pdf" in [a.nombre_original for a in solicitud.adjuntos.filter(vigente=True)]


def test_una_respuesta_cambiada_basta(observada, ciudadano):
    with time_machine.travel(en_lima(2026, 3, 6, 9), tick=False):
        solicitud = services.solicitud_subsanar(
            solicitud=observada, ciudadano=ciudadano, respuestas={**observada.respuestas, "direccion": "Jr. Junín 999"},
        )
    assert solicitud.estado == Estado.EN_EVALUACION
    assert Solicitud.objects.get(pk=solicitud.pk).respuestas["direccion"] == "Jr. Junín 999"


def test_la_pagina_explica_la_subsanacion_vacia_y_guarda_lo_escrito(observada, web_ciudadano):
    url = f"/mis-tramites/{observada.expediente}/subsanar/"
    antes = _estado(observada)
    respuestas = observada.respuestas
    with time_machine.travel(en_lima(2026, 3, 6, 9), tick=True):
        respuesta = web_ciudadano.post(url, {
            "direccion": respuestas["direccion"], "distrito": respuestas["distrito"],
            "tiempo_residencia": respuestas["tiempo_residencia"], "finalidad": respuestas["finalidad"],
            "comentario": "",
        })
    assert respuesta.status_code == 400
    pagina = Pagina(respuesta)
    assert pagina.errores == [VACIA]
    assert pagina.valores["direccion"] == respuestas["direccion"]
    assert pagina.valores["tiempo_residencia"] == respuestas["tiempo_residencia"]
    assert _estado(observada) == antes
    assert not Evento.objects.filter(solicitud=observada, tipo=TipoEvento.SUBSANADA).exists()
