"""
Every message the portal sends, email or SMS (egov/sms.py), goes through
this one path.

* `correo_registrar` writes the message as a row (`egov.models.Mensaje`), in
  the transaction of the work that causes it, and enqueues its task after
  commit. If that work rolls back, there is no message; if the broker is down,
  the row waits.
* `mensaje_enviar` (the task `egov.tasks.mensaje_enviar`) locks the row, skips
  it if it was sent (tasks may run twice), sends it and records the result. A
  failure is recorded on the row with the time of the next try: 1, 2, 4 … up
  to 60 minutes later, for MENSAJE_INTENTOS_MAX tries; then the message is
  "not sent" and waits for a person (`mensaje_reintentar`, the admin's
  action). /salud/ reports those (`mensajes_salud`).
* `mensajes_pendientes_reencolar` (beat) enqueues again what is due: a task
  lost with the broker, a killed worker, a failure whose next try has come.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import EstadoMensaje, Mensaje
from .sms import Aplazado
from .tareas import LOTE_BARRIDO, encolar

log = logging.getLogger(__name__)

# Tries before a message waits for a person; the pause after the n-th failure.
MENSAJE_INTENTOS_MAX = 10
PRIMER_INTERVALO = datetime.timedelta(minutes=1)
MAX_INTERVALO = datetime.timedelta(minutes=60)
# A message never tried is left alone this long: its task may be in the queue.
ESPERA_ANTES_DE_REENCOLAR = datetime.timedelta(minutes=2)


def correo_registrar(
    *, para: list[str], asunto: str, texto: str, html: str = "", reservado: bool = False, referencia: str = ""
) -> Mensaje | None:
    """Records an email and sends it after commit. Call it inside the
    transaction of the work that causes it. `reservado` marks a body with a
    one-time link (erased once sent, never shown). None when there is nobody
    to send it to."""
    from .tasks import mensaje_enviar

    destinatarios = [d.strip() for d in para if d and d.strip()]
    if not destinatarios:
        return None
    mensaje = Mensaje.objects.create(
        canal=Mensaje.Canal.CORREO, para=", ".join(destinatarios), asunto=" ".join(asunto.split())[:255],
        texto=texto, html=html, reservado=reservado, referencia=referencia[:80],
    )
    encolar(mensaje_enviar, mensaje_id=mensaje.pk)
    return mensaje


def intervalo_tras(intentos: int) -> datetime.timedelta:
    """The pause before the next try after `intentos` failed tries."""
    return min(PRIMER_INTERVALO * 2 ** max(intentos - 1, 0), MAX_INTERVALO)


def _entregar(mensaje: Mensaje) -> str:
    """Hands the message to its channel; returns the provider's id for it
    ("" when the channel gives none, as SMTP), which its receipts will name."""
    if mensaje.canal == Mensaje.Canal.SMS:
        from .sms import sms_entregar

        return sms_entregar(mensaje)
    correo = EmailMultiAlternatives(mensaje.asunto, mensaje.texto, settings.DEFAULT_FROM_EMAIL, mensaje.destinatarios)
    if mensaje.html:
        correo.attach_alternative(mensaje.html, "text/html")
    correo.send()
    estado = getattr(correo, "anymail_status", None)  # set by django-anymail's backends
    return (estado.message_id or "") if estado is not None and isinstance(estado.message_id, str) else ""


def mensaje_enviar(*, mensaje_id: int) -> str:
    """Sends a pending message once: "enviado", "omitido" (already sent, not
    found, or not due), "aplazado" (an SMS over its number's hourly limit) or
    "fallido" (recorded on the row; the sweeper tries again when its time
    comes)."""
    ahora = timezone.now()
    with transaction.atomic():
        mensaje = Mensaje.objects.select_for_update().filter(pk=mensaje_id).first()
        if mensaje is None or mensaje.estado != EstadoMensaje.PENDIENTE:
            return "omitido"
        if mensaje.proximo_intento_en and mensaje.proximo_intento_en > ahora:
            return "omitido"  # a duplicate delivery arriving before the pause is over
        mensaje.intentos += 1
        try:
            proveedor_id = _entregar(mensaje)
        except Aplazado as aplazado:  # the number's hourly SMS limit: waits, no failed try
            mensaje.intentos -= 1
            mensaje.proximo_intento_en = aplazado.hasta
            mensaje.save(update_fields=["proximo_intento_en"])
            return "aplazado"
        except Exception as error:  # noqa: BLE001 - any failure is recorded; the schedule retries
            log.warning("no se pudo enviar el mensaje %s (intento %s)", mensaje.pk, mensaje.intentos, exc_info=True)
            mensaje.error = f"{error.__class__.__name__}: {error}"[:2000]
            if mensaje.intentos >= MENSAJE_INTENTOS_MAX:
                mensaje.estado = EstadoMensaje.FALLIDO
                mensaje.proximo_intento_en = None
            else:
                mensaje.proximo_intento_en = ahora + intervalo_tras(mensaje.intentos)
            mensaje.save(update_fields=["intentos", "error", "estado", "proximo_intento_en"])
            return "fallido"
        mensaje.estado = EstadoMensaje.ENVIADO
        mensaje.enviado_en = timezone.now()
        mensaje.proximo_intento_en = None
        mensaje.error = ""
        mensaje.proveedor_id = proveedor_id[:100]
        if mensaje.reservado:
            mensaje.texto = mensaje.html = ""
        mensaje.save()
    return "enviado"


def mensajes_pendientes_reencolar(*, ahora: datetime.datetime | None = None,
                                  espera: datetime.timedelta = ESPERA_ANTES_DE_REENCOLAR) -> int:
    """Beat: messages due (see `MensajeQuerySet.por_enviar`) are enqueued again."""
    from .tasks import mensaje_enviar

    ahora = ahora or timezone.now()
    pendientes = list(
        Mensaje.objects.por_enviar(ahora=ahora, creados_antes=ahora - espera)
        .order_by("pk").values_list("pk", flat=True)[:LOTE_BARRIDO]
    )
    for pk in pendientes:
        encolar(mensaje_enviar, mensaje_id=pk)
    return len(pendientes)


def mensaje_reintentar(*, mensaje: Mensaje) -> bool:
    """A person asks to send a failed message again: a new series of tries."""
    with transaction.atomic():
        actualizados = Mensaje.objects.filter(pk=mensaje.pk).exclude(estado=EstadoMensaje.ENVIADO).update(
            estado=EstadoMensaje.PENDIENTE, intentos=0, proximo_intento_en=None,
        )
        if actualizados:
            from .tasks import mensaje_enviar

            encolar(mensaje_enviar, mensaje_id=mensaje.pk)
    return bool(actualizados)


def mensajes_salud() -> dict:
    """For /salud/: "degradado" when messages are no longer retried (a person
    must look) or have waited more than an hour."""
    hace_una_hora = timezone.now() - datetime.timedelta(hours=1)
    sin_enviar = Mensaje.objects.filter(estado=EstadoMensaje.FALLIDO).count()
    atrasados = Mensaje.objects.filter(estado=EstadoMensaje.PENDIENTE, creado_en__lt=hace_una_hora).count()
    return {"estado": "degradado" if sin_enviar or atrasados else "ok", "sin_enviar": sin_enviar,
            "atrasados": atrasados}
