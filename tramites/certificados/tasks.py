"""Tasks of the certificates and filing receipts: thin, they run the entity's
document pipeline (egov/documentos.py). They go to the `pdf` queue; their
names stay those of their first release, which the routing and any message
still in a queue use."""

from celery import shared_task

from egov import documentos


@shared_task(name="tramites.tasks.certificado_emitir", **documentos.OPCIONES_TAREA)
def certificado_emitir(self, *, documento_id: int) -> str:
    return documentos.documento_emitir(
        tipo="certificado", documento_id=documento_id, ronda_terminada=documentos.ronda_terminada(self)
    )


@shared_task(name="tramites.tasks.cargo_emitir", **documentos.OPCIONES_TAREA)
def cargo_emitir(self, *, documento_id: int) -> str:
    return documentos.documento_emitir(
        tipo="cargo", documento_id=documento_id, ronda_terminada=documentos.ronda_terminada(self)
    )
