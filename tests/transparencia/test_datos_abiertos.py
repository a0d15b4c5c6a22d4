"""Open data: the page documents the files' columns and the licence; the
indicator CSV has one row per procedure and month plus the TOTAL rows; the
JSON carries the licence; the TUPA lists the active procedures."""

import csv
import io
import re
from html import unescape

import pytest
import time_machine

from tests.fixtures import DOMICILIO, INFORMACION, en_lima, presentar
from tramites.models import Tramite
from transparencia import selectors

from .conftest import RESPUESTAS, decidir, nuevo_ciudadano

LICENCIA = "Creative Commons Atribución 4.0 Internacional (CC BY 4.0)"
CABECERA = [
    "tramite_codigo", "tramite", "mes", "presentadas", "decididas", "aprobadas", "denegadas", "desistidas",
    "no_presentadas", "silencio_positivo", "en_plazo_pct", "dias_promedio", "iniciadas", "completadas_pct",
    "satisfaccion", "valoraciones", "presenciales", "adopcion_digital_pct",
]
CABECERA_TUPA = [
    "codigo", "nombre", "descripcion", "requisitos", "tasa_soles", "porcentaje_uit", "plazo_dias_habiles",
    "calificacion", "oficina_recepcion", "oficina_resolucion", "base_legal", "url",
]


def filas_csv(respuesta) -> list[dict]:
    return list(csv.DictReader(io.StringIO(respuesta.content.decode())))


def documentados(html) -> set[str]:
    """The column names the data dictionary describes (<dt>a, b</dt>)."""
    terminos = re.findall(r"<dt>(.*?)</dt>", html, re.S)
    return {n.strip() for t in terminos for n in unescape(t).split(",")}


@pytest.fixture
def con_datos(catalogo, jefe):
    with time_machine.travel(en_lima(2026, 8, 3), tick=False):
        solicitud = presentar(nuevo_ciudadano(), DOMICILIO, **RESPUESTAS[DOMICILIO])
        presentar(nuevo_ciudadano(), INFORMACION, **RESPUESTAS[INFORMACION])
    with time_machine.travel(en_lima(2026, 8, 5), tick=False):
        decidir(solicitud, jefe)


def test_la_pagina_documenta_licencia_descargas_y_columnas(catalogo, client):
    respuesta = client.get("/datos-abiertos/")
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    texto = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert f"Licencia: {LICENCIA}" in texto
    assert "No contienen datos personales." in texto
    for enlace in ("/datos-abiertos/indicadores.csv", "/datos-abiertos/indicadores.json",
                   "/datos-abiertos/tupa.csv", "/datos-abiertos/tupa.json", "/api/v1/openapi.json"):
        assert f'href="{enlace}"' in html, enlace
    for ruta in ("GET /api/v1/tramites?q=", "GET /api/v1/tramites/{slug}", "GET /api/v1/indicadores",
                 "GET /api/v1/indicadores/{slug}"):
        assert f"<code>{ruta}</code>" in html, ruta
    # Every column of the indicator CSV is described in the data dictionary.
    faltan = [c for c in CABECERA if c not in documentados(html)]
    assert not faltan, f"columnas sin documentar: {faltan}"


