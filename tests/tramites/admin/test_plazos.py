"""The daily beat job: observations not corrected in time, silencio positivo
and silencio negativo, counted in business days (weekends and holidays skipped),
idempotent, and scheduled in Celery beat."""

import datetime

import pytest
import time_machine
from django.conf import settings

from tests import factories
from tests.fixtures import INFORMACION, ORGANIZACIONES, en_lima, fresca, presentar, servidor_de
from tramites import services, tasks
from tramites.models import Estado, Evento, Solicitud, TipoEvento

from .conftest import correos_de_estado

D = datetime.date
CERO = {"no_presentadas": 0, "silencio_positivo": 0, "silencio_negativo": 0}


def correr(momento, al_confirmar, **kwargs):
    """Runs the job as beat does (no date given: today in Lima at that moment)."""
    with time_machine.travel(momento, tick=False), al_confirmar():
        return services.plazos_vencidos_procesar(**kwargs)


@pytest.fixture
def observada_un_viernes(catalogo, ciudadano, al_confirmar):
    """Filed and observed on Friday 24 July 2026."""
    with time_machine.travel(en_lima(2026, 7, 24, 9), tick=False), al_confirmar():
        solicitud = presentar(ciudadano, INFORMACION)
        jefe = servidor_de("SG", "jefe")
        services.solicitud_tomar(solicitud=solicitud, servidor=jefe)
        observacion = services.solicitud_observar(
            solicitud=solicitud, servidor=jefe, mensaje="Precisa de qué sesiones."
        )
    return solicitud, observacion


def test_el_plazo_para_subsanar_salta_el_fin_de_semana_y_fiestas_patrias(observada_un_viernes):
    _solicitud, observacion = observada_un_viernes
    # Sat 25 and Sun 26: weekend; Mon 27: day 1; Tue 28 and Wed 29: Fiestas
    # Patrias; Thu 30: day 2.
    assert observacion.plazo == D(2026, 7, 30)


def test_en_el_dia_del_plazo_no_pasa_nada(observada_un_viernes, al_confirmar, mailoutbox):
    solicitud, _observacion = observada_un_viernes
    mailoutbox.clear()
    antes = list(Evento.objects.filter(solicitud=solicitud).values_list("pk", flat=True))
    for momento in (en_lima(2026, 7, 27, 0, 15), en_lima(2026, 7, 29, 0, 15),
                    en_lima(2026, 7, 30, 0, 15), en_lima(2026, 7, 30, 23, 59)):
        assert correr(momento, al_confirmar) == CERO
    assert fresca(solicitud).estado == Estado.OBSERVADA
    assert list(Evento.objects.filter(solicitud=solicitud).values_list("pk", flat=True)) == antes
    assert mailoutbox == []


def test_el_dia_despues_del_plazo_queda_no_presentada(observada_un_viernes, al_confirmar, mailoutbox):
    solicitud, _observacion = observada_un_viernes
    mailoutbox.clear()
    assert correr(en_lima(2026, 7, 31, 0, 15), al_confirmar) == {**CERO, "no_presentadas": 1}
    assert fresca(solicitud).estado == Estado.NO_PRESENTADA
    ultimo = Evento.objects.filter(solicitud=solicitud).last()
    assert (ultimo.tipo, ultimo.actor_id, ultimo.estado_anterior) == (
        TipoEvento.NO_PRESENTADA, None, Estado.OBSERVADA
    )
    assert len(mailoutbox) == 1
    assert solicitud.expediente in mailoutbox[0].subject
    assert mailoutbox[0].to == [solicitud.ciudadano.email]

    # Idempotent: the next day's run (or a repeated one) changes nothing more.
    eventos = Evento.objects.count()
    assert correr(en_lima(2026, 7, 31, 0, 20), al_confirmar) == CERO
    assert correr(en_lima(2026, 8, 1, 0, 15), al_confirmar) == CERO
    assert Evento.objects.count() == eventos
    assert len(mailoutbox) == 1


@pytest.fixture
def presentadas_un_lunes(catalogo, ciudadano, al_confirmar):
    """Filed on Monday 2 March 2026: a silencio positivo request (15 business
    days, due Monday 23 March), one of them already in evaluation, and a
    silencio negativo one (10 business days, due Monday 16 March)."""
    with time_machine.travel(en_lima(2026, 3, 2, 11), tick=False), al_confirmar():
        positiva = presentar(ciudadano, ORGANIZACIONES)
        en_evaluacion = presentar(factories.PerfilFactory().usuario, ORGANIZACIONES)
        services.solicitud_tomar(solicitud=en_evaluacion, servidor=servidor_de("SGPV", "evaluador"))
        negativa = presentar(ciudadano, INFORMACION)
    return positiva, fresca(en_evaluacion), negativa


def test_fechas_limite_en_dias_habiles(presentadas_un_lunes):
    positiva, en_evaluacion, negativa = presentadas_un_lunes
    assert positiva.fecha_limite == D(2026, 3, 23)
    assert en_evaluacion.fecha_limite == D(2026, 3, 23)
    assert negativa.fecha_limite == D(2026, 3, 16)


