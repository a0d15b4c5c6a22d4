"""The fixtures and helpers every test folder shares, defined once: the seeded
catalog and the role groups, citizens and servants, requests filed and approved
through the services the way the pages do, times in Lima, and waiting on a
condition instead of sleeping.

tests/conftest.py registers this module as a plugin (the fixtures); tests import
the plain helpers from here. A caller that needs other data than the defaults
passes it (a procedure's slug is always explicit)."""

import copy
import datetime
import io
import time
import zoneinfo

import pytest
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
from tramites.declaraciones import TipoCampo
from tramites.models import (
    AdjuntoRequerido,
    CampoTramite,
    Certificado,
    Oficina,
    Solicitud,
    Tramite,
)
from tramites.roles import (
    ADMINISTRADOR_CATALOGO,
    EVALUADOR,
    JEFE_DE_OFICINA,
    MESA_DE_PARTES,
    grupos_sincronizar,
)

LIMA = zoneinfo.ZoneInfo("America/Lima")

# Four of the 8 procedures catalogo_cargar seeds.
DOMICILIO = "constancia-de-domicilio"  # received by MPA, SGPV resolves, silencio positivo, S/ 15, 1 document
LICENCIA = "licencia-de-funcionamiento-riesgo-bajo"  # SGDE, automatic approval
INFORMACION = "acceso-a-la-informacion-publica"  # SG resolves, silencio negativo, free, no documents
ORGANIZACIONES = "registro-de-organizaciones-sociales"  # SGPV resolves, silencio positivo, free, 2 documents

# The name of `ciudadano` (ñ, tilde, apostrophe and hyphen: it goes on PDFs and pages).
NOMBRES = "Ch'aska Rosa"
PATERNO = "Ñahui"
MATERNO = "Pérez-Albela"
NOMBRE_COMPLETO = f"{NOMBRES} {PATERNO} {MATERNO}"


def en_lima(anio, mes, dia, hora=10, minuto=0):
    """An aware datetime in Lima, for time_machine.travel()."""
    return datetime.datetime(anio, mes, dia, hora, minuto, tzinfo=LIMA)


def esperar(condicion, segundos=60.0, paso=0.05):
    """Polls `condicion` until it is true or the time runs out; returns its last value."""
    limite = time.monotonic() + segundos
    while time.monotonic() < limite:
        resultado = condicion()
        if resultado:
            return resultado
        time.sleep(paso)
    return condicion()


def pdf_simple(paginas=1) -> bytes:
    """A valid blank PDF, as the upload checks want it."""
    escritor = PdfWriter()
    for _ in range(paginas):
        escritor.add_blank_page(width=595, height=842)
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


# --- Catalog and role groups -------------------------------------------------------------------


@pytest.fixture
def grupos(db):
    """The role groups (transactional tests flush the tables the migration filled)."""
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



# --- The PIDE stand-in -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pide_simulado_proceso(tmp_path_factory):
    """The stand-in process, once per test run (tests/procesos.PideSimulado)."""
    from tests.procesos import PideSimulado

    proceso = PideSimulado(tmp_path_factory.mktemp("pide")).arrancar()
    yield proceso
    proceso.detener()


@pytest.fixture(scope="session")
def pide_simulado(pide_simulado_proceso) -> str:
    """The URL of a running PIDE stand-in. Point the portal at it with
    `usar_pide` (or set settings.PIDE_URL and the PideSimulado.CREDENCIALES)."""
    return pide_simulado_proceso.url


@pytest.fixture
def usar_pide(settings, pide_simulado):
    """settings pointed at the PIDE stand-in with its fixture's credentials."""
    from tests.procesos import PideSimulado

    settings.PIDE_URL = pide_simulado
    for nombre, valor in PideSimulado.CREDENCIALES.items():
        setattr(settings, nombre, valor)
    return settings

# --- The ID GOB.PE stand-in --------------------------------------------------------------------


@pytest.fixture(scope="session")
def idgobpe_proceso(tmp_path_factory, live_server):
    """The local ID GOB.PE (tests/procesos.ProveedorIdgobpe), once per test
    run, registered for the live server's callback and home page."""
    from tests.procesos import ProveedorIdgobpe

    proceso = ProveedorIdgobpe(tmp_path_factory.mktemp("idgobpe"), live_server.url).arrancar()
    yield proceso
    proceso.detener()


@pytest.fixture
def usar_idgobpe(settings, idgobpe_proceso):
    """settings pointed at the local ID GOB.PE: the login and signup pages show
    "Ingresar con ID GOB.PE"."""
    import copy

    settings.IDGOBPE_SERVER_URL = idgobpe_proceso.url
    settings.IDGOBPE_CLIENT_ID = idgobpe_proceso.CLIENTE
    settings.IDGOBPE_CLIENT_SECRET = idgobpe_proceso.SECRETO
    settings.IDGOBPE_ACTIVO = True
    politica = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    politica["DIRECTIVES"]["form-action"].append(idgobpe_proceso.url)
    settings.CONTENT_SECURITY_POLICY = politica
    return idgobpe_proceso

# --- People ------------------------------------------------------------------------------------


