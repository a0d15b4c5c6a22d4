"""Pieces of the procedure tests (and of the folders under this one): the
cache kept in this process, real files (PDF, PNG, JPEG), the head of the
office that resolves the address certificate, a logged-in citizen's client,
the filing steps' addresses and what a person reads on a page. Catalog,
people and requests come from tests/fixtures.py."""

import io
import os
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.fixtures import pdf_simple, servidor_de


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
        return pdf_simple(paginas)

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


@pytest.fixture
def servidor(catalogo):
    """Staff of the office that resolves the address certificate (SGPV)."""
    return servidor_de("SGPV", "jefe")


# --- HTTP ------------------------------------------------------------------------------------


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
