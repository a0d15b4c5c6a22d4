"""Shared pieces of the procedure tests: the seeded catalog, citizens with a
complete profile, staff of an office, real files (PDF, PNG, JPEG) and helpers
that build a complete draft or file a request through the services, the way
the filing pages do."""

import datetime
import io
import os
import re
import zoneinfo
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from tests import factories
from tramites import services
from tramites.archivos import archivo_revisar
from tramites.declaraciones import TipoCampo
from tramites.models import Oficina, Solicitud, Tramite

LIMA = zoneinfo.ZoneInfo("America/Lima")

DOMICILIO = "constancia-de-domicilio"
LICENCIA = "licencia-de-funcionamiento-riesgo-bajo"
INFORMACION = "acceso-a-la-informacion-publica"


def en_lima(anio, mes, dia, hora=10, minuto=0):
    """An aware datetime in Lima, for time_machine.travel()."""
    return datetime.datetime(anio, mes, dia, hora, minuto, tzinfo=LIMA)


@pytest.fixture(autouse=True)
def _cache_propia(settings):
    """Every test run on this machine shares the Redis test database, and each
    flushes it between its tests: here the cache (and so the sessions) lives
    in this process, so a run going on next door cannot log these users out."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"tramites-{os.getpid()}",
        }
    }
    cache.clear()
    yield
    cache.clear()


# --- Real files -------------------------------------------------------------------------


class Archivos:
    """Builders of real files of each accepted type."""

    @staticmethod
    def pdf(paginas=1) -> bytes:
        escritor = PdfWriter()
        for _ in range(paginas):
            escritor.add_blank_page(width=595, height=842)
        salida = io.BytesIO()
        escritor.write(salida)
        return salida.getvalue()

    @staticmethod
    def png(ancho=40, alto=30) -> bytes:
        salida = io.BytesIO()
        Image.new("RGB", (ancho, alto), (20, 120, 200)).save(salida, format="PNG")
        return salida.getvalue()

    @staticmethod
    def jpeg(ancho=40, alto=30, exif=None) -> bytes:
        salida = io.BytesIO()
        opciones = {"exif": exif.tobytes()} if exif is not None else {}
        Image.new("RGB", (ancho, alto), (200, 30, 30)).save(salida, format="JPEG", **opciones)
        return salida.getvalue()

    @staticmethod
    def subido(nombre, contenido, tipo="application/octet-stream"):
        return SimpleUploadedFile(nombre, contenido, content_type=tipo)


# --- Catalog and people --------------------------------------------------------------------


@pytest.fixture
def catalogo(db):
    call_command("catalogo_cargar", stdout=io.StringIO())


@pytest.fixture
def ciudadano(db):
    return factories.PerfilFactory().usuario


@pytest.fixture
def otro_ciudadano(db):
    return factories.PerfilFactory().usuario


JEFE = "Jefe de oficina"


def servidor_de(sigla, rol=JEFE):
    """A staff member of the office with this acronym, with a role (a group
    of tramites/roles.py; the head of office may take every staff action)."""
    usuario = factories.UsuarioFactory(is_staff=True, segundo_factor=True)
    Oficina.objects.get(sigla=sigla).personal.add(usuario)
    if rol:
        from django.contrib.auth.models import Group, Permission

        if not Group.objects.filter(name=rol).exists():
            # A flushed database (transactional tests) lost the groups the migration made.
            from tramites.roles import grupos_sincronizar

            grupos_sincronizar(Group, Permission)
        usuario.groups.add(Group.objects.get(name=rol))
    return usuario


@pytest.fixture
def servidor(catalogo):
    """Staff of the office that resolves the address certificate (SGPV)."""
    return servidor_de("SGPV")


# --- Drafts and requests through the services ------------------------------------------------


def respuesta_valida(campo) -> str:
    """A stored answer that passes the question's own validation."""
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


def adjuntar(solicitud, requerido=None, contenido=None, nombre="recibo.pdf"):
    """Uploads a file to the request the way the pages do (checked, then stored)."""
    revisado = archivo_revisar(
        SimpleUploadedFile(nombre, contenido if contenido is not None else Archivos.pdf()),
        max_bytes=10 * 1024 * 1024,
    )
    return services.adjunto_agregar(
        solicitud=solicitud, requerido=requerido, revisado=revisado, max_total=25 * 1024 * 1024
    )


