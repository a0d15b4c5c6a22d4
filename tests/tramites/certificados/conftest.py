"""Shared pieces of the issued-documents tests: the seeded catalog and the role
groups, citizens and servants, requests filed and approved through the services
for each of the 8 seeded procedures, PDF readers (text, signature, QR), and the
machinery of the worker tests: a real `celery worker` process on the test
database, and a Redis server of the test's own that it can stop and start."""

import contextlib
import datetime
import io
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from egov import pdf as documentos
from egov.celery import app as celery_app
from tests import factories
from tramites import services
from tramites.archivos import archivo_revisar
from tramites.declaraciones import TipoCampo
from tramites.models import Certificado, Oficina, Solicitud, Tramite
from tramites.roles import JEFE_DE_OFICINA, grupos_sincronizar

RAIZ = Path(__file__).resolve().parents[3]
LIMA = zoneinfo.ZoneInfo("America/Lima")

DOMICILIO = "constancia-de-domicilio"  # SGPV, silencio positivo, S/ 15, 1 document
LICENCIA = "licencia-de-funcionamiento-riesgo-bajo"  # SGDE, automatic approval
INFORMACION = "acceso-a-la-informacion-publica"  # SG, silencio negativo, free, no documents
ORGANIZACIONES = "registro-de-organizaciones-sociales"  # SGPV, free, 2 documents

# The 8 procedures catalogo_cargar seeds.
SLUGS = [
    DOMICILIO,
    LICENCIA,
    "certificado-de-parametros-urbanisticos",
    INFORMACION,
    "constancia-de-posesion",
    "matrimonio-civil",
    "certificado-de-numeracion",
    ORGANIZACIONES,
]

NOMBRES = "Ch'aska Rosa"
PATERNO = "Ñahui"
MATERNO = "Pérez-Albela"
NOMBRE_COMPLETO = f"{NOMBRES} {PATERNO} {MATERNO}"


def en_lima(anio, mes, dia, hora=10, minuto=0):
    """An aware datetime in Lima, for time_machine.travel()."""
    return datetime.datetime(anio, mes, dia, hora, minuto, tzinfo=LIMA)


@pytest.fixture(autouse=True)
def _cache_propia(settings):
    """The cache (rate limits, sessions, cached pages) lives in this process:
    another test run on this machine sharing the Redis test database cannot
    disturb these tests, nor these tests it."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"certificados-{os.getpid()}",
        }
    }
    cache.clear()
    yield
    cache.clear()


# --- Catalog and people ----------------------------------------------------------------------


@pytest.fixture
def grupos(db):
    """The role groups (transactional tests flush what the migration made)."""
    grupos_sincronizar(Group, Permission)


@pytest.fixture
def catalogo(db, grupos):
    call_command("catalogo_cargar", stdout=io.StringIO())


def persona(**datos):
    """A citizen with a complete profile (a name with ñ, tilde, apostrophe and hyphen)."""
    datos = {"nombres": NOMBRES, "apellido_paterno": PATERNO, "apellido_materno": MATERNO, **datos}
    return factories.PerfilFactory(**datos).usuario


@pytest.fixture
def ciudadano(db):
    return persona(numero_documento="45871236")


@pytest.fixture
def otro_ciudadano(db):
    return persona(nombres="Pedro", apellido_paterno="Quispe", apellido_materno="Mamani")


def servidor_de(sigla, rol=JEFE_DE_OFICINA, nombres="Lucía", apellido="Zegarra"):
    """A servant of the office with this acronym, in a role group, with a
    profile (their name goes on the certificates they sign)."""
    perfil = factories.PerfilFactory(
        usuario__is_staff=True, usuario__segundo_factor=True, nombres=nombres, apellido_paterno=apellido, apellido_materno="Ríos"
    )
    usuario = perfil.usuario
    Oficina.objects.get(sigla=sigla).personal.add(usuario)
    if rol:
        usuario.groups.add(Group.objects.get(name=rol))
    return usuario


def resolutor(solicitud, rol=JEFE_DE_OFICINA):
    """A servant of the office that resolves this request's procedure."""
    return servidor_de(solicitud.tramite.oficina_resolucion.sigla, rol)


# --- Requests through the services ------------------------------------------------------------