def persona(**datos):
    """A citizen with a verified email and a complete profile; `datos` are
    fields of the profile (by default the name of NOMBRE_COMPLETO)."""
    datos = {"nombres": NOMBRES, "apellido_paterno": PATERNO, "apellido_materno": MATERNO, **datos}
    return factories.PerfilFactory(**datos).usuario


@pytest.fixture
def ciudadano(db):
    return persona(numero_documento="45871236")


@pytest.fixture
def otro_ciudadano(db):
    return persona(nombres="Pedro", apellido_paterno="Quispe", apellido_materno="Mamani")


# Short names of the role groups of tramites/roles.py.
ROLES = {
    "mesa": MESA_DE_PARTES,
    "evaluador": EVALUADOR,
    "jefe": JEFE_DE_OFICINA,
    "catalogo": ADMINISTRADOR_CATALOGO,
}


def servidor_de(siglas=None, *roles, superusuario=False, permisos=(), nombres=None, apellido="Zegarra"):
    """A servant: staff with a TOTP authenticator (SECRETO_TOTP: staff rights
    demand a second factor), in the offices with these acronyms ("SG,SGPV"),
    in these role groups (names or keys of ROLES), with these extra
    permissions ("app.codename"). With `nombres` they also get a profile."""
    usuario = factories.UsuarioFactory(is_staff=True, is_superuser=superusuario, segundo_factor=True)
    if nombres:
        factories.PerfilFactory(
            usuario=usuario, nombres=nombres, apellido_paterno=apellido, apellido_materno="Ríos"
        )
    for sigla in (siglas or "").split(","):
        if sigla:
            Oficina.objects.get(sigla=sigla).personal.add(usuario)
    for rol in filter(None, roles):
        usuario.groups.add(Group.objects.get(name=ROLES.get(rol, rol)))
    for permiso in permisos:
        app, codigo = permiso.split(".")
        usuario.user_permissions.add(Permission.objects.get(content_type__app_label=app, codename=codigo))
    return usuario


def jefe_de(sigla):
    """A head of the office with this acronym, with a profile (their name goes
    on the certificates they sign)."""
    return servidor_de(sigla, JEFE_DE_OFICINA, nombres="Lucía")


def resolutor(solicitud, rol=JEFE_DE_OFICINA):
    """A servant of the office that resolves this request's procedure, with a
    profile (their name goes on the certificates they sign)."""
    return servidor_de(solicitud.tramite.oficina_resolucion.sigla, rol, nombres="Lucía")


# --- Requests through the services ---------------------------------------------------------------


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
    """Uploads a file (a real PDF by default) the way the pages do: checked, then stored."""
    revisado = archivo_revisar(
        SimpleUploadedFile(nombre, contenido if contenido is not None else pdf_simple()),
        max_bytes=10 * 1024 * 1024,
    )
    return services.adjunto_agregar(
        solicitud=solicitud, requerido=requerido, revisado=revisado, max_total=25 * 1024 * 1024
    )


def borrador_completo(ciudadano, slug, adjuntos=True, pago=True, **respuestas) -> Solicitud:
    """A draft with every question answered (`respuestas` override the valid
    defaults), every required document (a real PDF each) and the payment
    registered: ready to file."""
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


def presentar(ciudadano, slug, **respuestas) -> Solicitud:
    """Files a complete request (see borrador_completo) with the sworn declaration."""
    return services.solicitud_presentar(
        solicitud=borrador_completo(ciudadano, slug, **respuestas), ciudadano=ciudadano,
        declaracion_jurada=True,
    )


def aprobar(solicitud, nota="", servidor=None, **datos) -> Solicitud:
    """Approves a filed request as a head of the resolving office does (an
    automatic-approval one is already approved when filed). The facts the
    document needs from the servant (the assigned number of a certificado de
    numeración) are `datos`, or "742" when not given."""
    from tramites.certificados.plantillas import datos_del_servidor

    solicitud = Solicitud.objects.get(pk=solicitud.pk)
    if not solicitud.tramite.es_automatica:
        servidor = servidor or resolutor(solicitud)
        datos = {**{dato.nombre: "742" for dato in datos_del_servidor(solicitud.tramite)}, **datos}
        services.solicitud_tomar(solicitud=solicitud, servidor=servidor)
        services.solicitud_aprobar(solicitud=solicitud, servidor=servidor, nota=nota, **datos)
    return Solicitud.objects.get(pk=solicitud.pk)


def fresca(solicitud) -> Solicitud:
    """The request read again from the database."""
    return Solicitud.objects.select_related("asignado_a").get(pk=solicitud.pk)


def certificado_de(solicitud) -> Certificado:
    return Certificado.objects.select_related("solicitud__tramite").get(solicitud_id=solicitud.pk)


# --- HTTP ----------------------------------------------------------------------------------------


class Navegador:
    """Django's test client where each request ends as a real one does: what
    it scheduled for after the commit (tasks, emails, cache refreshes) runs
    when the response is back."""

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
def admin_de():
    """A logged-in client per servant."""

    def crear(usuario):
        cliente = Client()
        cliente.force_login(usuario)
        return cliente

    return crear
