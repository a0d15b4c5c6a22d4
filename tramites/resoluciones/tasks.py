"""The resolution's task: thin, it runs the entity's document pipeline on the
`pdf` queue (egov/settings.py routes it)."""

from celery import shared_task

from egov import documentos


@shared_task(**documentos.OPCIONES_TAREA)
def resolucion_emitir(self, *, documento_id: int) -> str:
    return documentos.documento_emitir(
        tipo="resolucion", documento_id=documento_id, ronda_terminada=documentos.ronda_terminada(self)
    )
