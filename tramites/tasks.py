"""Celery tasks of the procedures app: thin wrappers that call a service.
The issuing tasks of certificates and receipts are in certificados/tasks.py
(imported here so workers register them)."""

import logging

from celery import shared_task

from . import services
from .certificados.tasks import cargo_emitir, certificado_emitir  # noqa: F401 - registered with Celery

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def plazos_vencidos_procesar() -> dict:
    """Daily (beat): no presentada, silencio positivo and negativo. Idempotent."""
    resultado = services.plazos_vencidos_procesar()
    log.info("plazos vencidos: %s", resultado)
    return resultado


@shared_task
def recordatorios_enviar() -> dict:
    """Daily (beat): observation deadlines to citizens, due lists to offices."""
    return services.recordatorios_enviar()
