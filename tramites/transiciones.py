"""
The state machine of a request. One function changes the state
(`transicionar`, on a row the caller locked with `bloquear`): it checks the
transition is allowed for the actor, writes the state and an event, tells the
citizen, and runs the transition's declared effects. Every event, state
change or not (a certificate issued, a revocation, a silencio negativo, a
notice read), is written by `evento_registrar`. Nothing else writes
Solicitud.estado.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ciudadanos import canales
from ciudadanos import selectors as ciudadanos_selectors
from ciudadanos import services as ciudadanos_services
from ciudadanos.models import CategoriaAviso
from egov.dominio import AccionNoPermitida

from . import selectors
from .acciones import ACCIONES
from .cache import solicitud_invalidar
from .models import Estado, Evento, Solicitud, TipoEvento
from .plazos import DIAS_PARA_RECURSO, DIAS_PARA_SUBSANAR, Calendario


class TransicionNoPermitida(AccionNoPermitida):
    """The action is not possible now, or not for this person. The message is
    meant for the person who tried."""


def hoy_en_lima() -> datetime.date:
    return timezone.localdate()


# --- Effects: what a transition does besides changing the state -----------------------------------


def decision_medir(solicitud: Solicitud, accion: str, actor, nota: str) -> None:
    """Decision time in business days, without the days the clock was stopped
    for observations, and whether it came within the legal deadline."""
    por_silencio = accion == "silencio_positivo"
    solicitud.decidida_en = timezone.now()
    solicitud.por_silencio = por_silencio
    if solicitud.presentada_en:
        calendario = Calendario()
        solicitud.dias_habiles_decision = calendario.dias_para_decidir(solicitud)
        decidida = timezone.localtime(solicitud.decidida_en).date()
        solicitud.dentro_de_plazo = not por_silencio and (
            solicitud.fecha_limite is None or decidida <= solicitud.fecha_limite
        )
    solicitud.save(update_fields=["decidida_en", "por_silencio", "dias_habiles_decision", "dentro_de_plazo",
                                  "actualizado_en"])


def certificado_emitir(solicitud: Solicitud, accion: str, actor, nota: str) -> None:
    from .certificados.services import certificado_preparar

    certificado_preparar(solicitud=solicitud, por_silencio=accion == "silencio_positivo", actor=actor, nota=nota)


def cargo_emitir(solicitud: Solicitud, accion: str, actor, nota: str) -> None:
    from .certificados.services import cargo_preparar

    cargo_preparar(solicitud=solicitud)


def resolucion_emitir(solicitud: Solicitud, accion: str, actor, nota: str) -> None:
    """A denial is notified with a signed resolution: the reason (the event's
    note), the legal basis, and how and until when to appeal."""
    from .resoluciones.services import resolucion_preparar

    resolucion_preparar(solicitud=solicitud, actor=actor, motivo=nota)


# --- Whether the citizen is told: one notice per moment -----------------------------------------


def siempre(solicitud: Solicitud, anterior: str) -> bool:
    return True


def sin_aprobacion_automatica(solicitud: Solicitud, anterior: str) -> bool:
    """A procedure with automatic approval is approved in the same instant it
    is filed: the approval's notice says both, so the filing tells nothing."""
    return not solicitud.tramite.es_automatica


def con_cambio_de_estado(solicitud: Solicitud, anterior: str) -> bool:
    """Taking over or reassigning a request already in evaluation changes
    nothing for the citizen (who sees office and role, not the servant)."""
    return anterior != solicitud.estado


@dataclass(frozen=True)
class Transicion:
    origen: frozenset
    destino: str
    evento: str
    quien: str  # "ciudadano", "personal" (see acciones.py) or "sistema"
    efectos: tuple[Callable, ...] = ()
    avisar: Callable[[Solicitud, str], bool] = siempre


def _del_personal(accion: str, destino: str, evento: str, efectos=(), avisar=siempre) -> Transicion:
    """A staff action's transition: its states come from the action table."""
    return Transicion(ACCIONES[accion].estados, destino, evento, "personal", efectos, avisar)


# --- The table ------------------------------------------------------------------------------------

