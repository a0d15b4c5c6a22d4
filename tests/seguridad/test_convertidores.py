"""The URL parameters that reach the database are checked when the URL is
resolved: an expediente number has its exact shape and an id fits the bigint
column, so a NUL byte, a huge number or any other junk answers 404, never a
500 from PostgreSQL."""

import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from egov.convertidores import ID_MAXIMO
from tests import factories

EXPEDIENTE = "EXP-2026-000123"

# Every address under a request's number, with the view that answers it.
BAJO_EL_EXPEDIENTE = [
    ("/mis-tramites/{}/", "tramites:mi_solicitud"),
    ("/mis-tramites/{}/confirmacion/", "tramites:confirmacion"),
    ("/mis-tramites/{}/subsanar/", "tramites:subsanar"),
    ("/mis-tramites/{}/desistir/", "tramites:desistir"),
    ("/mis-tramites/{}/valorar/", "transparencia:valorar"),
    ("/mis-tramites/{}/certificado.pdf", "tramites:documento"),
    ("/mis-tramites/{}/cargo.pdf", "tramites:documento"),
]

MALFORMADOS = [
    "x%00",
    "EXP-2026-000123%00",
    "%00EXP-2026-000123",
    "exp-2026-000123",
    "EXP-26-000123",
    "EXP-2026-12345",
    "EXP-2026-000123-1",
    "EXP-2026-00012a",
    "EXP-%EF%BC%92026-000123",  # a full-width digit
    "EXP-2026-" + "1" * 40,
    "..%2F..%2Fadmin",
]


@pytest.mark.parametrize("plantilla, nombre", BAJO_EL_EXPEDIENTE)
def test_un_expediente_bien_formado_llega_a_su_vista(plantilla, nombre):
    coincidencia = resolve(plantilla.format(EXPEDIENTE))
    assert coincidencia.view_name == nombre
    assert coincidencia.kwargs["expediente"] == EXPEDIENTE


@pytest.mark.parametrize("malformado", MALFORMADOS)
@pytest.mark.parametrize("plantilla, _nombre", BAJO_EL_EXPEDIENTE)
def test_un_expediente_malformado_no_llega_a_ninguna_vista(plantilla, _nombre, malformado):
    from urllib.parse import unquote

    with pytest.raises(Resolver404):
        resolve(unquote(plantilla.format(malformado)))


@pytest.mark.django_db
@pytest.mark.parametrize("plantilla, _nombre", BAJO_EL_EXPEDIENTE)
def test_un_nul_en_el_expediente_da_404_y_no_500(plantilla, _nombre):
    cliente = Client(raise_request_exception=False)
    cliente.force_login(factories.PerfilFactory().usuario)
    for malformado in ("x%00", f"{EXPEDIENTE}%00", "EXP-2026-00%0023"):
        for metodo in (cliente.get, cliente.post):
            respuesta = metodo(plantilla.format(malformado))
            assert respuesta.status_code == 404, f"{plantilla.format(malformado)} -> {respuesta.status_code}"


def test_los_numeros_que_crecen_mas_alla_de_seis_cifras_siguen_teniendo_direccion():
    # The yearly counter pads to six digits and keeps counting past 999999.
    assert reverse("tramites:mi_solicitud", kwargs={"expediente": "EXP-2026-1000000"}) == (
        "/mis-tramites/EXP-2026-1000000/"
    )


def test_no_se_construye_una_direccion_con_un_expediente_invalido():
    with pytest.raises(NoReverseMatch):
        reverse("tramites:mi_solicitud", kwargs={"expediente": "x\x00"})


@pytest.mark.parametrize("pk", ["1", "42", str(ID_MAXIMO), "007"])
def test_un_id_del_rango_de_la_columna_llega_a_la_vista(pk):
    coincidencia = resolve(f"/casilla/{pk}/")
    assert coincidencia.view_name == "ciudadanos:notificacion"
    assert coincidencia.kwargs["pk"] == int(pk)


@pytest.mark.parametrize("pk", ["0", "-1", str(ID_MAXIMO + 1), "9" * 19, "9" * 20, "1e3", "0x10", "1%00", "１"])
def test_un_id_fuera_de_rango_o_no_numerico_no_llega_a_la_vista(pk):
    from urllib.parse import unquote

    with pytest.raises(Resolver404):
        resolve(unquote(f"/casilla/{pk}/"))


@pytest.mark.django_db
def test_un_id_enorme_en_la_casilla_da_404():
    cliente = Client(raise_request_exception=False)
    cliente.force_login(factories.PerfilFactory().usuario)
    for pk in (str(ID_MAXIMO + 1), "9" * 30, "0", "1%00"):
        assert cliente.get(f"/casilla/{pk}/").status_code == 404, pk


FORMA_EXPEDIENTE = re.compile(r"EXP-[0-9]{4}-[0-9]{6,11}")
PARTE_DE_RUTA = st.text(min_size=1, max_size=60).filter(lambda t: "/" not in t)


@settings(max_examples=300, deadline=None)
@given(st.one_of(PARTE_DE_RUTA, st.from_regex(FORMA_EXPEDIENTE, fullmatch=True),
                 st.from_regex(r"EXP-[0-9]{4}-[0-9]{6}.", fullmatch=True)))
def test_solo_un_expediente_con_su_forma_resuelve(texto):
    try:
        coincidencia = resolve(f"/mis-tramites/{texto}/")
    except Resolver404:
        assert not FORMA_EXPEDIENTE.fullmatch(texto), texto
    else:
        assert coincidencia.view_name == "tramites:mi_solicitud"
        assert FORMA_EXPEDIENTE.fullmatch(texto) and coincidencia.kwargs["expediente"] == texto


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.integers(min_value=-(10**25), max_value=10**25).map(str), PARTE_DE_RUTA))
def test_solo_un_id_de_la_columna_resuelve(texto):
    try:
        coincidencia = resolve(f"/casilla/{texto}/")
    except Resolver404:
        assert not (texto.isascii() and texto.isdigit() and len(texto) <= 19 and 1 <= int(texto) <= ID_MAXIMO), texto
    else:
        assert 1 <= coincidencia.kwargs["pk"] <= ID_MAXIMO
        assert coincidencia.kwargs["pk"] == int(texto)
