"""Real server processes for the tests that need them: gunicorn serving the
portal with the production settings, nginx in front of it, a `celery worker`
on the test database (the `worker` fixture) and a redis-server of the test's
own that it can stop and start (the `redis_propio` fixture). tests/conftest.py
registers this module as a plugin for those two fixtures.

Each process runs on a free port of the loopback, writes its log to a file the
test can read, and is stopped by the test (or its fixture). Waits are on a
condition, never a fixed time.
"""

import contextlib
import datetime
import email
import email.policy
import functools
import getpass
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.fixtures import esperar

RAIZ = Path(__file__).resolve().parents[1]
NGINX = os.environ.get("NGINX_PATH", "/usr/sbin/nginx")
# Host name the portal processes answer to (a reserved test domain).
HOST_PRUEBA = "tramites.villaesperanza.test"


def puerto_libre(direccion="127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((direccion, 0))
        return s.getsockname()[1]


def detener_proceso(proceso, segundos=10) -> None:
    """SIGTERM, then SIGKILL if it has not ended within `segundos`."""
    if proceso is None or proceso.poll() is not None:
        return
    proceso.terminate()
    try:
        proceso.wait(timeout=segundos)
    except subprocess.TimeoutExpired:
        proceso.kill()
        proceso.wait()


def pedir(puerto, ruta, *, metodo="GET", host=HOST_PRUEBA, cabeceras=None, cuerpo=None,
          tls=None, origen="127.0.0.1", segundos=30):
    """One HTTP(S) request to 127.0.0.1:puerto from the loopback address `origen`
    (any 127.x.y.z works as a source on Linux). `tls` is an ssl.SSLContext for
    HTTPS. Returns the response with its body already read (`respuesta.cuerpo`)."""
    argumentos = {"timeout": segundos, "source_address": (origen, 0)}
    if tls is None:
        conexion = http.client.HTTPConnection("127.0.0.1", puerto, **argumentos)
    else:
        conexion = http.client.HTTPSConnection("127.0.0.1", puerto, context=tls, **argumentos)
    try:
        conexion.request(metodo, ruta, body=cuerpo, headers={"Host": host, **(cabeceras or {})})
        respuesta = conexion.getresponse()
        respuesta.cuerpo = respuesta.read()
        return respuesta
    finally:
        conexion.close()


def _url_base_de_datos(bd: dict) -> str:
    usuario = quote(bd["USER"] or "", safe="")
    clave = f":{quote(bd['PASSWORD'], safe='')}" if bd.get("PASSWORD") else ""
    return f"postgres://{usuario}{clave}@{bd['HOST'] or '127.0.0.1'}:{bd['PORT'] or 5432}/{bd['NAME']}"


@functools.cache
def estaticos_recolectados() -> Path:
    """STATIC_ROOT filled by `collectstatic` as the image build does (whitenoise's
    manifest: production pages cannot render without it). Once per test run."""
    destino = Path(tempfile.mkdtemp(prefix="egov-test-estaticos-"))
    entorno = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "STATIC_ROOT": str(destino),
    }
    resultado = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=RAIZ, env=entorno, capture_output=True, text=True, timeout=300,
    )
    if resultado.returncode != 0:
        raise RuntimeError("collectstatic falló:\n" + resultado.stdout + resultado.stderr)
    return destino


def entorno_produccion(carpeta: Path, **cambios) -> dict[str, str]:
    """The environment of a portal process with the production settings
    (DJANGO_DEBUG=false) on this test run's database and Redis: the test
    database (use `django_db(transaction=True)` so the process sees the
    test's rows), Redis database 15 with a key prefix of its own
    (`entorno["CACHE_KEY_PREFIX"]`). `cambios` override or add variables;
    a value of None removes one."""
    from django.conf import settings
    from django.db import connection

    carpeta.mkdir(parents=True, exist_ok=True)
    entorno = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST_PRUEBA,
        "SITE_URL": f"https://{HOST_PRUEBA}",
        "DATABASE_URL": _url_base_de_datos(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": f"proc{os.getpid()}x{secrets.token_hex(4)}",
        "VAR_DIR": str(carpeta / "var"),
        "MEDIA_ROOT": str(carpeta / "media"),
        "STATIC_ROOT": str(estaticos_recolectados()),
        "TRUSTED_PROXY_COUNT": "0",
        "PYTHONUNBUFFERED": "1",
    }
    entorno.pop("EMAIL_URL", None)
    for nombre, valor in cambios.items():
        if valor is None:
            entorno.pop(nombre, None)
        else:
            entorno[nombre] = str(valor)
    return entorno


