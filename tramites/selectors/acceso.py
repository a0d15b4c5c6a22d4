"""Who may see or act on a request: the owner (and, for a request filed for a
company, its confirmed representatives, who follow it), or staff of its
offices."""

from ciudadanos.empresas import representa
from ciudadanos.selectors import personal_habilitado

from ..acciones import ACCIONES
from ..models import Estado, Solicitud

# --- Access ------------------------------------------------------------------------------


def puede_gestionar(*, usuario, solicitud: Solicitud, accion: str | None = None) -> bool:
    """Staff with a second factor of the office that receives or resolves the
    procedure (or such a superuser); for deciding actions, of the office that
    resolves it."""
    if not personal_habilitado(usuario):
        return False
    if usuario.is_superuser:
        return True
    return oficina_permitida(solicitud, accion, set(oficinas_de(usuario)))


def oficina_permitida(solicitud: Solicitud, accion: str | None, oficinas: set[int]) -> bool:
    tramite = solicitud.tramite
    if tramite.oficina_resolucion_id in oficinas:
        return True
    # Deciding actions belong to the office that resolves (the front desk
    # receives everything, but decides nothing).
    decide = accion is not None and ACCIONES[accion].solo_resolucion
    return not decide and tramite.oficina_recepcion_id in oficinas


def puede_seguir(*, usuario, solicitud: Solicitud) -> bool:
    """The citizen who filed it, or, once filed for a company, a confirmed
    representative of that company (a pending one does not)."""
    if not (usuario and usuario.is_authenticated):
        return False
    if solicitud.ciudadano_id == usuario.pk:
        return True
    if solicitud.empresa_id is None or solicitud.estado == Estado.BORRADOR:
        return False
    return representa(usuario=usuario, empresa_id=solicitud.empresa_id)


def puede_ver(*, usuario, solicitud: Solicitud) -> bool:
    if puede_seguir(usuario=usuario, solicitud=solicitud):
        return True
    return solicitud.estado != Estado.BORRADOR and puede_gestionar(usuario=usuario, solicitud=solicitud)


def oficinas_de(usuario) -> list[int]:
    return list(usuario.oficinas.values_list("pk", flat=True))
