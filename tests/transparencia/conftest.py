"""Shared pieces of the transparency tests: the seeded catalog, citizens with
recognisable personal data (so the public outputs can be searched for it),
servants with TOTP, requests filed and decided through the services at fixed
times in Lima, and complaints filed through the service."""

import copy
import datetime
import io
import itertools
import zoneinfo
from decimal import Decimal

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
from tramites.models import AdjuntoRequerido, CampoTramite, Oficina, Solicitud, Tramite
from tramites.roles import JEFE_DE_OFICINA, grupos_sincronizar

LIMA = zoneinfo.ZoneInfo("America/Lima")
SECRETO_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

DOMICILIO = "constancia-de-domicilio"  # SGPV resolves, silencio positivo, 5 business days, S/ 15
INFORMACION = "acceso-a-la-informacion-publica"  # SG resolves, silencio negativo, 10 business days, free


def en_lima(anio, mes, dia, hora=10, minuto=0):
    """An aware datetime in Lima, for time_machine.travel()."""
    return datetime.datetime(anio, mes, dia, hora, minuto, tzinfo=LIMA)


# --- Catalog and people --------------------------------------------------------------------

_CATALOGO: dict = {}
_MODELOS_CATALOGO = (Oficina, Tramite, CampoTramite, AdjuntoRequerido)


@pytest.fixture
def grupos(db):
    grupos_sincronizar(Group, Permission)


@pytest.fixture
def catalogo(db, grupos):
    """The seeded TUPA (catalogo_cargar): the command runs once per process,
    later tests insert a copy of its rows (and move the sequences past them)."""
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


_PERSONA = itertools.count(1)

# Personal data that must never reach a public page, file or API response.
NOMBRES = "Eduviges"
APELLIDO_PATERNO = "Quispetupa"
APELLIDO_MATERNO = "Yanamayo"


def nuevo_ciudadano():
    """A citizen with a complete profile and recognisable personal data: a
    unique email, document number and phone."""
    n = next(_PERSONA)
    return factories.PerfilFactory(
        usuario=factories.UsuarioFactory(email=f"eduviges.quispetupa{n}@correo-privado.pe"),
        nombres=NOMBRES,
        apellido_paterno=APELLIDO_PATERNO,
        apellido_materno=APELLIDO_MATERNO,
        numero_documento=f"{73100000 + n:08d}",
        telefono=f"+51955{n:06d}",
        direccion="Av. Los Sauces 1234",
    ).usuario


def datos_personales(usuario) -> list[str]:
    """The values of a citizen that must not appear in public outputs."""
    perfil = usuario.perfil
    return [
        usuario.email, perfil.numero_documento, perfil.telefono, perfil.telefono.removeprefix("+51"),
        perfil.nombres, perfil.apellido_paterno, perfil.apellido_materno, perfil.direccion,
    ]


@pytest.fixture
def ciudadano(catalogo):
    return nuevo_ciudadano()


@pytest.fixture
def otro_ciudadano(catalogo):
    return nuevo_ciudadano()


def personal(siglas, *grupos_, superusuario=False, permisos=()):
    """A servant: staff with a TOTP authenticator (the admin demands one), in
    the offices with these acronyms ("SG,SGPV"), in these groups, with these
    extra permissions ("app.codename")."""
    usuario = factories.UsuarioFactory(is_staff=True, is_superuser=superusuario)
    TOTP.activate(usuario, SECRETO_TOTP)
    for sigla in (siglas or "").split(","):
        if sigla:
            Oficina.objects.get(sigla=sigla).personal.add(usuario)
    for grupo in grupos_:
        usuario.groups.add(Group.objects.get(name=grupo))
    for permiso in permisos:
        app, codigo = permiso.split(".")
        usuario.user_permissions.add(Permission.objects.get(content_type__app_label=app, codename=codigo))
    return usuario


@pytest.fixture
def jefe(catalogo):
    """Head of both offices that resolve the procedures used here (SG, SGPV)."""
    return personal("SG,SGPV", JEFE_DE_OFICINA)


@pytest.fixture
def admin_de():
    """A logged-in client per servant."""

    def crear(usuario):
        cliente = Client()
        cliente.force_login(usuario)
        return cliente

    return crear


# --- Requests through the services -----------------------------------------------------------


def pdf() -> bytes:
    escritor = PdfWriter()
    escritor.add_blank_page(width=595, height=842)
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


