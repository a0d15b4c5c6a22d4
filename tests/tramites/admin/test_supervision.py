"""The supervision page: only for whoever has tramites.ver_supervision, and
its figures match ones computed by hand."""

import datetime

import pytest
import time_machine

from tests import factories
from tests.fixtures import INFORMACION, ORGANIZACIONES, en_lima, servidor_de
from tramites.models import Estado

from .conftest import LISTA, SUPERVISION, en_bloque

D = datetime.date
HOY = en_lima(2026, 3, 11, 10)  # Wednesday 11 March 2026


@pytest.mark.parametrize("rol, codigo", [
    ("jefe", 200), ("superusuario", 200), ("evaluador", 403), ("mesa", 403),
    ("catalogo", 403), ("sin_grupo", 403),
])
def test_quien_entra_a_la_supervision(catalogo, admin_de, rol, codigo):
    if rol == "superusuario":
        usuario = servidor_de(None, superusuario=True)
    elif rol == "sin_grupo":
        usuario = servidor_de("SG")
    else:
        usuario = servidor_de("SG", rol)
    assert admin_de(usuario).get(SUPERVISION).status_code == codigo


@pytest.fixture
def datos(catalogo):
    with time_machine.travel(HOY, tick=False):
        ana = servidor_de("SG", "evaluador")
        rosa = factories.PerfilFactory().usuario

        def una(estado, limite=None, asignado=None, presentada=None, decidida=None, slug=INFORMACION):
            return en_bloque(1, ciudadano=rosa, slug=slug, estado=estado, fecha_limite=limite,
                             asignado=asignado, presentada_en=presentada, decidida_en=decidida)[0]

        # Overdue (open, due before today): two of Ana's, one unassigned.
        una(Estado.PRESENTADA, D(2026, 3, 9))
        una(Estado.EN_EVALUACION, D(2026, 3, 10), ana)
        una(Estado.EN_EVALUACION, D(2026, 3, 6), ana)
        # Due within 5 business days (today .. Wednesday 18 March).
        una(Estado.PRESENTADA, D(2026, 3, 11))
        una(Estado.EN_EVALUACION, D(2026, 3, 18), ana)
        # Due later; observed (its clock stopped) although its date passed.
        una(Estado.PRESENTADA, D(2026, 3, 19))
        una(Estado.OBSERVADA, D(2026, 3, 5), ana)
        # Decided in the last 30 days: 4 and 11 business days.
        una(Estado.APROBADA, presentada=en_lima(2026, 3, 2, 9), decidida=en_lima(2026, 3, 6, 16))
        una(Estado.DENEGADA, presentada=en_lima(2026, 2, 23, 9), decidida=en_lima(2026, 3, 10, 12))
        # Decided before that: not in the average.
        una(Estado.APROBADA, presentada=en_lima(2026, 1, 5, 9), decidida=en_lima(2026, 2, 5, 9))
        # Another office's (overdue) request, and a draft: not SG's figures.
        una(Estado.PRESENTADA, D(2026, 3, 2), slug=ORGANIZACIONES)
        una(Estado.BORRADOR)
    return {"ana": ana}


def _contexto(admin_de, usuario):
    with time_machine.travel(HOY, tick=False):
        respuesta = admin_de(usuario).get(SUPERVISION)
    assert respuesta.status_code == 200
    return respuesta, respuesta.context


def test_cifras_de_la_jefa_de_sg(datos, admin_de):
    respuesta, c = _contexto(admin_de, servidor_de("SG", "jefe"))
    assert c["por_estado"] == [
        ("Presentada", 3), ("En evaluación", 3), ("Observada", 1), ("Aprobada", 2),
        ("Denegada", 1), ("Desistida", 0), ("No presentada", 0),
    ]
    assert c["vencidas_por_oficina"] == [{"tramite__oficina_resolucion__nombre": "Secretaría General", "n": 3}]
    assert c["vencidas_por_servidor"] == [
        {"asignado_a__email": datos["ana"].email, "n": 2},
        {"asignado_a__email": None, "n": 1},
    ]
    assert c["vencen_pronto"] == 2
    assert c["hasta"] == D(2026, 3, 18)
    assert c["promedio_dias"] == 7.5
    assert c["decididas_30"] == 2

    html = respuesta.content.decode()
    assert "Sin asignar" in html
    assert datos["ana"].email in html
    assert "2 solicitudes vencen en los próximos 5 días hábiles (hasta el 18/03/2026)" in html
    assert "7,5 días hábiles" in html or "7.5 días hábiles" in html


def test_el_superusuario_ve_todas_las_oficinas(datos, admin_de):
    _respuesta, c = _contexto(admin_de, servidor_de(None, superusuario=True))
    assert dict(c["por_estado"])["Presentada"] == 4
    por_oficina = {f["tramite__oficina_resolucion__nombre"]: f["n"] for f in c["vencidas_por_oficina"]}
    assert por_oficina == {"Secretaría General": 3, "Subgerencia de Participación Vecinal": 1}


def test_el_enlace_a_la_supervision_solo_para_quien_puede_entrar(catalogo, admin_de):
    assert SUPERVISION in admin_de(servidor_de("SG", "jefe")).get(LISTA).content.decode()
    assert SUPERVISION not in admin_de(servidor_de("SG", "evaluador")).get(LISTA).content.decode()