class Gunicorn:
    """gunicorn serving the portal as docker-compose.yml runs it (sync workers),
    bound to a port of 127.0.0.1 the system picks, with its access and error
    log in `carpeta/gunicorn.log`.

    Use as a context manager, or call `arrancar()` and `detener()`.
    """

    def __init__(self, carpeta: Path, entorno: dict[str, str], *, trabajadores=1,
                 host=HOST_PRUEBA, argumentos=()):
        self.carpeta = Path(carpeta)
        self.entorno = entorno
        self.trabajadores = trabajadores
        self.host = host
        self.argumentos = list(argumentos)
        self.ruta_log = self.carpeta / "gunicorn.log"
        self.proceso = None
        self.puerto = None

    def __enter__(self):
        return self.arrancar()

    def __exit__(self, *error):
        self.detener()

    @property
    def pid(self) -> int:
        """The master process."""
        return self.proceso.pid

    def pids_trabajadores(self) -> list[int]:
        """The worker processes the master has forked now."""
        return sorted(
            int(pid) for ruta in Path(f"/proc/{self.pid}/task").glob("*/children")
            for pid in ruta.read_text().split()
        )

    def log(self) -> str:
        return self.ruta_log.read_text(errors="replace") if self.ruta_log.exists() else ""

    def pedir(self, ruta, **opciones):
        """A request straight to gunicorn (no proxy), with the portal's Host."""
        return pedir(self.puerto, ruta, **{"host": self.host, **opciones})

    def arrancar(self, segundos=60):
        self.carpeta.mkdir(parents=True, exist_ok=True)
        argumentos = [
            sys.executable, "-m", "gunicorn", "egov.wsgi:application",
            "--bind", "127.0.0.1:0", "--workers", str(self.trabajadores),
            "--worker-class", "sync", "--access-logfile", "-", "--error-logfile", "-",
            # The control socket's default path is shared by every gunicorn of the user.
            "--no-control-socket",
            *self.argumentos,
        ]
        with open(self.ruta_log, "w") as salida:
            self.proceso = subprocess.Popen(
                argumentos, cwd=RAIZ, env=self.entorno, stdout=salida, stderr=subprocess.STDOUT,
            )
        escucha = esperar(
            lambda: self.proceso.poll() is not None
            or re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", self.log()),
            segundos,
        )
        if self.proceso.poll() is not None or not escucha:
            self._fallar("gunicorn no arrancó")
        self.puerto = int(escucha.group(1))
        if not esperar(self._responde_salud, segundos):
            self._fallar("gunicorn no responde /salud/")
        return self

    def _responde_salud(self) -> bool:
        """Any HTTP answer counts: /salud/ says 503 when Redis or the database is down."""
        if self.proceso.poll() is not None:
            self._fallar("gunicorn terminó al arrancar")
        try:
            self.pedir("/salud/", segundos=5)
        except OSError:
            return False
        return True

    def _fallar(self, motivo):
        self.detener()
        raise RuntimeError(f"{motivo}:\n{self.log()[-4000:]}")

    def detener(self, segundos=30):
        """SIGTERM (graceful stop of master and workers), SIGKILL if it takes too long."""
        detener_proceso(self.proceso, segundos)


# --- nginx --------------------------------------------------------------------------------------


def plantilla_renderizada(texto: str, variables: dict[str, str]) -> str:
    """What the official nginx image's entrypoint does to a *.template file:
    envsubst of the named variables only ($NAME and ${NAME}), so nginx's own
    $variables stay. Fails if a PROXY_* variable is left without a value."""

    def valor(coincidencia):
        nombre = coincidencia.group(1) or coincidencia.group(2)
        return str(variables[nombre]) if nombre in variables else coincidencia.group(0)

    resultado = re.sub(r"\$\{(\w+)\}|\$(\w+)", valor, texto)
    sin_valor = sorted(set(re.findall(r"\$\{?(PROXY_\w+)", resultado)))
    if sin_valor:
        raise ValueError(f"la plantilla usa variables sin valor: {', '.join(sin_valor)}")
    return resultado


