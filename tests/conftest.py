import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache

# The fixtures every folder shares, and the real processes (worker, Redis) some tests start.
pytest_plugins = ["tests.fixtures", "tests.procesos"]

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_DISPONIBLE = bool(shutil.which(CHROMIUM))


def _servicios():
    from egov import settings_test as st

    return {
        "postgres": (st.POSTGRES_DISPONIBLE, f"PostgreSQL no responde en {st.TEST_POSTGRES_URL}"),
        "redis": (st.REDIS_DISPONIBLE, f"Redis no responde en {st.TEST_REDIS_URL}"),
        "worker": (
            st.POSTGRES_DISPONIBLE and st.REDIS_DISPONIBLE,
            "un worker de Celery real necesita PostgreSQL y Redis",
        ),
        "navegador": (CHROMIUM_DISPONIBLE, f"no está Chromium en {CHROMIUM}"),
    }


def pytest_report_header(config):
    lineas = []
    for marca, (ok, motivo) in _servicios().items():
        lineas.append(f"{marca}: {'disponible' if ok else 'NO disponible (' + motivo + ')'}")
    return lineas


def pytest_collection_modifyitems(config, items):
    en_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    servicios = _servicios()
    for item in items:
        for marca, (ok, motivo) in servicios.items():
            if item.get_closest_marker(marca) and not ok:
                if en_ci:
                    raise pytest.UsageError(f"CI=true y {motivo}: no se puede omitir {item.nodeid}")
                item.add_marker(pytest.mark.skip(reason=f"OMITIDA: {motivo}"))


def pytest_terminal_summary(terminalreporter):
    omitidas = [
        r for r in terminalreporter.stats.get("skipped", []) if "OMITIDA" in str(r.longrepr)
    ]
    if omitidas:
        terminalreporter.write_sep("=", "pruebas omitidas por servicios ausentes", yellow=True)
        for r in omitidas:
            terminalreporter.write_line(f"{r.nodeid}: {r.longrepr[2]}")


def cache_vaciar():
    """Empties this run's cache (only its keys when the cache is the shared Redis)."""
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCacheRapida"):
        # Only this run's keys (Redis FLUSHDB would also empty a parallel run's).
        cliente = cache._cache.get_client(write=True)
        claves = list(cliente.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=1000))
        if claves:
            cliente.delete(*claves)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _cache_limpia():
    """Rate limits and sessions live in the cache: every test starts clean."""
    cache_vaciar()
    yield
    cache_vaciar()


@pytest.fixture(autouse=True)
def _media_temporal(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": settings.MEDIA_URL},
        },
    }


@pytest.fixture
def al_confirmar(django_capture_on_commit_callbacks):
    """Runs what services schedule with transaction.on_commit (tasks, emails)
    inside the test's transaction, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
