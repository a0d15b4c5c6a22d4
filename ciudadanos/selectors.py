"""Reads about citizens, and what the portal holds about each one."""

from collections.abc import Callable

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils import timezone

from egov.dominio import NoEncontrado

from . import ubigeo
from .models import Notificacion, Perfil, Usuario

# Other apps (which may depend on this one, never the reverse) add their part of
# a citizen's data export here from their AppConfig.ready().
ExportadorDatos = Callable[[Usuario], tuple[str, object]]
_EXPORTADORES: list[ExportadorDatos] = []


def exportador_registrar(funcion: ExportadorDatos) -> ExportadorDatos:
    if funcion not in _EXPORTADORES:
        _EXPORTADORES.append(funcion)
    return funcion


def personal_habilitado(usuario) -> bool:
    """Whether staff rights count for this account: an active staff account
    with two-factor authentication (TOTP) activated. allauth asks every login
    of such an account for the second factor, so a session that did not pass
    it never reaches what staff rights open. A staff account without it is
    treated as a citizen's everywhere (admin, selectors, services)."""
    if usuario is None or not (usuario.is_authenticated and usuario.is_active and usuario.is_staff):
        return False
    habilitado = getattr(usuario, "_personal_habilitado", None)
    if habilitado is None:
        habilitado = Authenticator.objects.filter(user=usuario, type=Authenticator.Type.TOTP).exists()
        usuario._personal_habilitado = habilitado
    return habilitado


def perfil_de_usuario(*, usuario: Usuario) -> Perfil | None:
    return Perfil.objects.filter(usuario=usuario).first()


def perfil_completo(*, usuario: Usuario) -> bool:
    return Perfil.objects.filter(usuario=usuario).exists()


def _fecha(valor):
    return timezone.localtime(valor).isoformat() if valor else None


def datos_personales_exportar(*, usuario: Usuario) -> dict:
    """All personal data the portal holds about the citizen (right of access,
    Ley 29733), as plain JSON-ready values."""
    datos = {
        "generado_el": _fecha(timezone.now()),
        "cuenta": {
            "correo": usuario.email,
            "fecha_registro": _fecha(usuario.date_joined),
            "ultimo_ingreso": _fecha(usuario.last_login),
        },
        "correos": [
            {"correo": e.email, "verificado": e.verified, "principal": e.primary}
            for e in EmailAddress.objects.filter(user=usuario).order_by("email")
        ],
        "verificacion_en_dos_pasos": [
            {
                "tipo": a.get_type_display(),
                "activado_el": _fecha(a.created_at),
                "ultimo_uso": _fecha(a.last_used_at),
            }
            for a in Authenticator.objects.filter(user=usuario).order_by("created_at")
        ],
        "perfil": None,
    }
    perfil = perfil_de_usuario(usuario=usuario)
    if perfil is not None:
        lugar = ubigeo.ubicacion(perfil.ubigeo)
        datos["perfil"] = {
            "tipo_documento": perfil.get_tipo_documento_display(),
            "numero_documento": perfil.numero_documento,
            "digito_verificacion": perfil.digito_verificacion,
            "nombres": perfil.nombres,
            "primer_apellido": perfil.apellido_paterno,
            "segundo_apellido": perfil.apellido_materno,
            "fecha_nacimiento": perfil.fecha_nacimiento.isoformat(),
            "celular": perfil.telefono,
            "direccion": perfil.direccion,
            "ubigeo_inei": perfil.ubigeo,
            "ubigeo_reniec": lugar["distrito"].codigo_reniec if lugar else None,
            "departamento": lugar["departamento"].nombre if lugar else None,
            "provincia": lugar["provincia"].nombre if lugar else None,
            "distrito": lugar["distrito"].nombre if lugar else None,
            "nivel_garantia_identidad": perfil.get_nivel_identidad_display(),
            "identidad_verificada_el": _fecha(perfil.identidad_verificada_en),
            "creado_el": _fecha(perfil.creado_en),
            "actualizado_el": _fecha(perfil.actualizado_en),
        }
    datos["casilla_electronica"] = [
        {
            "asunto": n.asunto,
            "mensaje": n.cuerpo,
            "depositada_el": _fecha(n.depositada_en),
            "leida_el": _fecha(n.leida_en),
        }
        for n in notificaciones_de(usuario=usuario)
    ]
    for exportador in _EXPORTADORES:
        clave, valor = exportador(usuario)
        datos[clave] = valor
    return datos


def notificaciones_de(*, usuario: Usuario):
    return Notificacion.objects.filter(usuario=usuario).order_by("-depositada_en", "-id")


def notificacion_de(*, usuario: Usuario, pk: int) -> Notificacion:
    notificacion = Notificacion.objects.filter(usuario=usuario, pk=pk).first()
    if notificacion is None:
        raise NoEncontrado
    return notificacion


def aviso_sin_leer_desde(*, usuario_id: int, referencia: str, desde) -> bool:
    """Whether a notice about this reference, deposited since then, is still
    unread (so what it announced has not been looked at yet)."""
    return Notificacion.objects.filter(
        usuario_id=usuario_id, referencia=referencia, depositada_en__gte=desde, leida_en__isnull=True
    ).exists()


def no_leidas_contar(*, usuario: Usuario) -> int:
    """Unread notices for the header, cached until one is deposited or read."""
    from django.core.cache import cache

    from .services import clave_no_leidas

    return cache.get_or_set(
        clave_no_leidas(usuario.pk),
        lambda: Notificacion.objects.filter(usuario=usuario, leida_en__isnull=True).count(),
        3600,
    )
