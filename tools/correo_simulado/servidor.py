"""A local stand-in for Postmark, the transactional email provider, for
development and the tests. It speaks the part of Postmark's API that
django-anymail's Postmark backend uses, and then calls the portal's webhook
the way Postmark does, so the portal's delivery receipts can be seen working
without an account anywhere:

    POST /email          one message (JSON object: From, To, Cc, Bcc, Subject,
                         TextBody, HtmlBody, Tag, Metadata, Headers ...)
    POST /email/batch    several (JSON list of the same objects)

Each needs the header X-Postmark-Server-Token with the token given by
--token; without it, or with another, the answer is Postmark's 401 with
ErrorCode 10. A message accepted is answered with its MessageID (a UUID),
kept in memory, and --demora seconds later its webhooks are posted to
--webhook as JSON (RecordType Delivery, Bounce or SpamComplaint), with
--webhook-auth "usuario:clave" as HTTP Basic (Postmark's "HTTP auth"; the
credentials may also come in the URL, as Postmark's settings page writes
them). What happens to each recipient depends on its address' local part
(the word alone or followed by "+something": rebota+ana@ejemplo.pe):

    rebota@...       a HardBounce (the mailbox does not exist)
    queja@...        a Delivery, then a SpamComplaint (marked as spam)
    duplicado@...    the Delivery webhook posted twice, byte for byte
    sin-recibo@...   no webhook at all
    anything else    a Delivery

For tests and people:

    GET  /mensajes                      the messages received, newest last, each
                                        with the webhooks posted for it and the
                                        portal's answers ("Despachado": true
                                        once nothing more will be posted)
    POST /mensajes/<MessageID>/eventos  posts one more webhook now and answers
                                        with the portal's status; JSON body
                                        {"RecordType": "Delivery"|"Bounce"|
                                        "SpamComplaint", "Email": optional,
                                        "At": optional ISO time of the event}
    POST /mensajes/<MessageID>/repetir  posts again, unchanged, every webhook
                                        already posted for it (a replay)
    GET  /salud                         200 once it listens

Python standard library only, so it runs anywhere the portal does:

    python tools/correo_simulado/servidor.py --port 8092 --token clave-del-servidor \\
        --webhook http://127.0.0.1:8000/webhooks/correo/postmark/tracking/ --webhook-auth usuario:clave

Each message and each webhook posted is written as one line on standard
output. --port 0 takes a free port; the line "escuchando en http://..."
says which.
"""

import argparse
import base64
import datetime
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from email.utils import getaddresses
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit, urlunsplit

# Postmark writes its times with seven decimals and an offset; Lima's will do.
ZONA = datetime.timezone(datetime.timedelta(hours=-5))
SERVIDOR_ID = 4711
TIPOS = ("Delivery", "Bounce", "SpamComplaint")


def hora_postmark(momento: datetime.datetime | None = None) -> str:
    texto = (momento or datetime.datetime.now(ZONA)).astimezone(ZONA).isoformat(timespec="microseconds")
    return texto[:-6] + "0" + texto[-6:]  # 2026-03-02T10:15:04.1234560-05:00


def direcciones(campo) -> list[str]:
    """The addr-specs of a header value ("Ana <ana@x.pe>, luis@x.pe")."""
    return [direccion for _nombre, direccion in getaddresses([campo or ""]) if "@" in direccion]


def comportamiento(direccion: str) -> str:
    local = direccion.split("@", 1)[0].lower()
    for palabra in ("rebota", "queja", "duplicado", "sin-recibo"):
        if local == palabra or local.startswith(palabra + "+"):
            return palabra
    return "normal"