def pdf_simple() -> bytes:
    escritor = PdfWriter()
    escritor.add_blank_page(width=595, height=842)
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def respuesta_valida(campo) -> str:
    if campo.tipo == TipoCampo.OPCION:
        return campo.lista_opciones[0]
    return {
        TipoCampo.TEXTO: "Jr. Junín 456",
        TipoCampo.TEXTO_LARGO: "Actas de sesiones de concejo de enero de 2026.",
        TipoCampo.NUMERO: "3",
        TipoCampo.FECHA: (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        TipoCampo.SI_NO: "si",
        TipoCampo.DISTRITO: "150101",
        TipoCampo.EMAIL: "entrega@example.pe",
        TipoCampo.TELEFONO: "+51987654321",
    }[campo.tipo]


def adjuntar(solicitud, requerido, contenido=None, nombre="documento.pdf"):
    revisado = archivo_revisar(
        SimpleUploadedFile(nombre, contenido if contenido is not None else pdf_simple()),
        max_bytes=10 * 1024 * 1024,
    )
    return services.adjunto_agregar(
        solicitud=solicitud, requerido=requerido, revisado=revisado, max_total=25 * 1024 * 1024
    )


def presentar(ciudadano, slug=DOMICILIO, **respuestas) -> Solicitud:
    """Files a complete request the way the filing pages do: every answer,
    every required document (a real PDF each) and the payment."""
    tramite = Tramite.objects.get(slug=slug)
    solicitud = services.borrador_iniciar(ciudadano=ciudadano, tramite=tramite)
    datos = {campo.nombre: respuesta_valida(campo) for campo in tramite.campos.all()}
    datos.update(respuestas)
    services.borrador_responder(solicitud=solicitud, respuestas=datos)
    for i, requerido in enumerate(tramite.adjuntos_requeridos.all()):
        adjuntar(solicitud, requerido, nombre=f"documento-{i + 1}.pdf")
    if tramite.tasa:
        services.borrador_pago_registrar(
            solicitud=solicitud, canal="bn", numero="12345678",
            fecha=timezone.localdate(), monto=tramite.tasa,
        )
    return services.solicitud_presentar(
        solicitud=Solicitud.objects.get(pk=solicitud.pk), ciudadano=ciudadano, declaracion_jurada=True
    )


def aprobar(solicitud, nota="", servidor=None) -> Solicitud:
    """Approves a filed request as a head of the resolving office does (an
    automatic-approval one is already approved when filed)."""
    solicitud = Solicitud.objects.get(pk=solicitud.pk)
    if not solicitud.tramite.es_automatica:
        servidor = servidor or resolutor(solicitud)
        services.solicitud_tomar(solicitud=solicitud, servidor=servidor)
        services.solicitud_aprobar(solicitud=solicitud, servidor=servidor, nota=nota)
    return Solicitud.objects.get(pk=solicitud.pk)


def certificado_de(solicitud) -> Certificado:
    return Certificado.objects.select_related("solicitud__tramite").get(solicitud_id=solicitud.pk)


# --- Reading PDFs ----------------------------------------------------------------------------


def sin_espacios(texto: str) -> str:
    return "".join(texto.split())


def texto_pdf(pdf: bytes) -> str:
    return "\n".join(pagina.extract_text() or "" for pagina in PdfReader(io.BytesIO(pdf)).pages)


def certificado_firma():
    """The demo signing certificate (created on first use), read from its
    PKCS#12 and loaded as pyHanko loads trust roots."""
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
    from pyhanko.keys import load_cert_from_pemder

    documentos.firmante()  # creates the demo PKCS#12 if it does not exist yet
    _llave, certificado, _otros = pkcs12.load_key_and_certificates(
        Path(settings.CERT_SIGNING_P12).read_bytes(), settings.CERT_SIGNING_PASSWORD.encode()
    )
    pem = Path(settings.CERT_SIGNING_P12).with_suffix(".pem")
    pem.write_bytes(certificado.public_bytes(Encoding.PEM))
    return load_cert_from_pemder(str(pem))


def firma_validar(pdf: bytes):
    """The status of the PDF's only signature, validated with the demo
    certificate as the only trust root."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    lector = PdfFileReader(io.BytesIO(pdf), strict=False)
    firmas = lector.embedded_signatures
    assert len(firmas) == 1, f"se esperaba una firma, hay {len(firmas)}"
    contexto = ValidationContext(trust_roots=[certificado_firma()])
    return validate_pdf_signature(firmas[0], contexto)


def qr_leer(pdf: bytes, pagina=None, escalas=(1.5, 3)) -> list[str]:
    """Renders a page (the last one by default) to images at a coarse and a
    fine resolution, as a phone camera would see it, and decodes the QR codes
    in each. A QR that decodes at one resolution only (crossed by a border,
    no quiet zone) gives different lists per resolution: the result is then
    a list of lists, which no test expects."""
    import pypdfium2
    import zxingcpp

    documento = pypdfium2.PdfDocument(pdf)
    try:
        indice = len(documento) - 1 if pagina is None else pagina
        lecturas = []
        for escala in escalas:
            imagen = documento[indice].render(scale=escala).to_pil()
            lecturas.append([
                r.text for r in zxingcpp.read_barcodes(imagen) if r.format == zxingcpp.BarcodeFormat.QRCode
            ])
        return lecturas[0] if all(lectura == lecturas[0] for lectura in lecturas) else lecturas
    finally:
        documento.close()


def cajas_de_texto(pdf: bytes):
    """Per page: (width, height, [(char, left, bottom, right, top), ...]) as pdfium lays them out."""
    import pypdfium2

    documento = pypdfium2.PdfDocument(pdf)
    try:
        paginas = []
        for pagina in documento:
            ancho, alto = pagina.get_size()
            texto = pagina.get_textpage()
            cajas = []
            for i in range(texto.count_chars()):
                caracter = texto.get_text_range(i, 1)
                if caracter.strip():
                    cajas.append((caracter, *texto.get_charbox(i)))
            paginas.append((ancho, alto, cajas))
        return paginas
    finally:
        documento.close()


@pytest.fixture
def avisos_weasyprint(caplog):
    """The WARNING (and worse) records WeasyPrint logs while the test runs."""
    caplog.set_level(logging.WARNING, logger="weasyprint")

    def leer():
        return [r for r in caplog.records if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING]

    return leer


# --- HTTP ----------------------------------------------------------------------------------


class Navegador:
    """The test client, where what a request schedules for after the commit
    (tasks, emails, cache refreshes) runs when the response is back."""

    def __init__(self, client, capturar):
        self.client = client
        self._capturar = capturar

    def get(self, *args, **kwargs):
        with self._capturar(execute=True):
            return self.client.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        with self._capturar(execute=True):
            return self.client.post(*args, **kwargs)

    def __getattr__(self, nombre):
        return getattr(self.client, nombre)


@pytest.fixture
def web(client, django_capture_on_commit_callbacks):
    return Navegador(client, django_capture_on_commit_callbacks)


def contenido(respuesta) -> bytes:
    return b"".join(respuesta.streaming_content) if respuesta.streaming else respuesta.content


def archivos_bajo(carpeta) -> list[Path]:
    raiz = Path(settings.MEDIA_ROOT) / carpeta
    return sorted(p for p in raiz.rglob("*") if p.is_file()) if raiz.exists() else []


# --- Real workers and brokers ---------------------------------------------------------------


def esperar(condicion, segundos=60.0, paso=0.1):
    limite = time.monotonic() + segundos
    while time.monotonic() < limite:
        if condicion():
            return True
        time.sleep(paso)
    return bool(condicion())


def puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        if self.proceso is not None:
            self.proceso.terminate()
            try:
                self.proceso.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proceso.kill()
                self.proceso.wait()
            self.proceso = None
        assert esperar(lambda: not self.responde(), 10)

    def cliente(self):
        import redis

        return redis.Redis.from_url(self.url)


@contextlib.contextmanager
def broker_en(url: str):
    """Points this process's Celery app (and the setting) at a broker, with
    fresh connection pools, and turns eager mode off: tasks are published."""
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
        if self.proceso.poll() is None:
            self.proceso.terminate()
            try:
                self.proceso.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proceso.kill()
                self.proceso.wait()


@pytest.fixture
def worker(tmp_path, settings):
    """Starts (when called) a real worker against a broker URL. Stopped at the end."""
    bd = connection.settings_dict
    documentos.firmante()  # the demo signing certificate exists before any worker needs it
    procesos = []

    def arrancar(broker_url, *, pool="solo", nombre=None):
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
