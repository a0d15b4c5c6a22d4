"""A local stand-in for PIDE, the State's interoperability platform, for
development and the tests. It answers the two published REST contracts the
portal uses (see ciudadanos/pide/contrato.py) from a fixture of fictitious
people and companies (datos.json beside this file):

    POST /RENIEC/Consultar?out=json         RENIEC, identity by DNI
    GET  /Sunat/DatosPrincipales?numruc=N   SUNAT, main data of a taxpayer

RENIEC checks the entity's credentials like the real service: the user DNI,
the entity's RUC and the password of the fixture answer 0000 (or 1003 for a
DNI it does not know); the fixture's expired password answers 1002; anything
else 1001. Numbers listed under "lento" answer after that many seconds and
those under "caido" get HTTP 503, as a service that is down.

Python standard library only, so it runs anywhere the portal does:

    python tools/pide_simulado/servidor.py --port 8091 [--datos otro.json]

Each request is written as one line on standard output (the tests read it).
GET /salud answers 200 once it listens.
"""

import argparse
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

DATOS = Path(__file__).with_name("datos.json")


def _reniec(retorno: dict) -> dict:
    return {"consultarResponse": {"return": retorno}}


class Manejador(BaseHTTPRequestHandler):
    server_version = "PIDE-simulado/1.0"
    datos: dict = {}

    def log_message(self, formato, *argumentos):  # one line per request, on stdout
        pass

    def _anotar(self, numero: str, resultado: str) -> None:
        print(f"{self.command} {urlsplit(self.path).path} {numero} {resultado}", flush=True)

    def _responder(self, estado: int, cuerpo: dict) -> None:
        contenido = json.dumps(cuerpo, ensure_ascii=False).encode("utf-8")
        self.send_response(estado)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(contenido)))
        self.end_headers()
        self.wfile.write(contenido)

    def _lento_o_caido(self, numero: str) -> bool:
        """Sleeps for a slow number; answers 503 (and True) for a down one."""
        espera = self.datos.get("lento", {}).get(numero)
        if espera:
            time.sleep(float(espera))
        if numero in self.datos.get("caido", []):
            self._anotar(numero, "503")
            self._responder(503, {"error": "Servicio no disponible temporalmente"})
            return True
        return False

    def do_GET(self):  # noqa: N802 - http.server's name
        partes = urlsplit(self.path)
        if partes.path == "/salud":
            self._responder(200, {"estado": "ok"})
            return
        if partes.path != "/Sunat/DatosPrincipales":
            self._responder(404, {"error": "Servicio desconocido"})
            return
        ruc = (parse_qs(partes.query).get("numruc") or [""])[0].strip()
        if self._lento_o_caido(ruc):
            return
        contribuyente = self.datos.get("contribuyentes", {}).get(ruc)
        self._anotar(ruc, "encontrado" if contribuyente else "no_encontrado")
        # SUNAT answers an empty return for a RUC it does not have.
        self._responder(200, {"getDatosPrincipalesResponse": {"return": contribuyente or {}}})

    def do_POST(self):  # noqa: N802
        partes = urlsplit(self.path)
        if partes.path != "/RENIEC/Consultar":
            self._responder(404, {"error": "Servicio desconocido"})
            return
        try:
            largo = int(self.headers.get("Content-Length") or 0)
            pedido = json.loads(self.rfile.read(largo) or b"{}")["PIDE"]
            dni = str(pedido["nuDniConsulta"]).strip()
        except (ValueError, KeyError, TypeError):
            self._anotar("-", "400")
            self._responder(400, {"error": "Se espera {\"PIDE\": {\"nuDniConsulta\": ...}}"})
            return
        if self._lento_o_caido(dni):
            return
        credenciales = self.datos["credenciales"]
        usuario_ok = (
            str(pedido.get("nuDniUsuario")) == credenciales["nuDniUsuario"]
            and str(pedido.get("nuRucUsuario")) == credenciales["nuRucUsuario"]
        )
        clave = pedido.get("password")
        if usuario_ok and clave == credenciales["password_vencida"]:
            self._anotar(dni, "1002")
            self._responder(200, _reniec({
                "coResultado": "1002",
                "deResultado": "La contraseña de la entidad ha caducado; actualícela",
            }))
            return
        if not usuario_ok or clave != credenciales["password"]:
            self._anotar(dni, "1001")
            self._responder(200, _reniec({
                "coResultado": "1001",
                "deResultado": "Usuario o credenciales de la entidad no válidos",
            }))
            return
        persona = self.datos.get("personas", {}).get(dni)
        if persona is None:
            self._anotar(dni, "1003")
            self._responder(200, _reniec({
                "coResultado": "1003",
                "deResultado": "El DNI consultado no se encuentra en el registro",
            }))
            return
        self._anotar(dni, "0000")
        self._responder(200, _reniec({
            "coResultado": "0000",
            "deResultado": "Consulta realizada correctamente",
            "datosPersona": persona,
        }))


def main(argumentos=None) -> None:
    parser = argparse.ArgumentParser(description="PIDE simulado (RENIEC y SUNAT) para desarrollo y pruebas")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--datos", type=Path, default=DATOS, help="fixture JSON (por defecto datos.json)")
    opciones = parser.parse_args(argumentos)
    Manejador.datos = json.loads(opciones.datos.read_text(encoding="utf-8"))
    servidor = ThreadingHTTPServer((opciones.host, opciones.port), Manejador)
    servidor.daemon_threads = True
    host, puerto = servidor.server_address[:2]
    print(f"PIDE simulado escuchando en http://{host}:{puerto}", flush=True)
    try:
        servidor.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        servidor.server_close()


if __name__ == "__main__":
    sys.exit(main())
