"""The legal notification date of a notice in the casilla under each rule
the entity may choose (tramites/constancias/fechas.py), across a weekend and
Fiestas Patrias: a notice deposited on Friday 24 July 2026, with Saturday 25,
Sunday 26, Tuesday 28 and Wednesday 29 (national holidays) not counting."""

import datetime

import pytest

from ciudadanos.models import Notificacion
from tests.fixtures import en_lima
from tramites.constancias.fechas import configuracion_revisar, fecha_notificacion, fecha_tacita
from tramites.models import DiaNoLaborable
from tramites.plazos import Calendario

D = datetime.date
VIERNES = en_lima(2026, 7, 24, 10, 15)


def aviso(depositada_en=VIERNES, leida_en=None) -> Notificacion:
    """A notice as the rules read it (only its times matter)."""
    return Notificacion(depositada_en=depositada_en, leida_en=leida_en)


@pytest.fixture
def calendario():
    return Calendario(no_laborables=())


# --- "deposito": the day of the deposit ---------------------------------------------------------


@pytest.mark.parametrize("leida_en", [None, en_lima(2026, 7, 30, 9), en_lima(2026, 8, 20, 9)])
def test_por_deposito_es_el_dia_del_deposito_se_abra_o_no(calendario, leida_en):
    assert fecha_notificacion(notificacion=aviso(leida_en=leida_en), regla="deposito",
                              calendario=calendario) == D(2026, 7, 24)


def test_por_deposito_cuenta_el_dia_de_lima_no_el_de_utc(calendario):
    # 23:30 in Lima is already Saturday 04:30 in UTC: the notice is Friday's.
    noche = en_lima(2026, 7, 24, 23, 30)
    assert noche.astimezone(datetime.UTC).date() == D(2026, 7, 25)
    assert fecha_notificacion(notificacion=aviso(noche), regla="deposito", calendario=calendario) == D(2026, 7, 24)


def test_por_deposito_en_sabado_es_el_sabado(calendario):
    # The act is notified that day; its terms start on the next business day (art. 144).
    sabado = aviso(en_lima(2026, 7, 25, 11))
    assert fecha_notificacion(notificacion=sabado, regla="deposito", calendario=calendario) == D(2026, 7, 25)


# --- "apertura": the day of the first opening --------------------------------------------------------


def test_por_apertura_no_hay_fecha_mientras_no_se_abra(calendario):
    assert fecha_notificacion(notificacion=aviso(), regla="apertura", calendario=calendario,
                              hoy=D(2026, 12, 31)) is None


def test_por_apertura_es_el_dia_en_que_se_abre_aunque_sea_feriado(calendario):
    abierta = aviso(leida_en=en_lima(2026, 7, 29, 20, 5))  # Wednesday 29: Fiestas Patrias
    assert fecha_notificacion(notificacion=abierta, regla="apertura", calendario=calendario) == D(2026, 7, 29)


# --- "dias_habiles": the opening, or N business days after the deposit --------------------------------


def test_el_plazo_tacito_salta_el_fin_de_semana_y_las_fiestas_patrias(calendario):
    # Monday 27 (1), Thursday 30 (2), Friday 31 (3), Monday 3 (4), Tuesday 4 August (5).
    assert fecha_tacita(notificacion=aviso(), dias=5, calendario=calendario) == D(2026, 8, 4)
    # Deposited on Saturday: counting also starts the day after, so the same Tuesday.
    assert fecha_tacita(notificacion=aviso(en_lima(2026, 7, 25, 9)), dias=5, calendario=calendario) == D(2026, 8, 4)


@pytest.mark.django_db
def test_el_plazo_tacito_salta_los_dias_no_laborables_de_la_entidad():
    DiaNoLaborable.objects.create(fecha=D(2026, 7, 27), motivo="Aniversario del distrito")
    # Without Monday 27, the fifth business day is Wednesday 5 August (Thursday 6 is a holiday too).
    assert fecha_tacita(notificacion=aviso(), dias=5, calendario=Calendario()) == D(2026, 8, 5)


def test_por_dias_habiles_sin_abrir_no_surte_efecto_antes_del_quinto_dia_habil(calendario):
    assert fecha_notificacion(notificacion=aviso(), regla="dias_habiles", dias=5, calendario=calendario,
                              hoy=D(2026, 8, 3)) is None


def test_por_dias_habiles_sin_abrir_surte_efecto_el_quinto_dia_habil(calendario):
    for hoy in (D(2026, 8, 4), D(2026, 9, 1)):
        assert fecha_notificacion(notificacion=aviso(), regla="dias_habiles", dias=5, calendario=calendario,
                                  hoy=hoy) == D(2026, 8, 4)


def test_por_dias_habiles_abierta_antes_es_el_dia_de_la_apertura(calendario):
    abierta = aviso(leida_en=en_lima(2026, 7, 28, 8))  # opened on the holiday
    assert fecha_notificacion(notificacion=abierta, regla="dias_habiles", dias=5, calendario=calendario,
                              hoy=D(2026, 7, 28)) == D(2026, 7, 28)


def test_por_dias_habiles_abierta_despues_es_el_quinto_dia_habil(calendario):
    tarde = aviso(leida_en=en_lima(2026, 8, 10, 9))
    assert fecha_notificacion(notificacion=tarde, regla="dias_habiles", dias=5, calendario=calendario,
                              hoy=D(2026, 8, 10)) == D(2026, 8, 4)


def test_la_regla_por_defecto_es_la_de_la_entidad(settings, calendario):
    settings.NOTIFICACION_EFECTO = "apertura"
    assert fecha_notificacion(notificacion=aviso(), calendario=calendario) is None
    settings.NOTIFICACION_EFECTO = "deposito"
    assert fecha_notificacion(notificacion=aviso(), calendario=calendario) == D(2026, 7, 24)
    settings.NOTIFICACION_EFECTO = "por_correo"
    with pytest.raises(ValueError, match="NOTIFICACION_EFECTO"):
        fecha_notificacion(notificacion=aviso(), calendario=calendario)


def test_una_regla_mal_escrita_se_detecta_al_arrancar(settings):
    assert configuracion_revisar() == []
    settings.NOTIFICACION_EFECTO = "al_deposito"
    settings.NOTIFICACION_DIAS_HABILES = 0
    assert [e.id for e in configuracion_revisar()] == ["tramites.E001", "tramites.E002"]
