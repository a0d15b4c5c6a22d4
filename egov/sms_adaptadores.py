"""
The SMS provider behind one small interface: `adaptador()` reads
settings.SMS_URL and answers an object whose `enviar(numero=, texto=,
remitente=, referencia=)` hands one SMS over and returns the provider's id for
it (the id its delivery receipts will name).

    file:///ruta                      each SMS as a text file under /ruta (the
                                      development default: VAR_DIR/sms), as
                                      Django's file email backend does
    console://                        each SMS printed on standard output
    https://clave:secreto@host/ruta   a provider speaking the widespread form
                                      "SMS API" (POST api_key, api_secret,
                                      from, to, text, client-ref, callback;
                                      JSON answer with one message-id per part)

The HTTP adapter tries once and raises `ErrorProveedorSms` when the provider
cannot be reached, answers with an HTTP error or refuses the SMS: the outbox
(egov/mensajes.py) records the error and retries later. The credentials never
appear in an error or a log line.
"""

import json
import os
import sys
import tempfile
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

# Seconds to wait for the provider (connection and answer); the outbox retries later.
TIEMPO_ESPERA = 5
# Bytes of a provider's answer worth reading (one message's status is a few hundred).
RESPUESTA_MAX_BYTES = 64 * 1024


class ErrorProveedorSms(Exception):
    """The provider did not take the SMS (unreachable, HTTP error, refused)."""


class Adaptador(Protocol):
    def enviar(self, *, numero: str, texto: str, remitente: str, referencia: str) -> str: ...


def _ficha(*, numero: str, texto: str, remitente: str, referencia: str, proveedor_id: str) -> str:
    """One SMS as a person reads it: headers, a blank line, the text."""
    fecha = timezone.localtime(timezone.now()).strftime("%Y-%m-%d %H:%M:%S %z")
    return (
        f"Para: {numero}\nDe: {remitente}\nFecha: {fecha}\nReferencia: {referencia}\n"
        f"Identificador: {proveedor_id}\n\n{texto}\n"
    )


