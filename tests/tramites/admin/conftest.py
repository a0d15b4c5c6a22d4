"""Shared pieces of the back-office tests: the seeded catalog and the role
groups, servants of an office (staff, with TOTP, in a role group), citizens,
requests filed through the services, requests built in bulk, and an admin
client per servant."""

import copy
import datetime
import io
import itertools
import zoneinfo
from html.parser import HTMLParser

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test import Client
from django.utils import timezone
from pypdf import PdfWriter

from tests import factories
from tramites import services
from tramites.archivos import archivo_revisar
from tramites.models import AdjuntoRequerido, CampoTramite, Estado, Oficina, Solicitud, Tramite
from tramites.roles import (
    ADMINISTRADOR_CATALOGO,
    EVALUADOR,
    JEFE_DE_OFICINA,
    MESA_DE_PARTES,
    grupos_sincronizar,
)

LIMA = zoneinfo.ZoneInfo("America/Lima")
SECRETO_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

INFORMACION = "acceso-a-la-informacion-publica"  # SG resolves, silencio negativo, free
ORGANIZACIONES = "registro-de-organizaciones-sociales"  # SGPV resolves, silencio positivo, free
DOMICILIO = "constancia-de-domicilio"  # SGPV resolves, silencio positivo, S/ 15

ROLES = {
    "mesa": MESA_DE_PARTES,
    "evaluador": EVALUADOR,
    "jefe": JEFE_DE_OFICINA,
    "catalogo": ADMINISTRADOR_CATALOGO,
}


def en_lima(anio, mes, dia, hora=10, minuto=0):
    """An aware datetime in Lima, for time_machine.travel()."""
    return datetime.datetime(anio, mes, dia, hora, minuto, tzinfo=LIMA)


@pytest.fixture
def grupos(db):
    """The role groups: transactional tests flush the tables the migration filled."""
    grupos_sincronizar(Group, Permission)


_CATALOGO: dict = {}
_MODELOS_CATALOGO = (Oficina, Tramite, CampoTramite, AdjuntoRequerido)


@pytest.fixture
def catalogo(db, grupos):
    """The seeded TUPA (catalogo_cargar). The command runs once per process;
    later tests insert a copy of the rows it wrote (a few queries instead of
    ~300), with the sequences moved past them."""
    if not _CATALOGO:
        call_command("catalogo_cargar", stdout=io.StringIO())
        for modelo in _MODELOS_CATALOGO:
            _CATALOGO[modelo] = list(modelo.objects.order_by("pk"))
        return
    for modelo in _MODELOS_CATALOGO:
        modelo.objects.bulk_create(copy.deepcopy(_CATALOGO[modelo]))
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), _MODELOS_CATALOGO):
            cursor.execute(sql)


def oficina(sigla) -> Oficina:
    return Oficina.objects.get(sigla=sigla)


def tramite(slug) -> Tramite:
    return Tramite.objects.get(slug=slug)


def personal(sigla=None, *roles, superusuario=False, nombres=None, apellido="Zegarra"):
    """A servant: staff with a TOTP authenticator (the admin demands one), in
    the office with this acronym (or several: "SG,MPA"), with these roles
    (group names or keys of ROLES). With `nombres` they also get a profile."""
    usuario = factories.UsuarioFactory(is_staff=True, is_superuser=superusuario)
    if nombres:
        factories.PerfilFactory(usuario=usuario, nombres=nombres, apellido_paterno=apellido)
    TOTP.activate(usuario, SECRETO_TOTP)
    for s in (sigla or "").split(","):
        if s:
            oficina(s).personal.add(usuario)
    for rol in roles:
        usuario.groups.add(Group.objects.get(name=ROLES.get(rol, rol)))
    return usuario


@pytest.fixture
def ciudadano(db):
    return factories.PerfilFactory(nombres="Rosa", apellido_paterno="Huamán").usuario


# --- Requests through the services ----------------------------------------------------------


def pdf() -> bytes:
    escritor = PdfWriter()
    escritor.add_blank_page(width=595, height=842)
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def adjuntar(solicitud, requerido, nombre="documento.pdf"):
    revisado = archivo_revisar(SimpleUploadedFile(nombre, pdf()), max_bytes=5 * 1024 * 1024)
    return services.adjunto_agregar(
        solicitud=solicitud, requerido=requerido, revisado=revisado, max_total=25 * 1024 * 1024
    )


def borrador(ciudadano, slug=INFORMACION) -> Solicitud:
    """A complete draft of one of the two free procedures."""
    t = tramite(slug)
    solicitud = services.borrador_iniciar(ciudadano=ciudadano, tramite=t)
    if slug == INFORMACION:
        respuestas = {
            "informacion": "Actas de las sesiones de concejo de enero de 2026.",
            "forma_entrega": "Por correo electrónico (gratuito)",
            "correo_entrega": "entrega@example.pe",
        }
    elif slug == ORGANIZACIONES:
        respuestas = {
            "nombre_organizacion": "Comedor Las Lomas",
            "tipo_organizacion": "Comedor popular",
            "integrantes": "25",
            "distrito_org": "150101",
        }
    else:  # pragma: no cover - only the free procedures are filed here
        raise ValueError(slug)
    solicitud = services.borrador_responder(solicitud=solicitud, respuestas=respuestas)
    for requerido in t.adjuntos_requeridos.all():
        adjuntar(solicitud, requerido)
    return Solicitud.objects.get(pk=solicitud.pk)


def presentar(ciudadano, slug=INFORMACION) -> Solicitud:
    solicitud = borrador(ciudadano, slug)
    return services.solicitud_presentar(solicitud=solicitud, ciudadano=ciudadano, declaracion_jurada=True)


def fresca(solicitud) -> Solicitud:
    return Solicitud.objects.select_related("asignado_a").get(pk=solicitud.pk)


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


@pytest.fixture
def admin_de():
    """A logged-in client per servant."""

    def crear(usuario):
        cliente = Client()
        cliente.force_login(usuario)
        return cliente

    return crear


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
