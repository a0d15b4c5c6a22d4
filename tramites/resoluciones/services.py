"""Writes of the resolution of a denial: created pending by the deny
transition's declared effect, in its transaction; rendered and signed by the
entity's document pipeline (egov/documentos.py) with the functions below."""

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from egov import documentos
from egov.documentos import TipoDocumento
from egov.tareas import encolar

from ..certificados.services import firmante_de, titular_y_representante
from ..models import Solicitud, TipoEvento
from ..plazos import DIAS_PARA_RECURSO, Calendario
from ..transiciones import evento_registrar
from .models import Resolucion

# Art. 6 (motivation of the act), art. 218 (the appeals and their 15 business
# days), art. 219 (reconsideración) and art. 220 (apelación) of the TUO of Ley
# 27444, approved by D.S. 004-2019-JUS.
BASE_LEGAL_RECURSOS = (
    "Texto Único Ordenado de la Ley N.° 27444, Ley del Procedimiento Administrativo General, aprobado por "
    "Decreto Supremo N.° 004-2019-JUS: artículos 6, 218, 219 y 220."
)


def recurso_ultimo_dia(notificada_el, *, calendario: Calendario | None = None):
    """The last day to file a reconsideración or an apelación: DIAS_PARA_RECURSO
    business days counted from the day after the notification (one made on a
    non-business day counts from the next business day)."""
    return (calendario or Calendario()).vencimiento(notificada_el, DIAS_PARA_RECURSO)


def resolucion_preparar(*, solicitud: Solicitud, actor, motivo: str) -> Resolucion | None:
    """On a denial: the resolution row (pending) in the transaction of the
    decision, and its PDF task after commit; a lost task is found again by
    the sweeper. The decision is deposited in the casilla the same day, so
    that day is the notification's."""
    if Resolucion.objects.filter(solicitud=solicitud).exists():
        return None
    decidida = timezone.localtime(solicitud.decidida_en).date() if solicitud.decidida_en else timezone.localdate()
    nombre, cargo = firmante_de(actor=actor, oficina=solicitud.tramite.oficina_resolucion.nombre)
    resolucion = Resolucion.objects.create(
        solicitud=solicitud, decision=solicitud.estado, motivo=motivo, notificada_el=decidida,
        recurso_hasta=recurso_ultimo_dia(decidida), firmante_nombre=nombre[:200], firmante_cargo=cargo[:200],
    )
    encolar(import_string(documentos.tipo_de(resolucion).tarea), documento_id=resolucion.pk)
    return resolucion


# --- Rendering (called by the pipeline, inside the row's lock) ---------------------------------------------


def resolucion_contexto(resolucion: Resolucion) -> dict:
    solicitud = resolucion.solicitud
    return {
        "resolucion": resolucion,
        "solicitud": solicitud,
        "tramite": solicitud.tramite,
        **titular_y_representante(solicitud.solicitante),
        "base_legal_recursos": BASE_LEGAL_RECURSOS,
        "dias_para_recurso": DIAS_PARA_RECURSO,
        "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
        "ahora": timezone.localtime(),
        "identificador": solicitud.expediente or "",
    }


def resolucion_generar(resolucion: Resolucion) -> bytes:
    from egov import pdf

    documento = pdf.pdf_renderizar("pdf/resolucion.html", resolucion_contexto(resolucion))
    return pdf.pdf_firmar(documento, motivo=_("Resolución"))


def resolucion_al_emitir(resolucion: Resolucion) -> None:
    evento_registrar(
        resolucion.solicitud, TipoEvento.DOCUMENTO_EMITIDO,
        nota=_("Resolución lista para descargar; puedes presentar un recurso hasta el %(fecha)s.")
        % {"fecha": resolucion.recurso_hasta.strftime("%d/%m/%Y")},
    )


TIPO_RESOLUCION = TipoDocumento(
    nombre="resolucion", modelo="tramites.Resolucion",
    tarea="tramites.resoluciones.tasks.resolucion_emitir",
    generar="tramites.resoluciones.services.resolucion_generar",
    al_emitir="tramites.resoluciones.services.resolucion_al_emitir",
    relacionados=("solicitud__tramite__oficina_resolucion",),
)