TRANSICIONES = {
    "presentar": Transicion(
        frozenset({Estado.BORRADOR}), Estado.PRESENTADA, TipoEvento.PRESENTADA, "ciudadano", (cargo_emitir,),
        sin_aprobacion_automatica,
    ),
    "aprobar_automatica": Transicion(
        frozenset({Estado.PRESENTADA}), Estado.APROBADA, TipoEvento.APROBACION_AUTOMATICA, "sistema",
        (decision_medir, certificado_emitir),
    ),
    "tomar": _del_personal("tomar", Estado.EN_EVALUACION, TipoEvento.TOMADA, avisar=con_cambio_de_estado),
    "asignar": _del_personal("asignar", Estado.EN_EVALUACION, TipoEvento.ASIGNADA, avisar=con_cambio_de_estado),
    "observar": _del_personal("observar", Estado.OBSERVADA, TipoEvento.OBSERVADA),
    "subsanar": Transicion(
        frozenset({Estado.OBSERVADA}), Estado.EN_EVALUACION, TipoEvento.SUBSANADA, "ciudadano"
    ),
    "aprobar": _del_personal("aprobar", Estado.APROBADA, TipoEvento.APROBADA, (decision_medir, certificado_emitir)),
    "denegar": _del_personal(
        "denegar", Estado.DENEGADA, TipoEvento.DENEGADA, (decision_medir, resolucion_emitir)
    ),
    "desistir": Transicion(
        frozenset({Estado.PRESENTADA, Estado.EN_EVALUACION, Estado.OBSERVADA}), Estado.DESISTIDA,
        TipoEvento.DESISTIDA, "ciudadano",
    ),
    "no_presentar": Transicion(
        frozenset({Estado.OBSERVADA}), Estado.NO_PRESENTADA, TipoEvento.NO_PRESENTADA, "sistema"
    ),
    "silencio_positivo": Transicion(
        frozenset({Estado.PRESENTADA, Estado.EN_EVALUACION}), Estado.APROBADA, TipoEvento.SILENCIO_POSITIVO,
        "sistema", (decision_medir, certificado_emitir),
    ),
}


# --- The one path -----------------------------------------------------------------------------------


def bloquear(solicitud_id: int) -> Solicitud:
    """Locks the request for a write; its citizen's cached pages are refreshed
    once the write commits."""
    solicitud = (
        Solicitud.objects.select_for_update(of=("self",))
        .select_related("tramite", "ciudadano")
        .get(pk=solicitud_id)
    )
    solicitud_invalidar(solicitud)
    return solicitud


def autorizar(solicitud: Solicitud, accion: str, actor) -> None:
    transicion = TRANSICIONES[accion]
    if transicion.quien == "ciudadano":
        permitido = actor is not None and actor.pk == solicitud.ciudadano_id
    elif transicion.quien == "personal":
        # Staff of the procedure's office, with the role that allows this action.
        permitido = (
            actor is not None
            and selectors.puede_gestionar(usuario=actor, solicitud=solicitud, accion=accion)
            and actor.has_perm(ACCIONES[accion].permiso)
        )
    else:
        permitido = actor is None
    if not permitido:
        raise TransicionNoPermitida(_("No tienes permiso para hacer esto con esta solicitud."))


def transicionar(solicitud: Solicitud, accion: str, actor, nota: str = "") -> Evento:
    """Applies an action to a request already locked by the caller."""
    transicion = TRANSICIONES[accion]
    autorizar(solicitud, accion, actor)
    if solicitud.estado not in transicion.origen:
        raise TransicionNoPermitida(
            _("No se puede hacer esto: la solicitud está «%(estado)s».")
            % {"estado": solicitud.get_estado_display()}
        )
    anterior = solicitud.estado
    solicitud.estado = transicion.destino
    solicitud.save()
    evento = evento_registrar(solicitud, transicion.evento, actor=actor, nota=nota, estado_anterior=anterior,
                              avisar=transicion.avisar(solicitud, anterior))
    for efecto in transicion.efectos:
        efecto(solicitud, accion, actor, nota)
    return evento


def evento_registrar(
    solicitud: Solicitud, tipo: str, *, actor=None, nota: str = "", estado_anterior: str | None = None,
    avisar: bool = True,
) -> Evento:
    """Writes an event of the request's timeline (the state stays as it is
    unless a transition changed it) and, with `avisar`, deposits the
    citizen's notice about it in the casilla."""
    evento = Evento.objects.create(
        solicitud=solicitud, tipo=tipo, actor=actor,
        estado_anterior=solicitud.estado if estado_anterior is None else estado_anterior,
        estado_nuevo=solicitud.estado, nota=nota,
    )
    if avisar:
        _notificar(solicitud, evento)
    solicitud_invalidar(solicitud)
    return evento


# A document issued this soon after the decision that produced it, while the
# decision's notice is still unread, is announced by that notice (which says
# the document will be on the request's page in minutes): one moment, one
# notice. Later, or once that notice was read, it gets its own notice.
DOCUMENTO_CON_LA_DECISION = datetime.timedelta(minutes=30)
EVENTOS_CON_DOCUMENTO = (
    TipoEvento.APROBADA, TipoEvento.APROBACION_AUTOMATICA, TipoEvento.SILENCIO_POSITIVO, TipoEvento.DENEGADA,
)


def _anunciado_con_la_decision(solicitud: Solicitud, evento: Evento) -> bool:
    if evento.tipo != TipoEvento.DOCUMENTO_EMITIDO:
        return False
    decision = (
        Evento.objects.filter(solicitud=solicitud, tipo__in=EVENTOS_CON_DOCUMENTO)
        .order_by("-creado_en", "-id").first()
    )
    if decision is None or evento.creado_en - decision.creado_en > DOCUMENTO_CON_LA_DECISION:
        return False
    return ciudadanos_selectors.aviso_sin_leer_desde(
        usuario_id=solicitud.ciudadano_id, referencia=referencia_de(solicitud), desde=decision.creado_en,
    )


