"""An attacker (or a citizen with a huge scan) sends uploads far over the
limit, with no newline in them, to a real gunicorn worker with the
production settings: each is refused with a page that says why, and the
worker's peak memory does not grow by more than 10 MB whatever the size (the
body is refused before it is read, or dropped chunk by chunk as it streams)."""

import re
import socket
import threading
from pathlib import Path

import pytest

from tests import factories
from tests.fixtures import esperar
from tests.procesos import Gunicorn, Visitante, clave_de_produccion, entorno_produccion
from tramites import services
from tramites.models import Adjunto, Tramite

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

MB = 1024 * 1024
CRECIMIENTO_MAXIMO = 10 * MB
FRONTERA = "----limite-de-la-prueba"


def memoria_maxima(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), in bytes."""
    estado = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", estado, re.M).group(1)) * 1024


def cuerpo_multipart(campos: dict[str, str], campo_archivo: str, nombre: str, tamano: int):
    """(length, chunks) of a multipart body whose file is `%PDF-` followed by
    `tamano` bytes without a single newline, generated as it is sent."""
    cabeza = b"".join(
        f'--{FRONTERA}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in campos.items()
    ) + (
        f'--{FRONTERA}\r\nContent-Disposition: form-data; name="{campo_archivo}"; '
        f'filename="{nombre}"\r\nContent-Type: application/pdf\r\n\r\n%PDF-'
    ).encode()
    cola = f"\r\n--{FRONTERA}--\r\n".encode()

    def trozos():
        yield cabeza
        restante = tamano
        bloque = b"x" * MB
        while restante > 0:
            yield bloque[: min(MB, restante)]
            restante -= MB
        yield cola

    return len(cabeza) + tamano + len(cola), trozos()


def enviar(servidor, visitante, ruta, longitud, trozos):
    """Sends a POST of `longitud` bytes from `trozos` over a raw socket while
    another thread reads the answer (the server may answer, and close, before
    the body is sent). Returns (status or None, body)."""
    cabeceras = {
        "Host": servidor.host,
        "Content-Type": f"multipart/form-data; boundary={FRONTERA}",
        "Content-Length": str(longitud),
        "X-Forwarded-Proto": "https",
        "Referer": f"https://{servidor.host}{ruta}",
        "Cookie": "; ".join(f"{k}={v}" for k, v in visitante.cookies.items()),
    }
    conexion = socket.create_connection(("127.0.0.1", servidor.puerto), timeout=120)
    recibido = bytearray()

    def leer():
        try:
            while datos := conexion.recv(65536):
                recibido.extend(datos)
        except OSError:
            pass

    lector = threading.Thread(target=leer)
    lector.start()
    try:
        conexion.sendall(
            f"POST {ruta} HTTP/1.1\r\n".encode()
            + "".join(f"{k}: {v}\r\n" for k, v in cabeceras.items()).encode() + b"\r\n"
        )
        for trozo in trozos:
            conexion.sendall(trozo)
    except OSError:
        pass  # the server stopped reading: its answer, if any, is being read
    lector.join(120)
    conexion.close()
    estado = re.match(rb"HTTP/1\.[01] (\d{3})", bytes(recibido))
    # The page as read: filesizeformat's non-breaking spaces as plain ones.
    cuerpo = bytes(recibido).partition(b"\r\n\r\n")[2].decode(errors="replace").replace("\xa0", " ")
    return (int(estado.group(1)) if estado else None), cuerpo


@pytest.fixture
def portal(tmp_path, catalogo):
    entorno = entorno_produccion(tmp_path / "portal")
    with Gunicorn(tmp_path / "portal", entorno, trabajadores=1) as servidor:
        yield servidor


def test_subidas_enormes_sin_saltos_de_linea_no_hacen_crecer_al_worker(portal, ciudadano):
    tramite = Tramite.objects.get(slug="constancia-de-posesion")
    borrador = services.borrador_iniciar(ciudadano=ciudadano, tramite=tramite)
    plano = tramite.adjuntos_requeridos.first()
    campo = f"archivo_{plano.pk}"
    ruta = f"/tramites/{tramite.slug}/solicitar/{borrador.uuid}/adjuntos/"

    clave_de_produccion(ciudadano, factories.CLAVE)
    visitante = Visitante(portal).entrar(ciudadano.email, factories.CLAVE)
    assert visitante.get(ruta).status == 200
    [trabajador] = portal.pids_trabajadores()

    def subir(tamano, destino=ruta, nombre="escaneo.pdf", campo_archivo=campo):
        longitud, trozos = cuerpo_multipart(
            {"csrfmiddlewaretoken": visitante.token}, campo_archivo, nombre, tamano
        )
        return enviar(portal, visitante, destino, longitud, trozos)

    # Warm up: the multipart parser, the PDF checks and the error pages are loaded.
    estado, cuerpo = subir(MB)
    assert estado == 400 and "No pudimos leer el PDF" in cuerpo
    assert subir(30 * MB)[0] in (413, None)
    inicial = memoria_maxima(trabajador)

    # 1. One file of 12 MB (over 10 MB per file) within a body the portal reads:
    # it is dropped as it streams and named in its own field.
    estado, cuerpo = subir(12 * MB)
    assert estado == 400
    assert "«escaneo.pdf» pesa más de 10.0 MB" in cuerpo
    # 2. A body a little over the 25 MB per submission: not parsed, read and
    # thrown away, and a page that explains the limit.
    estado, cuerpo = subir(25 * MB + 200 * 1024)
    assert estado == 413
    assert "Los archivos pesan demasiado" in cuerpo and "No guardamos nada de este envío" in cuerpo
    # 3. 60 MB: over what any request may carry, refused before a byte is read.
    estado, cuerpo = subir(60 * MB)
    assert estado in (413, None)
    assert esperar(lambda: len(re.findall(r'"POST [^"]+ HTTP/1\.1" 413', portal.log())) >= 3, 10)
    # 4. The public verification upload has the certificates' limit (5 MB).
    estado, cuerpo = subir(8 * MB, destino="/verificar/", campo_archivo="archivo")
    assert estado == 413 and "Los archivos pesan demasiado" in cuerpo
    assert subir(60 * MB, destino="/verificar/", campo_archivo="archivo")[0] in (413, None)

    crecimiento = memoria_maxima(trabajador) - inicial
    assert crecimiento < CRECIMIENTO_MAXIMO, f"el worker creció {crecimiento / MB:.1f} MB"
    assert portal.pids_trabajadores() == [trabajador], "el worker se reinició"
    assert not Adjunto.objects.exists()
    assert "Traceback" not in portal.log()
