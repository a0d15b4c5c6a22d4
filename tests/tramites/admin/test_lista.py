"""The servant's list: "Mi bandeja" by default, open requests by urgency,
the filters, search, the overdue mark (a word, not a colour), the corrected
ones marked, the CSV export without personal data and
the bulk "asignarme"."""

import csv
import datetime
import io
import re

import pytest
import time_machine

from tests import factories
from tests.fixtures import INFORMACION, ORGANIZACIONES, en_lima, servidor_de
from tramites.models import Estado, Solicitud

from .conftest import LISTA, en_bloque, expedientes_listados, mensajes, oficina

D = datetime.date
HOY = en_lima(2026, 3, 11, 10)  # a Wednesday


@pytest.fixture
def lista(catalogo, admin_de):
    """As seen on Wednesday 11 March 2026 by a head of SG and SGPV."""
    with time_machine.travel(HOY, tick=False):
        yo = servidor_de("SG,SGPV", "jefe")
        otro = servidor_de("SG", "evaluador")
        rosa = factories.PerfilFactory(numero_documento="41111111", nombres="Rosa").usuario
        juan = factories.PerfilFactory(numero_documento="42222222", nombres="Juan",
                                       apellido_paterno="Quispe").usuario

        def una(ciudadano=rosa, slug=INFORMACION, **kwargs):
            return en_bloque(1, ciudadano=ciudadano, slug=slug, **kwargs)[0]

        filas = {
            "vencida": una(fecha_limite=D(2026, 3, 10)),
            "hoy": una(estado=Estado.EN_EVALUACION, fecha_limite=D(2026, 3, 11), asignado=yo),
            "viernes": una(ciudadano=juan, fecha_limite=D(2026, 3, 13)),
            "lunes": una(estado=Estado.EN_EVALUACION, fecha_limite=D(2026, 3, 16), asignado=otro),
            "observada": una(estado=Estado.OBSERVADA, fecha_limite=D(2026, 3, 9), asignado=yo),
            "aprobada": una(estado=Estado.APROBADA, fecha_limite=D(2026, 3, 5)),
            "sgpv": una(slug=ORGANIZACIONES, fecha_limite=D(2026, 3, 12)),
            "otra_oficina": una(slug="certificado-de-parametros-urbanisticos", fecha_limite=D(2026, 3, 1)),
        }
        cliente = admin_de(yo)
        yield {"filas": filas, "yo": yo, "otro": otro, "cliente": cliente,
               "get": lambda url="": cliente.get(LISTA + url)}


def exp(lista, *claves):
    return [lista["filas"][c].expediente for c in claves]


def test_por_defecto_mi_bandeja_abierta_por_urgencia(lista):
    """Mine and the unassigned ones (not the one another servant holds); those
    whose clock runs first, by due date; the observed ones (the citizen's
    turn) after them."""
    respuesta = lista["get"]()
    assert respuesta.status_code == 200
    assert expedientes_listados(respuesta) == exp(lista, "vencida", "hoy", "sgpv", "viernes", "observada")
    html = respuesta.content.decode()
    assert "Mi bandeja" in html and "?bandeja=todas" in html


def test_todas_sigue_al_alcance(lista):
    respuesta = lista["get"]("?bandeja=todas")
    assert expedientes_listados(respuesta) == exp(lista, "vencida", "hoy", "sgpv", "viernes", "lunes", "observada")


def test_las_columnas_en_orden(lista):
    with time_machine.travel(HOY, tick=False):
        html = lista["get"]().content.decode()
    cabecera = re.search(r"<thead>(.*?)</thead>", html, flags=re.S).group(1)
    titulos = [re.sub(r"<[^>]+>", "", t).strip().lower()
               for t in re.findall(r'<div class="text">(.*?)</div>', cabecera, flags=re.S)]
    assert titulos[1:] == ["expediente", "plazo", "trámite", "ciudadano", "estado", "asignada a"]


@pytest.mark.parametrize("consulta, esperadas", [
    ("?plazo=vencidos", ["vencida"]),
    ("?plazo=semana", ["hoy", "sgpv", "viernes"]),
    ("?asignacion=mias", ["hoy", "observada"]),
    ("?asignacion=libres", ["vencida", "sgpv", "viernes"]),
    ("?oficina={SGPV}", ["sgpv"]),
    ("?oficina={SG}", ["vencida", "hoy", "viernes", "observada"]),
    ("?oficina={SG}&bandeja=todas", ["vencida", "hoy", "viernes", "lunes", "observada"]),
    ("?estado=aprobada", ["aprobada"]),
    ("?estado=todas&oficina={SG}", ["vencida", "hoy", "viernes", "aprobada", "observada"]),
    ("?estado=todas&oficina={SG}&bandeja=todas", ["vencida", "hoy", "viernes", "lunes", "aprobada", "observada"]),
    ("?plazo=vencidos&estado=todas", ["vencida"]),
])
def test_filtros(lista, consulta, esperadas):
    consulta = consulta.format(SG=oficina("SG").pk, SGPV=oficina("SGPV").pk)
    with time_machine.travel(HOY, tick=False):
        respuesta = lista["get"](consulta)
    assert respuesta.status_code == 200
    assert expedientes_listados(respuesta) == exp(lista, *esperadas)


