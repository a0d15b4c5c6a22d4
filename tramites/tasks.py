"""Celery tasks of the procedures app: thin wrappers that call a service."""

import logging

from celery import shared_task

from . import services

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def plazos_vencidos_procesar() -> dict:
    """Daily (beat): no presentada, silencio positivo and negativo. Idempotent."""
    resultado = services.plazos_vencidos_procesar()
    log.info("plazos vencidos: %s", resultado)
    return resultado
