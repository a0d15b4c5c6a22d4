"""Celery tasks of the portal's shared infrastructure."""

from celery import shared_task
from django.core.management import call_command


@shared_task
def sesiones_vencidas_borrar() -> None:
    """Daily (beat): sessions live in the database; expired ones are deleted."""
    call_command("clearsessions")
