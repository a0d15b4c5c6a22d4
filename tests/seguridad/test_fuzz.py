"""No input answers 500.

Hypothesis sends junk (text with NUL bytes, any unicode but lone surrogates,
very long strings, huge and negative numbers, path-ish strings, raw bytes
percent-encoded in the path) into every URL parameter of every pattern, every
field of every form a person can send (the filing steps of a draft, the
profile, the Libro de Reclamaciones, the verification, the follow-up pages,
allauth's forms, the admin's change forms and actions) and every query
parameter of the admin lists' filters, as an anonymous visitor, a citizen with
a draft, a servant with TOTP and the superuser. Each request is undone after it
is answered, so every example meets the same world. The forms are read from
the pages themselves: a new field is fuzzed without touching this file.

Every 5xx is collected with its URL, field and value; the test fails listing
all of them."""

import dataclasses
import itertools
import traceback
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.seguridad.conftest import Actor, Mundo
from tests.seguridad.direcciones import patrones, pedir, rellenos
from tramites import selectors as tramites_selectors
from tramites import services as tramites_services
from transparencia.models import Valoracion

pytestmark = [
    pytest.mark.django_db,
    # The public page cache keys on the whole path: long junk paths make long keys (fine in Redis).
    pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning"),
]

# Examples Hypothesis draws per target and actor, besides the fixed dangerous ones.
EJEMPLOS = 3

# --- What is sent ------------------------------------------------------------------------------

CON_NUL = st.text(max_size=12).flatmap(
    lambda t: st.sampled_from([t + "\x00", "\x00" + t, t[:1] + "\x00" + t[1:]])
)
UNICODE = st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
LARGO = st.one_of(
    st.integers(300, 6000).map(lambda n: "9" * n),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=4).map(lambda t: t * 1500),
)
NUMERO = st.one_of(
    st.integers(-(10**40), 10**40).map(str),
    st.sampled_from(["-0", "1e309", "-1e309", "NaN", "Infinity", "0x1F", "1_000", "٣", "１２"]),
)
RUTA = st.lists(
    st.sampled_from(["..", ".", "etc", "passwd", "%2e%2e", "", "admin", "~", "%00", "\\"]), min_size=1, max_size=6
).map("/".join)
EN_FORMULARIO = st.one_of(CON_NUL, UNICODE, LARGO, NUMERO, RUTA)
# In a path, raw bytes too (percent-encoded, valid UTF-8 or not).
EN_URL = st.one_of(EN_FORMULARIO, st.binary(min_size=1, max_size=24))

# Tried on every target, whatever Hypothesis draws.
PELIGROSOS = ["a\x00b", "9" * 40, "../../../etc/passwd", "x" * 5000]


def _pdf_roto(contenido: bytes) -> bytes:
    return b"%PDF-1.7\n" + contenido


ARCHIVO = st.tuples(
    st.one_of(st.just("documento.pdf"), UNICODE, CON_NUL),
    st.one_of(st.binary(max_size=2000), st.binary(max_size=2000).map(_pdf_roto),
              st.sampled_from([b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"\xff\xd8\xff\xe0" + b"\x00" * 40])),
)

# --- Forms, read from the pages --------------------------------------------------------------

SALIDAS = ("/cuenta/logout/", "/admin/logout/")


@dataclasses.dataclass
class Formulario:
    metodo: str
    accion: str
    valores: list  # (name, value) as a browser would send them untouched
    campos: list  # every named control, in order (unchecked boxes and buttons too)
    archivos: list  # names of the file inputs