# Events whose notice has legal effect (Ley 31736): a decision, an observation
# (it starts the term to correct), the end of a request for lack of a
# correction, the silencio administrativo, a revoked certificate. Deposited
# only with the citizen's consent to the casilla, alerted at once by every
# verified channel, and recorded in a constancia de notificación. Every other
# notice is routine news, alerted in the day's digest.
EVENTOS_CON_EFECTO_LEGAL = frozenset({
    TipoEvento.OBSERVADA, TipoEvento.APROBADA, TipoEvento.APROBACION_AUTOMATICA, TipoEvento.DENEGADA,
    TipoEvento.NO_PRESENTADA, TipoEvento.SILENCIO_POSITIVO, TipoEvento.SILENCIO_NEGATIVO,
    TipoEvento.CERTIFICADO_REVOCADO,
})


def fin_del_dia(fecha: datetime.date) -> datetime.datetime:
    """The last second of a day in Lima: when a term that ends that day runs out."""
    return timezone.make_aware(datetime.datetime.combine(fecha, datetime.time(23, 59, 59)))


def _plazo_del_aviso(solicitud: Solicitud, evento: Evento) -> datetime.datetime | None:
    """The term a notice starts: an observation's, to correct it."""
    if evento.tipo != TipoEvento.OBSERVADA:
        return None
    observacion = (
        solicitud.observaciones.filter(subsanada_en__isnull=True).order_by("-creada_en", "-id").first()
    )
    return fin_del_dia(observacion.plazo) if observacion else None


def _notificar(solicitud: Solicitud, evento: Evento) -> None:
    if _anunciado_con_la_decision(solicitud, evento):
        return
    contexto = {"solicitud": solicitud, "evento": evento, "tramite": solicitud.tramite,
                "SITE_URL": settings.SITE_URL, "dias_para_subsanar": DIAS_PARA_SUBSANAR,
                "dias_para_recurso": DIAS_PARA_RECURSO}
    asunto = " ".join(render_to_string("tramites/avisos/asunto.txt", contexto).split())
    legal = evento.tipo in EVENTOS_CON_EFECTO_LEGAL
    if legal and canales.consentimiento_vigente(usuario_id=solicitud.ciudadano_id) is None:
        # Without consent the casilla does not notify: the office does, at the
        # citizen's address, and its page says so (tramites/admin/bandeja.py).
        evento_registrar(solicitud, TipoEvento.NOTIFICAR_OTRO_MEDIO, avisar=False,
                         nota=_nota_otro_medio(solicitud, asunto))
        return
    cuerpo = render_to_string("tramites/avisos/cuerpo.txt", contexto).strip()
    ciudadanos_services.aviso_depositar(
        usuario=solicitud.ciudadano,
        asunto=asunto,
        cuerpo=cuerpo,
        enlace=solicitud.get_absolute_url(),
        referencia=referencia_de(solicitud),
        categoria=CategoriaAviso.LEGAL if legal else CategoriaAviso.NOVEDAD,
        plazo_vence_en=_plazo_del_aviso(solicitud, evento) if legal else None,
    )


def _nota_otro_medio(solicitud: Solicitud, asunto: str) -> str:
    """What the office must notify and where: the address the citizen gave
    when filing (a company's registered address, for a company)."""
    datos = solicitud.solicitante or {}
    empresa = datos.get("empresa") or {}
    domicilio = empresa.get("domicilio_fiscal") or datos.get("direccion") or ""
    nota = _(
        "El ciudadano no aceptó la notificación electrónica: notifica «%(asunto)s» en su domicilio "
        "(art. 20.1.1 TUO Ley 27444)."
    ) % {"asunto": asunto}
    if domicilio:
        nota += " " + _("Domicilio declarado: %(domicilio)s.") % {"domicilio": domicilio}
    return nota


def referencia_de(solicitud: Solicitud) -> str:
    """How this app names a request in the citizen's casilla."""
    return f"solicitud:{solicitud.pk}"


def notificacion_leida_registrar(*, notificacion) -> Evento | None:
    """The citizen opened a notice about one of their requests: the read time
    (the legal acknowledgement) goes into the request's timeline."""
    prefijo, _sep, pk = (notificacion.referencia or "").partition(":")
    if prefijo != "solicitud" or not pk.isdigit():
        return None
    solicitud = Solicitud.objects.filter(pk=int(pk), ciudadano_id=notificacion.usuario_id).first()
    if solicitud is None:
        return None
    return evento_registrar(
        solicitud, TipoEvento.NOTIFICACION_LEIDA, actor=notificacion.usuario, avisar=False,
        nota=_("«%(asunto)s», leída el %(fecha)s.")
        % {"asunto": notificacion.asunto, "fecha": timezone.localtime(notificacion.leida_en).strftime("%d/%m/%Y %H:%M")},
    )