def certificado_autofirmado(carpeta: Path, nombre=HOST_PRUEBA) -> tuple[Path, Path]:
    """A self-signed certificate (ECDSA P-256) for `nombre` and 127.0.0.1;
    returns the paths of the certificate and its private key, PEM."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    carpeta.mkdir(parents=True, exist_ok=True)
    clave = ec.generate_private_key(ec.SECP256R1())
    sujeto = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, nombre)])
    ahora = datetime.datetime.now(datetime.UTC)
    certificado = (
        x509.CertificateBuilder()
        .subject_name(sujeto).issuer_name(sujeto)
        .public_key(clave.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(ahora - datetime.timedelta(minutes=5))
        .not_valid_after(ahora + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.DNSName(nombre), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        ), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(clave, hashes.SHA256())
    )
    ruta_certificado, ruta_clave = carpeta / "portal.crt", carpeta / "portal.key"
    ruta_certificado.write_bytes(certificado.public_bytes(serialization.Encoding.PEM))
    ruta_clave.write_bytes(clave.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ))
    ruta_clave.chmod(0o600)
    return ruta_certificado, ruta_clave


class Nginx:
    """An nginx of the test's own (foreground, own prefix, pid, logs and temp
    folders under `carpeta`) that includes `configuracion` inside its http
    block, as the official image includes /etc/nginx/conf.d/*.conf. Ready
    when every port in `puertos` accepts connections."""

    def __init__(self, carpeta: Path, configuracion: str, *, puertos):
        self.carpeta = Path(carpeta)
        self.configuracion = configuracion
        self.puertos = list(puertos)
        self.proceso = None

    def __enter__(self):
        return self.arrancar()

    def __exit__(self, *error):
        self.detener()

    @property
    def ruta_error_log(self) -> Path:
        return self.carpeta / "error.log"

    @property
    def ruta_access_log(self) -> Path:
        return self.carpeta / "access.log"

    def log(self) -> str:
        partes = [self.ruta_error_log, self.carpeta / "salida.log"]
        return "\n".join(p.read_text(errors="replace") for p in partes if p.exists())

    def _principal(self) -> str:
        temporales = self.carpeta / "temp"
        lineas = [
            "daemon off;",
            "worker_processes 1;",
            f"pid {self.carpeta / 'nginx.pid'};",
            f"error_log {self.ruta_error_log} notice;",
            "events { worker_connections 256; }",
            "http {",
            # What the official image's nginx.conf sets around conf.d/*.conf: a
            # configuration that sets one again fails here as it would there.
            "    include /etc/nginx/mime.types;",
            "    default_type application/octet-stream;",
            "    sendfile on;",
            "    keepalive_timeout 65;",
            f"    access_log {self.ruta_access_log};",
            *(f"    {tipo}_temp_path {temporales / tipo};"
              for tipo in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
            f"    include {self.carpeta / 'portal.conf'};",
            "}",
        ]
        if os.geteuid() == 0:
            # Workers would switch to `nobody`, who cannot write the test's temp folders.
            lineas.insert(0, f"user {getpass.getuser()};")
        return "\n".join(lineas) + "\n"

    def arrancar(self, segundos=30):
        if not Path(NGINX).exists():
            raise RuntimeError(f"no está nginx en {NGINX} (paquete nginx de Debian)")
        (self.carpeta / "temp").mkdir(parents=True, exist_ok=True)
        (self.carpeta / "portal.conf").write_text(self.configuracion)
        principal = self.carpeta / "nginx.conf"
        principal.write_text(self._principal())
        with open(self.carpeta / "salida.log", "w") as salida:
            self.proceso = subprocess.Popen(
                [NGINX, "-p", str(self.carpeta), "-c", str(principal), "-e", str(self.ruta_error_log)],
                stdout=salida, stderr=subprocess.STDOUT,
            )
        if not esperar(lambda: self.proceso.poll() is not None or self._escucha(), segundos) \
                or self.proceso.poll() is not None:
            self.detener()
            raise RuntimeError("nginx no arrancó:\n" + self.log()[-4000:])
        return self

    def _escucha(self) -> bool:
        for puerto in self.puertos:
            try:
                socket.create_connection(("127.0.0.1", puerto), timeout=1).close()
            except OSError:
                return False
        return True

    def detener(self, segundos=30):
        """SIGQUIT: nginx finishes the requests in flight, then exits."""
        if self.proceso is None or self.proceso.poll() is not None:
            return
        self.proceso.send_signal(signal.SIGQUIT)
        try:
            self.proceso.wait(timeout=segundos)
        except subprocess.TimeoutExpired:
            self.proceso.kill()
            self.proceso.wait()


# --- A visitor with cookies ---------------------------------------------------------------------


def clave_de_produccion(usuario, clave: str) -> None:
    """Stores the account's password with the production hasher (the test
    settings hash with MD5 for speed, which a production process refuses)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    usuario.password = hasher.encode(clave, hasher.salt(), iterations=1000)
    usuario.save(update_fields=["password"])


class Visitante:
    """A person's browser against a portal process, reduced to what the
    portal needs: it keeps the cookies it is given (Secure ones included: the
    requests say they came over HTTPS, as the proxy in front does), sends the
    CSRF token of the last form it read, and follows no redirect.

    `servidor` is anything with `pedir(ruta, **opciones)` (a Gunicorn)."""

    def __init__(self, servidor, *, origen="127.0.0.1"):
        self.servidor = servidor
        self.origen = origen
        self.cookies: dict[str, str] = {}
        self.token = ""

    def _cabeceras(self, extra=None):
        cabeceras = {"X-Forwarded-Proto": "https", **(extra or {})}
        if self.cookies:
            cabeceras["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return cabeceras

    def _recordar(self, respuesta):
        for valor in respuesta.headers.get_all("Set-Cookie") or []:
            nombre, _, resto = valor.partition("=")
            contenido = resto.split(";", 1)[0]
            if "max-age=0" in valor.lower() or "expires=thu, 01 jan 1970" in valor.lower():
                self.cookies.pop(nombre.strip(), None)
            else:
                self.cookies[nombre.strip()] = contenido
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', respuesta.cuerpo or b"")
        if token:
            self.token = token.group(1).decode()
        return respuesta

    def get(self, ruta, **opciones):
        return self._recordar(self.servidor.pedir(
            ruta, cabeceras=self._cabeceras(opciones.pop("cabeceras", None)), origen=self.origen, **opciones
        ))

    def post(self, ruta, datos=None, **opciones):
        """A form POST (urlencoded), with the CSRF token and a same-origin Referer."""
        from urllib.parse import urlencode

        cuerpo = urlencode({"csrfmiddlewaretoken": self.token, **(datos or {})}, doseq=True)
        cabeceras = self._cabeceras({
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{self.servidor.host}{ruta}",
            **opciones.pop("cabeceras", {}),
        })
        return self._recordar(self.servidor.pedir(
            ruta, metodo="POST", cuerpo=cuerpo.encode(), cabeceras=cabeceras, origen=self.origen, **opciones
        ))

    def entrar(self, correo, clave, *, codigo_totp=None):
        """Logs in through allauth's pages (and its second-factor step)."""
        self.get("/cuenta/login/")
        respuesta = self.post("/cuenta/login/", {"login": correo, "password": clave})
        if codigo_totp is not None:
            assert respuesta.status == 302 and "/cuenta/2fa/authenticate/" in respuesta.getheader("Location", "")
            self.get("/cuenta/2fa/authenticate/")
            respuesta = self.post("/cuenta/2fa/authenticate/", {"code": codigo_totp()})
        if respuesta.status != 302:
            raise AssertionError(f"no pudo entrar ({respuesta.status}): {respuesta.cuerpo[:2000]!r}")
        return self

    def texto(self, respuesta) -> str:
        return respuesta.cuerpo.decode(errors="replace")


# --- Celery workers and a Redis of the test's own ---------------------------------------------


class RedisPropio:
    """A redis-server of this test only, on a free port, without persistence:
    the test can stop it (a broker outage) and start it again."""

    def __init__(self, carpeta: Path):
        self.puerto = puerto_libre()
        self.carpeta = carpeta
        self.proceso = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.puerto}/0"

    def responde(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.puerto), timeout=0.5):
                return True
        except OSError:
            return False

    def arrancar(self):
        self.carpeta.mkdir(parents=True, exist_ok=True)
        self.proceso = subprocess.Popen(
            ["redis-server", "--port", str(self.puerto), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.carpeta)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        assert esperar(self.responde, 10), "redis-server no arrancó"

    def detener(self):
        detener_proceso(self.proceso)
        self.proceso = None
        assert esperar(lambda: not self.responde(), 10)

    def cliente(self):
        import redis

        return redis.Redis.from_url(self.url)


@contextlib.contextmanager
def broker_en(url: str):
    """Points this process's Celery app (and the setting) at a broker, with
    fresh connection pools, and turns eager mode off: tasks are published."""
    from django.conf import settings

    from egov.celery import app as celery_app

    anterior = (celery_app.conf.broker_url, settings.CELERY_BROKER_URL, celery_app.conf.task_always_eager)

    def pools_nuevos():
        celery_app._pool = None
        with contextlib.suppress(AttributeError, KeyError):
            celery_app.__dict__["amqp"]._producer_pool = None

    celery_app.conf.broker_url = url
    settings.CELERY_BROKER_URL = url
    celery_app.conf.task_always_eager = False
    pools_nuevos()
    try:
        yield
    finally:
        celery_app.conf.broker_url, settings.CELERY_BROKER_URL, celery_app.conf.task_always_eager = anterior
        pools_nuevos()


class Trabajador:
    """A `celery worker` process as production runs it (queues default and
    pdf), on the test database and a given broker; its log goes to a file."""

    def __init__(self, proceso, log: Path):
        self.proceso = proceso
        self.log = log

    @property
    def pid(self):
        return self.proceso.pid

    def salida(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def listo(self, segundos=30):
        if not esperar(lambda: " ready." in self.salida() or self.proceso.poll() is not None, segundos):
            pytest.fail("El worker no arrancó:\n" + self.salida()[-3000:])
        if self.proceso.poll() is not None:
            pytest.fail("El worker terminó al arrancar:\n" + self.salida()[-3000:])
        return self

    def hijos(self) -> list[int]:
        """The pool processes of a prefork worker."""
        return sorted(
            int(pid) for ruta in Path(f"/proc/{self.pid}/task").glob("*/children")
            for pid in ruta.read_text().split()
        )

    def matar(self):
        """SIGKILL: no chance to ack, reject or clean anything."""
        if self.proceso.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
            self.proceso.wait(timeout=10)

    def terminar(self):
        detener_proceso(self.proceso, segundos=20)


