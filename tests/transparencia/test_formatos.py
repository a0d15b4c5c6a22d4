"""The public transparency pages write dates the Peruvian way (dd/mm/aaaa,
months as mm/aaaa) and amounts as "S/ 30.00"; the open data (CSV, JSON) keeps
ISO dates and plain numbers."""

import os
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache

from tests.fixtures import DOMICILIO, en_lima, presentar
from tests.transparencia.conftest import DNI_RECLAMANTE, datos_reclamo, nuevo_ciudadano
from transparencia.models import CostoMensual, Reclamo


@pytest.fixture(autouse=True)
def _cache_propia(settings):
    # The figures and the public pages are cached: in this process only.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"fmt-{os.getpid()}"}
    }
    cache.clear()
    yield
    cache.clear()


def texto(respuesta) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", respuesta.content.decode(), flags=re.S)
    return " ".join(html.split())


@pytest.fixture
def un_mes_con_costo(catalogo):
    """One request filed in March 2026, a month whose digital service cost S/ 30."""
    with time_machine.travel(en_lima(2026, 3, 10), tick=False):
        presentar(nuevo_ciudadano(), DOMICILIO)
    CostoMensual.objects.create(mes="2026-03-01", monto=Decimal("30"))


@pytest.mark.parametrize("pagina", ["/transparencia/", f"/transparencia/{DOMICILIO}/"])
def test_el_periodo_y_los_meses_a_la_peruana(un_mes_con_costo, client, pagina):
    with time_machine.travel(en_lima(2026, 3, 20), tick=False):
        contenido = texto(client.get(pagina))
    assert re.search(r"\(01/04/2025 a 20/03/2026\)", contenido), contenido[:400]
    assert "2026-03" not in contenido and "2025-04-01" not in contenido
    # The table's rows are months: 03/2026.
    assert re.search(r"03/2026 1 ", contenido)


def test_el_costo_por_tramite_en_soles(un_mes_con_costo, client):
    with time_machine.travel(en_lima(2026, 3, 20), tick=False):
        contenido = texto(client.get("/transparencia/"))
    assert "Costo por trámite S/ 30.00 " in contenido
    assert "S/ 30.0 " not in contenido


def test_los_datos_abiertos_siguen_en_iso(un_mes_con_costo, client):
    with time_machine.travel(en_lima(2026, 3, 20), tick=False):
        datos = client.get("/datos-abiertos/indicadores.json").json()
        csv = client.get("/datos-abiertos/indicadores.csv").content.decode()
    assert datos["desde"] == "2025-04-01"
    assert "2026-03-01" in csv


def test_el_reclamo_registrado_y_su_seguimiento_con_fechas_peruanas(catalogo, web):
    with time_machine.travel(en_lima(2026, 3, 10), tick=False):
        web.post("/libro-de-reclamaciones/", datos_reclamo())
        reclamo = Reclamo.objects.get()
        limite = f"{reclamo.fecha_limite:%d/%m/%Y}"
        registrado = texto(web.get("/libro-de-reclamaciones/registrado/"))
        seguimiento = texto(web.post(
            "/libro-de-reclamaciones/seguimiento/", {"codigo": reclamo.codigo, "numero_documento": DNI_RECLAMANTE}
        ))
    assert f"Te responderemos a más tardar el {limite}." in registrado
    assert "Registrado el 10/03/2026" in seguimiento
    assert f"Plazo de respuesta {limite}" in seguimiento
