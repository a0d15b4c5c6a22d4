"""The error pages say what happened and where to go: the 404 page leads to
"Mis trámites" (through the login for an anonymous visitor), and the 429 page
names what was limited and how long to wait."""

import os
import re
from html import unescape

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.shortcuts import render
from django.test import RequestFactory
from django.urls import resolve

from tests.fixtures import servidor_de


@pytest.fixture(autouse=True)
def _cache_propia(settings):
    # The rate limits count in the cache: one of this process only, so runs
    # next door do not share the counters.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"error-{os.getpid()}"}
    }
    cache.clear()
    yield
    cache.clear()


def texto(respuesta) -> str:
    html = respuesta.content.decode()
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def enlaces(respuesta) -> dict[str, str]:
    """Link text -> href."""
    html = respuesta.content.decode()
    return {
        " ".join(unescape(re.sub(r"<[^>]+>", " ", t)).split()): unescape(h)
        for h, t in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', html, flags=re.S)
    }


# --- 404 -------------------------------------------------------------------------------------------


def test_404_lleva_a_mis_tramites_a_quien_no_inicio_sesion(db, client):
    respuesta = client.get("/no-existe/")
    assert respuesta.status_code == 404
    assert "entra desde «Mis trámites»" in texto(respuesta)
    assert "(te pediremos iniciar sesión)" in texto(respuesta)
    destino = enlaces(respuesta)["Ir a Mis trámites"]
    assert destino == "/mis-tramites/"
    # The link asks for the login and comes back to the list.
    siguiente = client.get(destino)
    assert siguiente.status_code == 302
    assert siguiente["Location"].startswith("/cuenta/login/")
    assert "next=/mis-tramites/" in siguiente["Location"]


def test_404_lleva_a_mis_tramites_a_quien_inicio_sesion(ciudadano, client):
    client.force_login(ciudadano)
    respuesta = client.get("/mis-tramites/2026-0000000/")
    assert respuesta.status_code == 404
    assert enlaces(respuesta)["Ir a Mis trámites"] == "/mis-tramites/"
    assert "te pediremos iniciar sesión" not in texto(respuesta)
    assert client.get("/mis-tramites/").status_code == 200


# --- 429 -------------------------------------------------------------------------------------------


def _pagina_429(ruta: str) -> str:
    """The 429 page as a limit on `ruta` renders it (the views and allauth call
    render(request, "429.html", status=429))."""
    request = RequestFactory().post(ruta)
    request.resolver_match = resolve(ruta)
    request.user = AnonymousUser()
    return texto(render(request, "429.html", status=429))


@pytest.mark.parametrize(
    ("ruta", "dice", "espera"),
    [
        ("/cuenta/login/", "demasiados intentos de iniciar sesión", "Espera un minuto"),
        ("/cuenta/signup/", "demasiados intentos de crear una cuenta", "como máximo una hora"),
        ("/cuenta/password/reset/", "demasiadas solicitudes para restablecer la contraseña", "Espera 5 minutos"),
        ("/verificar/", "demasiadas verificaciones de documentos", "como máximo 15"),
        ("/verificar/ABCD-EFGH-JKMN/", "demasiadas verificaciones de documentos", "como máximo 15"),
        ("/libro-de-reclamaciones/seguimiento/", "demasiadas consultas de reclamos", "Espera 15 minutos"),
    ],
)
def test_429_dice_que_se_limito_y_cuanto_esperar(db, ruta, dice, espera):
    pagina = _pagina_429(ruta)
    assert "Demasiados intentos" in pagina
    assert dice in pagina
    assert espera in pagina


def test_429_de_una_pagina_sin_limite_propio_es_general(db):
    pagina = _pagina_429("/cuenta/password/change/")
    assert "Espera unos minutos (como máximo 15)" in pagina
    assert "verificaciones" not in pagina and "reclamos" not in pagina


def test_el_seguimiento_de_reclamos_limitado_lo_dice(catalogo, client):
    datos = {"codigo": "LR-2026-000001", "numero_documento": "1"}
    for _ in range(20):
        client.post("/libro-de-reclamaciones/seguimiento/", datos)
    respuesta = client.post("/libro-de-reclamaciones/seguimiento/", datos)
    assert respuesta.status_code == 429
    assert "Hubo demasiadas consultas de reclamos desde esta conexión." in texto(respuesta)
    assert enlaces(respuesta)["Volver a consultar un reclamo"] == "/libro-de-reclamaciones/seguimiento/"


def test_el_inicio_de_sesion_limitado_lo_dice(ciudadano, client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _ in range(2):
        client.post("/cuenta/login/", {"login": ciudadano.email, "password": "no-es-la-clave-1"})
    respuesta = client.post("/cuenta/login/", {"login": ciudadano.email, "password": "no-es-la-clave-1"})
    assert respuesta.status_code == 429
    assert "Hubo demasiados intentos de iniciar sesión desde esta conexión." in texto(respuesta)
    assert "Espera un minuto" in texto(respuesta)


# --- The admin's pages carry the portal's icon -------------------------------------------------------


def test_el_panel_de_gestion_tiene_el_icono_del_portal(catalogo, admin_de):
    panel = admin_de(servidor_de("SG", superusuario=True))
    for direccion in ("/admin/", "/admin/tramites/solicitud/", "/admin/tramites/tramite/add/"):
        respuesta = panel.get(direccion)
        assert respuesta.status_code == 200
        assert re.search(r'<link rel="icon" href="[^"]*/img/escudo\.svg"', respuesta.content.decode())
