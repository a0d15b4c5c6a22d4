"""Reads of the resolutions: who may download one, and the failing ones an
office must hear about."""

from django.utils import timezone

from egov.documentos import AVISO_FALLA
from egov.dominio import NoEncontrado
from egov.models import EstadoDocumento

from .. import selectors
from .models import Resolucion


def resolucion_de_ciudadano(*, ciudadano, expediente: str) -> Resolucion:
    """The issued resolution of a request this citizen may follow (theirs,
    or their company's); "not found" for anyone else's, and while it is
    being generated."""
    if not (ciudadano and ciudadano.is_authenticated):
        raise NoEncontrado
    resolucion = Resolucion.objects.filter(
        solicitud__expediente=expediente, estado=EstadoDocumento.EMITIDO
    ).select_related("solicitud").first()
    if resolucion is None or not selectors.puede_seguir(usuario=ciudadano, solicitud=resolucion.solicitud):
        raise NoEncontrado
    return resolucion


def resoluciones_con_fallas_de(*, usuario) -> dict:
    """The resolutions of the servant's requests that fail for long or wait for a person."""
    return {
        Resolucion._meta.model_name: Resolucion.objects.con_fallas(desde=timezone.now() - AVISO_FALLA).filter(
            solicitud__in=selectors.solicitudes_de_personal(usuario=usuario)
        )
    }
