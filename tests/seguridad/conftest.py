"""The world the security tests attack: citizen A's draft, filed and pending
requests in a procedure resolved by office X (with the attachment, the issued
filing receipt and certificate, the casilla notice, the rating and an access
record), complaints naming X and addressed to the entity, and the seven people
who knock on every door: an anonymous visitor, citizens A and B, heads of
offices X and Y with TOTP, a member of X's staff without TOTP, and the
superuser. Everything is built through the services, with the PDF tasks run
eagerly as after a commit."""

import dataclasses
import datetime
import io
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ciudadanos import bloqueos
from ciudadanos.models import (
    BloqueoAcceso,
    CanalAviso,
    ConsentimientoNotificacion,
    ConsultaPide,
    Empresa,
    EstadoRepresentacion,
    Notificacion,
    Representacion,
    TipoCanal,
)
from egov.models import Mensaje
from tests import factories
from tests.fixtures import borrador_completo
from tramites import services
from tramites.constancias.services import constancia_obtener
from tramites.models import DiaNoLaborable, EstadoDocumento, Oficina, Solicitud, Tramite
from tramites.resoluciones.models import Resolucion
from tramites.roles import JEFE_DE_OFICINA, grupos_sincronizar
from transparencia import services as transparencia_services
from transparencia.forms import ReclamoForm
from transparencia.models import AtencionPresencial, CostoMensual, Reclamo

DOMICILIO = "constancia-de-domicilio"  # received by MPA, resolved by SGPV, S/ 15
OFICINA_X = "SGPV"
OFICINA_RECEPCION = "MPA"

ACTORES = ("anonimo", "ciudadano_a", "ciudadano_b", "personal_x", "personal_y", "personal_x_sin_totp", "admin")


@dataclasses.dataclass(frozen=True)
class Objeto:
    """Something a URL points at: its model (for the admin permissions), its
    owner, the offices whose staff may see it (None: not scoped by office) and
    the personal data it shows (which nobody else may read)."""

    modelo: str  # "app_label.model_name"
    pk: object = None
    dueno: int | None = None
    oficinas: frozenset | None = None
    datos: tuple = ()
    nombre: str = ""
    resuelve: str | None = None  # the office that decides it (requests)

    @property
    def app(self) -> str:
        return self.modelo.split(".")[0]

    @property
    def clase(self) -> str:
        return self.modelo.split(".")[1]


@dataclasses.dataclass
class Actor:
    """Someone who sends requests, and what the policy grants them, read from
    the database independently of the portal's own access functions."""

    clave: str
    usuario: object = None

    @property
    def autenticado(self) -> bool:
        return self.usuario is not None

    @property
    def habilitado(self) -> bool:
        """Staff rights count: active staff with TOTP."""
        return bool(self.usuario and self.usuario.is_active and self.usuario.is_staff and self.totp)

    @property
    def superusuario(self) -> bool:
        return self.habilitado and self.usuario.is_superuser

    def __post_init__(self):
        tipos = set(Authenticator.objects.filter(user=self.usuario).values_list("type", flat=True)) \
            if self.usuario else set()
        self.totp = Authenticator.Type.TOTP in tipos
        self.codigos_de_recuperacion = Authenticator.Type.RECOVERY_CODES in tipos
        self.con_perfil = bool(self.usuario) and hasattr(self.usuario, "perfil")
        self.oficinas = frozenset(self.usuario.oficinas.values_list("sigla", flat=True)) if self.usuario else frozenset()
        self.permisos = frozenset(self.usuario.get_all_permissions()) if self.usuario else frozenset()

    def tiene_permiso(self, permiso: str) -> bool:
        return self.superusuario or (self.habilitado and permiso in self.permisos)

    def en_alcance(self, objeto: Objeto) -> bool:
        """The object is within this servant's office scope (staff rights only with TOTP)."""
        if not self.habilitado:
            return False
        return self.superusuario or objeto.oficinas is None or bool(objeto.oficinas & self.oficinas)

    def de_su_oficina(self, objeto: Objeto) -> bool:
        """The object belongs to an office and this servant (with TOTP) is of it, or is the superuser."""
        return self.habilitado and bool(objeto.oficinas) and (self.superusuario or bool(objeto.oficinas & self.oficinas))

    def ve(self, objeto: Objeto) -> bool:
        """May read this object's personal data somewhere in the portal."""
        if self.superusuario or (self.autenticado and objeto.dueno == self.usuario.pk):
            return True
        return self.de_su_oficina(objeto)

    def cliente(self) -> Client:
        cliente = Client(raise_request_exception=False)
        if self.usuario is not None:
            cliente.force_login(self.usuario)
        return cliente


