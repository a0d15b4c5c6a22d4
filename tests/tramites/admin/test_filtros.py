"""The list filters of the back office answer a wrong value the way the
admin answers any wrong filter (back to the list, with ?e=1), never with a
server error: letters where an id goes, a number too big for the column, a
value of another servant's office, characters the database refuses."""

import pytest

from tests.fixtures import INFORMACION, ORGANIZACIONES, servidor_de
from tramites.models import Estado, Oficina

from .conftest import LISTA, en_bloque, expedientes_listados, oficina

BASURA = [
    "abc",
    "99999999999999999999",
    "-1",
    "1.5",
    "",
    "١",  # an Arabic-Indic digit one: a digit for str.isdigit(), not for the database
    "\x00",
    "' OR '1'='1",
    "%",
    "abiertas " * 200,
]

FILTROS = {
    "/admin/tramites/solicitud/": [
        "estado", "plazo", "asignacion", "oficina", "tramite__id__exact",
    ],
    "/admin/tramites/certificado/": ["estado__exact", "tipo__exact", "reintento"],
    "/admin/tramites/cargopresentacion/": ["estado__exact", "reintento"],
    "/admin/tramites/tramite/": ["calificacion__exact", "activo__exact", "oficina_resolucion__id__exact"],
    "/admin/tramites/dianolaborable/": ["fecha__year", "fecha__month", "fecha__day"],
    "/admin/tramites/accesoexpediente/": ["creado_en__year", "creado_en__month", "creado_en__day"],
}


@pytest.fixture
def panel(catalogo, admin_de):
    return admin_de(servidor_de(superusuario=True))


def sin_error(respuesta, url):
    assert respuesta.status_code in (200, 302), (url, respuesta.status_code)
    if respuesta.status_code == 302:
        assert respuesta["Location"].endswith("?e=1"), (url, respuesta["Location"])


@pytest.mark.parametrize("lista,parametro", [(lista, p) for lista, ps in FILTROS.items() for p in ps])
def test_un_filtro_con_un_valor_que_no_es_suyo_no_da_error(panel, lista, parametro):
    for valor in BASURA:
        respuesta = panel.get(lista, {parametro: valor})
        sin_error(respuesta, f"{lista}?{parametro}={valor!r}")
        # The admin's own answer when even the list without filters fails is a page, not a 500.
        sin_error(panel.get(lista, {parametro: valor, "e": "1"}), f"{lista}?{parametro}={valor!r}&e=1")


def test_la_oficina_de_otro_no_filtra_y_las_propias_si(catalogo, admin_de, ciudadano):
    jefe = servidor_de("SG", "jefe")
    cliente = admin_de(jefe)
    [de_sg] = en_bloque(1, ciudadano=ciudadano, slug=INFORMACION)
    en_bloque(1, ciudadano=ciudadano, slug=ORGANIZACIONES)  # SGPV's: not this servant's
    sg, sgpv = oficina("SG"), oficina("SGPV")

    propia = cliente.get(LISTA, {"oficina": sg.pk, "estado": Estado.PRESENTADA})
    assert propia.status_code == 200
    assert expedientes_listados(propia) == [de_sg.expediente]

    ajena = cliente.get(LISTA, {"oficina": sgpv.pk})
    assert ajena.status_code == 302 and ajena["Location"].endswith("?e=1")
    inexistente = cliente.get(LISTA, {"oficina": Oficina.objects.order_by("-pk").first().pk + 1})
    assert inexistente.status_code == 302 and inexistente["Location"].endswith("?e=1")