def test_csv_de_indicadores(con_datos, client):
    with time_machine.travel(en_lima(2026, 8, 31), tick=False):
        respuesta = client.get("/datos-abiertos/indicadores.csv")
        datos = selectors.indicadores()
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "text/csv; charset=utf-8"
    assert respuesta["Content-Disposition"] == 'attachment; filename="indicadores.csv"'
    primera_linea = respuesta.content.decode().splitlines()[0]
    assert primera_linea.split(",") == CABECERA

    filas = filas_csv(respuesta)
    meses = [f"2025-{m:02d}-01" for m in range(9, 13)] + [f"2026-{m:02d}-01" for m in range(1, 9)]
    totales = [f for f in filas if f["tramite"] == "TOTAL"]
    assert [f["mes"] for f in totales] == meses
    assert all(f["tramite_codigo"] == "" for f in totales)
    activos = list(Tramite.objects.filter(activo=True).order_by("nombre").values_list("codigo", "nombre"))
    por_tramite = [f for f in filas if f["tramite"] != "TOTAL"]
    assert [(f["tramite_codigo"], f["tramite"], f["mes"]) for f in por_tramite] == [
        (codigo, nombre, mes) for codigo, nombre in activos for mes in meses
    ]
    assert len(filas) == 12 * (1 + len(activos))

    agosto = next(f for f in totales if f["mes"] == "2026-08-01")
    assert (agosto["presentadas"], agosto["decididas"], agosto["aprobadas"]) == ("2", "1", "1")
    assert (agosto["en_plazo_pct"], agosto["dias_promedio"]) == ("100.0", "2.0")  # Tue 4, Wed 5
    assert agosto["satisfaccion"] == "" and agosto["presenciales"] == ""  # no data: empty, not 0
    domicilio_agosto = next(f for f in por_tramite if f["tramite_codigo"] == "MDVE-001" and f["mes"] == "2026-08-01")
    assert domicilio_agosto["presentadas"] == "1" and domicilio_agosto["aprobadas"] == "1"
    assert sum(int(f["presentadas"]) for f in totales) == datos["total"]["presentadas"] == 2


def test_un_tramite_inactivo_sin_solicitudes_no_aparece(catalogo, client):
    Tramite.objects.filter(slug="matrimonio-civil").update(activo=False)
    selectors.indicadores(refrescar=True)
    filas = filas_csv(client.get("/datos-abiertos/indicadores.csv"))
    assert "MDVE-006" not in {f["tramite_codigo"] for f in filas}
    assert len(filas) == 12 * (1 + Tramite.objects.filter(activo=True).count())


def test_json_de_indicadores_con_licencia(con_datos, client):
    with time_machine.travel(en_lima(2026, 8, 31), tick=False):
        respuesta = client.get("/datos-abiertos/indicadores.json")
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "application/json; charset=utf-8"
    datos = respuesta.json()
    assert datos["licencia"] == LICENCIA
    assert (datos["desde"], datos["hasta"]) == ("2025-09-01", "2026-08-31")
    assert datos["total"]["presentadas"] == 2
    assert len(datos["meses"]) == 12
    assert {t["slug"] for t in datos["tramites"]} == set(Tramite.objects.filter(activo=True).values_list("slug", flat=True))
    assert "Atribución" in respuesta.content.decode()  # UTF-8 as is, not \u escapes


def test_tupa_csv_lista_los_tramites_activos(catalogo, client):
    Tramite.objects.filter(slug="matrimonio-civil").update(activo=False)
    respuesta = client.get("/datos-abiertos/tupa.csv")
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "text/csv; charset=utf-8"
    assert respuesta["Content-Disposition"] == 'attachment; filename="tupa.csv"'
    assert respuesta.content.decode().splitlines()[0].split(",") == CABECERA_TUPA
    filas = filas_csv(respuesta)
    assert [f["codigo"] for f in filas] == list(
        Tramite.objects.filter(activo=True).order_by("nombre").values_list("codigo", flat=True)
    )
    assert "matrimonio-civil" not in respuesta.content.decode()
    domicilio = next(f for f in filas if f["codigo"] == "MDVE-001")
    assert domicilio["nombre"] == "Obtener la constancia de domicilio"
    assert (domicilio["tasa_soles"], domicilio["plazo_dias_habiles"], domicilio["calificacion"]) == ("15.00", "5", "positivo")
    assert domicilio["requisitos"].count(" | ") == 2
    assert domicilio["oficina_resolucion"] == "Subgerencia de Participación Vecinal"
    assert domicilio["url"] == f"/tramites/{DOMICILIO}/"


def test_tupa_json_con_licencia(catalogo, client):
    datos = client.get("/datos-abiertos/tupa.json").json()
    assert datos["licencia"] == LICENCIA
    assert len(datos["tramites"]) == Tramite.objects.filter(activo=True).count()
    assert set(datos["tramites"][0]) == set(CABECERA_TUPA)
