"""Redis is an optimisation: with the cache down, public pages, login and a
citizen's pages still answer, nobody is logged out, rate limiters fail as
each one is documented to, and once Redis is back no page is stale. The cache
here is the production backend against a Redis server of the test's own,
which the test stops and starts."""

import logging
import re

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import CLAVE, PerfilFactory
from tests.fixtures import DOMICILIO, esperar, presentar, resolutor
from tramites import services
from tramites.models import Estado, Solicitud

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def cache_en(settings, redis_propio):
    """The portal's cache and session settings as production has them,
    pointed at this test's own Redis server."""
    redis_propio.arrancar()
    settings.CACHES = {
        "default": {
            "BACKEND": "egov.cache_redis.RedisCacheRapida",
            "LOCATION": redis_propio.url,
            "KEY_PREFIX": "caida",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield redis_propio


def entrar(cliente, usuario):
    respuesta = cliente.post("/cuenta/login/", {"login": usuario.email, "password": CLAVE})
    assert respuesta.status_code == 302, respuesta.content.decode()[:500]
    return cliente


def esperar_cache_disponible():
    """The backend tries Redis again a few seconds after a failure."""
    def responde():
        cache.set("prueba:ping", "1", 30)
        return cache.get("prueba:ping") == "1"

    assert esperar(responde, 15, paso=0.2), "la caché no volvió a usar Redis"


def test_sin_redis_las_paginas_responden_y_nadie_pierde_la_sesion(
    cache_en, catalogo, ciudadano, caplog
):
    caplog.set_level(logging.WARNING)
    solicitud = presentar(ciudadano, DOMICILIO)
    navegador = entrar(Client(), ciudadano)
    assert navegador.get(f"/mis-tramites/{solicitud.expediente}/").status_code == 200
    assert navegador.get("/tramites/").status_code == 200

    cache_en.detener()
    # Anonymous pages render without the cache.
    anonimo = Client()
    for url, estado in [("/", 200), ("/tramites/", 200), (f"/tramites/{DOMICILIO}/", 200),
                        ("/transparencia/", 200), ("/verificar/ABCDEFGHJKMNPQRS/", 404),
                        ("/cuenta/login/", 200), ("/tramites/no-existe/", 404)]:
        assert anonimo.get(url).status_code == estado, url
    # The logged-in citizen is still logged in, on every page of theirs.
    for url in ("/mis-tramites/", f"/mis-tramites/{solicitud.expediente}/", "/casilla/", "/cuenta/perfil/"):
        respuesta = navegador.get(url)
        assert respuesta.status_code == 200, url
        assert "Cerrar sesión" in respuesta.content.decode(), url
    # Logging in works too (the session is written to PostgreSQL).
    otra = PerfilFactory(nombres="Otra").usuario
    assert "Cerrar sesión" in entrar(Client(), otra).get("/mis-tramites/").content.decode()
    # The outage is logged once, not once per page.
    avisos = [r for r in caplog.records if r.name == "egov.cache_redis"]
    assert len(avisos) == 1

    cache_en.arrancar()  # back, empty: it kept nothing
    esperar_cache_disponible()
    assert "Cerrar sesión" in navegador.get("/mis-tramites/").content.decode()


def test_con_redis_de_vuelta_ninguna_pagina_queda_desactualizada(
    cache_en, catalogo, ciudadano, django_capture_on_commit_callbacks
):
    """A decision taken while Redis did not take writes could not refresh the
    citizen's cached page; once Redis answers again (with its old data), the
    page shows the decision, not what it cached before."""
    solicitud = presentar(ciudadano, "acceso-a-la-informacion-publica")
    navegador = entrar(Client(), ciudadano)
    url = f"/mis-tramites/{solicitud.expediente}/"
    assert "Presentada" in navegador.get(url).content.decode()  # now cached
    assert "Presentada" in navegador.get(url).content.decode()

    cliente_redis = cache_en.cliente()
    # Redis refuses writes (reads still work): the refresh after the commit is lost.
    cliente_redis.config_set("min-replicas-to-write", 1)
    servidor = resolutor(solicitud)
    with django_capture_on_commit_callbacks(execute=True):
        services.solicitud_tomar(solicitud=Solicitud.objects.get(pk=solicitud.pk), servidor=servidor)
        services.solicitud_denegar(
            solicitud=Solicitud.objects.get(pk=solicitud.pk), servidor=servidor,
            motivo="No es información pública.",
        )
    assert Solicitud.objects.get(pk=solicitud.pk).estado == Estado.DENEGADA
    cliente_redis.config_set("min-replicas-to-write", 0)
    esperar_cache_disponible()
    html = navegador.get(url).content.decode()
    assert "Denegada" in html
    assert "No es información pública." in html


def test_los_limites_de_intentos_sin_redis(cache_en, catalogo, caplog):
    """Verification codes have 80 random bits: their limit lets requests
    through (with a log line). The complaint follow-up (sequential codes,
    8-digit documents) has no other guard: it answers 503 with Retry-After."""
    caplog.set_level(logging.WARNING, logger="egov.red")
    cache_en.detener()
    cliente = Client()
    for _ in range(40):  # more than the 30 a minute allowed with Redis
        assert cliente.get("/verificar/ABCDEFGHJKMNPQRS/").status_code == 404
    assert any("sin contar" in r.getMessage() for r in caplog.records)

    respuesta = cliente.post("/libro-de-reclamaciones/seguimiento/",
                             {"codigo": "LR-2026-000001", "numero_documento": "45871236"})
    assert respuesta.status_code == 503
    assert respuesta["Retry-After"] == "60"
    assert "no está disponible por unos momentos" in respuesta.content.decode()


def test_la_cache_de_paginas_publicas_no_crece_con_lo_que_se_pida(cache_en, catalogo):
    """Any query string, any 404: the public page cache holds one entry per
    page the catalog really has, whatever is asked."""
    from tramites.cache import version_catalogo

    cliente = Client()
    # The public figures are computed once (new figures renew the catalog's
    # version, under which pages are stored): from here on, one version.
    assert cliente.get("/transparencia/").status_code == 200

    def paginas_guardadas():
        return sorted(
            k.decode()
            for k in cache_en.cliente().scan_iter(match=f"caida:*pagina:{version_catalogo()}:*", count=1000)
        )

    for i in range(30):
        assert cliente.get(f"/tramites/?x={i}").status_code == 200
        assert cliente.get(f"/tramites/?q=licencia{i}").status_code == 200
        assert cliente.get("/tramites/", {"oficina": f"OFI{i}"}).status_code == 200
        assert cliente.get("/tramites/", {"pagina": f"{i}"}).status_code == 200
        assert cliente.get(f"/tramites/no-existe-{i}/").status_code == 404
        assert cliente.get(f"/transparencia/no-existe-{i}/").status_code == 404
    guardadas = paginas_guardadas()
    # The catalog (one page of 8 procedures) and nothing else.
    assert len(guardadas) == 1, guardadas
    assert re.search(r"pagina:[0-9a-f]+:/tramites/\?q=&oficina=&calificacion=&pagina=$", guardadas[0])

    # Real filters and real pages are stored, each once.
    for _ in range(3):
        assert cliente.get("/tramites/", {"oficina": "SGPV"}).status_code == 200
        assert cliente.get(f"/tramites/{DOMICILIO}/").status_code == 200
        assert cliente.get(f"/tramites/{DOMICILIO}/?utm_source=x").status_code == 200
    assert len(paginas_guardadas()) == 3
    # A stored page is served to a request with extra parameters, and carries none of them.
    html = cliente.get("/tramites/?oficina=SGPV&utm=<b>hola</b>").content.decode()
    assert "utm" not in html
