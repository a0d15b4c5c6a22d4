"""
The SMS provider's delivery receipts (its "DLR" callback), posted to
/webhooks/sms/recibo/ (the address egov/sms_adaptadores.py gives the provider
with each SMS). The email provider's come through django-anymail's own
webhooks (egov/entregas_correo.py).

The provider signs each call with the secret it shares with the portal
(settings.SMS_RECIBO_SECRETO) in the header

    X-Firma: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." followed by the body>

A call without it or with a wrong one is refused (401), as is one signed more
than FIRMA_VIGENCIA ago or ahead (a replay). Without a secret configured the
endpoint does not exist (404). The body is the receipt, form-encoded or JSON:
messageId, status, message-timestamp (UTC), err-code, client-ref. A final
status is recorded once (egov.entregas.recibo_registrar): the same receipt
again, or one of a message the portal does not know, is answered 200 and
changes nothing, so the provider stops retrying. "accepted" and "buffered"
are not final: 200, nothing recorded.
"""

import datetime
import hashlib
import hmac
import json
import logging
import time
from urllib.parse import parse_qs

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from .entregas import recibo_registrar
from .models import EstadoEntrega, Mensaje

log = logging.getLogger(__name__)

FIRMA_VIGENCIA = 300  # seconds
CUERPO_MAX_BYTES = 4096  # a receipt is a few hundred bytes
ESTADOS_FINALES = {
    "delivered": EstadoEntrega.ENTREGADO,
    "failed": EstadoEntrega.FALLIDO,
    "rejected": EstadoEntrega.FALLIDO,
    "expired": EstadoEntrega.FALLIDO,
}
ESTADOS_EN_CURSO = {"accepted", "buffered", "unknown"}
# The delivery error codes of the receipt, for the operator reading it.
ERRORES = {
    "1": "causa desconocida",
    "2": "celular apagado o sin cobertura",
    "3": "el número no existe",
    "4": "el usuario no recibe SMS de remitentes",
    "5": "error de portabilidad",
    "6": "el operador lo rechazó como spam",
    "7": "celular ocupado",
    "8": "error de la red",
    "9": "número no válido",
    "10": "mensaje no válido",
    "11": "sin ruta hacia el operador",
    "12": "destino inalcanzable",
    "13": "restricción de edad del abonado",
    "14": "el operador bloqueó el número",
    "15": "saldo prepago insuficiente",
    "99": "error general del operador",
}


def firma_calcular(*, secreto: str, marca: int, cuerpo: bytes) -> str:
    """The v1 signature of a body signed at `marca` (unix seconds)."""
    return hmac.new(secreto.encode(), f"{marca}.".encode() + cuerpo, hashlib.sha256).hexdigest()


def _firma_rechazo(cabecera: str, cuerpo: bytes, secreto: str) -> str:
    """Why the signature is refused; "" when it is good and recent."""
    partes = [parte.strip().split("=", 1) for parte in cabecera.split(",") if "=" in parte]
    marcas = [valor for clave, valor in partes if clave == "t"]
    firmas = [valor for clave, valor in partes if clave == "v1"]
    if len(marcas) != 1 or not marcas[0].isdigit() or not firmas:
        return "falta la firma X-Firma: t=<segundos>,v1=<hmac>"
    marca = int(marcas[0])
    esperada = firma_calcular(secreto=secreto, marca=marca, cuerpo=cuerpo)
    if not any(hmac.compare_digest(esperada, firma) for firma in firmas):
        return "firma no válida"
    if abs(time.time() - marca) > FIRMA_VIGENCIA:
        return "firma vencida"
    return ""


def _campos(cuerpo: bytes, tipo: str) -> dict[str, str]:
    """The receipt's fields, from JSON or a form; ValueError if neither."""
    texto = cuerpo.decode("utf-8")
    if tipo == "application/json":
        datos = json.loads(texto)
        if not isinstance(datos, dict):
            raise ValueError("se espera un objeto JSON")
        return {str(clave): "" if valor is None else str(valor) for clave, valor in datos.items()}
    return {clave: valores[0] for clave, valores in parse_qs(texto, keep_blank_values=True).items()}


