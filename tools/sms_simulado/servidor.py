"""A local stand-in for an SMS provider, for development and the tests. It
speaks the widespread form-encoded "SMS API" that egov/sms_adaptadores.py
uses, and then posts each SMS's delivery receipt to the portal, signed the
way egov/webhooks.py checks it, so delivery receipts can be seen working
without an account anywhere:

    POST /sms/json    one SMS, form-encoded: api_key, api_secret, from, to
                      (digits, with the country code), text, client-ref,
                      callback (where its delivery receipt goes)

The answer is always HTTP 200 with a JSON list of the message's parts, each
with its "status": "0" and a "message-id" when accepted; otherwise the
provider's error status and "error-text" (4: wrong api_key or api_secret,
2: a field is missing). --demora seconds after accepting an SMS, its
receipt (messageId, status, err-code, message-timestamp in UTC, client-ref,
msisdn ...) is posted form-encoded to its callback (or to --callback when it
brought none), with the header

    X-Firma: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>

signed with --secreto-recibo (or the SMS_RECIBO_SECRETO environment variable).
What happens to each SMS depends on its number (digits of "to"):

    51999000001   "failed", err-code 12 (destination unreachable)
    51999000002   "delivered", the receipt posted twice, byte for byte
    51999000003   refused at once: status 7 (number barred), no message-id
    51999000004   accepted, but no receipt ever comes
    anything else "delivered"

For tests and people:

    GET  /mensajes                       the SMS received, oldest first, each
                                         with the receipts posted and the
                                         portal's answers ("despachado": true
                                         once nothing more will be posted)
    POST /mensajes/<message-id>/recibo   posts one more receipt now; JSON body
                                         {"status": ..., "err-code": optional,
                                         "antiguedad": seconds to sign it in
                                         the past, "secreto": another secret
                                         to sign with ("" posts it unsigned),
                                         "formato": "form"|"json"}; answers
                                         with the portal's status
    POST /mensajes/<message-id>/repetir  posts again, unchanged (same
                                         signature), every receipt posted
    GET  /salud                          200 once it listens

Python standard library only, so it runs anywhere the portal does:

    python tools/sms_simulado/servidor.py --port 8093 --clave clave --secreto secreto \\
        --secreto-recibo "$SMS_RECIBO_SECRETO"

and the portal's SMS_URL=http://clave:secreto@127.0.0.1:8093/sms/json. Each
SMS and each receipt posted is written as one line on standard output.
--port 0 takes a free port; the line "escuchando en http://..." says which.
"""

import argparse
import datetime
import hashlib
import hmac
import json
import os
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

RUTA_ENVIO = "/sms/json"
RED = "71610"  # a Peruvian mobile network code, for the receipt's network-code
FALLA, DUPLICADO, RECHAZO, SIN_RECIBO = "51999000001", "51999000002", "51999000003", "51999000004"
ESTADOS = ("delivered", "failed", "rejected", "expired", "accepted", "buffered", "unknown")


def firma(secreto: str, marca: int, cuerpo: bytes) -> str:
    return hmac.new(secreto.encode(), f"{marca}.".encode() + cuerpo, hashlib.sha256).hexdigest()


def parte(**campos) -> dict:
    """The answer to a send: one part, as the SMS API lists them."""
    return {"message-count": "1", "messages": [campos]}


