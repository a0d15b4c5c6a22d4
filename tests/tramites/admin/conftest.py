"""Pieces of the back-office tests: requests built in bulk (for lists and
query budgets), a snapshot of what an action could change, the admin's
addresses, its messages and the values a browser would send for one of its
forms. Catalog, people, requests and admin clients come from tests/fixtures.py."""

import itertools
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from tests.fixtures import INFORMACION, fresca
from tramites.models import Estado, Oficina, Solicitud, Tramite


def oficina(sigla) -> Oficina:
    return Oficina.objects.get(sigla=sigla)


def tramite(slug) -> Tramite:
    return Tramite.objects.get(slug=slug)


def foto(solicitud) -> dict:
    """Everything an action could change, read again from the database."""
    s = fresca(solicitud)
    return {
        "estado": s.estado,
        "asignado": s.asignado_a_id,
        "fecha_limite": s.fecha_limite,
        "decidida_en": s.decidida_en,
        "eventos": list(s.eventos.values_list("pk", "tipo")),
        "observaciones": list(s.observaciones.values_list("pk", flat=True)),
    }


# --- Requests in bulk (for lists and query budgets) ------------------------------------------

_NUMERO = itertools.count(1)


def expediente_nuevo() -> str:
    return f"EXP-2090-{next(_NUMERO):06d}"


def en_bloque(cantidad, *, slug=INFORMACION, ciudadano, estado=Estado.PRESENTADA,
              fecha_limite=None, asignado=None, presentada_en=None, decidida_en=None):
    """Filed requests written directly (no events, no emails): fast. A decided
    one stores its decision time as the decision service does."""
    from tramites.plazos import Calendario

    t = tramite(slug)
    perfil = ciudadano.perfil
    calendario = Calendario()
    filas = [
        Solicitud(
            expediente=expediente_nuevo(),
            tramite=t,
            ciudadano=ciudadano,
            estado=estado,
            respuestas={},
            solicitante={
                "tipo_documento": perfil.tipo_documento,
                "numero_documento": perfil.numero_documento,
                "nombre_completo": perfil.nombre_completo,
                "correo": ciudadano.email,
            },
            declaracion_jurada=True,
            presentada_en=presentada_en or timezone.now(),
            fecha_limite=fecha_limite,
            decidida_en=decidida_en,
            asignado_a=asignado,
        )
        for _ in range(cantidad)
    ]
    for fila in filas:
        if fila.decidida_en:
            # No observation yet (the rows are not saved): none paused the clock.
            fila.dias_habiles_decision = calendario.entre(
                calendario.siguiente_habil(timezone.localtime(fila.presentada_en).date()),
                timezone.localtime(fila.decidida_en).date(),
            )
    return Solicitud.objects.bulk_create(filas)


# --- Admin clients ---------------------------------------------------------------------------


def url_cambio(solicitud):
    return f"/admin/tramites/solicitud/{solicitud.pk}/change/"


def url_accion(solicitud, accion):
    return f"/admin/tramites/solicitud/{solicitud.pk}/accion/{accion}/"


LISTA = "/admin/tramites/solicitud/"
SUPERVISION = "/admin/tramites/solicitud/supervision/"


def expedientes_listados(respuesta) -> list[str]:
    return [s.expediente for s in respuesta.context["cl"].result_list]


# Approval also issues a document (a certificate, by a worker after the commit),
# announced by its own notice: not a state change.
DOCUMENTO_LISTO = "tu documento está listo"


def correos_de_estado(mailoutbox) -> list:
    """The emails about state changes (not the notice of an issued document)."""
    return [m for m in mailoutbox if DOCUMENTO_LISTO not in m.subject]


def mensajes(respuesta) -> list[str]:
    return [str(m) for m in respuesta.context["messages"]]


class Formulario(HTMLParser):
    """The values a browser would send for the form with this id."""

    def __init__(self, html, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.dentro = False
        self.datos = []
        self._select = None
        self._opciones = []
        self._textarea = None
        self._texto = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.dentro = True
        if not self.dentro or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            tipo = a.get("type", "text")
            if tipo in ("submit", "button", "file", "image", "reset"):
                return
            if tipo in ("checkbox", "radio") and "checked" not in a:
                return
            self.datos.append((a["name"], a.get("value", "on" if tipo in ("checkbox", "radio") else "")))
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], "multiple" in a)
            self._opciones = []
        elif tag == "option" and self._select:
            self._opciones.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._texto = []

    def handle_endtag(self, tag):
        if tag == "form" and self.dentro:
            self.dentro = False
        elif tag == "select" and self._select:
            nombre, multiple = self._select
            elegidas = [v for v, s in self._opciones if s]
            if not elegidas and not multiple and self._opciones:
                elegidas = [self._opciones[0][0]]
            self.datos.extend((nombre, v) for v in elegidas)
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.datos.append((self._textarea, "".join(self._texto).removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._texto.append(data)

    def como_dict(self) -> dict:
        resultado = {}
        for nombre, valor in self.datos:
            resultado.setdefault(nombre, []).append(valor)
        return {k: v if len(v) > 1 else v[0] for k, v in resultado.items()}


@pytest.fixture(autouse=True)
def _cache_propia():
    """The back-office tests keep the suite's cache (tests/conftest.py) instead of
    the in-process one of tests/tramites/conftest.py: they travel in time with
    logged-in servants, and a local-memory cache expires their sessions by the
    travelled clock where the Redis cache does not."""
