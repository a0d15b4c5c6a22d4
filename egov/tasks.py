"""Celery tasks of the portal's shared infrastructure."""

from celery import shared_task
from django.core.management import call_command

from . import documentos


@shared_task
def sesiones_vencidas_borrar() -> None:
    """Daily (beat): sessions live in the database; expired ones are deleted."""
    call_command("clearsessions")


@shared_task
def documentos_pendientes_reencolar() -> dict:
    """Beat: pending documents, and failed ones whose next round is due, are
    enqueued again (every kind: certificates, receipts, complaint sheets)."""
    return documentos.documentos_pendientes_reencolar()
