"""Reads of the notices with legal effect of a request and of their
constancias: what the request's page (citizen) and its admin page (office)
show, who may ask for a constancia, and the public verification."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from ciudadanos.models import CategoriaAviso, Notificacion
from egov.documentos import AVISO_FALLA
from egov.dominio import NoEncontrado
from egov.models import EstadoDocumento, EstadoEntrega, EstadoMensaje, Mensaje

from .. import selectors
from ..models import Estado, Solicitud
from ..plazos import Calendario
from ..transiciones import referencia_de
from . import fechas
from .models import ConstanciaNotificacion


@dataclass
class NotificacionLegal:
    """A notice with legal effect about a request, as its pages show it."""

    notificacion: Notificacion
    fecha: datetime.date | None  # the legal notification date; None while it has not taken effect
    tacita: datetime.date | None = None  # under "dias_habiles", unread: the day it takes effect anyway
    alertas: list[Mensaje] = field(default_factory=list)  # only when asked for (the office's page)

    @property
    def sin_aviso(self) -> bool:
        """Unread, and no alert reached the citizen: every one failed to be
        sent, bounced or was refused (or none was recorded)."""
        if self.notificacion.leida_en is not None:
            return False
        return all(
            m.estado == EstadoMensaje.FALLIDO or m.entrega in EstadoEntrega.fallas() for m in self.alertas
        )


def notificaciones_legales(*, solicitud: Solicitud, con_alertas: bool = False) -> list[NotificacionLegal]:
    """The request's notices with legal effect, oldest first, with their
    legal date under the entity's rule (and, for the office, their alerts).
    One query, two with the alerts (and the calendar's under "dias_habiles")."""
    notificaciones = list(
        Notificacion.objects.filter(
            referencia=referencia_de(solicitud), usuario_id=solicitud.ciudadano_id, categoria=CategoriaAviso.LEGAL
        ).order_by("depositada_en", "pk")
    )
    if not notificaciones:
        return []
    regla, dias = fechas.regla_vigente(), fechas.dias_vigentes()
    calendario = Calendario() if regla == fechas.DIAS_HABILES else None
    hoy = timezone.localdate()
    alertas = {}
    if con_alertas:
        from .services import alertas_de, destino_enmascarado

        alertas = alertas_de(notificaciones)
        for mensaje in (m for lista in alertas.values() for m in lista):
            mensaje.destino_enmascarado = destino_enmascarado(mensaje)
    resultado = []
    for notificacion in notificaciones:
        fecha = fechas.fecha_notificacion(notificacion=notificacion, regla=regla, dias=dias, calendario=calendario,
                                          hoy=hoy)
        tacita = None
        if fecha is None and regla == fechas.DIAS_HABILES:
            tacita = fechas.fecha_tacita(notificacion=notificacion, dias=dias, calendario=calendario)
        resultado.append(NotificacionLegal(notificacion, fecha, tacita, alertas.get(notificacion.pk, [])))
    return resultado


def _notificacion_legal(solicitud: Solicitud, notificacion_id: int) -> Notificacion:
    notificacion = Notificacion.objects.filter(
        pk=notificacion_id, referencia=referencia_de(solicitud), usuario_id=solicitud.ciudadano_id,
        categoria=CategoriaAviso.LEGAL,
    ).first()
    if notificacion is None:
        raise NoEncontrado
    return notificacion


def notificacion_legal_de_ciudadano(*, ciudadano, expediente: str, notificacion_id: int) -> Notificacion:
    """A notice with legal effect about a request this citizen may follow
    (theirs, or their company's); NoEncontrado for anyone else's."""
    if not (ciudadano and ciudadano.is_authenticated):
        raise NoEncontrado
    solicitud = Solicitud.objects.filter(expediente=expediente).exclude(estado=Estado.BORRADOR).first()
    if solicitud is None or not selectors.puede_seguir(usuario=ciudadano, solicitud=solicitud):
        raise NoEncontrado
    return _notificacion_legal(solicitud, notificacion_id)


def notificacion_legal_de_personal(*, usuario, solicitud_id: int, notificacion_id: int) -> Notificacion:
    """A notice with legal effect about a request of the servant's offices
    (solicitudes_de_personal); NoEncontrado for any other."""
    solicitud = selectors.solicitudes_de_personal(usuario=usuario).filter(pk=solicitud_id).first()
    if solicitud is None:
        raise NoEncontrado
    return _notificacion_legal(solicitud, notificacion_id)


# --- Verification ------------------------------------------------------------------------------------


def constancia_por_codigo(*, codigo: str) -> ConstanciaNotificacion | None:
    if not codigo:
        return None
    return ConstanciaNotificacion.objects.filter(codigo=codigo).select_related("solicitud__tramite").first()


def constancia_por_huella(*, sha256: str) -> ConstanciaNotificacion | None:
    return (
        ConstanciaNotificacion.objects.filter(sha256=sha256, estado=EstadoDocumento.EMITIDO)
        .select_related("solicitud__tramite").first()
    )


def constancias_con_fallas_de(*, usuario) -> dict:
    """The constancias of the servant's requests that fail for long or wait for a person."""
    return {
        ConstanciaNotificacion._meta.model_name: ConstanciaNotificacion.objects.con_fallas(
            desde=timezone.now() - AVISO_FALLA
        ).filter(solicitud__in=selectors.solicitudes_de_personal(usuario=usuario))
    }
