"""Who may see or act on a request: the owner, or staff of its offices."""



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


def puede_ver(*, usuario, solicitud: Solicitud) -> bool:
    if not (usuario and usuario.is_authenticated):
        return False
    if solicitud.ciudadano_id == usuario.pk:
        return True
    return solicitud.estado != Estado.BORRADOR and puede_gestionar(usuario=usuario, solicitud=solicitud)


def oficinas_de(usuario) -> list[int]:
    return list(usuario.oficinas.values_list("pk", flat=True))
