"""Celery tasks of the citizens app. Its emails (account links, profile
alerts, notice alerts) are rows of the portal's outbox, sent by
egov.tasks.mensaje_enviar."""

from celery import shared_task

from egov.mensajes import correo_registrar


@shared_task
def correo_enviar(*, asunto: str, texto: str, para: list[str], html: str = "") -> None:
    """Drains account emails enqueued as a payload before the outbox existed:
    each becomes an outbox row (reserved: it may carry a one-time link)."""
    correo_registrar(para=para, asunto=asunto, texto=texto, html=html, reservado=True)


@shared_task
def resumenes_enviar() -> dict:
    """Beat, once a day (AVISOS_RESUMEN_HORA): the digest of routine news."""
    from .alertas import resumenes_enviar as enviar

    return enviar()
