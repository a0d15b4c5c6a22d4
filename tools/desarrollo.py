"""`make run`'s last step: the national services' local stand-ins, then the portal.

Starts the PIDE stand-in (tools/pide_simulado, Python) and the local ID GOB.PE
(tools/idgobpe, Node; its packages are installed on first use), points the
portal at both through the same variables production uses, and serves the
portal with runserver. Without Node the portal still serves, without the
"Ingresar con ID GOB.PE" button, and one line says how to get it. Ctrl+C stops
all three.

    python tools/desarrollo.py [PORT]
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
PIDE_PUERTO = int(os.environ.get("PIDE_SIMULADO_PUERTO", "8091"))
IDGOBPE_PUERTO = int(os.environ.get("IDGOBPE_PUERTO", "8092"))

# The stand-ins' fictitious credentials (tools/pide_simulado/datos.json and
# tools/idgobpe/proveedor.js): nothing here is a secret.
PIDE = {
    "PIDE_URL": f"http://127.0.0.1:{PIDE_PUERTO}",
    "PIDE_USUARIO_DNI": "40000000",
    "PIDE_RUC_ENTIDAD": "20131370998",
    "PIDE_CLAVE": "clave-demo",
}
IDGOBPE = {
    "IDGOBPE_SERVER_URL": f"http://127.0.0.1:{IDGOBPE_PUERTO}",
    "IDGOBPE_CLIENT_ID": "portal-local",
    "IDGOBPE_CLIENT_SECRET": "secreto-local",
}


def _responde(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as respuesta:
            return respuesta.status == 200
    except OSError:
        return False


def _puerto_ocupado(puerto: int) -> bool:
    with socket.socket() as prueba:
        return prueba.connect_ex(("127.0.0.1", puerto)) == 0


def _esperar(url: str, proceso: subprocess.Popen, segundos: float = 20) -> bool:
    limite = time.monotonic() + segundos
    while time.monotonic() < limite:
        if proceso.poll() is not None:
            return False
        if _responde(url):
            return True
        time.sleep(0.2)
    return False


def _servicio(nombre, orden, salud, puerto, procesos, **opciones) -> bool:
    """Starts one stand-in, or reuses one already answering on its port."""
    if _puerto_ocupado(puerto):
        if _responde(salud):
            print(f"==> {nombre}: ya escucha en el puerto {puerto}; se usa ese.")
            return True
        print(f"==> {nombre}: el puerto {puerto} está ocupado por otro programa; el portal sigue sin él.")
        return False
    proceso = subprocess.Popen(orden, stdout=subprocess.DEVNULL, **opciones)
    procesos.append(proceso)
    if not _esperar(salud, proceso):
        print(f"==> {nombre}: no arrancó; el portal sigue sin él.")
        return False
    print(f"==> {nombre} en http://127.0.0.1:{puerto}")
    return True


def _idgobpe(puerto_portal: str, procesos: list) -> bool:
    carpeta = RAIZ / "tools" / "idgobpe"
    if not (shutil.which("node") and shutil.which("npm")):
        print(
            "==> ID GOB.PE local no disponible: instala Node.js 20 y npm "
            "(apt-get install nodejs npm) y vuelve a ejecutar make run."
        )
        return False
    if not (carpeta / "node_modules").is_dir():
        print("==> instalando el proveedor local de ID GOB.PE (npm ci, una sola vez)")
        instalado = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=carpeta
        )
        if instalado.returncode != 0:
            print("==> ID GOB.PE local no disponible: npm ci falló (¿hay acceso al registro de npm?).")
            return False
    portal = [f"http://{host}:{puerto_portal}" for host in ("127.0.0.1", "localhost")]
    orden = [
        "node",
        "proveedor.js",
        f"--puerto={IDGOBPE_PUERTO}",
        "--redirect-uris=" + ",".join(f"{p}/cuenta/oidc/idgobpe/login/callback/" for p in portal),
        "--post-logout-uris=" + ",".join(f"{p}/" for p in portal),
    ]
    salud = f"http://127.0.0.1:{IDGOBPE_PUERTO}/.well-known/openid-configuration"
    return _servicio("ID GOB.PE local", orden, salud, IDGOBPE_PUERTO, procesos, cwd=carpeta)


def _terminar(_senal, _marco):
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _terminar)
    puerto = sys.argv[1] if len(sys.argv) > 1 else "8000"
    entorno = dict(os.environ)
    procesos: list[subprocess.Popen] = []
    try:
        pide = [sys.executable, str(RAIZ / "tools" / "pide_simulado" / "servidor.py"), "--port", str(PIDE_PUERTO)]
        if _servicio("PIDE simulado", pide, f"{PIDE['PIDE_URL']}/salud", PIDE_PUERTO, procesos):
            entorno.update({clave: entorno.get(clave) or valor for clave, valor in PIDE.items()})
        if _idgobpe(puerto, procesos):
            entorno.update({clave: entorno.get(clave) or valor for clave, valor in IDGOBPE.items()})
        print(f"Portal en http://127.0.0.1:{puerto}  (cuentas de demostración en el README)")
        portal = subprocess.Popen(
            [sys.executable, str(RAIZ / "manage.py"), "runserver", f"127.0.0.1:{puerto}"], env=entorno
        )
        procesos.append(portal)
        return portal.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for proceso in reversed(procesos):
            if proceso.poll() is None:
                proceso.send_signal(signal.SIGTERM)
        for proceso in procesos:
            try:
                proceso.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proceso.kill()


if __name__ == "__main__":
    sys.exit(main())
