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


# Certificates and receipts go to the `pdf` queue (CELERY_TASK_ROUTES). acks_late
# and reject_on_worker_lost (settings) make a killed worker's task run again;
# issuing is idempotent. Failures are recorded on the row and retried with
# exponential backoff.
PDF = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 5,
}


@shared_task(**PDF)
def certificado_emitir(*, certificado_id: int) -> str:
    return services.certificado_emitir(certificado_id=certificado_id)


@shared_task(**PDF)
def cargo_emitir(*, cargo_id: int) -> str:
    return services.cargo_emitir(cargo_id=cargo_id)


@shared_task
def documentos_pendientes_reencolar() -> dict:
    """Beat: pending certificates and receipts are enqueued again."""
    return services.documentos_pendientes_reencolar()


@shared_task
def recordatorios_enviar() -> dict:
    """Daily (beat): observation deadlines to citizens, due lists to offices."""
    return services.recordatorios_enviar()
