"""Settings an operator relies on: production refuses unsafe secrets, passes
Django's deployment checks, and the embedded default needs nothing installed."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

RAIZ = Path(__file__).resolve().parents[2]

PRODUCCION = {
    "DJANGO_SETTINGS_MODULE": "egov.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "tramites.villaesperanza.gob.pe",
    "SITE_URL": "https://tramites.villaesperanza.gob.pe",
    "DATABASE_URL": "postgres://egov:clave@db:5432/egov",
    "REDIS_URL": "redis://redis:6379/0",
    "EMAIL_URL": "smtp+tls://portal:clave@smtp.example.pe:587",
}


def _manage(*argumentos, **entorno):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "SITE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *argumentos],
        cwd=RAIZ, env={**base, **entorno}, capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_sin_advertencias_con_variables_de_produccion():
    resultado = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        **PRODUCCION, DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
    )
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr


@pytest.mark.parametrize(
    "clave",
    [
        None,
        "",
        "cambia-esta-clave-por-una-cadena-aleatoria-de-50-caracteres-o-mas",
        "django-insecure-" + "x" * 50,
        "corta",
        "a" * 60,
    ],
    ids=["ausente", "vacia", "ejemplo-env", "insegura-django", "corta", "repetitiva"],
)
def test_produccion_se_niega_a_arrancar_sin_una_clave_secreta_real(clave):
    entorno = dict(PRODUCCION)
    if clave is not None:
        entorno["DJANGO_SECRET_KEY"] = clave
    resultado = _manage("check", **entorno)
    assert resultado.returncode != 0
    assert "DJANGO_SECRET_KEY" in resultado.stderr


def test_modo_embebido_sqlite_tareas_en_proceso_y_correo_a_archivos(tmp_path):
    codigo = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.EMAIL_BACKEND, s.CACHES['default']['BACKEND'])"
    )
    resultado = _manage("shell", "-v", "0", "-c", codigo, DJANGO_DEBUG="true", VAR_DIR=str(tmp_path))
    assert resultado.returncode == 0, resultado.stderr
    motor, eager, correo, cache = resultado.stdout.split()
    assert motor == "django.db.backends.sqlite3"
    assert eager == "True"
    assert correo == "django.core.mail.backends.filebased.EmailBackend"
    assert cache.endswith("LocMemCache")


def test_produccion_usa_redis_para_cache_sesiones_y_broker():
    codigo = (
        "from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.CELERY_BROKER_URL, "
        "s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_TASK_ACKS_LATE, s.CELERY_WORKER_PREFETCH_MULTIPLIER)"
    )
    resultado = _manage(
        "shell", "-v", "0", "-c", codigo, **PRODUCCION, DJANGO_SECRET_KEY=secrets.token_urlsafe(50)
    )
    assert resultado.returncode == 0, resultado.stderr
    assert resultado.stdout.split() == [
        "egov.cache_redis.RedisCacheRapida",
        "django.contrib.sessions.backends.cached_db",
        "redis://redis:6379/0",
        "False",
        "True",
        "1",
    ]


@pytest.mark.django_db
def test_no_faltan_migraciones():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_env_example_documenta_cada_variable_que_leen_los_ajustes():
    ajustes = (RAIZ / "egov" / "settings.py").read_text()
    ejemplo = (RAIZ / ".env.example").read_text()
    import re

    leidas = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', ajustes))
    documentadas = set(re.findall(r"^#?\s*([A-Z_]+)=", ejemplo, re.M))
    assert leidas - documentadas == set()


def test_manage_py_sin_configuracion_usa_el_modo_embebido(tmp_path):
    """A fresh checkout with no variables at all runs management commands
    (the embedded default); any production variable turns the shortcut off."""
    resultado = _manage("check", VAR_DIR=str(tmp_path))
    assert resultado.returncode == 0, resultado.stderr
    resultado = _manage("check", DJANGO_SECRET_KEY="corta", VAR_DIR=str(tmp_path))
    assert resultado.returncode != 0
    assert "DJANGO_SECRET_KEY" in resultado.stderr