class Proveedor:
    """What the stand-in knows: the account's credentials, the secret that
    signs receipts, and the SMS it accepted (shared by the request threads)."""

    def __init__(self, *, clave: str, secreto: str, secreto_recibo: str, callback: str, demora: float):
        self.clave = clave
        self.secreto = secreto
        self.secreto_recibo = secreto_recibo
        self.callback = callback
        self.demora = demora
        self.mensajes: dict[str, dict] = {}
        self.candado = threading.Lock()

    # --- Sending ---------------------------------------------------------------------------------

    def aceptar(self, campos: dict[str, str]) -> dict:
        """One SMS: the provider's answer for it."""
        if not campos.get("api_key") or not campos.get("api_secret"):
            return parte(status="2", **{"error-text": "Missing api_key or api_secret"})
        if not (hmac.compare_digest(campos["api_key"], self.clave)
                and hmac.compare_digest(campos["api_secret"], self.secreto)):
            print(f"RECHAZO credenciales {campos['api_key']}", flush=True)
            return parte(status="4", **{"error-text": "Bad Credentials"})
        for campo in ("from", "to", "text"):
            if not campos.get(campo):
                return parte(status="2", **{"error-text": f"Missing {campo} param"})
        numero = "".join(c for c in campos["to"] if c.isdigit())
        if numero == RECHAZO:
            print(f"RECHAZO {numero} status 7", flush=True)
            return parte(to=numero, status="7", **{"error-text": "Number barred: the destination refuses messages"})
        mensaje_id = uuid.uuid4().hex[:16].upper()
        mensaje = {
            "message-id": mensaje_id, "to": numero, "from": campos["from"], "text": campos["text"],
            "client-ref": campos.get("client-ref", ""), "callback": campos.get("callback") or self.callback,
            "recibido_en": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "recibos": [], "despachado": False,
        }
        mensaje["despachado"] = not mensaje["callback"] or numero == SIN_RECIBO
        with self.candado:
            self.mensajes[mensaje_id] = mensaje
        print(f"SMS {mensaje_id} {numero} {campos['from']} {campos['text']!r}", flush=True)
        if not mensaje["despachado"]:
            threading.Thread(target=self._despachar, args=(mensaje_id,), daemon=True).start()
        return parte(**{
            "to": numero, "message-id": mensaje_id, "status": "0", "remaining-balance": "10.00000000",
            "message-price": "0.03330000", "network": RED, "client-ref": mensaje["client-ref"],
        })

    # --- Receipts --------------------------------------------------------------------------------

    def recibo(self, mensaje: dict, estado: str, codigo: str = "0") -> dict[str, str]:
        """The fields of one delivery receipt."""
        ahora = datetime.datetime.now(datetime.UTC)
        return {
            "msisdn": mensaje["to"], "to": mensaje["from"], "network-code": RED, "messageId": mensaje["message-id"],
            "price": "0.03330000", "status": estado, "scts": ahora.strftime("%y%m%d%H%M"), "err-code": codigo,
            "api-key": self.clave, "client-ref": mensaje["client-ref"],
            "message-timestamp": ahora.strftime("%Y-%m-%d %H:%M:%S"),
        }

    def publicar(self, mensaje: dict, campos: dict, *, antiguedad: float = 0, secreto: str | None = None,
                 formato: str = "form") -> int | str:
        """Posts one receipt, signed, and records it with the portal's answer
        (an HTTP status, or the error when it could not be reached)."""
        if formato == "json":
            cuerpo, tipo = json.dumps(campos).encode(), "application/json"
        else:
            cuerpo, tipo = urlencode(campos).encode(), "application/x-www-form-urlencoded"
        cabeceras = {"Content-Type": tipo, "User-Agent": "SMS-simulado/1.0"}
        secreto = self.secreto_recibo if secreto is None else secreto
        if secreto:
            marca = int(time.time() - antiguedad)
            cabeceras["X-Firma"] = f"t={marca},v1={firma(secreto, marca, cuerpo)}"
        return self._postear(mensaje, campos["status"], cuerpo, cabeceras)

    def _postear(self, mensaje: dict, estado: str, cuerpo: bytes, cabeceras: dict) -> int | str:
        pedido = urllib.request.Request(mensaje["callback"], data=cuerpo, headers=cabeceras, method="POST")
        try:
            with urllib.request.urlopen(pedido, timeout=30) as respuesta:  # noqa: S310 - the callback given
                resultado: int | str = respuesta.status
        except urllib.error.HTTPError as error:
            resultado = error.code
        except OSError as error:
            resultado = f"error: {error}"
        with self.candado:
            mensaje["recibos"].append({
                "status": estado, "cuerpo": cuerpo.decode(), "cabeceras": cabeceras, "respuesta": resultado,
            })
        print(f"RECIBO {mensaje['message-id']} {estado} {resultado}", flush=True)
        return resultado

    def repetir(self, mensaje: dict) -> list:
        with self.candado:
            anteriores = [(r["status"], r["cuerpo"].encode(), dict(r["cabeceras"])) for r in mensaje["recibos"]]
        return [self._postear(mensaje, *anterior) for anterior in anteriores]

    def _despachar(self, mensaje_id: str) -> None:
        """What the network reports of an SMS accepted, after --demora."""
        time.sleep(self.demora)
        mensaje = self.mensajes[mensaje_id]
        try:
            if mensaje["to"] == FALLA:
                self.publicar(mensaje, self.recibo(mensaje, "failed", "12"))
            else:
                self.publicar(mensaje, self.recibo(mensaje, "delivered"))
                if mensaje["to"] == DUPLICADO:
                    self.repetir(mensaje)
        finally:
            with self.candado:
                mensaje["despachado"] = True


