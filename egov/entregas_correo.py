"""
Delivery receipts of email, from the provider's webhook.

django-anymail receives the provider's call at /webhooks/correo/<proveedor>/
tracking/, checks its shared secret (ANYMAIL["WEBHOOK_SECRET"], HTTP Basic;
a wrong one is refused before anything here runs) and sends its `tracking`
signal with one normalized event per recipient. This receiver turns the
events that say what became of a message into receipts
(`egov.entregas.recibo_registrar`), named by the message id anymail gave
when it sent the message (`Mensaje.proveedor_id`, egov/mensajes.py).

Opens, clicks, queued and deferred messages say nothing final about the
delivery and are left out. A receipt for a message the portal does not know
is logged and answered 200 like the rest: the provider must not retry it.
An error while recording one propagates: anymail answers 500 and the
provider calls again later.
"""

import datetime
import logging

from anymail.signals import EventType, tracking
from django.dispatch import receiver
from django.utils import timezone

from .entregas import recibo_registrar
from .models import EstadoEntrega, Mensaje

log = logging.getLogger(__name__)

# anymail's normalized event type -> the delivery state it proves.
ESTADO_DEL_EVENTO = {
    EventType.DELIVERED: EstadoEntrega.ENTREGADO,
    EventType.BOUNCED: EstadoEntrega.REBOTADO,
    EventType.COMPLAINED: EstadoEntrega.QUEJA,
    EventType.REJECTED: EstadoEntrega.FALLIDO,
    EventType.FAILED: EstadoEntrega.FALLIDO,
}


def detalle_del_evento(event) -> str:
    """The provider's words on the event (its description, then the mail
    server's answer), on one line."""
    partes = []
    for texto in (event.description, event.mta_response):
        texto = " ".join(str(texto or "").split())
        if texto and texto not in partes:
            partes.append(texto)
    return " — ".join(partes)[:300]


@receiver(tracking, dispatch_uid="egov_entregas_correo")
def _correo_seguido(sender, event, esp_name, **kwargs):
    estado = ESTADO_DEL_EVENTO.get(event.event_type)
    if estado is None:
        return
    if not isinstance(event.message_id, str) or not event.message_id:
        log.info("evento %s de %s sin identificador de mensaje", event.event_type, esp_name)
        return
    ocurrido_en = event.timestamp or timezone.now()
    if timezone.is_naive(ocurrido_en):
        ocurrido_en = timezone.make_aware(ocurrido_en, datetime.UTC)
    resultado = recibo_registrar(
        canal=Mensaje.Canal.CORREO, proveedor_id=event.message_id, estado=estado, ocurrido_en=ocurrido_en,
        detalle=detalle_del_evento(event),
    )
    log.info("recibo de correo de %s: %s %s %s", esp_name, event.message_id, estado, resultado)
