"""What the citizen sees next on a request, and who looked at it."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import Estado, Observacion, Solicitud
from .ciudadano import PROXIMA_ACCION, modelo_valoracion

# --- The next step, as the citizen sees it ----------------------------------------------------------


@dataclass(frozen=True)
class SiguientePaso:
    """What the citizen can do now about a request. `accion` names what the
    page links to: "borrador", "subsanar", "documento", "valorar", or "" when
    there is nothing to do but wait."""

    texto: str
    accion: str = ""


ESTADOS_VALORABLES = (Estado.APROBADA, Estado.DENEGADA)


def _valorada(solicitud: Solicitud) -> bool:
    anotada = getattr(solicitud, "valorada", None)
    if anotada is not None:
        return anotada
    valoraciones = modelo_valoracion()
    return valoraciones is None or valoraciones.objects.filter(solicitud=solicitud).exists()


def _observacion_pendiente(solicitud: Solicitud) -> Observacion | None:
    pendientes = getattr(solicitud, "observaciones_pendientes", None)
    if pendientes is None:
        pendientes = [o for o in solicitud.observaciones.all() if o.subsanada_en is None]
    return pendientes[-1] if pendientes else None


def siguientes_pasos(*, solicitud: Solicitud) -> list[SiguientePaso]:
    """What the citizen should do now, first what matters most; a single
    step without `accion` when there is nothing to do."""
    from ..certificados.plantillas import nombre_del_documento
    from ..plazos import DIAS_PARA_RECURSO

    estado = solicitud.estado
    if estado == Estado.BORRADOR:
        return [SiguientePaso(_("Completa y envía tu solicitud"), "borrador")]
    if estado == Estado.OBSERVADA:
        observacion = _observacion_pendiente(solicitud)
        if observacion is None:
            return [SiguientePaso(_("Subsana la observación"), "subsanar")]
        fecha = date_format(observacion.plazo, r"j \d\e F")
        return [SiguientePaso(_("Subsana antes del %(fecha)s") % {"fecha": fecha}, "subsanar")]
    if estado in (Estado.PRESENTADA, Estado.EN_EVALUACION):
        return [SiguientePaso(_("Esperando la evaluación"))]
    pasos = []
    if estado == Estado.APROBADA:
        certificado = solicitud.certificado_emitido
        if certificado is None:
            pasos.append(SiguientePaso(_("Tu documento estará listo en unos minutos")))
        elif not certificado.revocado:
            pasos.append(SiguientePaso(
                _("Descarga tu %(documento)s") % {"documento": nombre_del_documento(certificado, solicitud.tramite)}, "documento"
            ))
    elif estado == Estado.DENEGADA:
        pasos.append(SiguientePaso(
            _("Si no estás de acuerdo, puedes presentar un recurso dentro de %(dias)s días hábiles")
            % {"dias": DIAS_PARA_RECURSO}
        ))
    if estado in ESTADOS_VALORABLES and not _valorada(solicitud):
        pasos.append(SiguientePaso(_("Califica la atención"), "valorar"))
    if not pasos:
        pasos.append(SiguientePaso(str(PROXIMA_ACCION[estado])))
    return pasos


# --- Who looked at a request, as the citizen sees it ---------------------------------------------------


@dataclass
class AccesosAgrupados:
    """Openings of a request by one servant (same office and role) within an
    hour of the first one: one line for the citizen."""

    oficina: str
    rol: str
    desde: datetime.datetime
    hasta: datetime.datetime
    veces: int = 1

    @property
    def mismo_dia(self) -> bool:
        return timezone.localdate(self.desde) == timezone.localdate(self.hasta)


VENTANA_ACCESOS = datetime.timedelta(hours=1)


def accesos_agrupados(*, accesos) -> list[AccesosAgrupados]:
    """The access record (Ley 29733) grouped for reading, newest first. The
    record itself keeps every opening; only this presentation groups them."""
    grupos: list[AccesosAgrupados] = []
    abiertos: dict[tuple, AccesosAgrupados] = {}
    for acceso in sorted(accesos, key=lambda a: (a.creado_en, a.pk)):
        clave = (acceso.usuario_id, acceso.oficina, acceso.rol)
        grupo = abiertos.get(clave)
        if grupo is not None and acceso.creado_en - grupo.desde < VENTANA_ACCESOS:
            grupo.veces += 1
            grupo.hasta = acceso.creado_en
            continue
        grupo = AccesosAgrupados(oficina=acceso.oficina, rol=acceso.rol, desde=acceso.creado_en,
                                 hasta=acceso.creado_en)
        abiertos[clave] = grupo
        grupos.append(grupo)
    return sorted(grupos, key=lambda g: g.desde, reverse=True)