class Manejador(BaseHTTPRequestHandler):
    server_version = "SMS-simulado/1.0"
    proveedor: Proveedor

    def log_message(self, formato, *argumentos):  # stdout has one line per SMS and receipt
        pass

    def _responder(self, estado: int, cuerpo) -> None:
        contenido = json.dumps(cuerpo, ensure_ascii=False).encode("utf-8")
        self.send_response(estado)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(contenido)))
        self.end_headers()
        self.wfile.write(contenido)

    def _leer(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self):  # noqa: N802 - http.server's name
        ruta = urlsplit(self.path).path
        if ruta == "/salud":
            self._responder(200, {"estado": "ok"})
        elif ruta == "/mensajes":
            with self.proveedor.candado:
                self._responder(200, json.loads(json.dumps(list(self.proveedor.mensajes.values()))))
        else:
            self._responder(404, {"error": "Ruta desconocida."})

    def do_POST(self):  # noqa: N802
        ruta = urlsplit(self.path).path.rstrip("/")
        if ruta == RUTA_ENVIO:
            try:
                campos = {k: v[0] for k, v in parse_qs(self._leer().decode("utf-8"), keep_blank_values=True).items()}
            except UnicodeDecodeError:
                campos = {}
            self._responder(200, self.proveedor.aceptar(campos))
        elif ruta.startswith("/mensajes/"):
            self._control(ruta.split("/")[2:])
        else:
            self._responder(404, {"error": "Ruta desconocida."})

    def _control(self, partes: list[str]) -> None:
        mensaje = self.proveedor.mensajes.get(partes[0]) if partes else None
        accion = partes[1] if len(partes) == 2 else ""
        if mensaje is None or accion not in ("recibo", "repetir"):
            self._responder(404, {"error": "No hay un SMS con ese message-id."})
            return
        if not mensaje["callback"]:
            self._responder(409, {"error": "El SMS no trajo callback y no hay --callback."})
            return
        if accion == "repetir":
            self._responder(200, {"respuestas": self.proveedor.repetir(mensaje)})
            return
        try:
            pedido = json.loads(self._leer() or b"{}")
            estado = pedido["status"]
            antiguedad = float(pedido.get("antiguedad", 0))
        except (ValueError, KeyError, TypeError, AttributeError):
            estado = None
        if estado not in ESTADOS:
            self._responder(400, {"error": f"Se espera {{\"status\": uno de {', '.join(ESTADOS)}, "
                                           "\"err-code\", \"antiguedad\", \"secreto\", \"formato\" (opcionales)}."})
            return
        campos = self.proveedor.recibo(mensaje, estado, str(pedido.get("err-code", "0")))
        respuesta = self.proveedor.publicar(
            mensaje, campos, antiguedad=antiguedad, secreto=pedido.get("secreto"), formato=pedido.get("formato", "form"),
        )
        self._responder(200, {"respuesta": respuesta})


def main(argumentos=None) -> None:
    parser = argparse.ArgumentParser(description="Proveedor de SMS simulado (envío y recibos de entrega)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8093)
    parser.add_argument("--clave", default="clave-de-desarrollo", help="api_key de la cuenta (usuario de SMS_URL)")
    parser.add_argument("--secreto", default="secreto-de-desarrollo",
                        help="api_secret de la cuenta (contraseña de SMS_URL)")
    parser.add_argument("--secreto-recibo", default=os.environ.get("SMS_RECIBO_SECRETO", ""),
                        help="firma los recibos (SMS_RECIBO_SECRETO del portal; por defecto, esa variable)")
    parser.add_argument("--callback", default="",
                        help="URL de los recibos para los SMS que no traen callback")
    parser.add_argument("--demora", type=float, default=1.0, help="segundos entre aceptar un SMS y enviar su recibo")
    opciones = parser.parse_args(argumentos)
    Manejador.proveedor = Proveedor(
        clave=opciones.clave, secreto=opciones.secreto, secreto_recibo=opciones.secreto_recibo,
        callback=opciones.callback, demora=opciones.demora,
    )
    servidor = ThreadingHTTPServer((opciones.host, opciones.port), Manejador)
    servidor.daemon_threads = True
    host, puerto = servidor.server_address[:2]
    print(f"SMS simulado escuchando en http://{host}:{puerto}", flush=True)
    try:
        servidor.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        servidor.server_close()


if __name__ == "__main__":
    main()
