"""What the law makes of time running out (run every day by beat)."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Calificacion, Estado, Solicitud, TipoEvento
from ..transiciones import TRANSICIONES, bloquear, evento_registrar, hoy_en_lima, transicionar


def solicitud_no_presentar(*, solicitud: Solicitud) -> Solicitud:
    with transaction.atomic():
        solicitud = bloquear(solicitud.pk)
        transicionar(solicitud, "no_presentar", None, nota=_("No se subsanó dentro del plazo."))
    return solicitud


def plazos_vencidos_procesar(*, hoy: datetime.date | None = None) -> dict:
    """Applies the law to requests whose time ran out. Idempotent: each request
    is locked and checked again, so a second run (or two at once) changes nothing more.

    * Observed and not corrected in time: no presentada (art. 136, TUO Ley 27444).
    * Past the due date under silencio positivo: deemed approved (art. 199).
    * Past the due date under silencio negativo: the citizen is told once that
      they may appeal (art. 199.3); the request stays open.
    """
    hoy = hoy or hoy_en_lima()
    resultado = {"no_presentadas": 0, "silencio_positivo": 0, "silencio_negativo": 0}

    observadas = (
        Solicitud.objects.filter(
            estado=Estado.OBSERVADA,
            observaciones__subsanada_en__isnull=True,
            observaciones__plazo__lt=hoy,
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    for pk in list(observadas):
        with transaction.atomic():
            solicitud = bloquear(pk)
            pendiente = solicitud.observaciones.filter(subsanada_en__isnull=True).last()
            if solicitud.estado == Estado.OBSERVADA and pendiente and pendiente.plazo < hoy:
                transicionar(solicitud, "no_presentar", None, nota=_("No se subsanó dentro del plazo."))
                resultado["no_presentadas"] += 1

    vencidas = Solicitud.objects.filter(
        estado__in=(Estado.PRESENTADA, Estado.EN_EVALUACION), fecha_limite__lt=hoy
    )
    for pk in list(vencidas.filter(tramite__calificacion=Calificacion.POSITIVO).values_list("pk", flat=True)):
        with transaction.atomic():
            solicitud = bloquear(pk)
            if solicitud.estado in TRANSICIONES["silencio_positivo"].origen and solicitud.fecha_limite < hoy:
                transicionar(
                    solicitud, "silencio_positivo", None,
                    nota=_("La entidad no se pronunció hasta el %(fecha)s: la solicitud se considera aprobada.")
                    % {"fecha": solicitud.fecha_limite.strftime("%d/%m/%Y")},
                )
                resultado["silencio_positivo"] += 1

    negativas = vencidas.filter(tramite__calificacion=Calificacion.NEGATIVO).exclude(
        eventos__tipo=TipoEvento.SILENCIO_NEGATIVO
    )
    for pk in list(negativas.values_list("pk", flat=True)):
        with transaction.atomic():
            solicitud = bloquear(pk)
            ya = solicitud.eventos.filter(tipo=TipoEvento.SILENCIO_NEGATIVO).exists()
            if not ya and solicitud.estado in (Estado.PRESENTADA, Estado.EN_EVALUACION):
                evento_registrar(
                    solicitud, TipoEvento.SILENCIO_NEGATIVO,
                    nota=_("Venció el plazo el %(fecha)s sin respuesta: puedes considerar denegada tu "
                           "solicitud e interponer un recurso, o esperar la respuesta.")
                    % {"fecha": solicitud.fecha_limite.strftime("%d/%m/%Y")},
                )
                resultado["silencio_negativo"] += 1
    return resultado
