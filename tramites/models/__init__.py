"""The models of the procedures app, by job: the catalog, the requests and,
in tramites/certificados/, the documents issued about them."""

from egov.models import EstadoDocumento, clave_archivo_nueva  # noqa: F401 - part of this API; migration 0009
from egov.models import ruta_documento as _ruta_documento  # noqa: F401 - named by migrations 0005, 0009

from ..certificados.models import CargoPresentacion, Certificado
from .catalogo import AdjuntoRequerido, Calificacion, CampoTramite, DiaNoLaborable, Oficina, Tramite
from .solicitudes import (
    ESTADOS_ABIERTOS,
    AccesoExpediente,
    Adjunto,
    CanalPago,
    ContadorExpediente,
    Estado,
    Evento,
    Observacion,
    Solicitud,
    TipoEvento,
    _ruta_adjunto,  # noqa: F401 - named by migration 0001
)

__all__ = [
    "ESTADOS_ABIERTOS", "AccesoExpediente", "Adjunto", "AdjuntoRequerido", "CampoTramite", "Calificacion",
    "CanalPago", "CargoPresentacion", "Certificado", "ContadorExpediente", "DiaNoLaborable", "Estado",
    "EstadoDocumento", "Evento", "Observacion", "Oficina", "Solicitud", "TipoEvento", "Tramite",
]
