"""Requests that were decided before they reached the portal (the entity's
history, or the demonstration data of `make run`): registered with their own
dates, numbered and recorded as any other, so every figure reads them alike."""

import datetime

from django.db import transaction
from django.utils import timezone

from ..models import Estado, Solicitud, TipoEvento, Tramite
from ..plazos import Calendario
from ..transiciones import evento_registrar
from .presentacion import expediente_siguiente

EVENTO_DEL_FINAL = {
    Estado.APROBADA: TipoEvento.APROBADA,
    Estado.DENEGADA: TipoEvento.DENEGADA,
    Estado.DESISTIDA: TipoEvento.DESISTIDA,
}


def solicitud_historica_registrar(
    *, tramite: Tramite, ciudadano, presentada_en: datetime.datetime, estado: str,
    decidida_en: datetime.datetime | None = None, solicitante: dict,
) -> Solicitud:
    """A request filed on `presentada_en` and ended in `estado` (approved,
    denied or withdrawn) on `decidida_en`. Its due date, decision time and
    whether it was decided in time are computed as for a request filed today;
    no notice is sent (the citizen was told back then)."""
    if estado not in EVENTO_DEL_FINAL:
        raise ValueError(f"Una solicitud histórica termina aprobada, denegada o desistida, no {estado}")
    calendario = Calendario()
    with transaction.atomic():
        local = timezone.localtime(presentada_en)
        solicitud = Solicitud.objects.create(
            tramite=tramite, ciudadano=ciudadano, estado=Estado.PRESENTADA, declaracion_jurada=True,
            expediente=expediente_siguiente(local.year), solicitante=solicitante, presentada_en=presentada_en,
            fecha_limite=None if tramite.es_automatica else calendario.vencimiento(local.date(), tramite.plazo_dias),
        )
        Solicitud.objects.filter(pk=solicitud.pk).update(creado_en=presentada_en)
        evento_registrar(solicitud, TipoEvento.PRESENTADA, actor=ciudadano, avisar=False, estado_anterior=Estado.BORRADOR)
        solicitud.estado = estado
        if estado != Estado.DESISTIDA and decidida_en is not None:
            solicitud.decidida_en = decidida_en
            solicitud.dias_habiles_decision = calendario.dias_para_decidir(solicitud)
            solicitud.dentro_de_plazo = (
                solicitud.fecha_limite is None or timezone.localtime(decidida_en).date() <= solicitud.fecha_limite
            )
        solicitud.save()
        evento_registrar(solicitud, EVENTO_DEL_FINAL[estado], avisar=False, estado_anterior=Estado.PRESENTADA)
    return solicitud
