"""
Delivery receipts: what the email provider (through django-anymail's
webhooks) and the SMS provider (its callback, egov/webhooks.py) say became of
a message the portal sent.

`recibo_registrar` is the one write. A receipt is kept as a row
(`ReciboEntrega`), once: the provider retrying a call, or someone replaying
one, finds the row and changes nothing. The message's own state
(`Mensaje.entrega`) follows the latest receipt by the provider's time, so a
late "delivered" never hides a bounce that happened after it, and an old
receipt replayed never undoes a newer one. After each new receipt the
signal `entrega_registrada` tells the apps that care (ciudadanos marks a
failing channel, in the same transaction).
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from .models import EstadoEntrega, Mensaje, ReciboEntrega

log = logging.getLogger(__name__)

# Sent with `mensaje` and `recibo` after a new receipt changed the message's delivery state.
entrega_registrada = Signal()


class Resultado:
    REGISTRADO = "registrado"
    DUPLICADO = "duplicado"
    DESCONOCIDO = "desconocido"  # no message of ours has that provider id


def recibo_registrar(
    *, canal: str, proveedor_id: str, estado: str, ocurrido_en: datetime.datetime | None = None, detalle: str = "",
    referencia: str = "",
) -> str:
    """Records one delivery receipt. `estado` is an EstadoEntrega value;
    `ocurrido_en` the provider's time (now when it gives none). `referencia`
    is the message's pk when the provider echoes it (the SMS client-ref)."""
    if estado not in EstadoEntrega.values or estado == EstadoEntrega.SIN_CONFIRMAR or not proveedor_id:
        raise ValueError(f"Recibo de entrega no válido: {estado!r} {proveedor_id!r}")
    ocurrido_en = ocurrido_en or timezone.now()
    with transaction.atomic():
        if referencia.isascii() and referencia.isdigit() and len(referencia) < 19:
            # A fast provider may report before the transaction that sent the
            # message has stored its id: that transaction holds the row, so
            # waiting for the lock lets the lookup below see the id.
            Mensaje.objects.select_for_update().filter(pk=int(referencia), canal=canal, proveedor_id="").first()
        mensaje = Mensaje.objects.select_for_update().filter(canal=canal, proveedor_id=proveedor_id).first()
        if mensaje is None:
            log.info("recibo de entrega de un mensaje desconocido: %s %s", canal, proveedor_id)
            return Resultado.DESCONOCIDO
        try:
            with transaction.atomic():
                recibo = ReciboEntrega.objects.create(
                    mensaje=mensaje, estado=estado, ocurrido_en=ocurrido_en, detalle=detalle[:300]
                )
        except IntegrityError:
            return Resultado.DUPLICADO
        if mensaje.entrega_en is None or ocurrido_en >= mensaje.entrega_en:
            mensaje.entrega, mensaje.entrega_en, mensaje.entrega_detalle = estado, ocurrido_en, detalle[:300]
            mensaje.save(update_fields=["entrega", "entrega_en", "entrega_detalle"])
            entrega_registrada.send(sender=Mensaje, mensaje=mensaje, recibo=recibo)
    return Resultado.REGISTRADO