@pytest.fixture
def worker(tmp_path, settings):
    """Starts (when called) a real worker against a broker URL. Stopped at the end."""
    from django.db import connection

    from egov import pdf as documentos

    bd = connection.settings_dict
    documentos.firmante()  # the demo signing certificate exists before any worker needs it
    procesos = []

    def arrancar(broker_url, *, pool="solo", nombre=None, **variables):
        """`variables`: more environment of the worker (e.g. SMS_URL)."""
        numero = len(procesos) + 1
        nombre = nombre or f"certificados{numero}"
        var = tmp_path / f"worker-var-{numero}"
        var.mkdir()
        entorno = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "egov.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DATABASE_URL": f"postgres://{bd['USER']}@{bd['HOST']}:{bd['PORT']}/{bd['NAME']}",
            "REDIS_URL": broker_url,
            "VAR_DIR": str(var),
            # The same private files and signing certificate as this test process.
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "CERT_SIGNING_P12": str(settings.CERT_SIGNING_P12),
            "CERT_SIGNING_PASSWORD": settings.CERT_SIGNING_PASSWORD,
            "CERT_SIGNING_DEMO": "false",
            "SITE_URL": settings.SITE_URL,
            **variables,
        }
        entorno.pop("EMAIL_URL", None)
        log = tmp_path / f"worker-{numero}.log"
        argumentos = [sys.executable, "-m", "celery", "-A", "egov", "worker", "-Q", "default,pdf",
                      "-n", f"{nombre}@%h", "--without-mingle", "--without-gossip",
                      "--without-heartbeat", "-l", "INFO", "--pool", pool]
        if pool == "prefork":
            argumentos += ["--concurrency", "1"]
        with open(log, "w") as salida:
            proceso = subprocess.Popen(argumentos, cwd=RAIZ, env=entorno, stdout=salida,
                                       stderr=subprocess.STDOUT)
        trabajador = Trabajador(proceso, log)
        procesos.append(trabajador)
        return trabajador

    yield arrancar
    for trabajador in procesos:
        trabajador.terminar()


