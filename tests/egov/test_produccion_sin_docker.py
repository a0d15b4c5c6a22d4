"""Production without docker: gunicorn with deploy/gunicorn.conf.py refuses to
start without collectstatic's output (instead of a 500 on every page), and a
staging server over plain HTTP needs only DJANGO_HTTPS=false."""

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.procesos import Gunicorn, entorno_produccion

RAIZ = Path(__file__).resolve().parents[2]
CONFIGURACION = ["-c", str(RAIZ / "deploy" / "gunicorn.conf.py")]


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_gunicorn_sin_collectstatic_no_arranca_y_dice_que_hacer(tmp_path):
    entorno = entorno_produccion(tmp_path, STATIC_ROOT=tempfile.mkdtemp(dir=tmp_path), PORT=0)
    resultado = subprocess.run(
        [sys.executable, "-m", "gunicorn", *CONFIGURACION, "--no-control-socket", "egov.wsgi:application"],
        cwd=RAIZ, env=entorno, capture_output=True, text=True, timeout=60,
    )
    assert resultado.returncode != 0
    assert "collectstatic --noinput" in resultado.stdout + resultado.stderr
    assert "Booting worker" not in resultado.stdout + resultado.stderr


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_produccion_redirige_a_https_con_hsts_y_cookies_secure(tmp_path):
    entorno = entorno_produccion(tmp_path / "portal")
    with Gunicorn(tmp_path / "gunicorn", entorno, argumentos=CONFIGURACION) as gunicorn:
        respuesta = gunicorn.pedir("/cuenta/login/")
        assert respuesta.status == 301
        assert respuesta.getheader("Location").startswith("https://")
        segura = gunicorn.pedir("/cuenta/login/", cabeceras={"X-Forwarded-Proto": "https"})
        assert segura.status == 200
        assert "max-age=31536000" in segura.getheader("Strict-Transport-Security")
        assert "Secure" in segura.getheader("Set-Cookie")


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_staging_por_http_con_una_sola_variable(tmp_path):
    entorno = entorno_produccion(tmp_path / "portal", DJANGO_HTTPS="false",
                                 SITE_URL="http://tramites.villaesperanza.test")
    with Gunicorn(tmp_path / "gunicorn", entorno, argumentos=CONFIGURACION) as gunicorn:
        respuesta = gunicorn.pedir("/cuenta/login/")
        assert respuesta.status == 200, respuesta.cuerpo[:500]
        assert respuesta.getheader("Strict-Transport-Security") is None
        cookie = respuesta.getheader("Set-Cookie")
        assert "csrftoken=" in cookie and "Secure" not in cookie
        # The stylesheet comes from collectstatic's output through whitenoise.
        assert b"/static/" in respuesta.cuerpo
