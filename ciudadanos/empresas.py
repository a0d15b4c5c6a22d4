"""Companies a citizen represents, and who else represents them.

A citizen adds a company by its RUC: the check digit is verified locally
(python-stdnum), then SUNAT is asked through PIDE. Only personas jurídicas
(RUC starting with 20) are companies here: a RUC 10 belongs to a person with a
business, who files in their own name; 15 and 17 are other people too.

The first citizen to add a RUC is its confirmed representative. Anyone else
who adds it waits, and sees none of the company's requests, until a confirmed
representative accepts them; a confirmed representative can also invite
someone by email. Writes first (services), then reads (selectors)."""

import dataclasses
from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pe import ruc as stdnum_ruc

from egov.dominio import ErrorDeDominio, NoEncontrado
from egov.mensajes import correo_registrar

from .models import Empresa, EstadoRepresentacion, Representacion, Usuario
from .selectors import exportador_registrar

MOTIVO_AGREGAR = "Agregar una empresa que representas"
ESTADO_ACTIVO = "ACTIVO"
CONDICION_NO_HABIDO = "NO HABIDO"
INVITACION_DIAS = 7
_SAL_INVITACION = "ciudadanos.empresas.invitacion"


class RucInvalido(ErrorDeDominio):
    """The number is not a RUC, or not a company's."""


class EmpresaNoActiva(ErrorDeDominio):
    """SUNAT says the company is not ACTIVO (de baja, suspendida...)."""


class SunatNoDisponible(ErrorDeDominio):
    """SUNAT did not answer: the citizen may type the business name."""


class InvitacionInvalida(ErrorDeDominio):
    """The invitation link is damaged, expired, for another email, or its
    sender no longer represents the company."""


@dataclasses.dataclass(frozen=True)
class EmpresaAgregada:
    representacion: Representacion
    nueva: bool  # False: the citizen already had it (a double submission)
    no_habida: bool  # SUNAT's condition is NO HABIDO: accepted, with a warning
    sin_verificar: bool  # SUNAT did not answer: the name is the citizen's


# --- Services ---------------------------------------------------------------------------------


def ruc_normalizar(ruc: str) -> str:
    """The 11 digits of a company's RUC, or RucInvalido with how to fix it."""
    numero = stdnum_ruc.compact(ruc or "")
    if not numero.isdigit() or len(numero) != 11:
        raise RucInvalido(_("El RUC tiene 11 dígitos, sin letras ni espacios, por ejemplo 20123456789."))
    try:
        stdnum_ruc.validate(numero)
    except StdnumError:
        raise RucInvalido(_(
            "El RUC %(ruc)s no es válido: su último dígito no corresponde a los anteriores. "
            "Cópialo de la ficha RUC o de un comprobante de la empresa."
        ) % {"ruc": numero}) from None
    if not numero.startswith("20"):
        raise RucInvalido(_(
            "Aquí se agregan empresas (personas jurídicas), cuyo RUC empieza con 20. Si tu RUC empieza "
            "con 10 porque tienes un negocio como persona natural, presenta el trámite a tu nombre: "
            "ese RUC corresponde a tu DNI."
        ))
    return numero