def test_silencio_positivo_aprueba_al_dia_siguiente_del_plazo(presentadas_un_lunes, al_confirmar, mailoutbox):
    positiva, en_evaluacion, _negativa = presentadas_un_lunes
    mailoutbox.clear()
    # The negativa is overdue too by then; only the positive ones are looked at here.
    resultado = correr(en_lima(2026, 3, 23, 23, 0), al_confirmar)
    assert resultado["silencio_positivo"] == 0
    assert fresca(positiva).estado == Estado.PRESENTADA

    mailoutbox.clear()
    resultado = correr(en_lima(2026, 3, 24, 0, 15), al_confirmar)
    assert resultado["silencio_positivo"] == 2
    for solicitud, anterior in ((positiva, Estado.PRESENTADA), (en_evaluacion, Estado.EN_EVALUACION)):
        final = fresca(solicitud)
        assert final.estado == Estado.APROBADA
        assert final.decidida_en is not None
        eventos = Evento.objects.filter(solicitud=solicitud, tipo=TipoEvento.SILENCIO_POSITIVO)
        assert [(e.actor_id, e.estado_anterior, e.estado_nuevo) for e in eventos] == [
            (None, anterior, Estado.APROBADA)
        ]
        assert "23/03/2026" in eventos[0].nota
    correos = {m.subject.split(":")[0]: m for m in correos_de_estado(mailoutbox)}
    assert set(correos) == {positiva.expediente, en_evaluacion.expediente}
    assert len(correos_de_estado(mailoutbox)) == 2
    assert "silencio positivo" in correos[positiva.expediente].subject
    assert correos[positiva.expediente].to == [positiva.ciudadano.email]


def test_silencio_negativo_avisa_una_vez_y_no_cambia_el_estado(presentadas_un_lunes, al_confirmar, mailoutbox):
    _positiva, _en_evaluacion, negativa = presentadas_un_lunes
    mailoutbox.clear()
    assert correr(en_lima(2026, 3, 16, 23, 0), al_confirmar) == CERO
    assert mailoutbox == []

    assert correr(en_lima(2026, 3, 17, 0, 15), al_confirmar) == {**CERO, "silencio_negativo": 1}
    assert fresca(negativa).estado == Estado.PRESENTADA
    eventos = Evento.objects.filter(solicitud=negativa, tipo=TipoEvento.SILENCIO_NEGATIVO)
    assert [(e.estado_anterior, e.estado_nuevo, e.actor_id) for e in eventos] == [
        (Estado.PRESENTADA, Estado.PRESENTADA, None)
    ]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith(negativa.expediente)
    assert "16/03/2026" in eventos[0].nota

    assert correr(en_lima(2026, 3, 18, 0, 15), al_confirmar) == CERO
    assert Evento.objects.filter(solicitud=negativa, tipo=TipoEvento.SILENCIO_NEGATIVO).count() == 1
    assert len(mailoutbox) == 1


def test_una_segunda_corrida_no_cambia_nada_mas(presentadas_un_lunes, ciudadano, al_confirmar, mailoutbox):
    positiva, en_evaluacion, negativa = presentadas_un_lunes
    with time_machine.travel(en_lima(2026, 4, 6, 9), tick=False), al_confirmar():
        observada = presentar(ciudadano, ORGANIZACIONES)
        services.solicitud_observar(solicitud=observada, servidor=servidor_de("SGPV", "jefe"),
                                    mensaje="Falta la firma del acta.")
    mailoutbox.clear()

    primera = correr(en_lima(2026, 4, 15, 0, 15), al_confirmar)
    assert primera == {"no_presentadas": 1, "silencio_positivo": 2, "silencio_negativo": 1}
    estados = dict(Solicitud.objects.values_list("pk", "estado"))
    assert estados[observada.pk] == Estado.NO_PRESENTADA
    eventos, correos = Evento.objects.count(), len(mailoutbox)
    assert len(correos_de_estado(mailoutbox)) == 4

    for momento in (en_lima(2026, 4, 15, 0, 16), en_lima(2026, 4, 16, 0, 15)):
        assert correr(momento, al_confirmar) == CERO
    assert dict(Solicitud.objects.values_list("pk", "estado")) == estados
    assert Evento.objects.count() == eventos
    assert len(mailoutbox) == correos


def test_la_tarea_de_celery_corre_y_esta_en_el_beat(presentadas_un_lunes, al_confirmar, mailoutbox):
    _positiva, _en_evaluacion, negativa = presentadas_un_lunes
    mailoutbox.clear()
    programadas = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks.plazos_vencidos_procesar.name == "tramites.tasks.plazos_vencidos_procesar"
    assert tasks.plazos_vencidos_procesar.name in programadas

    with time_machine.travel(en_lima(2026, 3, 17, 0, 15), tick=False), al_confirmar():
        resultado = tasks.plazos_vencidos_procesar.delay().get()
    assert resultado == {**CERO, "silencio_negativo": 1}
    assert Evento.objects.filter(solicitud=negativa, tipo=TipoEvento.SILENCIO_NEGATIVO).count() == 1
    assert len(mailoutbox) == 1