def borrador_completo(ciudadano, slug=DOMICILIO, adjuntos=True, pago=True, **respuestas) -> Solicitud:
    """A draft with every question answered, every required document and the
    payment registered: ready to file."""
    tramite = Tramite.objects.get(slug=slug)
    solicitud = services.borrador_iniciar(ciudadano=ciudadano, tramite=tramite)
    datos = {campo.nombre: respuesta_valida(campo) for campo in tramite.campos.all()}
    datos.update(respuestas)
    solicitud = services.borrador_responder(solicitud=solicitud, respuestas=datos)
    if adjuntos:
        for requerido in tramite.adjuntos_requeridos.all():
            adjuntar(solicitud, requerido)
    if pago and tramite.tasa:
        services.borrador_pago_registrar(
            solicitud=solicitud, canal="bn", numero="12345678",
            fecha=timezone.localdate(), monto=tramite.tasa,
        )
    return Solicitud.objects.get(pk=solicitud.pk)


def presentar(ciudadano, slug=DOMICILIO, **respuestas) -> Solicitud:
    solicitud = borrador_completo(ciudadano, slug, **respuestas)
    return services.solicitud_presentar(
        solicitud=solicitud, ciudadano=ciudadano, declaracion_jurada=True
    )


# --- HTTP ------------------------------------------------------------------------------------


class Navegador:
    """Django's test client where each request ends as a real one does: what
    it scheduled for after the commit (emails, cache refreshes) runs when the
    response is back."""

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


@pytest.fixture
def web_ciudadano(web, ciudadano):
    web.force_login(ciudadano)
    return web


def url_paso(solicitud, paso):
    return f"/tramites/{solicitud.tramite.slug}/solicitar/{solicitud.uuid}/{paso}/"


def archivos_guardados(settings):
    """Every file under MEDIA_ROOT."""
    from pathlib import Path

    raiz = Path(settings.MEDIA_ROOT)
    return sorted(p for p in raiz.rglob("*") if p.is_file()) if raiz.exists() else []


class Pagina(HTMLParser):
    """What a person gets from a page: the form controls with their values,
    the labels, the links and the error summary."""

    def __init__(self, respuesta_o_html):
        super().__init__(convert_charrefs=True)
        html = getattr(respuesta_o_html, "content", respuesta_o_html)
        self.html = html.decode() if isinstance(html, bytes) else html
        self.valores = {}  # input/textarea name -> value (checked ones for radios/checkboxes)
        self.controles = []  # names of every input, select and textarea (hidden ones excluded)
        self.seleccionado = {}  # select name -> selected value
        self.etiquetas = []
        self.enlaces = []  # (href, text)
        self.errores = []  # items of the error summary
        self._pila = []
        self.feed(self.html)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "input":
            tipo = a.get("type", "text")
            if tipo not in ("hidden", "submit"):
                self.controles.append(a.get("name"))
            if tipo in ("radio", "checkbox"):
                if "checked" in a:
                    self.valores[a.get("name")] = a.get("value", "on")
            elif tipo != "file":
                self.valores[a.get("name")] = a.get("value", "")
        elif tag == "select":
            self.controles.append(a.get("name"))
            self._select = a.get("name")
        elif tag == "option" and "selected" in a:
            self.seleccionado[self._select] = a.get("value")
        elif tag == "textarea":
            self.controles.append(a.get("name"))
            self.valores[a.get("name")] = ""
            self._textarea = a.get("name")
        clases = a.get("class", "").split()
        self._pila.append((tag, a, clases, []))

    def handle_endtag(self, tag):
        while self._pila:
            abierto, a, clases, texto = self._pila.pop()
            contenido = " ".join("".join(texto).split())
            if self._pila:
                self._pila[-1][3].append("".join(texto))
            if abierto == "a":
                self.enlaces.append((a.get("href"), contenido))
            elif abierto == "label" or (abierto == "legend"):
                self.etiquetas.append(contenido)
            elif abierto == "textarea":
                self.valores[a.get("name")] = "".join(texto).lstrip("\n")
            elif abierto == "li" and any("resumen-errores" in c for _t, _a, cs, _x in self._pila for c in cs):
                self.errores.append(contenido)
            if abierto == tag:
                break

    def handle_data(self, data):
        if self._pila:
            self._pila[-1][3].append(data)

    def texto(self):
        """The visible text, whitespace collapsed."""
        sin_etiquetas = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", self.html, flags=re.S)
        return " ".join(unescape(sin_etiquetas).split())

    def enlace(self, texto):
        """The href of the first link whose text starts with `texto`."""
        for href, contenido in self.enlaces:
            if contenido.startswith(texto):
                return href
        raise AssertionError(f"No hay un enlace «{texto}» en la página: {self.enlaces}")
