"""Enqueueing Celery tasks after the transaction commits, without letting a
broker outage break the request that did the work: the row that records the
pending work is already committed, and a beat sweeper enqueues it again."""

import logging

from django.db import transaction

log = logging.getLogger(__name__)

# Rows one sweeper round takes of each kind (documents, messages): a long
# outage is drained over a few beat ticks instead of one huge round.
LOTE_BARRIDO = 500


def publicar(tarea, kwargs):
    """Hands the task to the broker now (or runs it, in-process mode); a broker
    failure is logged, never raised: the row behind the task waits for the sweeper."""
    try:
        if tarea.app.conf.task_always_eager:
            tarea.apply_async(kwargs=kwargs, retry=False)
            return
        with tarea.app.producer_or_acquire() as productor:
            # One connection attempt: kombu would otherwise keep trying for
            # broker_connection_timeout seconds for every task, and a request
            # that enqueues four tasks would hang ~18 s while the broker is down.
            productor.connection.ensure_connection(max_retries=0)
            tarea.apply_async(kwargs=kwargs, retry=False, producer=productor)
    except Exception:  # noqa: BLE001 - any broker failure: the sweeper retries later
        log.warning("No se pudo encolar %s %s: se reintentará desde la base de datos", tarea.name, kwargs, exc_info=True)


def encolar(tarea, **kwargs):
    """Like `tarea.delay_on_commit(**kwargs)`, but a broker failure is logged
    instead of raised. Every after-commit callback of the portal is robust
    (`robust=True`): one that fails is logged and never stops the others."""
    transaction.on_commit(lambda: publicar(tarea, kwargs), robust=True)