class Proveedor:
    """What the stand-in knows: its token, where the webhook goes, and the
    messages it accepted (shared by the request threads)."""

    def __init__(self, *, token: str, webhook: str, webhook_auth: str, demora: float):
        self.token = token
        self.demora = demora
        self.webhook, self.autorizacion = self._webhook_y_credenciales(webhook, webhook_auth)
        self.mensajes: dict[str, dict] = {}
        self.candado = threading.Lock()
        self.ids = itertools.count(1)

    @staticmethod
    def _webhook_y_credenciales(url: str, auth: str) -> tuple[str, str]:
        partes = urlsplit(url)
        if partes.username is not None:  # https://usuario:clave@portal/... as Postmark's settings write it
            auth = auth or f"{unquote(partes.username)}:{unquote(partes.password or '')}"
            netloc = partes.hostname + (f":{partes.port}" if partes.port else "")
            url = urlunsplit(partes._replace(netloc=netloc))
        cabecera = "Basic " + base64.b64encode(auth.encode()).decode() if auth else ""
        return url, cabecera

    # --- Sending ---------------------------------------------------------------------------------

    def aceptar(self, datos: dict) -> tuple[int, dict]:
        """One message of /email or /email/batch: Postmark's answer for it."""
        if not isinstance(datos, dict):
            return 422, {"ErrorCode": 402, "Message": "Received invalid JSON input."}
        para = direcciones(datos.get("To"))
        copias = direcciones(datos.get("Cc")) + direcciones(datos.get("Bcc"))
        if not direcciones(datos.get("From")):
            return 422, {"ErrorCode": 300, "Message": "Invalid 'From' address: it is missing or has no '@'."}
        if not para and not copias:
            return 422, {"ErrorCode": 300, "Message": "Zero recipients specified"}
        if not (datos.get("TextBody") or datos.get("HtmlBody")):
            return 422, {"ErrorCode": 300, "Message": "Provide either email TextBody or HtmlBody or both."}
        mensaje_id = str(uuid.uuid4())
        enviado = hora_postmark()
        mensaje = {
            "MessageID": mensaje_id, "SubmittedAt": enviado,
            **{campo: datos.get(campo) for campo in (
                "From", "To", "Cc", "Bcc", "ReplyTo", "Subject", "TextBody", "HtmlBody", "Tag", "Metadata",
                "Headers", "MessageStream",
            ) if datos.get(campo) is not None},
            "Destinatarios": para + copias, "Webhooks": [], "Despachado": not self.webhook,
        }
        with self.candado:
            self.mensajes[mensaje_id] = mensaje
        print(f"ENVIO {mensaje_id} {', '.join(para + copias)} {datos.get('Subject', '')!r}", flush=True)
        if self.webhook:
            threading.Thread(target=self._despachar, args=(mensaje_id,), daemon=True).start()
        respuesta = {"SubmittedAt": enviado, "MessageID": mensaje_id, "ErrorCode": 0, "Message": "OK"}
        if datos.get("To"):  # Postmark leaves "To" out of the answer of a Cc/Bcc-only message
            respuesta = {"To": datos["To"], **respuesta}
        return 200, respuesta

    # --- Webhooks --------------------------------------------------------------------------------

    def evento(self, mensaje: dict, tipo: str, direccion: str, momento: datetime.datetime | None = None) -> dict:
        """The JSON Postmark posts for one event of one recipient."""
        cuando = hora_postmark(momento)
        comun = {
            "RecordType": tipo, "ServerID": SERVIDOR_ID, "MessageStream": mensaje.get("MessageStream", "outbound"),
            "MessageID": mensaje["MessageID"], "Tag": mensaje.get("Tag", ""), "Metadata": mensaje.get("Metadata") or {},
        }
        if tipo == "Delivery":
            return {**comun, "Recipient": direccion, "DeliveredAt": cuando,
                    "Details": "smtp;250 2.0.0 OK: el buzón simulado aceptó el mensaje"}
        rebote = tipo == "Bounce"
        return {
            **comun, "ID": next(self.ids),
            "Type": "HardBounce" if rebote else "SpamComplaint",
            "TypeCode": 1 if rebote else 512,
            "Name": "Hard bounce" if rebote else "Spam complaint",
            "Description": (
                "El servidor de destino no pudo entregar el mensaje: el buzón no existe." if rebote
                else "El destinatario marcó el mensaje como correo no deseado."
            ),
            "Details": "smtp;550 5.1.1 el buzón no existe (simulado)" if rebote else "",
            "Email": direccion, "From": mensaje.get("From", ""), "BouncedAt": cuando,
            "DumpAvailable": False, "Inactive": True, "CanActivate": rebote,
            "Subject": mensaje.get("Subject", ""), "Content": "",
        }

    def publicar(self, mensaje_id: str, cuerpo: dict) -> int | str:
        """Posts one webhook and records the portal's answer (an HTTP status,
        or the error when it could not be reached)."""
        contenido = json.dumps(cuerpo, ensure_ascii=False).encode("utf-8")
        cabeceras = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Postmark"}
        if self.autorizacion:
            cabeceras["Authorization"] = self.autorizacion
        pedido = urllib.request.Request(self.webhook, data=contenido, headers=cabeceras, method="POST")
        try:
            with urllib.request.urlopen(pedido, timeout=30) as respuesta:  # noqa: S310 - a configured URL
                resultado: int | str = respuesta.status
        except urllib.error.HTTPError as error:
            resultado = error.code
        except OSError as error:
            resultado = f"error: {error}"
        with self.candado:
            self.mensajes[mensaje_id]["Webhooks"].append({"Cuerpo": cuerpo, "Respuesta": resultado})
        print(f"WEBHOOK {mensaje_id} {cuerpo['RecordType']} {cuerpo.get('Recipient') or cuerpo.get('Email')} "
              f"{resultado}", flush=True)
        return resultado

    def _despachar(self, mensaje_id: str) -> None:
        """What the provider reports of a message it accepted, after --demora."""
        time.sleep(self.demora)
        mensaje = self.mensajes[mensaje_id]
        try:
            for direccion in mensaje["Destinatarios"]:
                forma = comportamiento(direccion)
                if forma == "sin-recibo":
                    continue
                if forma == "rebota":
                    self.publicar(mensaje_id, self.evento(mensaje, "Bounce", direccion))
                    continue
                entrega = self.evento(mensaje, "Delivery", direccion)
                self.publicar(mensaje_id, entrega)
                if forma == "duplicado":
                    self.publicar(mensaje_id, entrega)
                elif forma == "queja":
                    self.publicar(mensaje_id, self.evento(mensaje, "SpamComplaint", direccion))
        finally:
            with self.candado:
                mensaje["Despachado"] = True