class LectorFormularios(HTMLParser):
    """The forms of a page with the values a browser would send."""

    def __init__(self, html: str, pagina: str):
        super().__init__(convert_charrefs=True)
        self.pagina = pagina
        self.formularios: list[Formulario] = []
        self._actual = None
        self._select = None
        self._textarea = None
        self.feed(html)

    def _anotar(self, nombre):
        if nombre and nombre not in self._actual.campos:
            self._actual.campos.append(nombre)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            accion = urljoin(self.pagina, a.get("action") or self.pagina)
            self._actual = Formulario((a.get("method") or "get").upper(), accion, [], [], [])
            self.formularios.append(self._actual)
            return
        if self._actual is None or "disabled" in a:
            return
        nombre = a.get("name")
        if tag == "input" and nombre:
            tipo = a.get("type", "text").lower()
            self._anotar(nombre)
            if tipo == "file":
                self._actual.archivos.append(nombre)
            elif tipo in ("checkbox", "radio"):
                if "checked" in a:
                    self._actual.valores.append((nombre, a.get("value", "on")))
            elif tipo not in ("submit", "button", "image", "reset"):
                self._actual.valores.append((nombre, a.get("value", "")))
        elif tag == "button" and nombre:
            self._anotar(nombre)
        elif tag == "select" and nombre:
            self._anotar(nombre)
            self._select = {"nombre": nombre, "multiple": "multiple" in a, "opciones": [], "elegidas": []}
        elif tag == "option" and self._select is not None:
            self._select["opciones"].append(a.get("value", ""))
            if "selected" in a:
                self._select["elegidas"].append(a.get("value", ""))
        elif tag == "textarea" and nombre:
            self._anotar(nombre)
            self._textarea = [nombre, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._actual = None
        elif tag == "select" and self._select is not None:
            s, self._select = self._select, None
            elegidas = s["elegidas"] or ([] if s["multiple"] or not s["opciones"] else s["opciones"][:1])
            self._actual.valores += [(s["nombre"], v) for v in elegidas]
        elif tag == "textarea" and self._textarea is not None:
            nombre, texto = self._textarea
            self._textarea = None
            self._actual.valores.append((nombre, texto.removeprefix("\n")))


def formularios_de(html: str, pagina: str) -> list[Formulario]:
    return [f for f in LectorFormularios(html, pagina).formularios if urlsplit(f.accion).path not in SALIDAS]


def parametros_de_enlaces(html: str, pagina: str) -> list[str]:
    """The query parameters the page's own links use ("?estado=…&o=2"): the
    admin's list filters, ordering, pagination and date drill-down."""

    class Enlaces(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.nombres = []

        def handle_starttag(self, tag, attrs):
            href = dict(attrs).get("href") or ""
            if tag == "a" and href.startswith("?"):
                for nombre, _valor in parse_qsl(href[1:], keep_blank_values=True):
                    if nombre not in self.nombres:
                        self.nombres.append(nombre)

    lector = Enlaces()
    lector.feed(html)
    return lector.nombres


# --- Targets -----------------------------------------------------------------------------------


@dataclasses.dataclass
class Objetivo:
    """One thing to fuzz: a field (or URL or query parameter) of a request."""

    descripcion: str
    actor: Actor
    enviar: object  # callable(valor) -> (metodo, url, datos)
    estrategia: object
    peligrosos: list


class Explorador:
    def __init__(self, mundo: Mundo):
        self.mundo = mundo
        self.fallas: list[str] = []
        self.pedidos = 0
        self._clientes = {}
        self._ip = itertools.count(1)

    def cliente(self, actor: Actor):
        if actor.clave not in self._clientes:
            self._clientes[actor.clave] = actor.cliente()
        return self._clientes[actor.clave]

    def pagina(self, actor: Actor, url: str):
        respuesta = pedir(self.cliente(actor), "GET", url)
        assert respuesta.status_code == 200, f"{url} como {actor.clave}: {respuesta.status_code}"
        return respuesta.content.decode()

    def enviar(self, actor: Actor, metodo: str, url: str, datos):
        if metodo == "POST" and actor.autenticado:
            # A POST may have logged the actor out (undone in the database, not in the session cache).
            self._clientes[actor.clave] = actor.cliente()
        n = next(self._ip)
        # Each request from its own address: rate limits would otherwise answer 429 before the view runs.
        direccion = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        self.pedidos += 1
        return pedir(self.cliente(actor), metodo, url, datos, REMOTE_ADDR=direccion)

    def explorar(self, objetivo: Objetivo, ejemplos: int = EJEMPLOS):
        visto = []

        @settings(max_examples=ejemplos, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(objetivo.estrategia)
        def caso(valor):
            if visto:
                return  # one failure per target is enough to report it
            metodo, url, datos = objetivo.enviar(valor)
            respuesta = self.enviar(objetivo.actor, metodo, url, datos)
            if respuesta.status_code >= 500:
                visto.append(True)
                self.fallas.append(
                    f"{metodo} {url[:150]} como {objetivo.actor.clave} — {objetivo.descripcion} = "
                    f"{_corto(valor)} → {respuesta.status_code} {_excepcion(respuesta)}"
                )

        for peligroso in objetivo.peligrosos:
            caso = example(peligroso)(caso)
        caso()

    def informe(self) -> str:
        return f"{len(self.fallas)} objetivos dan 5xx ({self.pedidos} pedidos):\n" + "\n".join(self.fallas)


def _corto(valor) -> str:
    texto = repr(valor)
    return texto if len(texto) <= 120 else f"{texto[:100]}… ({len(texto)} caracteres)"


def _excepcion(respuesta) -> str:
    info = getattr(respuesta, "exc_info", None)
    if not info:
        return ""
    marcos = [m for m in traceback.extract_tb(info[2]) if "/site-packages/" not in m.filename] or \
        traceback.extract_tb(info[2])[-1:]
    marco = marcos[-1]
    return f"{info[0].__name__}: {str(info[1])[:160]} (en {marco.filename.split('/work/main/')[-1]}:{marco.lineno})"


def objetivos_de_url(mundo: Mundo, actores: list[Actor], del_panel: bool) -> list[Objetivo]:
    """Every parameter of every pattern, the others filled with values that reach the world's objects."""
    objetivos = []
    for patron in patrones():
        if not patron.parametros or patron.clave.startswith(("admin:", "ruta:admin/")) != del_panel:
            continue
        casos = rellenos(patron, mundo)
        base = casos[0].valores if casos else {p: "1" for p in patron.parametros}
        for parametro in patron.parametros:
            for actor in actores:
                def enviar(valor, patron=patron, parametro=parametro, base=base):
                    metodo, valor = valor
                    return metodo, patron.url({**base, parametro: valor}), {}

                objetivos.append(Objetivo(
                    f"{patron.clave} <{parametro}>", actor, enviar,
                    st.tuples(st.sampled_from(["GET", "POST"]), EN_URL),
                    [("GET", p) for p in PELIGROSOS] + [("POST", "\x00"), ("GET", "-9223372036854775809")],
                ))
    return objetivos


def _datos(formulario: Formulario, campo: str, valor) -> dict:
    datos = {}
    for nombre, v in formulario.valores:
        if nombre != campo:
            datos.setdefault(nombre, []).append(v)
    if campo in formulario.archivos:
        nombre, contenido = valor
        datos[campo] = [SimpleUploadedFile(nombre or "x", contenido)]
    else:
        datos[campo] = [valor]
    return datos


def objetivos_de_pagina(explorador: Explorador, actor: Actor, url: str) -> list[Objetivo]:
    """Every field of every form on the page, and every query parameter its links use."""
    html = explorador.pagina(actor, url)
    objetivos = []
    for formulario in formularios_de(html, "http://testserver" + url):
        destino = urlsplit(formulario.accion)
        ruta = destino.path + (f"?{destino.query}" if destino.query else "")
        for campo in formulario.campos:
            if campo == "csrfmiddlewaretoken":
                continue
            archivo = campo in formulario.archivos

            def enviar(valor, formulario=formulario, campo=campo, ruta=ruta):
                return formulario.metodo, ruta, _datos(formulario, campo, valor)

            objetivos.append(Objetivo(
                f"campo «{campo}» del formulario de {url}", actor, enviar,
                ARCHIVO if archivo else EN_FORMULARIO,
                [("a\x00.pdf", b"%PDF-1.4\n\x00")] if archivo else PELIGROSOS,
            ))
    for parametro in parametros_de_enlaces(html, url):
        def enviar(valor, parametro=parametro):
            return "GET", url, {parametro: valor}

        objetivos.append(Objetivo(f"parámetro «{parametro}» de {url}", actor, enviar, EN_FORMULARIO, PELIGROSOS))
    return objetivos


def objetivos_de_consulta(actor: Actor, url: str, parametros: list[str]) -> list[Objetivo]:
    """Query parameters a page reads that no link of it shows (pagination of short lists, "next")."""
    objetivos = []
    for parametro in parametros:
        def enviar(valor, parametro=parametro):
            return "GET", url, {parametro: valor}

        objetivos.append(Objetivo(f"parámetro «{parametro}» de {url}", actor, enviar, EN_FORMULARIO, PELIGROSOS))
    return objetivos


def _url_paso(solicitud, paso):
    return f"/tramites/{solicitud.tramite.slug}/solicitar/{solicitud.uuid}/{paso}/"


# --- The tests ------------------------------------------------------------------------------------


def test_ningun_parametro_de_url_da_5xx(mundo):
    explorador = Explorador(mundo)
    publico = [mundo.actor("anonimo"), mundo.actor("ciudadano_a"), mundo.actor("personal_x")]
    panel = [mundo.actor("personal_x"), mundo.actor("admin")]
    objetivos = objetivos_de_url(mundo, publico, del_panel=False) + objetivos_de_url(mundo, panel, del_panel=True)
    assert len(objetivos) > 150
    for objetivo in objetivos:
        explorador.explorar(objetivo)
    assert not explorador.fallas, explorador.informe()


def test_ningun_formulario_publico_da_5xx(mundo):
    explorador = Explorador(mundo)
    anonimo = mundo.actor("anonimo")
    objetivos = []
    for url in ("/libro-de-reclamaciones/", "/libro-de-reclamaciones/seguimiento/", "/verificar/", "/tramites/",
                "/cuenta/login/", "/cuenta/signup/", "/cuenta/password/reset/"):
        objetivos += objetivos_de_pagina(explorador, anonimo, url)
    objetivos += objetivos_de_consulta(anonimo, "/tramites/", ["pagina", "q", "oficina", "calificacion"])
    objetivos += objetivos_de_consulta(anonimo, "/verificar/", ["codigo"])
    objetivos += objetivos_de_consulta(anonimo, "/cuenta/login/", ["next"])
    objetivos += objetivos_de_consulta(anonimo, "/api/v1/tramites", ["q"])
    assert len(objetivos) > 30
    for objetivo in objetivos:
        explorador.explorar(objetivo)
    assert not explorador.fallas, explorador.informe()


def test_ningun_formulario_del_ciudadano_da_5xx(mundo):
    explorador = Explorador(mundo)
    a = mundo.actor("ciudadano_a")
    # An observed request (to correct) and a decided one not rated yet: their forms show.
    tramites_services.solicitud_observar(
        solicitud=mundo.pendiente, servidor=mundo.actor("personal_x").usuario, mensaje="Falta el recibo de luz."
    )
    Valoracion.objects.filter(solicitud=mundo.aprobada).delete()
    borrador = mundo.borrador
    urls = [_url_paso(borrador, paso) for paso in tramites_selectors.pasos(solicitud=borrador)]
    urls += [
        "/cuenta/perfil/editar/",
        f"/mis-tramites/{mundo.pendiente.expediente}/subsanar/",
        f"/mis-tramites/{mundo.pendiente.expediente}/desistir/",
        f"/mis-tramites/{mundo.aprobada.expediente}/valorar/",
        f"/borradores/{borrador.uuid}/eliminar/",
        "/cuenta/email/",
        "/cuenta/password/change/",
        "/cuenta/reauthenticate/",  # what activating TOTP asks first
    ]
    objetivos = []
    for url in urls:
        objetivos += objetivos_de_pagina(explorador, a, url)
    for url in ("/mis-tramites/", "/casilla/"):
        objetivos += objetivos_de_consulta(a, url, ["pagina"])
    assert len(objetivos) > 30
    for objetivo in objetivos:
        explorador.explorar(objetivo)
    assert not explorador.fallas, explorador.informe()


def test_ningun_formulario_ni_filtro_del_panel_da_5xx(mundo):
    """The servant's back office (request actions, revocation, the complaint's
    answer, list filters and actions), and the lists of every registered model
    as the superuser sees them."""
    explorador = Explorador(mundo)
    x, superusuario = mundo.actor("personal_x"), mundo.actor("admin")
    o = mundo.objetos
    urls_x = [
        f"/admin/tramites/solicitud/{o['pendiente'].pk}/change/",
        f"/admin/tramites/certificado/{o['certificado'].pk}/change/",
        f"/admin/transparencia/reclamo/{o['reclamo_x'].pk}/change/",
        "/admin/tramites/solicitud/?estado=todas",
        "/admin/tramites/certificado/",
        "/admin/transparencia/reclamo/",
    ]
    objetivos = []
    for url in urls_x:
        objetivos += objetivos_de_pagina(explorador, x, url)
    # The lists of every registered model as the superuser sees them: filters, search, ordering, actions.
    for modelo in admin.site._registry:
        objetivos += objetivos_de_pagina(explorador, superusuario, f"/admin/{modelo._meta.app_label}/{modelo._meta.model_name}/")
    # The change forms of every registered model: only the count of existing rows of their inline
    # formsets, which a browser never edits (the other fields are many; and a huge TOTAL_FORMS only
    # makes Django draw up to its 1000-odd forms, slowly but correctly).
    for modelo in admin.site._registry:
        for objeto in mundo.admin[modelo._meta.label_lower][:1]:
            url = f"/admin/{modelo._meta.app_label}/{modelo._meta.model_name}/{objeto.pk}/change/"
            for objetivo in objetivos_de_pagina(explorador, superusuario, url):
                if objetivo.descripcion.startswith("campo «") and "-INITIAL_FORMS»" in objetivo.descripcion:
                    objetivo.peligrosos = PELIGROSOS + ["-9223372036854775809", "-1", "1001"]
                    objetivos.append(objetivo)
    objetivos += objetivos_de_consulta(superusuario, "/admin/tramites/solicitud/", ["q", "o", "p", "all", "e"])
    assert len(objetivos) > 100
    for objetivo in objetivos:
        explorador.explorar(objetivo, ejemplos=2)
    assert not explorador.fallas, explorador.informe()
