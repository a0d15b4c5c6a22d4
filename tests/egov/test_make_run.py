"""`make run`'s last step on a fresh machine: the PIDE and ID GOB.PE stand-ins
start beside the portal, the portal is pointed at them, and stopping it stops
all three (tools/desarrollo.py)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from tests.procesos import puerto_libre

from .test_configuracion import RAIZ, _manage

SIN_CONFIGURAR = ("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "SITE_", "PIDE_", "IDGOBPE_")


def _leer(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as respuesta:
            return respuesta.status, respuesta.read().decode()
    except OSError:
        return None, ""


def _hasta_que_responda(url, segundos=90):
    limite = time.monotonic() + segundos
    while time.monotonic() < limite:
        estado, cuerpo = _leer(url)
        if estado == 200:
            return cuerpo
        time.sleep(0.5)
    raise AssertionError(f"{url} no respondió en {segundos} s")


def _escucha(puerto):
    with socket.socket() as prueba:
        return prueba.connect_ex(("127.0.0.1", puerto)) == 0


def test_make_run_sirve_el_portal_con_pide_e_idgobpe_locales_y_los_detiene_al_salir(tmp_path):
    migrado = _manage("migrate", "--noinput", DJANGO_DEBUG="true", VAR_DIR=str(tmp_path))
    assert migrado.returncode == 0, migrado.stderr
    portal, pide, idgobpe = puerto_libre(), puerto_libre(), puerto_libre()
    entorno = {k: v for k, v in os.environ.items() if not k.startswith(SIN_CONFIGURAR)}
    entorno.update(
        DJANGO_DEBUG="true", VAR_DIR=str(tmp_path),
        PIDE_SIMULADO_PUERTO=str(pide), IDGOBPE_PUERTO=str(idgobpe),
    )
    proceso = subprocess.Popen(
        [sys.executable, "tools/desarrollo.py", str(portal)],
        cwd=RAIZ, env=entorno, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    try:
        pagina = _hasta_que_responda(f"http://127.0.0.1:{portal}/cuenta/login/")
        # The button appears only when the three IDGOBPE_* variables are set,
        # so the launcher gave the portal the local provider.
        assert "Ingresar con ID GOB.PE" in pagina
        assert _leer(f"http://127.0.0.1:{idgobpe}/.well-known/openid-configuration")[0] == 200
        assert _leer(f"http://127.0.0.1:{pide}/salud")[0] == 200
    finally:
        proceso.send_signal(signal.SIGTERM)
        salida, _ = proceso.communicate(timeout=30)
    assert f"PIDE simulado en http://127.0.0.1:{pide}" in salida
    assert f"ID GOB.PE local en http://127.0.0.1:{idgobpe}" in salida
    limite = time.monotonic() + 10
    while time.monotonic() < limite and any(_escucha(p) for p in (portal, pide, idgobpe)):
        time.sleep(0.2)
    assert not any(_escucha(p) for p in (portal, pide, idgobpe)), "quedó un proceso escuchando"
