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
# issuing is idempotent. A few quick retries ride out a blip; when they run out
# the failure is recorded on the row and the sweeper takes over with its own,
# slower schedule (services.documentos_pendientes_reencolar).
PDF = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": 5,
    "retry_backoff_max": 60,
    "max_retries": 3,
}


def _ronda_terminada(tarea) -> bool:
    """Whether this run is the delivery's last try: its failure ends a round.
    Run in-process (embedded default, tests) a retry would not wait, so
    there the first try is the whole round."""
    return tarea.request.is_eager or tarea.request.retries >= tarea.max_retries


@shared_task(**PDF)
def certificado_emitir(self, *, certificado_id: int) -> str:
    return services.certificado_emitir(certificado_id=certificado_id, ronda_terminada=_ronda_terminada(self))


@shared_task(**PDF)
def cargo_emitir(self, *, cargo_id: int) -> str:
    return services.cargo_emitir(cargo_id=cargo_id, ronda_terminada=_ronda_terminada(self))


@shared_task
def documentos_pendientes_reencolar() -> dict:
    """Beat: pending certificates and receipts, and failed ones whose next
    round is due, are enqueued again."""
    return services.documentos_pendientes_reencolar()


@shared_task
def recordatorios_enviar() -> dict:
    """Daily (beat): observation deadlines to citizens, due lists to offices."""
    return services.recordatorios_enviar()