@pytest.fixture
def redis_propio(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("Estas pruebas necesitan redis-server (paquete redis-server de Debian).")
    servidor = RedisPropio(tmp_path / "redis")
    yield servidor
    if servidor.proceso is not None:
        servidor.detener()


def correos_enviados(carpetas) -> list[email.message.EmailMessage]:
    """Every email the workers wrote (Django's file backend: one file per
    connection, messages separated by a line of dashes)."""
    mensajes = []
    for carpeta in carpetas:
        for archivo in sorted(Path(carpeta).glob("*.log")):
            for parte in archivo.read_bytes().split(b"-" * 79):
                if parte.strip():
                    mensajes.append(email.message_from_bytes(parte.strip(), policy=email.policy.default))
    return mensajes


class PideSimulado:
    """The local PIDE stand-in (tools/pide_simulado/servidor.py) as a process
    of its own on a free port of 127.0.0.1. Its fixture's credentials are
    CREDENCIALES; `peticiones()` are the lines it logged, one per request it
    received ("POST /RENIEC/Consultar 40000001 0000")."""

    CREDENCIALES = {
        "PIDE_USUARIO_DNI": "40000000",
        "PIDE_RUC_ENTIDAD": "20131370998",
        "PIDE_CLAVE": "clave-demo",
    }

    def __init__(self, carpeta: Path):
        self.carpeta = Path(carpeta)
        self.ruta_log = self.carpeta / "pide_simulado.log"
        self.proceso = None
        self.url = None

    def log(self) -> str:
        return self.ruta_log.read_text(errors="replace") if self.ruta_log.exists() else ""

    def peticiones(self) -> list[str]:
        return [linea for linea in self.log().splitlines() if linea.startswith(("GET ", "POST "))]

    def arrancar(self, segundos=30):
        self.carpeta.mkdir(parents=True, exist_ok=True)
        with open(self.ruta_log, "w") as salida:
            self.proceso = subprocess.Popen(
                [sys.executable, "-u", str(RAIZ / "tools" / "pide_simulado" / "servidor.py"), "--port", "0"],
                cwd=RAIZ, stdout=salida, stderr=subprocess.STDOUT,
            )
        escucha = esperar(
            lambda: self.proceso.poll() is not None
            or re.search(r"escuchando en (http://127\.0\.0\.1:\d+)", self.log()),
            segundos,
        )
        if self.proceso.poll() is not None or not escucha:
            raise RuntimeError("El PIDE simulado no arrancó:\n" + self.log()[-2000:])
        self.url = escucha.group(1)
        return self

    def detener(self):
        detener_proceso(self.proceso)


class ProveedorIdgobpe:
    """The local ID GOB.PE (tools/idgobpe/proveedor.js, Node's oidc-provider)
    as a process of its own on a free port of 127.0.0.1, for the portal's
    callback and home page at `portal` (localhost and 127.0.0.1 alike).
    Installs its pinned packages (npm ci) the first time."""

    CARPETA = RAIZ / "tools" / "idgobpe"
    CLIENTE = "portal-pruebas"
    SECRETO = "secreto-de-pruebas"
    CODIGO_TTL = 10  # seconds an authorization code lives (the expired-code test waits it out)

    def __init__(self, carpeta: Path, portal: str):
        self.carpeta = Path(carpeta)
        self.portal = portal.rstrip("/")
        self.ruta_log = self.carpeta / "idgobpe.log"
        self.puerto = puerto_libre()
        self.url = f"http://127.0.0.1:{self.puerto}"
        self.proceso = None

    @classmethod
    def instalar(cls):
        """`npm ci` when node_modules is missing; without Node.js the tests fail
        (under CI) or are skipped (on a developer's machine), saying how to get it."""
        if shutil.which("node") is None or shutil.which("npm") is None:
            motivo = "El ID GOB.PE local necesita Node.js 20 o superior y npm (apt-get install nodejs npm)."
            if os.environ.get("CI") == "true":
                pytest.fail(motivo)
            pytest.skip(motivo)
        if (cls.CARPETA / "node_modules" / "oidc-provider").is_dir():
            return
        resultado = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=cls.CARPETA, capture_output=True, text=True, timeout=300,
        )
        if resultado.returncode != 0:
            pytest.fail("npm ci falló en tools/idgobpe:\n" + (resultado.stdout + resultado.stderr)[-2000:])

    def log(self) -> str:
        return self.ruta_log.read_text(errors="replace") if self.ruta_log.exists() else ""

    def _variantes(self, ruta: str) -> str:
        return ",".join(
            self.portal.replace("://localhost", f"://{host}").replace("://127.0.0.1", f"://{host}") + ruta
            for host in ("localhost", "127.0.0.1")
        )

    def arrancar(self, segundos=30):
        self.instalar()
        self.carpeta.mkdir(parents=True, exist_ok=True)
        argumentos = [
            "node", str(self.CARPETA / "proveedor.js"), f"--puerto={self.puerto}", f"--emisor={self.url}",
            f"--client-id={self.CLIENTE}", f"--client-secret={self.SECRETO}",
            f"--redirect-uris={self._variantes('/cuenta/oidc/idgobpe/login/callback/')}",
            f"--post-logout-uris={self._variantes('/')}", f"--codigo-ttl={self.CODIGO_TTL}",
        ]
        with open(self.ruta_log, "w") as salida:
            self.proceso = subprocess.Popen(argumentos, cwd=self.CARPETA, stdout=salida, stderr=subprocess.STDOUT)
        if not esperar(lambda: self.proceso.poll() is not None or self.responde(), segundos) or not self.responde():
            self.detener()
            raise RuntimeError("El ID GOB.PE local no arrancó:\n" + self.log()[-2000:])
        return self

    def responde(self) -> bool:
        try:
            conexion = http.client.HTTPConnection("127.0.0.1", self.puerto, timeout=1)
            conexion.request("GET", "/.well-known/openid-configuration")
            return conexion.getresponse().status == 200
        except OSError:
            return False

    def detener(self):
        detener_proceso(self.proceso)