class AdaptadorArchivo:
    """Writes each SMS as a file of its own under `carpeta`, named by the time
    it was sent (Lima's time) so a listing sorts them: 20260302-101504-123456-1b4e28ba.txt.
    The file appears whole: it is written under a hidden name and renamed."""

    def __init__(self, carpeta: Path):
        self.carpeta = Path(carpeta)

    def enviar(self, *, numero: str, texto: str, remitente: str, referencia: str) -> str:
        proveedor_id = str(uuid.uuid4())
        self.carpeta.mkdir(parents=True, exist_ok=True)
        nombre = f"{timezone.localtime():%Y%m%d-%H%M%S-%f}-{proveedor_id[:8]}.txt"
        ficha = _ficha(numero=numero, texto=texto, remitente=remitente, referencia=referencia,
                       proveedor_id=proveedor_id)
        descriptor, temporal = tempfile.mkstemp(dir=self.carpeta, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as archivo:
                archivo.write(ficha)
            os.replace(temporal, self.carpeta / nombre)
        except BaseException:
            Path(temporal).unlink(missing_ok=True)
            raise
        return proveedor_id


class AdaptadorConsola:
    """Prints each SMS on standard output, followed by a line of dashes."""

    def enviar(self, *, numero: str, texto: str, remitente: str, referencia: str) -> str:
        proveedor_id = str(uuid.uuid4())
        ficha = _ficha(numero=numero, texto=texto, remitente=remitente, referencia=referencia,
                       proveedor_id=proveedor_id)
        sys.stdout.write(ficha + "-" * 79 + "\n")
        sys.stdout.flush()
        return proveedor_id


class AdaptadorHttp:
    """The form-encoded "SMS API": POST to `url` with the account's key and
    secret; the answer lists the message's parts, each with its `status`
    ("0" accepted, anything else refused with an `error-text`) and
    `message-id`. The delivery receipts come to `callback`."""

    def __init__(self, *, url: str, clave: str, secreto: str, callback: str = ""):
        self.url = url
        self.clave = clave
        self.secreto = secreto
        self.callback = callback

    def __repr__(self):  # the secret stays out of tracebacks and debug pages
        return f"AdaptadorHttp(url={self.url!r}, clave={self.clave!r})"

    def _campos(self, *, numero: str, texto: str, remitente: str, referencia: str) -> dict[str, str]:
        campos = {
            "api_key": self.clave,
            "api_secret": self.secreto,
            "from": remitente,
            "to": "".join(c for c in numero if c.isdigit()),
            "text": texto,
            "type": "text",  # GSM-7: egov.sms already made the text fit it
            "client-ref": referencia[:100],
        }
        if self.callback:
            campos["callback"] = self.callback
            campos["status-report-req"] = "1"
        return campos

    def enviar(self, *, numero: str, texto: str, remitente: str, referencia: str) -> str:
        cuerpo = urlencode(self._campos(numero=numero, texto=texto, remitente=remitente, referencia=referencia))
        pedido = urllib.request.Request(  # noqa: S310 - adaptador() accepts only http(s) here
            self.url, data=cuerpo.encode("utf-8"), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(pedido, timeout=TIEMPO_ESPERA) as respuesta:  # noqa: S310
                contenido = respuesta.read(RESPUESTA_MAX_BYTES)
        except urllib.error.HTTPError as error:
            detalle = _texto_de_error(error.read(RESPUESTA_MAX_BYTES))
            raise ErrorProveedorSms(
                f"el proveedor de SMS respondió HTTP {error.code}" + (f": {detalle}" if detalle else "")
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            motivo = getattr(error, "reason", None) or error
            raise ErrorProveedorSms(f"no se pudo conectar con el proveedor de SMS: {motivo}") from None
        return _proveedor_id_de(contenido)


def _texto_de_error(contenido: bytes) -> str:
    """The provider's own words in an error answer, when it gives some."""
    try:
        datos = json.loads(contenido)
    except ValueError:
        return contenido.decode("utf-8", "replace").strip()[:200]
    if isinstance(datos, dict):
        partes = datos.get("messages") or [datos]
        if isinstance(partes, list) and partes and isinstance(partes[0], dict):
            return str(partes[0].get("error-text") or partes[0].get("title") or "")[:200]
    return ""


def _proveedor_id_de(contenido: bytes) -> str:
    """The message-id of an accepted SMS; ErrorProveedorSms when refused."""
    try:
        datos = json.loads(contenido)
        primera = datos["messages"][0]
        estado = str(primera["status"])
    except (ValueError, KeyError, IndexError, TypeError):
        raise ErrorProveedorSms(
            "el proveedor de SMS dio una respuesta que no se entiende: " + contenido[:200].decode("utf-8", "replace")
        ) from None
    if estado != "0":
        texto = str(primera.get("error-text") or "sin detalle")[:200]
        raise ErrorProveedorSms(f"el proveedor de SMS rechazó el envío (status {estado}): {texto}")
    proveedor_id = str(primera.get("message-id") or "")
    if not proveedor_id:
        raise ErrorProveedorSms("el proveedor de SMS aceptó el envío sin darle un message-id")
    return proveedor_id


def url_de_recibo() -> str:
    """Where the provider posts its delivery receipts; "" when the portal has
    no SMS_RECIBO_SECRETO (without it the endpoint does not exist)."""
    if not settings.SMS_RECIBO_SECRETO:
        return ""
    return settings.SITE_URL.rstrip("/") + reverse("sms_recibo")


def adaptador() -> Adaptador:
    """The adapter settings.SMS_URL names."""
    url = settings.SMS_URL
    partes = urlsplit(url)
    esquema = partes.scheme.lower()
    if esquema == "file":
        ruta = unquote(partes.path)
        if partes.netloc or not ruta.startswith("/"):
            raise ImproperlyConfigured(_(
                "SMS_URL=file:// necesita una ruta absoluta con tres barras, por ejemplo file:///srv/portal/var/sms."
            ))
        return AdaptadorArchivo(Path(ruta))
    if esquema == "console":
        return AdaptadorConsola()
    if esquema in ("http", "https"):
        try:
            puerto = partes.port
        except ValueError:
            puerto = -1
        if not partes.username or partes.password is None or not partes.hostname or puerto == -1:
            raise ImproperlyConfigured(_(
                "SMS_URL debe llevar la clave y el secreto de la cuenta del proveedor y, si hace falta, "
                "un puerto numérico: https://clave:secreto@proveedor.example:8443/ruta."
            ))
        host = f"[{partes.hostname}]" if ":" in partes.hostname else partes.hostname
        netloc = host + (f":{puerto}" if puerto else "")
        return AdaptadorHttp(
            url=urlunsplit((esquema, netloc, partes.path or "/", partes.query, "")),
            clave=unquote(partes.username), secreto=unquote(partes.password), callback=url_de_recibo(),
        )
    raise ImproperlyConfigured(_(
        "SMS_URL no es válida: usa https://clave:secreto@proveedor/ruta para un proveedor, "
        "file:///ruta para guardar cada SMS como archivo o console:// para mostrarlo en la consola."
    ))
