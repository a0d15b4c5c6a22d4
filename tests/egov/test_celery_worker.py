"""A real Celery worker process against Redis runs what services enqueue after
commit, and nothing reaches the broker when the transaction rolls back."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction

from ciudadanos import services
from egov.celery import app as celery_app
from tests.factories import PerfilFactory
from tests.fixtures import esperar

RAIZ = Path(__file__).resolve().parents[2]


def _datos(perfil, **cambios):
    datos = {
        campo: getattr(perfil, campo)
        for campo in services.CAMPOS_IDENTIDAD + services.CAMPOS_CONTACTO
    }
    datos.update(cambios)
    return datos


@pytest.fixture
def broker():
    cliente = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    cliente.flushdb()
    celery_app.conf.task_always_eager = False
    yield cliente
    celery_app.conf.task_always_eager = True
    cliente.flushdb()


@pytest.fixture
def worker(tmp_path, broker):
    """Starts (when called) `celery worker` as production does, on the test database."""
    bd = connection.settings_dict
    entorno = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": (
            f"postgres://{bd['USER']}@{bd['HOST']}:{bd['PORT']}/{bd['NAME']}"
        ),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "VAR_DIR": str(tmp_path),
    }
    entorno.pop("EMAIL_URL", None)
    procesos = []

    def arrancar():
        proceso = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "egov", "worker", "-Q", "default,pdf",
             "--pool", "solo", "--without-mingle", "--without-gossip", "-l", "INFO"],
            cwd=RAIZ, env=entorno, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        proceso.buzon = tmp_path / "mail"
        procesos.append(proceso)
        return proceso

    yield arrancar
    for proceso in procesos:
        proceso.terminate()
        try:
            proceso.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proceso.kill()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_real_ejecuta_lo_confirmado_y_nada_de_lo_revertido(broker, worker):
    perfil = PerfilFactory(usuario__email="vecina@example.pe")

    # Rolled back: the alert is never enqueued.
    with pytest.raises(RuntimeError), transaction.atomic():
        services.perfil_guardar(
            usuario=perfil.usuario, datos=_datos(perfil, direccion="Calle Revertida 1")
        )
        raise RuntimeError("el trámite falló después de guardar")
    assert broker.llen("default") == 0

    # Committed: the alert is enqueued once, then delivered by the worker.
    services.perfil_guardar(
        usuario=perfil.usuario, datos=_datos(perfil, direccion="Calle Confirmada 2")
    )
    perfil.refresh_from_db()
    assert perfil.direccion == "Calle Confirmada 2"
    assert broker.llen("default") == 1

    proceso = worker()

    def correos():
        return list(proceso.buzon.glob("*.log")) if proceso.buzon.exists() else []

    llego = esperar(lambda: correos() and broker.llen("default") == 0)
    if not llego:
        proceso.terminate()
        pytest.fail("El worker no entregó el aviso:\n" + proceso.stdout.read()[-3000:])
    # Django's file backend ends each message with a line of 79 dashes: the
    # delivered email is completely written.
    assert esperar(lambda: all(a.read_text().rstrip().endswith("-" * 79) for a in correos()), 10)
    archivos = correos()
    assert len(archivos) == 1
    contenido = archivos[0].read_text()
    assert "To: vecina@example.pe" in contenido
