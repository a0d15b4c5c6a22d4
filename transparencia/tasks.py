"""Celery tasks of the transparency app: thin wrappers that call a service."""

from celery import shared_task

from . import selectors, services


@shared_task
def indicadores_refrescar() -> str:
    """Beat: recomputes the public figures and caches them."""
    return selectors.indicadores(refrescar=True)["generado_el"]


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def reclamo_pdf_emitir(*, reclamo_id: int) -> str:
    return services.reclamo_pdf_emitir(reclamo_id=reclamo_id)


@shared_task
def reclamos_recordar() -> int:
    return services.reclamos_recordar()