@dataclasses.dataclass
class Mundo:
    actores: dict
    oficina_x: Oficina
    oficina_y: Oficina
    tramite: Tramite
    borrador: Solicitud
    aprobada: Solicitud
    pendiente: Solicitud
    reclamo_x: Reclamo
    objetos: dict  # name -> Objeto
    admin: dict  # "app_label.model_name" -> [Objeto, ...] (one object per registered model at least)

    def actor(self, clave) -> Actor:
        return self.actores[clave]

    def todos_los_objetos(self):
        return list(self.objetos.values())


# Personal data that identifies each person; the tests look for it in pages.
CIUDADANA_A = {"nombres": "Wiñaypacha", "apellido_paterno": "Quisquichura", "numero_documento": "73519864",
               "email": "winaypacha.quisquichura@correo-a.pe"}
RECLAMANTE_X = {"nombres": "Herminia", "apellidos": "Ccahuana Llacsa", "numero_documento": "46027315",
                "correo": "herminia.ccahuana@correo-x.pe"}
RECLAMANTE_ENTIDAD = {"nombres": "Teodosia", "apellidos": "Mamanchura Ayvar", "numero_documento": "41628357",
                      "correo": "teodosia.mamanchura@correo-e.pe"}


def _reclamo(persona, oficina):
    datos = {
        **persona,
        "tipo_documento": "DNI",
        "domicilio": "Jr. Las Orquídeas 877",
        "telefono": "",
        "oficina": str(oficina.pk) if oficina else "",
        "fecha_hechos": "",
        "hechos": "Nadie me atendió en la ventanilla.",
        "pedido": "Que me atiendan por escrito.",
    }
    form = ReclamoForm(datos)
    assert form.is_valid(), form.errors
    return transparencia_services.reclamo_registrar(datos=form.cleaned_data)


def _servidor(sigla, *, totp=True, superusuario=False, email):
    usuario = factories.UsuarioFactory(email=email, is_staff=True, is_superuser=superusuario, segundo_factor=totp)
    if sigla:
        Oficina.objects.get(sigla=sigla).personal.add(usuario)
        usuario.groups.add(Group.objects.get(name=JEFE_DE_OFICINA))
    return usuario