def empresa_agregar(*, usuario: Usuario, ruc: str, razon_social: str = "") -> EmpresaAgregada:
    """Adds a company the citizen represents, as SUNAT describes it.

    ACTIVO is required (otherwise EmpresaNoActiva, nothing stored); NO HABIDO
    is accepted with a warning. When SUNAT does not answer, the citizen's
    `razon_social` is stored unverified (without it, SunatNoDisponible asks
    for it). Adding a company twice returns the representation already held."""
    from . import pide

    numero = ruc_normalizar(ruc)
    existente = (
        Representacion.objects.filter(usuario=usuario, empresa__ruc=numero).select_related("empresa").first()
    )
    if existente is not None:
        return EmpresaAgregada(existente, nueva=False, no_habida=_no_habida(existente.empresa),
                               sin_verificar=existente.empresa.verificada_en is None)
    try:
        datos = pide.contribuyente_consultar(
            ruc=numero, titular=usuario, origen="ciudadano", motivo=MOTIVO_AGREGAR, solicitada_por=usuario,
        )
    except pide.NoEncontrado:
        raise RucInvalido(_(
            "SUNAT no tiene un contribuyente con el RUC %(ruc)s. Revisa el número en la ficha RUC de la empresa."
        ) % {"ruc": numero}) from None
    except pide.NoDisponible:
        datos = None
    if datos is not None and (datos.estado or "").strip().upper() != ESTADO_ACTIVO:
        raise EmpresaNoActiva(_(
            "SUNAT registra a %(nombre)s (RUC %(ruc)s) con estado «%(estado)s». Solo puedes presentar "
            "trámites a nombre de una empresa activa: si la situación cambió, vuelve a intentarlo cuando "
            "SUNAT la muestre como ACTIVO."
        ) % {"nombre": datos.razon_social, "ruc": numero, "estado": datos.estado})
    razon_social = " ".join((razon_social or "").split())[:200]
    with transaction.atomic():
        empresa = _empresa_guardar(numero, datos, razon_social)
        if empresa is None:
            raise SunatNoDisponible(_(
                "SUNAT no responde en este momento. Escribe la razón social de la empresa tal como figura en "
                "su ficha RUC: la registraremos como «sin verificar» y podrás presentar trámites igual."
            ))
        representacion, nueva = _representacion_crear(empresa, usuario)
    return EmpresaAgregada(representacion, nueva=nueva, no_habida=_no_habida(empresa),
                           sin_verificar=empresa.verificada_en is None)


def _no_habida(empresa: Empresa) -> bool:
    return (empresa.condicion or "").strip().upper() == CONDICION_NO_HABIDO


def _empresa_guardar(numero: str, datos, razon_social: str) -> Empresa | None:
    """The company locked, created or refreshed with SUNAT's data; without
    SUNAT, an existing company as it is, or a new one with the typed name
    (None when no name was typed)."""
    empresa = Empresa.objects.select_for_update().filter(ruc=numero).first()
    if datos is not None:
        valores = {
            "razon_social": datos.razon_social[:200], "estado": (datos.estado or "")[:40],
            "condicion": (datos.condicion or "")[:40], "domicilio_fiscal": (datos.domicilio_fiscal or "")[:300],
            "verificada_en": timezone.now(),
        }
    elif empresa is not None:
        return empresa
    elif razon_social:
        valores = {"razon_social": razon_social, "verificada_en": None}
    else:
        return None
    if empresa is None:
        try:
            with transaction.atomic():
                return Empresa.objects.create(ruc=numero, **valores)
        except IntegrityError:
            # Someone added it at the same moment: refresh theirs.
            empresa = Empresa.objects.select_for_update().get(ruc=numero)
    for campo, valor in valores.items():
        setattr(empresa, campo, valor)
    empresa.save(update_fields=list(valores))
    return empresa


def _representacion_crear(empresa: Empresa, usuario: Usuario) -> tuple[Representacion, bool]:
    """Confirmed when the company (locked by the caller) has no confirmed
    representative yet; pending otherwise, and the confirmed ones are told."""
    actual = Representacion.objects.filter(empresa=empresa, usuario=usuario).first()
    if actual is not None:
        return actual, False
    confirmados = list(
        Representacion.objects.filter(empresa=empresa, estado=EstadoRepresentacion.CONFIRMADA)
        .select_related("usuario")
    )
    representacion = Representacion.objects.create(
        empresa=empresa, usuario=usuario,
        estado=EstadoRepresentacion.PENDIENTE if confirmados else EstadoRepresentacion.CONFIRMADA,
        confirmada_en=None if confirmados else timezone.now(),
    )
    if confirmados:
        correo_registrar(
            para=[r.usuario.email for r in confirmados],
            asunto=_("Alguien pide representar a %(empresa)s") % {"empresa": empresa.razon_social},
            texto=render_to_string("ciudadanos/correo/empresa_pendiente.txt", {
                "empresa": empresa, "solicitante": usuario.get_full_name(), "correo": usuario.email,
                "enlace": f"{settings.SITE_URL}/cuenta/empresas/{empresa.pk}/",
                "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
            }),
            referencia=f"empresa:{empresa.pk}",
        )
    return representacion, True