class Manejador(BaseHTTPRequestHandler):
    server_version = "Postmark-simulado/1.0"
    proveedor: Proveedor

    def log_message(self, formato, *argumentos):  # stdout has one line per message and webhook
        pass

    def _responder(self, estado: int, cuerpo) -> None:
        contenido = json.dumps(cuerpo, ensure_ascii=False).encode("utf-8")
        self.send_response(estado)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(contenido)))
        self.end_headers()
        self.wfile.write(contenido)

    def _leer_json(self):
        largo = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(largo) or b"null")

    def do_GET(self):  # noqa: N802 - http.server's name
        ruta = urlsplit(self.path).path
        if ruta == "/salud":
            self._responder(200, {"estado": "ok"})
        elif ruta == "/mensajes":
            with self.proveedor.candado:
                self._responder(200, json.loads(json.dumps(list(self.proveedor.mensajes.values()))))
        else:
            self._responder(404, {"ErrorCode": 404, "Message": "Ruta desconocida."})

    def do_POST(self):  # noqa: N802
        ruta = urlsplit(self.path).path.rstrip("/")
        if ruta in ("/email", "/email/batch"):
            self._enviar(lote=ruta == "/email/batch")
        elif ruta.startswith("/mensajes/"):
            self._control(ruta.split("/")[2:])
        else:
            self._responder(404, {"ErrorCode": 404, "Message": "Ruta desconocida."})

    def _enviar(self, *, lote: bool) -> None:
        token = self.headers.get("X-Postmark-Server-Token", "")
        if not self.proveedor.token or token != self.proveedor.token:
            print(f"RECHAZO {self.path} token", flush=True)
            self._responder(401, {"ErrorCode": 10, "Message": "Bad or missing Server API token."})
            return
        try:
            datos = self._leer_json()
        except ValueError:
            self._responder(422, {"ErrorCode": 402, "Message": "Received invalid JSON input."})
            return
        if not lote:
            estado, respuesta = self.proveedor.aceptar(datos)
            self._responder(estado, respuesta)
        elif not isinstance(datos, list):
            self._responder(422, {"ErrorCode": 403, "Message": "Incompatible JSON input: a list is expected."})
        elif len(datos) > 500:
            self._responder(422, {"ErrorCode": 410, "Message": "Too many batch messages (500 at most)."})
        else:  # the batch answers 200 with one result per message, errors included
            self._responder(200, [self.proveedor.aceptar(uno)[1] for uno in datos])

    def _control(self, partes: list[str]) -> None:
        mensaje = self.proveedor.mensajes.get(partes[0]) if partes else None
        accion = partes[1] if len(partes) == 2 else ""
        if mensaje is None or accion not in ("eventos", "repetir"):
            self._responder(404, {"error": "No hay un mensaje con ese MessageID."})
            return
        if not self.proveedor.webhook:
            self._responder(409, {"error": "Sin --webhook no hay a dónde enviar eventos."})
            return
        if accion == "repetir":
            with self.proveedor.candado:
                cuerpos = [webhook["Cuerpo"] for webhook in mensaje["Webhooks"]]
            self._responder(200, {"respuestas": [self.proveedor.publicar(partes[0], c) for c in cuerpos]})
            return
        try:
            pedido = self._leer_json() or {}
            tipo = pedido.get("RecordType")
            momento = datetime.datetime.fromisoformat(pedido["At"]) if pedido.get("At") else None
        except (ValueError, AttributeError):
            tipo = momento = None
        if tipo not in TIPOS or (momento is not None and momento.tzinfo is None):
            self._responder(400, {"error": f"Se espera {{\"RecordType\": uno de {', '.join(TIPOS)}, "
                                           "\"At\": hora ISO con zona (opcional)}."})
            return
        direccion = pedido.get("Email") or mensaje["Destinatarios"][0]
        respuesta = self.proveedor.publicar(partes[0], self.proveedor.evento(mensaje, tipo, direccion, momento))
        self._responder(200, {"respuesta": respuesta})


def main(argumentos=None) -> None:
    parser = argparse.ArgumentParser(description="Postmark simulado (envío de correo y webhooks de entrega)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8092)
    parser.add_argument("--token", default="token-de-desarrollo",
                        help="el token que debe traer X-Postmark-Server-Token (EMAIL_PROVEEDOR_CLAVE)")
    parser.add_argument("--webhook", default="", help="URL del webhook de seguimiento del portal")
    parser.add_argument("--webhook-auth", default="", help="usuario:clave enviados como HTTP Basic")
    parser.add_argument("--demora", type=float, default=1.0,
                        help="segundos entre aceptar un mensaje y enviar sus webhooks")
    opciones = parser.parse_args(argumentos)
    Manejador.proveedor = Proveedor(
        token=opciones.token, webhook=opciones.webhook, webhook_auth=opciones.webhook_auth, demora=opciones.demora,
    )
    servidor = ThreadingHTTPServer((opciones.host, opciones.port), Manejador)
    servidor.daemon_threads = True
    host, puerto = servidor.server_address[:2]
    print(f"Postmark simulado escuchando en http://{host}:{puerto}", flush=True)
    try:
        servidor.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        servidor.server_close()


if __name__ == "__main__":
    main()
