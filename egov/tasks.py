"""Celery tasks of the portal's shared infrastructure."""

from celery import shared_task
from django.core.management import call_command

from . import documentos, mensajes


@shared_task
def sesiones_vencidas_borrar() -> None:
    """Daily (beat): sessions live in the database; expired ones are deleted."""
    call_command("clearsessions")


@shared_task
def documentos_pendientes_reencolar() -> dict:
    """Beat: pending documents, and failed ones whose next round is due, are
    enqueued again (every kind: certificates, receipts, complaint sheets)."""
    return documentos.documentos_pendientes_reencolar()


@shared_task(acks_late=True)
def mensaje_enviar(*, mensaje_id: int) -> str:
    """Sends one outbound message (idempotent: a sent one is skipped)."""
    return mensajes.mensaje_enviar(mensaje_id=mensaje_id)


@shared_task
def mensajes_pendientes_reencolar() -> int:
    """Beat: messages whose task was lost, or whose next try is due, are enqueued again."""
    return mensajes.mensajes_pendientes_reencolar()
