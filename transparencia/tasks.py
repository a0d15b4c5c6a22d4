"""Celery tasks of the transparency app: thin wrappers that call a service."""

from celery import shared_task

from egov import documentos

from . import selectors, services


@shared_task
def indicadores_refrescar() -> str:
    """Beat: recomputes the public figures and caches them."""
    return selectors.indicadores(refrescar=True)["generado_el"]


@shared_task(**documentos.OPCIONES_TAREA)
def hoja_reclamo_emitir(self, *, documento_id: int) -> str:
    """The signed sheet of a complaint, by the entity's document pipeline."""
    return documentos.documento_emitir(
        tipo="hoja_reclamo", documento_id=documento_id, ronda_terminada=documentos.ronda_terminada(self)
    )


@shared_task
def reclamos_recordar() -> int:
    return services.reclamos_recordar()
