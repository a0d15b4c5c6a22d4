"""The constancia's task: thin, it runs the entity's document pipeline on the
`pdf` queue (egov/settings.py routes it)."""

from celery import shared_task

from egov import documentos


@shared_task(**documentos.OPCIONES_TAREA)
def constancia_emitir(self, *, documento_id: int) -> str:
    return documentos.documento_emitir(
        tipo="constancia_notificacion", documento_id=documento_id,
        ronda_terminada=documentos.ronda_terminada(self),
    )