def _confirmada_de(usuario: Usuario, empresa_id: int) -> Representacion:
    representacion = Representacion.objects.filter(
        usuario=usuario, empresa_id=empresa_id, estado=EstadoRepresentacion.CONFIRMADA
    ).first()
    if representacion is None:
        raise NoEncontrado
    return representacion


def representacion_confirmar(*, representacion: Representacion, por: Usuario) -> bool:
    """A confirmed representative of the same company accepts a pending one.
    Returns False when it was already confirmed (a double submission)."""
    with transaction.atomic():
        _confirmada_de(por, representacion.empresa_id)
        actual = Representacion.objects.select_for_update().filter(pk=representacion.pk).first()
        if actual is None:
            raise NoEncontrado
        if actual.confirmada:
            return False
        actual.estado = EstadoRepresentacion.CONFIRMADA
        actual.confirmada_por = por
        actual.confirmada_en = timezone.now()
        actual.save(update_fields=["estado", "confirmada_por", "confirmada_en"])
    return True


def representacion_rechazar(*, representacion: Representacion, por: Usuario) -> bool:
    """A confirmed representative turns down a pending one (who may ask again).
    Returns False when there was nothing left to reject."""
    with transaction.atomic():
        _confirmada_de(por, representacion.empresa_id)
        borradas, _detalle = Representacion.objects.filter(
            pk=representacion.pk, estado=EstadoRepresentacion.PENDIENTE
        ).delete()
    return bool(borradas)


def invitacion_enviar(*, empresa: Empresa, por: Usuario, correo: str, enlace: Callable[[str], str]) -> None:
    """Emails a signed link, valid INVITACION_DIAS days, that lets whoever
    logs in with `correo` become a confirmed representative. `enlace` gives
    the absolute address of the acceptance page for a token."""
    correo = correo.strip().lower()
    with transaction.atomic():
        _confirmada_de(por, empresa.pk)
        token = signing.dumps({"e": empresa.pk, "c": correo, "p": por.pk}, salt=_SAL_INVITACION, compress=True)
        correo_registrar(
            para=[correo],
            asunto=_("Te invitan a representar a %(empresa)s") % {"empresa": empresa.razon_social},
            texto=render_to_string("ciudadanos/correo/empresa_invitacion.txt", {
                "empresa": empresa, "invitante": por.get_full_name(), "enlace": enlace(token),
                "dias": INVITACION_DIAS, "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
            }),
            reservado=True, referencia=f"empresa:{empresa.pk}",
        )


@dataclasses.dataclass(frozen=True)
class Invitacion:
    empresa: Empresa
    correo: str
    invitante: Usuario


def invitacion_leer(*, token: str, usuario: Usuario) -> Invitacion:
    """The invitation in a link, if it is intact, recent, addressed to this
    citizen's email and its sender still represents the company."""
    try:
        datos = signing.loads(token, salt=_SAL_INVITACION, max_age=INVITACION_DIAS * 24 * 3600)
        empresa_id, correo, invitante_id = int(datos["e"]), str(datos["c"]), int(datos["p"])
    except signing.SignatureExpired:
        raise InvitacionInvalida(_(
            "La invitación venció: duran %(dias)s días. Pide a quien te invitó que te envíe otra."
        ) % {"dias": INVITACION_DIAS}) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvitacionInvalida(_(
            "El enlace de la invitación está incompleto o fue modificado. Ábrelo tal como llegó a tu correo."
        )) from None
    if correo != usuario.email.lower():
        raise InvitacionInvalida(_(
            "Esta invitación se envió a otro correo. Inicia sesión con la cuenta de ese correo para aceptarla."
        ))
    invitante = Representacion.objects.filter(
        empresa_id=empresa_id, usuario_id=invitante_id, estado=EstadoRepresentacion.CONFIRMADA
    ).select_related("empresa", "usuario").first()
    if invitante is None:
        raise InvitacionInvalida(_(
            "Quien te invitó ya no representa a la empresa. Pide la invitación a otro representante."
        ))
    return Invitacion(empresa=invitante.empresa, correo=correo, invitante=invitante.usuario)


