"""Celery tasks of the citizens app: thin wrappers that call a service."""

import smtplib

from celery import shared_task

from . import services

# Transient failures of the mail server: retried with exponential backoff.
REINTENTABLES = (OSError, smtplib.SMTPException)


@shared_task(
    autoretry_for=REINTENTABLES, retry_backoff=True, retry_backoff_max=600, max_retries=8
)
def correo_enviar(*, asunto: str, texto: str, para: list[str], html: str = "") -> None:
    """Sends an already rendered message (account emails carry one-time links
    that cannot be rebuilt later from an id)."""
    services.correo_enviar(asunto=asunto, texto=texto, para=para, html=html)


@shared_task(
    autoretry_for=REINTENTABLES, retry_backoff=True, retry_backoff_max=600, max_retries=8
)
def perfil_cambio_alertar(*, usuario_id: int, campos: list[str]) -> bool:
    return services.perfil_alerta_enviar(usuario_id=usuario_id, campos=campos)


@shared_task(
    autoretry_for=REINTENTABLES, retry_backoff=True, retry_backoff_max=600, max_retries=8
)
def aviso_enviar(*, notificacion_id: int) -> bool:
    """Emails the alert of a notice deposited in the casilla (idempotent)."""
    return services.aviso_correo_enviar(notificacion_id=notificacion_id)


@shared_task
def alertas_pendientes_reencolar() -> int:
    """Beat: alerts still unsent after a few minutes are enqueued again."""
    return services.alertas_pendientes_reencolar()
