"""The PIDE client against the local stand-in, a real process: each mode of
the stand-in gives what the portal promises, every lookup is recorded once,
the circuit breaker opens and closes, and cache hits are recorded as such."""

import logging
import time

import pytest
from django.conf import settings
from django.core.cache import cache

from ciudadanos import pide
from ciudadanos.models import ConsultaPide, OrigenConsulta
from tests import factories
from tests.fixtures import esperar

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def titular(db):
    return factories.PerfilFactory(numero_documento="40000001").usuario


@pytest.fixture
def nuevas(pide_simulado_proceso):
    """The requests the stand-in receives from here on."""
    antes = len(pide_simulado_proceso.peticiones())
    return lambda: pide_simulado_proceso.peticiones()[antes:]


def consultar(titular, dni="40000001", **extra):
    return pide.persona_consultar(
        dni=dni, titular=titular, origen=OrigenConsulta.CIUDADANO, motivo="Completar tu perfil",
        solicitada_por=titular, **extra,
    )


def registros():
    return list(ConsultaPide.objects.order_by("id").values_list("servicio", "documento", "resultado", "en_cache"))


def test_encontrado_y_luego_desde_la_cache(usar_pide, titular, nuevas):
    persona = consultar(titular, referencia="perfil")
    assert persona == pide.Persona("40000001", "ROSA ELENA", "QUISPE", "HUAMAN")
    assert consultar(titular) == persona
    assert registros() == [("reniec", "40000001", "encontrado", False), ("reniec", "40000001", "encontrado", True)]
    assert nuevas() == ["POST /RENIEC/Consultar 40000001 0000"]  # the second one never left the portal
    consulta = ConsultaPide.objects.order_by("id").first()
    assert (consulta.titular, consulta.solicitada_por, consulta.origen, consulta.motivo, consulta.referencia) == (
        titular, titular, "ciudadano", "Completar tu perfil", "perfil")


def test_la_clave_de_la_cache_no_revela_el_dni(usar_pide, titular):
    consultar(titular)
    cliente = cache._cache.get_client(write=True)
    claves = [c.decode() for c in cliente.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*")]
    assert any("pide:reniec:r:" in c for c in claves)
    assert not any("40000001" in c for c in claves)


def test_no_encontrado(usar_pide, titular, nuevas):
    with pytest.raises(pide.NoEncontrado):
        consultar(titular, "49999990")
    assert registros() == [("reniec", "49999990", "no_encontrado", False)]
    with pytest.raises(pide.NoEncontrado):  # not cached: asked again
        consultar(titular, "49999990")
    assert len(nuevas()) == 2


@pytest.mark.parametrize("clave, texto", [
    ("otra-clave", "revisa PIDE_USUARIO_DNI, PIDE_RUC_ENTIDAD y PIDE_CLAVE"),
    ("clave-vencida", "la clave de la entidad venció"),
])
def test_credenciales_de_la_entidad_rechazadas(usar_pide, titular, caplog, clave, texto):
    usar_pide.PIDE_CLAVE = clave
    with caplog.at_level(logging.ERROR, logger="ciudadanos.pide"), pytest.raises(pide.NoDisponible):
        consultar(titular)
    assert registros() == [("reniec", "40000001", "rechazada", False)]
    errores = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errores) == 1 and texto in errores[0].getMessage()
    assert clave not in errores[0].getMessage()  # the password is never logged


def test_lento_corta_a_los_dos_segundos_sin_reintentar(usar_pide, titular, nuevas):
    inicio = time.monotonic()
    with pytest.raises(pide.NoDisponible):
        consultar(titular, "49999991")
    assert time.monotonic() - inicio < 2.9  # the stand-in takes 3 s: the portal did not wait for it
    assert registros() == [("reniec", "49999991", "no_disponible", False)]
    assert len(esperar(nuevas, 5)) == 1  # a slow answer is not asked for again


def test_caido_reintenta_una_vez(usar_pide, titular, nuevas):
    with pytest.raises(pide.NoDisponible):
        consultar(titular, "49999992")
    assert registros() == [("reniec", "49999992", "no_disponible", False)]
    assert nuevas() == ["POST /RENIEC/Consultar 49999992 503"] * 2


def test_sin_conexion(usar_pide, titular):
    from tests.procesos import puerto_libre

    usar_pide.PIDE_URL = f"http://127.0.0.1:{puerto_libre()}"
    with pytest.raises(pide.NoDisponible):
        consultar(titular)
    assert registros() == [("reniec", "40000001", "no_disponible", False)]


def test_sin_pide_url_no_consulta_ni_registra(settings, titular, nuevas):
    settings.PIDE_URL = ""
    with pytest.raises(pide.NoDisponible):
        consultar(titular)
    assert registros() == [] and nuevas() == []
    assert not pide.disponible("reniec")


def test_el_corte_se_abre_tras_los_fallos_y_se_cierra_solo(usar_pide, titular, nuevas):
    usar_pide.PIDE_CORTE_FALLOS = 2
    usar_pide.PIDE_CORTE_SEGUNDOS = 1
    usar_pide.PIDE_REINTENTOS = 0
    for _ in range(2):
        with pytest.raises(pide.NoDisponible):
            consultar(titular, "49999992")
    assert not pide.disponible("reniec")
    with pytest.raises(pide.NoDisponible):  # open: not even sent
        consultar(titular, "40000001")
    assert len(nuevas()) == 2
    assert registros()[-1] == ("reniec", "40000001", "no_disponible", False)
    assert pide.disponible("sunat")  # one service's outage does not cut the other

    assert esperar(lambda: pide.disponible("reniec"), 5)
    assert consultar(titular).nombres == "ROSA ELENA"
    assert nuevas()[-1] == "POST /RENIEC/Consultar 40000001 0000"
    # A success resets the count: one more failure does not open it again.
    with pytest.raises(pide.NoDisponible):
        consultar(titular, "49999992")
    assert pide.disponible("reniec")


@pytest.mark.parametrize("ruc, razon, estado, condicion", [
    ("20600000013", "COMERCIAL LOS ANDES S.A.C.", "ACTIVO", "HABIDO"),
    ("20600000021", "INVERSIONES RIMAC E.I.R.L.", "BAJA DE OFICIO", "HABIDO"),
    ("20600000030", "TRANSPORTES SELVA S.R.L.", "ACTIVO", "NO HABIDO"),
])
def test_sunat(usar_pide, titular, ruc, razon, estado, condicion):
    contribuyente = pide.contribuyente_consultar(
        ruc=ruc, titular=titular, origen=OrigenConsulta.CIUDADANO, motivo="Agregar una empresa que representas",
    )
    assert (contribuyente.ruc, contribuyente.razon_social, contribuyente.estado, contribuyente.condicion) == (
        ruc, razon, estado, condicion)
    assert contribuyente.domicilio_fiscal
    assert registros() == [("sunat", ruc, "encontrado", False)]


def test_sunat_no_encontrado(usar_pide, titular):
    with pytest.raises(pide.NoEncontrado):
        pide.contribuyente_consultar(ruc="20600000048", titular=titular, origen="ciudadano", motivo="x")
    assert registros() == [("sunat", "20600000048", "no_encontrado", False)]