def invitacion_aceptar(*, token: str, usuario: Usuario) -> tuple[Representacion, bool]:
    """The invited citizen becomes a confirmed representative (a pending
    request of theirs is confirmed). Returns (representation, changed)."""
    with transaction.atomic():
        invitacion = invitacion_leer(token=token, usuario=usuario)
        Empresa.objects.select_for_update().get(pk=invitacion.empresa.pk)
        representacion, _creada = Representacion.objects.get_or_create(
            empresa=invitacion.empresa, usuario=usuario,
            defaults={"invitada_por": invitacion.invitante},
        )
        if representacion.confirmada:
            return representacion, False
        representacion.estado = EstadoRepresentacion.CONFIRMADA
        representacion.invitada_por = representacion.invitada_por or invitacion.invitante
        representacion.confirmada_por = invitacion.invitante
        representacion.confirmada_en = timezone.now()
        representacion.save(update_fields=["estado", "invitada_por", "confirmada_por", "confirmada_en"])
    return representacion, True


# --- Selectors --------------------------------------------------------------------------------


def representaciones_de(*, usuario: Usuario) -> list[Representacion]:
    """The citizen's companies, confirmed or pending, for "Mis empresas"."""
    return list(Representacion.objects.filter(usuario=usuario).select_related("empresa")
                .order_by("empresa__razon_social"))


def empresas_confirmadas(*, usuario: Usuario):
    """The companies this citizen may file for and follow."""
    if not (usuario and usuario.is_authenticated):
        return Empresa.objects.none()
    return Empresa.objects.filter(
        representaciones__usuario=usuario, representaciones__estado=EstadoRepresentacion.CONFIRMADA
    ).order_by("razon_social")


def representa(*, usuario: Usuario, empresa_id: int | None) -> bool:
    """Whether the citizen is a confirmed representative of this company."""
    if empresa_id is None or not (usuario and usuario.is_authenticated):
        return False
    return Representacion.objects.filter(
        usuario=usuario, empresa_id=empresa_id, estado=EstadoRepresentacion.CONFIRMADA
    ).exists()


def representacion_de(*, usuario: Usuario, empresa_id: int) -> Representacion:
    """The citizen's own representation of a company (pending or confirmed)."""
    representacion = (
        Representacion.objects.filter(usuario=usuario, empresa_id=empresa_id).select_related("empresa").first()
    )
    if representacion is None:
        raise NoEncontrado
    return representacion


def representantes_de(*, empresa: Empresa, usuario: Usuario) -> list[Representacion]:
    """Everyone who represents or asks to represent the company: only for a
    confirmed representative of it."""
    _confirmada_de(usuario, empresa.pk)
    return list(
        Representacion.objects.filter(empresa=empresa)
        .select_related("usuario__perfil", "confirmada_por__perfil", "invitada_por__perfil")
        .order_by("-estado", "creada_en")
    )


@exportador_registrar
def _datos_exportar(usuario: Usuario) -> tuple[str, list]:
    """The companies the citizen represents or asked to, for "Descargar mis datos"."""
    return "empresas", [
        {
            "ruc": r.empresa.ruc,
            "razon_social": r.empresa.razon_social,
            "representacion": r.get_estado_display(),
            "desde": timezone.localtime(r.creada_en).isoformat(),
            "confirmada_el": timezone.localtime(r.confirmada_en).isoformat() if r.confirmada_en else None,
        }
        for r in representaciones_de(usuario=usuario)
    ]


def pendiente_de_empresa(*, usuario: Usuario, empresa_id: int, pk: int) -> Representacion:
    """Another citizen's representation of a company this one represents
    (confirmed): what the confirm and reject buttons act on."""
    _confirmada_de(usuario, empresa_id)
    representacion = Representacion.objects.filter(pk=pk, empresa_id=empresa_id).exclude(usuario=usuario).first()
    if representacion is None:
        raise NoEncontrado
    return representacion