def _momento(texto: str) -> datetime.datetime:
    """The provider's time: "2026-03-02 15:04:05" (UTC) or ISO 8601 with a zone."""
    momento = datetime.datetime.fromisoformat(texto.strip())
    return momento if momento.tzinfo else momento.replace(tzinfo=datetime.UTC)


def _detalle(estado: str, codigo: str) -> str:
    if not codigo or codigo == "0":
        return estado
    return f"{estado} (err-code {codigo}: {ERRORES.get(codigo, 'código del proveedor')})"


@csrf_exempt
def sms_recibo(request):
    secreto = settings.SMS_RECIBO_SECRETO
    if not secreto:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        largo = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        largo = -1
    if not 0 < largo <= CUERPO_MAX_BYTES:
        return HttpResponse("cuerpo vacío o demasiado grande", status=413 if largo > 0 else 400,
                            content_type="text/plain; charset=utf-8")
    cuerpo = request.body
    rechazo = _firma_rechazo(request.headers.get("X-Firma", ""), cuerpo, secreto)
    if rechazo:
        log.warning("recibo de SMS rechazado (%s) desde %s", rechazo, request.META.get("REMOTE_ADDR"))
        return HttpResponse(rechazo, status=401, content_type="text/plain; charset=utf-8")
    try:
        campos = _campos(cuerpo, request.content_type)
        proveedor_id = campos["messageId"].strip()
        estado = campos["status"].strip().lower()
        ocurrido_en = _momento(campos["message-timestamp"])
        if not proveedor_id or len(proveedor_id) > 100 or estado not in {*ESTADOS_FINALES, *ESTADOS_EN_CURSO}:
            raise ValueError(estado)
    except (ValueError, KeyError, UnicodeDecodeError):
        return HttpResponseBadRequest(
            "se esperan messageId, status y message-timestamp", content_type="text/plain; charset=utf-8"
        )
    if estado in ESTADOS_EN_CURSO:
        return HttpResponse("en curso", content_type="text/plain; charset=utf-8")
    resultado = recibo_registrar(
        canal=Mensaje.Canal.SMS, proveedor_id=proveedor_id, estado=ESTADOS_FINALES[estado], ocurrido_en=ocurrido_en,
        detalle=_detalle(estado, campos.get("err-code", "").strip()), referencia=campos.get("client-ref", "").strip(),
    )
    return HttpResponse(resultado, content_type="text/plain; charset=utf-8")


# --- Email: the configured provider's tracking webhook (django-anymail) ----------------------------

# The providers EMAIL_PROVEEDOR may name, and anymail's view of each one's tracking webhook.
VISTAS_CORREO = {
    "postmark": "anymail.webhooks.postmark.PostmarkTrackingWebhookView",
    "sendgrid": "anymail.webhooks.sendgrid.SendGridTrackingWebhookView",
    "brevo": "anymail.webhooks.brevo.BrevoTrackingWebhookView",
    "mailgun": "anymail.webhooks.mailgun.MailgunTrackingWebhookView",
}


@csrf_exempt
def correo_recibo(request, proveedor: str):
    """/webhooks/correo/<proveedor>/tracking/: only the configured provider's
    tracking webhook exists (anymail checks its shared secret and sends the
    `tracking` signal, egov/entregas_correo.py). Any other provider, and
    every provider while the portal sends by SMTP, is a 404: no webhook
    listens without a secret, and no inbound mail is accepted."""
    from django.utils.module_loading import import_string

    if proveedor != settings.EMAIL_PROVEEDOR or proveedor not in VISTAS_CORREO:
        raise Http404
    return import_string(VISTAS_CORREO[proveedor]).as_view()(request)
