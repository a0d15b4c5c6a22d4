"""
SMS alerts: written to the outbox like emails (egov/mensajes.py), sent by
the same task through the provider adapter that SMS_URL names
(egov/sms_adaptadores.py).

* `sms_registrar` records the SMS in the transaction that causes it. Between
  22:00 and 07:00 (Lima) an SMS waits until 07:00, unless it is urgent (a
  notice whose deadline ends within 24 hours).
* The text is GSM-7 and fits one SMS (160 characters): letters the GSM
  alphabet lacks are transliterated (á → a), so a Spanish text is never sent
  as UCS-2 (70 characters) nor arrives with "?" in place of its accents.
* `sms_entregar`, called by the task, holds back an SMS to a number that has
  had SMS_POR_HORA already in the last hour (`Aplazado`: it waits, without
  counting as a failed try).
"""

import datetime
import re
import unicodedata

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import EstadoMensaje, Mensaje
from .tareas import encolar

LARGO_MAXIMO = 160
NOCHE_DESDE = datetime.time(22, 0)
NOCHE_HASTA = datetime.time(7, 0)
URGENTE_DENTRO_DE = datetime.timedelta(hours=24)

# The GSM 03.38 default alphabet; the extension table's characters take two septets.
_GSM7_BASICO = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = set("^{}\\[~]|€")
# Letters outside GSM-7 with a better stand-in than their bare base letter.
_SUSTITUTOS = {"–": "-", "—": "-", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "...", "«": '"', "»": '"',
               "°": "o", "º": "o", "ª": "a", "\t": " "}


class Aplazado(Exception):
    """The SMS cannot go now (the number's hourly limit); it waits until `hasta`."""

    def __init__(self, hasta: datetime.datetime):
        super().__init__(f"aplazado hasta {hasta.isoformat()}")
        self.hasta = hasta


def configurado() -> bool:
    return bool(settings.SMS_URL)


def _a_gsm7(caracter: str) -> str:
    if caracter in _GSM7_BASICO or caracter in _GSM7_EXTENSION:
        return caracter
    if caracter in _SUSTITUTOS:
        return _SUSTITUTOS[caracter]
    base = "".join(c for c in unicodedata.normalize("NFD", caracter) if not unicodedata.combining(c))
    return "".join(c for c in base if c in _GSM7_BASICO or c in _GSM7_EXTENSION)


def gsm7(texto: str, *, maximo: int = LARGO_MAXIMO) -> str:
    """`texto` in the GSM-7 alphabet, cut to fit `maximo` septets (an
    extension character counts two) without cutting a word when it can."""
    # A character dropped (an emoji) leaves its spaces around: one is enough.
    convertido = re.sub(" {2,}", " ", "".join(_a_gsm7(c) for c in texto)).strip()
    septetos = 0
    for posicion, caracter in enumerate(convertido):
        septetos += 2 if caracter in _GSM7_EXTENSION else 1
        if septetos > maximo:
            cortado = convertido[: posicion - 3].rsplit(" ", 1)[0]
            return cortado.rstrip(" ,.;:") + "..."
    return convertido


def septetos(texto: str) -> int:
    return sum(2 if c in _GSM7_EXTENSION else 1 for c in texto)


def fuera_de_la_noche(momento: datetime.datetime) -> datetime.datetime:
    """`momento` if it is between 07:00 and 22:00 in Lima; else the next 07:00."""
    local = timezone.localtime(momento)
    if NOCHE_HASTA <= local.time() < NOCHE_DESDE:
        return momento
    dia = local.date() if local.time() < NOCHE_HASTA else local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(dia, NOCHE_HASTA), timezone.get_current_timezone())


def sms_registrar(
    *, numero: str, texto: str, referencia: str = "", reservado: bool = False,
    plazo_vence_en: datetime.datetime | None = None,
) -> Mensaje | None:
    """Records an SMS and sends it after commit; at night its task finds it
    too early and it waits for 07:00 (sms_entregar), unless `plazo_vence_en`
    is within 24 hours. Call it inside the transaction of the work that
    causes it. None without SMS_URL or number."""
    from .tasks import mensaje_enviar

    if not configurado() or not numero:
        return None
    urgente = plazo_vence_en is not None and plazo_vence_en - timezone.now() <= URGENTE_DENTRO_DE
    cuerpo = gsm7(texto)
    mensaje = Mensaje.objects.create(
        canal=Mensaje.Canal.SMS, para=numero, texto=cuerpo, reservado=reservado, urgente=urgente,
        # A reserved SMS (a one-time code) shows no text anywhere, not even as its subject.
        asunto=_("SMS reservado") if reservado else cuerpo[:60],
        referencia=referencia[:80],
    )
    encolar(mensaje_enviar, mensaje_id=mensaje.pk)
    return mensaje


def sms_entregar(mensaje: Mensaje) -> str:
    """Sends the SMS through the configured adapter; returns the provider's
    id for it. Raises Aplazado when it is night (and the SMS is not urgent),
    or when the number has had its SMS for this hour."""
    from .sms_adaptadores import adaptador

    ahora = timezone.now()
    if not mensaje.urgente and fuera_de_la_noche(ahora) > ahora:  # a retry or a postponed SMS reaching the night
        raise Aplazado(fuera_de_la_noche(ahora))
    hace_una_hora = ahora - datetime.timedelta(hours=1)
    recientes = list(
        Mensaje.objects.filter(
            # Strictly within the hour: at the time Aplazado named, the oldest no longer counts.
            canal=Mensaje.Canal.SMS, para=mensaje.para, estado=EstadoMensaje.ENVIADO, enviado_en__gt=hace_una_hora
        ).order_by("enviado_en").values_list("enviado_en", flat=True)[: settings.SMS_POR_HORA]
    )
    if len(recientes) >= settings.SMS_POR_HORA:
        raise Aplazado(recientes[0] + datetime.timedelta(hours=1))
    return adaptador().enviar(
        numero=mensaje.para, texto=mensaje.texto, remitente=settings.SMS_REMITENTE, referencia=str(mensaje.pk)
    )