class _ProveedorSimulado:
    """A local provider stand-in (tools/<carpeta>/servidor.py) as a process of
    its own on a free port of 127.0.0.1, with the control endpoints both
    stand-ins share: GET /mensajes (what it received, each with the receipts
    it posted and the portal's answers) and POST /mensajes/<id>/repetir."""

    NOMBRE = ""  # for the error when it does not start
    SCRIPT = ""  # tools/<SCRIPT>/servidor.py
    CAMPO_ID = ""  # the key of a message's id in /mensajes
    CAMPO_DESPACHADO = ""  # the key that says all its receipts were posted

    def __init__(self, carpeta: Path):
        self.carpeta = Path(carpeta)
        self.ruta_log = self.carpeta / f"{self.SCRIPT}.log"
        self.proceso = None
        self.url = None

    def log(self) -> str:
        return self.ruta_log.read_text(errors="replace") if self.ruta_log.exists() else ""

    def _lanzar(self, opciones: list[str], *, segundos=30, entorno=None):
        self.carpeta.mkdir(parents=True, exist_ok=True)
        argumentos = [sys.executable, "-u", str(RAIZ / "tools" / self.SCRIPT / "servidor.py"), "--port", "0", *opciones]
        with open(self.ruta_log, "w") as salida:
            self.proceso = subprocess.Popen(argumentos, cwd=RAIZ, env=entorno, stdout=salida, stderr=subprocess.STDOUT)
        escucha = esperar(
            lambda: self.proceso.poll() is not None
            or re.search(r"escuchando en (http://127\.0\.0\.1:\d+)", self.log()),
            segundos,
        )
        if self.proceso.poll() is not None or not escucha:
            raise RuntimeError(f"El {self.NOMBRE} no arrancó:\n" + self.log()[-2000:])
        self.url = escucha.group(1)
        return self

    def _pedir(self, metodo: str, ruta: str, datos=None, cabeceras=None):
        import json
        import urllib.error
        import urllib.request

        cuerpo = None if datos is None else json.dumps(datos).encode()
        pedido = urllib.request.Request(
            self.url + ruta, data=cuerpo, method=metodo,
            headers={"Content-Type": "application/json", "Accept": "application/json", **(cabeceras or {})},
        )
        try:
            with urllib.request.urlopen(pedido, timeout=60) as respuesta:  # noqa: S310 - the local stand-in
                return respuesta.status, json.loads(respuesta.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def mensajes(self) -> list[dict]:
        return self._pedir("GET", "/mensajes")[1]

    def mensaje(self, message_id: str) -> dict | None:
        return next((m for m in self.mensajes() if m[self.CAMPO_ID] == message_id), None)

    def despachado(self, message_id: str, segundos=30) -> dict:
        """The message once the stand-in has posted all its receipts."""
        mensaje = esperar(
            lambda: (m := self.mensaje(message_id)) is not None and m[self.CAMPO_DESPACHADO] and m, segundos
        )
        assert mensaje, f"el {self.NOMBRE} no terminó de despachar {message_id}:\n{self.log()[-2000:]}"
        return mensaje

    def repetir(self, message_id: str) -> list:
        """Every receipt of the message posted again, unchanged: the portal's statuses."""
        estado, respuesta = self._pedir("POST", f"/mensajes/{message_id}/repetir")
        assert estado == 200, respuesta
        return respuesta["respuestas"]

    def detener(self):
        detener_proceso(self.proceso)


class ProveedorCorreo(_ProveedorSimulado):
    """The local Postmark stand-in (tools/correo_simulado/servidor.py). The
    portal sends to it with TOKEN (`ajustes()` are the EMAIL_* and ANYMAIL
    settings for that); it posts each message's webhooks to `webhook` with
    WEBHOOK_AUTH as HTTP Basic (`webhook_auth=""`: only what the URL
    carries), `demora` seconds after accepting it."""

    NOMBRE, SCRIPT, CAMPO_ID, CAMPO_DESPACHADO = "proveedor de correo simulado", "correo_simulado", "MessageID", "Despachado"
    TOKEN = "token-de-pruebas"
    WEBHOOK_AUTH = "postmark:secreto-de-pruebas"

    def __init__(self, carpeta: Path, *, webhook: str = "", webhook_auth: str | None = None, demora: float = 0.5):
        super().__init__(carpeta)
        self.webhook = webhook
        self.webhook_auth = self.WEBHOOK_AUTH if webhook_auth is None else webhook_auth
        self.demora = demora

    def arrancar(self, segundos=30):
        opciones = ["--token", self.TOKEN, "--demora", str(self.demora)]
        if self.webhook:
            opciones += ["--webhook", self.webhook, "--webhook-auth", self.webhook_auth]
        return self._lanzar(opciones, segundos=segundos)

    def ajustes(self, **anymail) -> dict:
        """EMAIL_PROVEEDOR, EMAIL_BACKEND and ANYMAIL as egov/settings.py builds
        them for EMAIL_PROVEEDOR=postmark, pointed at this process; `anymail` overrides keys."""
        return {
            "EMAIL_PROVEEDOR": "postmark",
            "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
            "ANYMAIL": {
                "POSTMARK_SERVER_TOKEN": self.TOKEN,
                "POSTMARK_API_URL": self.url + "/",
                "WEBHOOK_SECRET": self.WEBHOOK_AUTH,
                **anymail,
            },
        }

    def enviar(self, datos: dict, *, token: str | None = None):
        """A send of another application on the same provider account: (status, answer)."""
        return self._pedir("POST", "/email", datos, {"X-Postmark-Server-Token": self.TOKEN if token is None else token})

    def evento(self, message_id: str, tipo: str, *, en: datetime.datetime | None = None, correo: str = ""):
        """The provider reports one more event of a message now; the portal's HTTP status."""
        datos = {"RecordType": tipo, **({"At": en.isoformat()} if en else {}), **({"Email": correo} if correo else {})}
        estado, respuesta = self._pedir("POST", f"/mensajes/{message_id}/eventos", datos)
        assert estado == 200, respuesta
        return respuesta["respuesta"]


class ProveedorSms(_ProveedorSimulado):
    """The local SMS provider stand-in (tools/sms_simulado/servidor.py). The
    portal sends to it with `sms_url` (SMS_URL with the account's CLAVE and
    SECRETO); it signs each delivery receipt with `secreto_recibo` and posts
    it `demora` seconds after accepting the SMS to the callback the SMS
    brought. The numbers FALLA, DUPLICADO, RECHAZO and SIN_RECIBO behave as
    the stand-in's docstring says."""

    NOMBRE, SCRIPT, CAMPO_ID, CAMPO_DESPACHADO = "proveedor de SMS simulado", "sms_simulado", "message-id", "despachado"
    CLAVE = "clave-de-pruebas"
    SECRETO = "secreto-de-pruebas"
    FALLA, DUPLICADO, RECHAZO, SIN_RECIBO = "+51999000001", "+51999000002", "+51999000003", "+51999000004"

    def __init__(self, carpeta: Path, *, secreto_recibo: str = "", demora: float = 0.2):
        super().__init__(carpeta)
        self.secreto_recibo = secreto_recibo
        self.demora = demora

    def arrancar(self, segundos=30):
        # The secret goes by the environment, not the command line (other users can list that).
        return self._lanzar(
            ["--clave", self.CLAVE, "--secreto", self.SECRETO, "--demora", str(self.demora)],
            segundos=segundos, entorno={**os.environ, "SMS_RECIBO_SECRETO": self.secreto_recibo},
        )

    def sms_url(self, *, clave: str | None = None, secreto: str | None = None) -> str:
        """SMS_URL pointed at this process (other credentials, to see them refused)."""
        clave = self.CLAVE if clave is None else clave
        secreto = self.SECRETO if secreto is None else secreto
        return self.url.replace("://", f"://{quote(clave, safe='')}:{quote(secreto, safe='')}@") + "/sms/json"

    def enviar(self, campos: dict) -> dict:
        """A send of another application on the same account (form fields); the provider's answer."""
        import json
        import urllib.parse
        import urllib.request

        cuerpo = urllib.parse.urlencode({"api_key": self.CLAVE, "api_secret": self.SECRETO, **campos}).encode()
        with urllib.request.urlopen(self.url + "/sms/json", data=cuerpo, timeout=60) as respuesta:  # noqa: S310
            return json.loads(respuesta.read())

    def recibo(self, message_id: str, status: str, **opciones):
        """The provider posts one more receipt of the SMS now (`opciones`:
        err-code, antiguedad, secreto, formato); the portal's HTTP status."""
        estado, respuesta = self._pedir("POST", f"/mensajes/{message_id}/recibo", {"status": status, **opciones})
        assert estado == 200, respuesta
        return respuesta["respuesta"]
