"""Due dates in días hábiles, as the citizen reads them on the confirmation:
weekends, national holidays and the entity's own non-working days do not count;
counting starts the day after filing; a filing on a non-business day counts from
the next business day."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.fixtures import DOMICILIO, en_lima, presentar
from tramites.models import DiaNoLaborable
from tramites.plazos import Calendario

D = datetime.date


@pytest.fixture
def calendario(db):
    return Calendario()


def test_cinco_dias_habiles_saltan_el_fin_de_semana(calendario):
    # Thursday 5 March 2026: Fri 6 (1), Mon 9 (2), Tue 10 (3), Wed 11 (4), Thu 12 (5).
    assert calendario.vencimiento(D(2026, 3, 5), 5) == D(2026, 3, 12)
    # Friday 6 March: Mon 9 ... Fri 13.
    assert calendario.vencimiento(D(2026, 3, 6), 5) == D(2026, 3, 13)
    assert calendario.vencimiento(D(2026, 3, 6), 1) == D(2026, 3, 9)


def test_fiestas_patrias_no_cuentan(calendario):
    # Friday 24 July 2026: Mon 27 (1); 28 and 29 July are national holidays;
    # Thu 30 (2), Fri 31 (3), Mon 3 Aug (4), Tue 4 Aug (5).
    assert not calendario.es_habil(D(2026, 7, 28))
    assert not calendario.es_habil(D(2026, 7, 29))
    assert calendario.es_habil(D(2026, 7, 27))
    assert calendario.vencimiento(D(2026, 7, 24), 5) == D(2026, 8, 4)
    # One day filed on Monday 27 July lands after both holidays.
    assert calendario.vencimiento(D(2026, 7, 27), 1) == D(2026, 7, 30)


def test_inmaculada_concepcion_no_cuenta(calendario):
    # Monday 7 December 2026: 8 December (Inmaculada Concepción) and 9 December
    # (Batalla de Ayacucho) are holidays: Thu 10 (1), Fri 11 (2), Mon 14 (3).
    assert not calendario.es_habil(D(2026, 12, 8))
    assert calendario.vencimiento(D(2026, 12, 7), 3) == D(2026, 12, 14)


def test_dia_no_laborable_de_la_entidad_no_cuenta(db):
    assert Calendario().vencimiento(D(2026, 3, 5), 5) == D(2026, 3, 12)
    DiaNoLaborable.objects.create(fecha=D(2026, 3, 10), motivo="Aniversario del distrito")
    calendario = Calendario()
    assert not calendario.es_habil(D(2026, 3, 10))
    assert calendario.vencimiento(D(2026, 3, 5), 5) == D(2026, 3, 13)


def test_calendario_lee_los_dias_no_laborables_una_sola_vez(db, django_assert_num_queries):
    DiaNoLaborable.objects.create(fecha=D(2026, 3, 10), motivo="Aniversario del distrito")
    with django_assert_num_queries(1):
        calendario = Calendario()
        calendario.vencimiento(D(2026, 3, 5), 30)
        calendario.entre(D(2026, 1, 1), D(2026, 12, 31))


def test_presentar_en_sabado_cuenta_desde_el_lunes(calendario):
    sabado, domingo, lunes = D(2026, 3, 7), D(2026, 3, 8), D(2026, 3, 9)
    assert calendario.siguiente_habil(sabado) == lunes
    assert calendario.siguiente_habil(domingo) == lunes
    assert calendario.siguiente_habil(lunes) == lunes
    for dias in (1, 2, 5, 10):
        assert calendario.vencimiento(sabado, dias) == calendario.vencimiento(lunes, dias)
    # Day 1 is Tuesday, not Monday.
    assert calendario.vencimiento(sabado, 1) == D(2026, 3, 10)


def test_presentar_en_feriado_cuenta_desde_el_siguiente_habil(calendario):
    # Filed on Tuesday 28 July (holiday): counts as filed on Thursday 30 July.
    assert calendario.vencimiento(D(2026, 7, 28), 1) == D(2026, 7, 31)


def test_entre_cuenta_los_dias_habiles_despues_de_desde_hasta_hasta(calendario):
    # Fri 24 July -> Fri 31 July: Mon 27, Thu 30, Fri 31 (28 and 29 are holidays).
    assert calendario.entre(D(2026, 7, 24), D(2026, 7, 31)) == 3
    # Friday -> Monday: only the Monday.
    assert calendario.entre(D(2026, 3, 6), D(2026, 3, 9)) == 1
    # Saturday -> Sunday: none.
    assert calendario.entre(D(2026, 3, 7), D(2026, 3, 8)) == 0
    assert calendario.entre(D(2026, 3, 9), D(2026, 3, 9)) == 0
    assert calendario.entre(D(2026, 3, 12), D(2026, 3, 9)) == 0


def test_entre_y_sumar_son_coherentes(calendario):
    desde = D(2026, 7, 20)
    for dias in range(1, 25):
        assert calendario.entre(desde, calendario.sumar(desde, dias)) == dias


def test_el_plazo_cruza_el_cambio_de_anio(calendario):
    # Wed 30 Dec 2026, 3 days: Thu 31 (1); Fri 1 Jan is a holiday; Mon 4 Jan (2), Tue 5 (3).
    assert calendario.vencimiento(D(2026, 12, 30), 3) == D(2027, 1, 5)


# --- The due date the service writes ----------------------------------------------------------


@pytest.mark.django_db
def test_solicitud_presentada_un_viernes_antes_de_fiestas_patrias(catalogo, ciudadano):
    # Friday 24 July 2026, 18:30 in Lima (23:30 UTC, still Friday in Lima).
    with time_machine.travel(en_lima(2026, 7, 24, 18, 30), tick=False):
        solicitud = presentar(ciudadano, DOMICILIO)
    assert timezone.localtime(solicitud.presentada_en).date() == D(2026, 7, 24)
    assert solicitud.fecha_limite == D(2026, 8, 4)  # 5 business days


@pytest.mark.django_db
def test_solicitud_presentada_un_sabado_vence_como_si_fuera_el_lunes(catalogo, ciudadano, otro_ciudadano):
    with time_machine.travel(en_lima(2026, 3, 7, 11), tick=False):
        sabado = presentar(ciudadano, DOMICILIO)
    with time_machine.travel(en_lima(2026, 3, 9, 9), tick=False):
        lunes = presentar(otro_ciudadano, DOMICILIO)
    assert sabado.fecha_limite == lunes.fecha_limite == D(2026, 3, 16)


@pytest.mark.django_db
def test_hora_de_lima_decide_el_dia_de_presentacion(catalogo, ciudadano):
    # 21:00 on Friday in Lima is already Saturday in UTC: the filing is still Friday's.
    with time_machine.travel(en_lima(2026, 3, 6, 21), tick=False):
        solicitud = presentar(ciudadano, DOMICILIO)
    assert solicitud.fecha_limite == D(2026, 3, 13)


@pytest.mark.django_db
def test_dia_no_laborable_alarga_el_plazo_de_la_solicitud(catalogo, ciudadano):
    DiaNoLaborable.objects.create(fecha=D(2026, 3, 10), motivo="Duelo municipal")
    with time_machine.travel(en_lima(2026, 3, 5), tick=False):
        solicitud = presentar(ciudadano, DOMICILIO)
    assert solicitud.fecha_limite == D(2026, 3, 13)