@pytest.fixture
def mundo(db, django_capture_on_commit_callbacks) -> Mundo:
    call_command("catalogo_cargar", stdout=io.StringIO())
    grupos_sincronizar(Group, Permission)
    oficina_x = Oficina.objects.get(sigla=OFICINA_X)
    oficina_y = Oficina.objects.get(sigla=settings.LIBRO_RECLAMACIONES_OFICINA)  # SG: also the entity's complaints
    tramite = Tramite.objects.get(slug=DOMICILIO)
    assert tramite.oficina_resolucion == oficina_x

    ciudadana_a = factories.PerfilFactory(
        usuario=factories.UsuarioFactory(email=CIUDADANA_A["email"]),
        nombres=CIUDADANA_A["nombres"], apellido_paterno=CIUDADANA_A["apellido_paterno"],
        numero_documento=CIUDADANA_A["numero_documento"],
    ).usuario
    ciudadano_b = factories.PerfilFactory(
        usuario=factories.UsuarioFactory(email="benito.b@correo-b.pe"), nombres="Benito", apellido_paterno="Ruraq",
    ).usuario
    personal_x = _servidor(OFICINA_X, email="jefe.x@entidad.gob.pe")
    RecoveryCodes.activate(personal_x)
    personal_y = _servidor(oficina_y.sigla, email="jefe.y@entidad.gob.pe")
    sin_totp = _servidor(OFICINA_X, totp=False, email="jefe.x.sin.totp@entidad.gob.pe")
    admin = _servidor(None, superusuario=True, email="admin@entidad.gob.pe")

    with django_capture_on_commit_callbacks(execute=True):
        aprobada = services.solicitud_presentar(
            solicitud=borrador_completo(ciudadana_a, DOMICILIO), ciudadano=ciudadana_a, declaracion_jurada=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.solicitud_tomar(solicitud=aprobada, servidor=personal_x)
        services.solicitud_aprobar(solicitud=Solicitud.objects.get(pk=aprobada.pk), servidor=personal_x, nota="Conforme.")
    with django_capture_on_commit_callbacks(execute=True):
        pendiente = services.solicitud_presentar(
            solicitud=borrador_completo(ciudadana_a, DOMICILIO), ciudadano=ciudadana_a, declaracion_jurada=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        denegada = services.solicitud_presentar(
            solicitud=borrador_completo(ciudadana_a, DOMICILIO), ciudadano=ciudadana_a, declaracion_jurada=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.solicitud_tomar(solicitud=denegada, servidor=personal_x)
        services.solicitud_denegar(solicitud=Solicitud.objects.get(pk=denegada.pk), servidor=personal_x,
                                   motivo="No cumple los requisitos.")
    with django_capture_on_commit_callbacks(execute=True):
        # Last: a citizen has one draft per procedure, which filing turns into a request.
        borrador = borrador_completo(ciudadana_a, DOMICILIO)
    aprobada = Solicitud.objects.select_related("certificado", "cargo").get(pk=aprobada.pk)
    assert aprobada.certificado.estado == EstadoDocumento.EMITIDO, aprobada.certificado.error
    assert aprobada.cargo.estado == EstadoDocumento.EMITIDO, aprobada.cargo.error
    pendiente = Solicitud.objects.get(pk=pendiente.pk)
    borrador = Solicitud.objects.get(pk=borrador.pk)
    valoracion = transparencia_services.valoracion_registrar(
        solicitud=aprobada, ciudadano=ciudadana_a, puntaje=4, comentario="Rápido."
    )
    acceso = services.acceso_registrar(solicitud=aprobada, usuario=personal_x)
    with django_capture_on_commit_callbacks(execute=True):
        reclamo_x = _reclamo(RECLAMANTE_X, oficina_x)
        reclamo_entidad = _reclamo(RECLAMANTE_ENTIDAD, None)
    aviso = Notificacion.objects.filter(usuario=ciudadana_a).order_by("-pk").first()
    assert aviso is not None
    # The approval's notice (legal effect) and its signed constancia de notificación.
    aviso_aprobada = Notificacion.objects.get(referencia=f"solicitud:{aprobada.pk}", categoria="legal")
    with django_capture_on_commit_callbacks(execute=True):
        constancia = constancia_obtener(notificacion=aviso_aprobada)
    constancia.refresh_from_db()
    assert constancia.estado == EstadoDocumento.EMITIDO, constancia.error
    dia = DiaNoLaborable.objects.create(fecha=datetime.date(2026, 12, 31), motivo="Día no laborable de prueba")
    presencial = AtencionPresencial.objects.create(tramite=tramite, mes=datetime.date(2026, 1, 1), cantidad=12)
    costo = CostoMensual.objects.create(mes=datetime.date(2026, 1, 1), monto=Decimal("1500.00"))
    bloqueos.bloqueo_fallo_registrar(correo="alguien.que.olvido.su.clave@correo.pe")
    # A company A represents (confirmed) and B asks to represent (pending).
    empresa = Empresa.objects.create(ruc="20600000013", razon_social="COMERCIAL LOS ANDES S.A.C.",
                                     estado="ACTIVO", condicion="HABIDO", verificada_en=timezone.now())
    Representacion.objects.create(empresa=empresa, usuario=ciudadana_a, estado=EstadoRepresentacion.CONFIRMADA,
                                  confirmada_en=timezone.now())
    pedido_b = Representacion.objects.create(empresa=empresa, usuario=ciudadano_b)
    # A's consent to the casilla (from the profile) and A's verified phone.
    consentimiento_a = ConsentimientoNotificacion.objects.get(usuario=ciudadana_a, retirado_en__isnull=True)
    telefono_a = CanalAviso.objects.create(
        usuario=ciudadana_a, tipo=TipoCanal.SMS, destino="+51987000123", verificado_en=timezone.now()
    )
    consulta = ConsultaPide.objects.create(
        servicio="reniec", documento=CIUDADANA_A["numero_documento"], titular=ciudadana_a, origen="ciudadano",
        solicitada_por=ciudadana_a, motivo="Completar tu perfil", resultado="encontrado",
    )

    datos_a = tuple(CIUDADANA_A.values())
    de_x = frozenset({OFICINA_X, OFICINA_RECEPCION})

    def de_a(modelo, pk, **extra):
        return Objeto(modelo, pk, dueno=ciudadana_a.pk, datos=datos_a, **extra)

    objetos = {
        "ciudadana_a": de_a("ciudadanos.usuario", ciudadana_a.pk, nombre="la cuenta de A"),
        "perfil_a": de_a("ciudadanos.perfil", ciudadana_a.perfil.pk, nombre="el perfil de A"),
        "correo_a": de_a("account.emailaddress", EmailAddress.objects.get(user=ciudadana_a).pk, nombre="el correo de A"),
        # A draft belongs to no office yet: no servant sees it.
        "borrador": de_a("tramites.solicitud", borrador.pk, oficinas=frozenset(), nombre="el borrador de A"),
        "adjunto_borrador": de_a("tramites.adjunto", borrador.adjuntos.get().uuid, oficinas=frozenset(),
                                 nombre="el adjunto del borrador"),
        "aprobada": de_a("tramites.solicitud", aprobada.pk, oficinas=de_x, resuelve=OFICINA_X,
                         nombre="la solicitud aprobada de A"),
        "adjunto": de_a("tramites.adjunto", aprobada.adjuntos.get().uuid, oficinas=de_x, nombre="el adjunto de la aprobada"),
        "certificado": de_a("tramites.certificado", aprobada.certificado.pk, oficinas=de_x, nombre="el certificado"),
        "cargo": de_a("tramites.cargopresentacion", aprobada.cargo.pk, oficinas=de_x, nombre="el cargo"),
        "resolucion": de_a("tramites.resolucion", Resolucion.objects.get(solicitud=denegada).pk, oficinas=de_x,
                           nombre="la resolución de la denegada"),
        "acceso": de_a("tramites.accesoexpediente", acceso.pk, oficinas=de_x, nombre="el registro de acceso"),
        "valoracion": de_a("transparencia.valoracion", valoracion.pk, nombre="la valoración de A"),
        "pendiente": de_a("tramites.solicitud", pendiente.pk, oficinas=de_x, resuelve=OFICINA_X,
                          nombre="la solicitud pendiente de A"),
        "aviso": de_a("ciudadanos.notificacion", aviso.pk, nombre="el aviso de la casilla de A"),
        "consentimiento_a": de_a("ciudadanos.consentimientonotificacion", consentimiento_a.pk,
                                 nombre="el consentimiento de A"),
        "telefono_a": de_a("ciudadanos.canalaviso", telefono_a.pk, nombre="el celular de A"),
        "aviso_aprobada": de_a("ciudadanos.notificacion", aviso_aprobada.pk, nombre="la notificación de la aprobación"),
        "constancia": de_a("tramites.constancianotificacion", constancia.pk, oficinas=de_x,
                           nombre="la constancia de notificación de la aprobada"),
        # Its representatives are read from the database by the rules (test_matriz_acceso.REPRESENTANTE).
        "empresa": Objeto("ciudadanos.empresa", empresa.pk, nombre="la empresa que representa A"),
        "pedido_b": Objeto("ciudadanos.representacion", pedido_b.pk, nombre="el pedido de B de representar la empresa"),
        "reclamo_x": Objeto("transparencia.reclamo", reclamo_x.pk, oficinas=frozenset({OFICINA_X}),
                            datos=tuple(RECLAMANTE_X.values()), nombre="el reclamo contra X"),
        "reclamo_entidad": Objeto("transparencia.reclamo", reclamo_entidad.pk,
                                  oficinas=frozenset({oficina_y.sigla}),
                                  datos=tuple(RECLAMANTE_ENTIDAD.values()), nombre="el reclamo a la entidad"),
        "hoja_x": Objeto("transparencia.hojareclamo", reclamo_x.hoja.pk, oficinas=frozenset({OFICINA_X}),
                         nombre="la hoja del reclamo contra X"),
    }
    catalogo = {
        "grupo": Objeto("auth.group", Group.objects.get(name=JEFE_DE_OFICINA).pk, nombre="el grupo Jefe de oficina"),
        "autenticador": Objeto("mfa.authenticator",
                               Authenticator.objects.get(user=personal_x, type=Authenticator.Type.TOTP).pk,
                               nombre="el TOTP del jefe de X"),
        "oficina": Objeto("tramites.oficina", oficina_x.pk, nombre="la oficina X"),
        "tramite": Objeto("tramites.tramite", tramite.pk, nombre="el trámite"),
        "dia": Objeto("tramites.dianolaborable", dia.pk, nombre="el día no laborable"),
        "presencial": Objeto("transparencia.atencionpresencial", presencial.pk, nombre="la atención presencial"),
        "costo": Objeto("transparencia.costomensual", costo.pk, nombre="el costo mensual"),
        "consulta_pide": Objeto("ciudadanos.consultapide", consulta.pk, nombre="una consulta a RENIEC sobre A"),
        "bloqueo": Objeto("ciudadanos.bloqueoacceso", BloqueoAcceso.objects.get().pk, nombre="un bloqueo de inicio de sesión"),
        "mensaje": Objeto("egov.mensaje", Mensaje.objects.get(referencia=f"notificacion:{aviso.pk}").pk,
                          nombre="la alerta por correo del aviso de A"),
    }
    admin_objetos = {}
    for objeto in (*objetos.values(), *catalogo.values()):
        if objeto.modelo in ("tramites.adjunto", "ciudadanos.notificacion", "ciudadanos.representacion") \
                or objeto is objetos["borrador"]:
            continue  # not in the admin (a draft is outside every servant's list; a representation is inline)
        admin_objetos.setdefault(objeto.modelo, []).append(objeto)
    objetos.update(catalogo)
    actores = {
        "anonimo": Actor("anonimo"),
        "ciudadano_a": Actor("ciudadano_a", ciudadana_a),
        "ciudadano_b": Actor("ciudadano_b", ciudadano_b),
        "personal_x": Actor("personal_x", personal_x),
        "personal_y": Actor("personal_y", personal_y),
        "personal_x_sin_totp": Actor("personal_x_sin_totp", sin_totp),
        "admin": Actor("admin", admin),
    }
    return Mundo(
        actores=actores, oficina_x=oficina_x, oficina_y=oficina_y, tramite=tramite, borrador=borrador,
        aprobada=aprobada, pendiente=pendiente, reclamo_x=reclamo_x, objetos=objetos, admin=admin_objetos,
    )