RESPUESTAS = {
    DOMICILIO: {
        "direccion": "Av. Los Sauces 1234", "distrito": "150101", "tiempo_residencia": "3", "finalidad": "Trabajo",
    },
    INFORMACION: {
        "informacion": "Actas de las sesiones de concejo de enero de 2026.",
        "forma_entrega": "Por correo electrónico (gratuito)",
        "correo_entrega": "entrega@example.pe",
    },
}


def borrador(ciudadano, slug=INFORMACION) -> Solicitud:
    """A complete draft (answers, documents, payment), ready to file."""
    tramite = Tramite.objects.get(slug=slug)
    solicitud = services.borrador_iniciar(ciudadano=ciudadano, tramite=tramite)
    solicitud = services.borrador_responder(solicitud=solicitud, respuestas=RESPUESTAS[slug])
    for requerido in tramite.adjuntos_requeridos.all():
        revisado = archivo_revisar(SimpleUploadedFile("recibo.pdf", pdf()), max_bytes=5 * 1024 * 1024)
        services.adjunto_agregar(
            solicitud=solicitud, requerido=requerido, revisado=revisado, max_total=25 * 1024 * 1024
        )
    if tramite.tasa:
        services.borrador_pago_registrar(
            solicitud=solicitud, canal="bn", numero="12345678", fecha=timezone.localdate(),
            monto=Decimal(tramite.tasa),
        )
    return Solicitud.objects.get(pk=solicitud.pk)


def presentar(ciudadano, slug=INFORMACION) -> Solicitud:
    return services.solicitud_presentar(
        solicitud=borrador(ciudadano, slug), ciudadano=ciudadano, declaracion_jurada=True
    )


def decidir(solicitud, servidor, aprobar=True) -> Solicitud:
    """Takes the request (if nobody has) and approves or denies it."""
    solicitud = Solicitud.objects.get(pk=solicitud.pk)
    if solicitud.estado == "presentada":
        services.solicitud_tomar(solicitud=solicitud, servidor=servidor)
    if aprobar:
        return services.solicitud_aprobar(solicitud=solicitud, servidor=servidor, nota="Conforme.")
    return services.solicitud_denegar(solicitud=solicitud, servidor=servidor, motivo="No cumple los requisitos.")


def fresca(solicitud) -> Solicitud:
    return Solicitud.objects.get(pk=solicitud.pk)


# --- Libro de Reclamaciones -------------------------------------------------------------------

# A valid DNI with its check digit (stdnum's cui): 10117410-2.
DNI_RECLAMANTE = "10117410"
DNI_RECLAMANTE_CON_DIGITO = "10117410-2"
DNI_DIGITO_ERRADO = "10117410-5"


def datos_reclamo(**cambios) -> dict:
    """What a person types in the Libro de Reclamaciones form."""
    datos = {
        "nombres": "Herminia",
        "apellidos": "Ccahuana Llacsa",
        "tipo_documento": "DNI",
        "numero_documento": DNI_RECLAMANTE_CON_DIGITO,
        "domicilio": "Jr. Las Orquídeas 877, Villa Esperanza",
        "correo": "herminia.ccahuana@correo-privado.pe",
        "telefono": "944 123 987",
        "oficina": "",
        "fecha_hechos": "",
        "hechos": "Fui tres veces a mesa de partes y nadie me atendió.",
        "pedido": "Que me atiendan y me den una respuesta por escrito.",
    }
    datos.update(cambios)
    return datos


DATOS_PERSONALES_RECLAMO = [
    "Herminia", "Ccahuana", "Llacsa", DNI_RECLAMANTE, "herminia.ccahuana@correo-privado.pe",
    "944123987", "Orquídeas",
]


def reclamo_registrar(**cambios):
    """A complaint filed through the service with the form's cleaned data."""
    from transparencia import services as t_services
    from transparencia.forms import ReclamoForm

    form = ReclamoForm(datos_reclamo(**cambios))
    assert form.is_valid(), form.errors
    return t_services.reclamo_registrar(datos=form.cleaned_data)


# --- The WSGI application in the test's transaction ----------------------------------------------


@pytest.fixture
def wsgi_en_la_transaccion(db):
    """Django's WSGI handler closes the database connection when a response
    ends (close_old_connections on request_started/request_finished), which
    inside the test's transaction would close it for good. Django's test client
    disconnects that handler around its requests; this does the same for the
    whole test, so requests made through the bare WSGI app (schemathesis) run in
    this thread, on this connection, and see the rows the test wrote."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