def test_la_semana_termina_el_domingo(lista):
    # On Friday the 13th the week ends on Sunday the 15th: Monday's is not "this week".
    with time_machine.travel(en_lima(2026, 3, 13, 8), tick=False):
        respuesta = lista["get"]("?plazo=semana")
    assert expedientes_listados(respuesta) == exp(lista, "viernes")


def test_el_filtro_de_oficinas_ofrece_solo_las_propias(lista):
    respuesta = lista["get"]()
    html = respuesta.content.decode()
    assert f"oficina={oficina('SGPV').pk}" in html
    assert f"oficina={oficina('SGOPC').pk}" not in html


def test_busqueda_por_expediente_y_por_documento(lista):
    viernes = lista["filas"]["viernes"]
    assert expedientes_listados(lista["get"](f"?q={viernes.expediente}")) == [viernes.expediente]
    assert expedientes_listados(lista["get"]("?q=42222222")) == [viernes.expediente]
    # A search looks beyond "Mi bandeja": the one another servant holds is found too.
    assert expedientes_listados(lista["get"]("?q=41111111")) == exp(
        lista, "vencida", "hoy", "sgpv", "lunes", "observada"
    )
    # The other office's request is not found even by its exact number.
    otra = lista["filas"]["otra_oficina"]
    assert expedientes_listados(lista["get"](f"?q={otra.expediente}&estado=todas")) == []


def _fila(html, expediente):
    for fila in re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S):
        if expediente in fila:
            return fila
    raise AssertionError(f"{expediente} no está en la lista")


def test_las_vencidas_dicen_vencida_con_palabra(lista):
    with time_machine.travel(HOY, tick=False):
        html = lista["get"]("?bandeja=todas").content.decode()
    vencida = _fila(html, lista["filas"]["vencida"].expediente)
    assert "Vencida hace 1 día hábil" in vencida
    assert "⚠" in vencida and "10/03/2026" in vencida
    for clave in ("hoy", "viernes", "lunes", "observada", "sgpv"):
        assert "Vencida" not in _fila(html, lista["filas"][clave].expediente), clave
    assert "Vence hoy" in _fila(html, lista["filas"]["hoy"].expediente)
    assert "Queda 1 día hábil" in _fila(html, lista["filas"]["sgpv"].expediente)
    assert "Quedan 2 días hábiles" in _fila(html, lista["filas"]["viernes"].expediente)
    assert "Detenido (observada)" in _fila(html, lista["filas"]["observada"].expediente)


def _accion(lista, accion, consulta="", seleccion=(), todas=False):
    datos = {"action": accion, "index": "0",
             "_selected_action": [s.pk for s in seleccion] or [lista["filas"]["vencida"].pk]}
    if todas:
        datos["select_across"] = "1"
    with time_machine.travel(HOY, tick=False):
        return lista["cliente"].post(LISTA + consulta, datos)


def _csv(respuesta):
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"].startswith("text/csv")
    texto = b"".join(respuesta.streaming_content).decode()
    return texto, list(csv.reader(io.StringIO(texto)))


def test_csv_con_las_filas_filtradas_y_sin_datos_personales(lista):
    texto, filas = _csv(_accion(lista, "exportar_csv", f"?estado=todas&oficina={oficina('SG').pk}&bandeja=todas",
                                todas=True))
    assert filas[0] == ["expediente", "tramite", "oficina", "estado", "presentada_en",
                        "fecha_limite", "plazo", "asignado_a"]
    assert sorted(f[0] for f in filas[1:]) == sorted(
        exp(lista, "aprobada", "observada", "vencida", "hoy", "viernes", "lunes")
    )
    vencida = next(f for f in filas if f[0] == lista["filas"]["vencida"].expediente)
    assert vencida[3] == "Presentada"
    assert vencida[5] == "2026-03-10"
    assert vencida[6].startswith("Vencida")
    for dato in ("41111111", "42222222", "Rosa", "Juan", "Quispe", "Huamán"):
        assert dato not in texto

    _texto, filas = _csv(_accion(lista, "exportar_csv", "?plazo=vencidos", todas=True))
    assert [f[0] for f in filas[1:]] == exp(lista, "vencida")

    elegidas = [lista["filas"]["hoy"], lista["filas"]["lunes"]]
    _texto, filas = _csv(_accion(lista, "exportar_csv", "?bandeja=todas", seleccion=elegidas))
    assert sorted(f[0] for f in filas[1:]) == sorted(s.expediente for s in elegidas)


def test_asignarme_toma_las_seleccionadas(lista):
    vencida, viernes, lunes = (lista["filas"][c] for c in ("vencida", "viernes", "lunes"))
    respuesta = _accion(lista, "asignarme", "?bandeja=todas", seleccion=[vencida, viernes, lunes])
    assert respuesta.status_code == 302
    estados = {s.pk: (s.estado, s.asignado_a_id) for s in Solicitud.objects.all()}
    yo, otro = lista["yo"], lista["otro"]
    assert estados[vencida.pk] == (Estado.EN_EVALUACION, yo.pk)
    assert estados[viernes.pk] == (Estado.EN_EVALUACION, yo.pk)
    assert estados[lunes.pk] == (Estado.EN_EVALUACION, otro.pk)  # someone else's: not taken
    vistos = mensajes(lista["get"]())
    assert "Tomaste 2 solicitudes." in vistos
    assert f"{lunes.expediente}: {otro.email} ya tomó esta solicitud." in vistos
