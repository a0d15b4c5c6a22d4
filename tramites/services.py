"""
Every write about requests. State changes go through one path (`_transicionar`
on a row locked with select_for_update): it checks the transition is allowed for
the actor, writes the state and an Evento, and schedules the citizen's notice
for after the commit. Nothing else writes Solicitud.estado.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ciudadanos import services as ciudadanos_services

from . import selectors
from .archivos import ArchivoRevisado
from .cache import ciudadano_invalidar
from .models import (
    AccesoExpediente,
    Adjunto,
    AdjuntoRequerido,
    Calificacion,
    ContadorExpediente,
    Estado,
    Evento,
    Observacion,
    Solicitud,
    TipoEvento,
    Tramite,
)
from .plazos import Calendario
from .roles import PERMISO_DE_ACCION

DIAS_PARA_SUBSANAR = 2


class TransicionNoPermitida(Exception):
    """The action is not possible now, or not for this person. The message is
    meant for the person who tried."""


class SolicitudIncompleta(Exception):
    def __init__(self, faltantes):
        self.faltantes = faltantes
        super().__init__(_("La solicitud está incompleta."))


@dataclass(frozen=True)
class Transicion:
    origen: frozenset
    destino: str
    evento: str
    quien: str  # "ciudadano", "personal" or "sistema"


TRANSICIONES = {
    "presentar": Transicion(
        frozenset({Estado.BORRADOR}), Estado.PRESENTADA, TipoEvento.PRESENTADA, "ciudadano"
    ),
    "aprobar_automatica": Transicion(
        frozenset({Estado.PRESENTADA}), Estado.APROBADA, TipoEvento.APROBACION_AUTOMATICA, "sistema"
    ),
    "tomar": Transicion(
        frozenset({Estado.PRESENTADA}), Estado.EN_EVALUACION, TipoEvento.TOMADA, "personal"
    ),
    "observar": Transicion(
        frozenset({Estado.PRESENTADA, Estado.EN_EVALUACION}),
        Estado.OBSERVADA,
        TipoEvento.OBSERVADA,
        "personal",
    ),
    "subsanar": Transicion(
        frozenset({Estado.OBSERVADA}), Estado.EN_EVALUACION, TipoEvento.SUBSANADA, "ciudadano"
    ),
    "aprobar": Transicion(
        frozenset({Estado.EN_EVALUACION}), Estado.APROBADA, TipoEvento.APROBADA, "personal"
    ),
    "denegar": Transicion(
        frozenset({Estado.EN_EVALUACION}), Estado.DENEGADA, TipoEvento.DENEGADA, "personal"
    ),
    "desistir": Transicion(
        frozenset({Estado.PRESENTADA, Estado.EN_EVALUACION, Estado.OBSERVADA}),
        Estado.DESISTIDA,
        TipoEvento.DESISTIDA,
        "ciudadano",
    ),
    "no_presentar": Transicion(
        frozenset({Estado.OBSERVADA}), Estado.NO_PRESENTADA, TipoEvento.NO_PRESENTADA, "sistema"
    ),
    "asignar": Transicion(
        frozenset({Estado.PRESENTADA, Estado.EN_EVALUACION}),
        Estado.EN_EVALUACION,
        TipoEvento.ASIGNADA,
        "personal",
    ),
    "silencio_positivo": Transicion(
        frozenset({Estado.PRESENTADA, Estado.EN_EVALUACION}),
        Estado.APROBADA,
        TipoEvento.SILENCIO_POSITIVO,
        "sistema",
    ),
}


def _hoy() -> datetime.date:
    return timezone.localdate()


def _bloquear(solicitud_id: int) -> Solicitud:
    """Locks the request for a write; its citizen's cached pages are refreshed
    once the write commits."""
    solicitud = (
        Solicitud.objects.select_for_update(of=("self",))
        .select_related("tramite", "ciudadano")
        .get(pk=solicitud_id)
    )
    ciudadano_invalidar(solicitud.ciudadano_id)
    return solicitud


def _autorizar(solicitud: Solicitud, accion: str, transicion: Transicion, actor) -> None:
    if transicion.quien == "ciudadano":
        permitido = actor is not None and actor.pk == solicitud.ciudadano_id
    elif transicion.quien == "personal":
        # Staff of the procedure's office, with the role that allows this action.
        permitido = (
            actor is not None
            and selectors.puede_gestionar(usuario=actor, solicitud=solicitud)
            and actor.has_perm(PERMISO_DE_ACCION[accion])
        )
    else:
        permitido = actor is None
    if not permitido:
        raise TransicionNoPermitida(_("No tienes permiso para hacer esto con esta solicitud."))


def _transicionar(solicitud: Solicitud, accion: str, actor, nota: str = "") -> Evento:
    """Applies an action to a request already locked by the caller."""
    transicion = TRANSICIONES[accion]
    _autorizar(solicitud, accion, transicion, actor)
    if solicitud.estado not in transicion.origen:
        raise TransicionNoPermitida(
            _("No se puede hacer esto: la solicitud está «%(estado)s».")
            % {"estado": solicitud.get_estado_display()}
        )
    anterior = solicitud.estado
    solicitud.estado = transicion.destino
    if transicion.destino in (Estado.APROBADA, Estado.DENEGADA) and anterior != transicion.destino:
        solicitud.decidida_en = timezone.now()
    solicitud.save()
    evento = Evento.objects.create(
        solicitud=solicitud,
        tipo=transicion.evento,
        actor=actor,
        estado_anterior=anterior,
        estado_nuevo=transicion.destino,
        nota=nota,
    )
    _notificar(solicitud, evento)
    return evento


def _notificar(solicitud: Solicitud, evento: Evento) -> None:
    contexto = {"solicitud": solicitud, "evento": evento, "tramite": solicitud.tramite}
    asunto = render_to_string("tramites/avisos/asunto.txt", contexto).strip()
    cuerpo = render_to_string("tramites/avisos/cuerpo.txt", contexto).strip()
    ciudadanos_services.aviso_depositar(
        usuario=solicitud.ciudadano,
        asunto=" ".join(asunto.split()),
        cuerpo=cuerpo,
        enlace=solicitud.get_absolute_url(),
    )


# --- Drafts ---------------------------------------------------------------------------


def borrador_iniciar(*, ciudadano, tramite: Tramite) -> Solicitud:
    """The citizen's open draft of this procedure, created if there is none
    (a double click never makes two)."""
    existente = Solicitud.objects.filter(
        ciudadano=ciudadano, tramite=tramite, estado=Estado.BORRADOR
    ).first()
    if existente:
        return existente
    try:
        with transaction.atomic():
            solicitud = Solicitud.objects.create(ciudadano=ciudadano, tramite=tramite)
            ciudadano_invalidar(ciudadano.pk)
            Evento.objects.create(
                solicitud=solicitud, tipo=TipoEvento.CREADA, actor=ciudadano,
                estado_nuevo=Estado.BORRADOR,
            )
            return solicitud
    except IntegrityError:
        return Solicitud.objects.get(ciudadano=ciudadano, tramite=tramite, estado=Estado.BORRADOR)


def _editable(solicitud: Solicitud) -> None:
    if solicitud.estado not in (Estado.BORRADOR, Estado.OBSERVADA):
        raise TransicionNoPermitida(
            _("Esta solicitud ya fue presentada y no se puede modificar.")
        )


def borrador_responder(*, solicitud: Solicitud, respuestas: dict) -> Solicitud:
    """Saves answers (already cleaned and serialised) into the draft."""
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        _editable(solicitud)
        solicitud.respuestas = {**solicitud.respuestas, **respuestas}
        solicitud.save(update_fields=["respuestas", "actualizado_en"])
    return solicitud


def borrador_pago_registrar(
    *, solicitud: Solicitud, canal: str, numero: str, fecha: datetime.date, monto: Decimal
) -> Solicitud:
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        _editable(solicitud)
        solicitud.pago_canal = canal
        solicitud.pago_numero = numero
        solicitud.pago_fecha = fecha
        solicitud.pago_monto = monto
        solicitud.save(
            update_fields=["pago_canal", "pago_numero", "pago_fecha", "pago_monto", "actualizado_en"]
        )
    return solicitud


class LimiteAdjuntosExcedido(Exception):
    pass


def adjunto_agregar(
    *, solicitud: Solicitud, requerido: AdjuntoRequerido | None, revisado: ArchivoRevisado,
    max_total: int,
) -> Adjunto:
    """Stores a checked file under a random name. For a required document, a
    new file replaces the previous one (kept for the record once filed)."""
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        _editable(solicitud)
        vigentes = Adjunto.objects.filter(solicitud=solicitud, vigente=True)
        reemplazados = vigentes.filter(requerido=requerido) if requerido else vigentes.none()
        total = sum(a.tamano for a in vigentes.exclude(pk__in=reemplazados)) + len(revisado.contenido)
        if total > max_total:
            raise LimiteAdjuntosExcedido()
        for anterior in reemplazados:
            if solicitud.estado == Estado.BORRADOR:
                anterior.archivo.delete(save=False)
                anterior.delete()
            else:
                anterior.vigente = False
                anterior.save(update_fields=["vigente"])
        adjunto = Adjunto(
            solicitud=solicitud,
            requerido=requerido,
            nombre_original=revisado.nombre,
            tipo_mime=revisado.tipo_mime,
            tamano=len(revisado.contenido),
            sha256=revisado.sha256,
        )
        adjunto.archivo.save(f"x.{revisado.extension}", ContentFile(revisado.contenido), save=False)
        try:
            adjunto.save()
        except Exception:
            adjunto.archivo.delete(save=False)
            raise
    return adjunto


def adjunto_quitar(*, solicitud: Solicitud, adjunto: Adjunto) -> None:
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        if solicitud.estado != Estado.BORRADOR:
            raise TransicionNoPermitida(_("Solo puedes quitar documentos de un borrador."))
        adjunto.archivo.delete(save=False)
        adjunto.delete()


def borrador_eliminar(*, solicitud: Solicitud, ciudadano) -> None:
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        if solicitud.estado != Estado.BORRADOR or solicitud.ciudadano_id != ciudadano.pk:
            raise TransicionNoPermitida(_("Solo puedes eliminar tus borradores."))
        for adjunto in solicitud.adjuntos.all():
            adjunto.archivo.delete(save=False)
        solicitud.delete()


# --- Filing -------------------------------------------------------------------------------


def _expediente_siguiente(anio: int) -> str:
    ContadorExpediente.objects.bulk_create([ContadorExpediente(anio=anio)], ignore_conflicts=True)
    contador = ContadorExpediente.objects.select_for_update().get(anio=anio)
    contador.ultimo += 1
    contador.save(update_fields=["ultimo"])
    return f"EXP-{anio}-{contador.ultimo:06d}"


def _solicitante(ciudadano) -> dict:
    perfil = ciudadano.perfil
    return {
        "tipo_documento": perfil.tipo_documento,
        "numero_documento": perfil.numero_documento,
        "nombre_completo": perfil.nombre_completo,
        "correo": ciudadano.email,
        "telefono": perfil.telefono,
        "direccion": perfil.direccion,
        "ubigeo": perfil.ubigeo,
    }


def solicitud_presentar(*, solicitud: Solicitud, ciudadano, declaracion_jurada: bool) -> Solicitud:
    """Files a complete draft: expediente number, exact filing time, due date
    in business days; automatic-approval procedures are approved at once.
    Filing the same draft twice returns the request already filed."""
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        if solicitud.ciudadano_id != ciudadano.pk:
            raise TransicionNoPermitida(_("No tienes permiso para hacer esto con esta solicitud."))
        if solicitud.estado != Estado.BORRADOR:
            return solicitud  # a double click or a resubmitted form
        faltantes = selectors.solicitud_faltantes(solicitud=solicitud)
        if not declaracion_jurada:
            faltantes.append(
                ("revisar", _("Marca la declaración jurada para poder enviar la solicitud."))
            )
        if faltantes:
            raise SolicitudIncompleta(faltantes)
        ahora = timezone.now()
        local = timezone.localtime(ahora)
        solicitud.expediente = _expediente_siguiente(local.year)
        solicitud.presentada_en = ahora
        solicitud.declaracion_jurada = True
        solicitud.solicitante = _solicitante(solicitud.ciudadano)
        tramite = solicitud.tramite
        # An automatic approval has no evaluation term (nor promises one in the notice).
        solicitud.fecha_limite = (
            None if tramite.es_automatica
            else Calendario().vencimiento(local.date(), tramite.plazo_dias)
        )
        _transicionar(solicitud, "presentar", ciudadano)
        if tramite.es_automatica:
            _transicionar(solicitud, "aprobar_automatica", None)
    return solicitud


# --- After filing ---------------------------------------------------------------------------


def solicitud_tomar(*, solicitud: Solicitud, servidor) -> Solicitud:
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        if solicitud.asignado_a_id and solicitud.asignado_a_id != servidor.pk:
            raise TransicionNoPermitida(
                _("%(quien)s ya tomó esta solicitud.") % {"quien": solicitud.asignado_a}
            )
        _transicionar(solicitud, "tomar", servidor)
        solicitud.asignado_a = servidor
        solicitud.save(update_fields=["asignado_a", "actualizado_en"])
    return solicitud


def solicitud_asignar(*, solicitud: Solicitud, servidor, asignado) -> Solicitud:
    """A head of office or the front desk gives the request to an evaluator of
    the office (who must be able to evaluate it)."""
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        if not (
            selectors.puede_gestionar(usuario=asignado, solicitud=solicitud)
            and asignado.has_perm(PERMISO_DE_ACCION["tomar"])
        ):
            raise TransicionNoPermitida(
                _("%(quien)s no puede evaluar solicitudes de esta oficina.") % {"quien": asignado}
            )
        _transicionar(
            solicitud, "asignar", servidor,
            nota=_("Asignada a %(quien)s.") % {"quien": asignado.get_full_name()},
        )
        solicitud.asignado_a = asignado
        solicitud.save(update_fields=["asignado_a", "actualizado_en"])
    return solicitud


def solicitud_observar(*, solicitud: Solicitud, servidor, mensaje: str) -> Observacion:
    """Asks the citizen to correct something: 2 business days to do it; the
    request's own deadline is paused meanwhile (art. 136, TUO Ley 27444)."""
    mensaje = (mensaje or "").strip()
    if not mensaje:
        raise TransicionNoPermitida(_("Escribe qué debe subsanar el ciudadano."))
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        plazo = Calendario().vencimiento(_hoy(), DIAS_PARA_SUBSANAR)
        observacion = Observacion.objects.create(
            solicitud=solicitud, mensaje=mensaje, creada_por=servidor, plazo=plazo
        )
        _transicionar(solicitud, "observar", servidor, nota=mensaje)
    return observacion


def solicitud_subsanar(
    *, solicitud: Solicitud, ciudadano, respuestas: dict | None = None,
    archivos: list[tuple[AdjuntoRequerido | None, ArchivoRevisado]] = (), max_total: int = 0,
    nota: str = "",
) -> Solicitud:
    """The citizen answers the observation within its deadline, with corrected
    answers and new or replacing documents, all or nothing: evaluation resumes
    and the due date moves by the business days it was paused."""
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        if solicitud.ciudadano_id != getattr(ciudadano, "pk", None):
            raise TransicionNoPermitida(_("No tienes permiso para hacer esto con esta solicitud."))
        # Checked before anything is written: a late correction stores no file.
        observacion = solicitud.observaciones.filter(subsanada_en__isnull=True).last()
        hoy = _hoy()
        if observacion is None:
            raise TransicionNoPermitida(_("Esta solicitud no tiene observaciones pendientes."))
        if hoy > observacion.plazo:
            raise TransicionNoPermitida(
                _("El plazo para subsanar venció el %(fecha)s.")
                % {"fecha": observacion.plazo.strftime("%d/%m/%Y")}
            )
        if respuestas:
            borrador_responder(solicitud=solicitud, respuestas=respuestas)
        guardados = []
        try:
            for requerido, revisado in archivos:
                guardados.append(adjunto_agregar(
                    solicitud=solicitud, requerido=requerido, revisado=revisado, max_total=max_total
                ))
        except Exception:
            # The rows roll back with the transaction; the files must go by hand.
            for adjunto in guardados:
                adjunto.archivo.delete(save=False)
            raise
        solicitud.refresh_from_db()
        calendario = Calendario()
        pausa = calendario.entre(timezone.localtime(observacion.creada_en).date(), hoy)
        if solicitud.fecha_limite and pausa:
            solicitud.fecha_limite = calendario.sumar(solicitud.fecha_limite, pausa)
        observacion.subsanada_en = timezone.now()
        observacion.save(update_fields=["subsanada_en"])
        _transicionar(solicitud, "subsanar", ciudadano, nota=nota)
    return solicitud


def solicitud_desistir(*, solicitud: Solicitud, ciudadano, motivo: str = "") -> Solicitud:
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        _transicionar(solicitud, "desistir", ciudadano, nota=motivo)
    return solicitud


def solicitud_aprobar(*, solicitud: Solicitud, servidor, nota: str = "") -> Solicitud:
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        _transicionar(solicitud, "aprobar", servidor, nota=nota)
    return solicitud


def solicitud_denegar(*, solicitud: Solicitud, servidor, motivo: str) -> Solicitud:
    motivo = (motivo or "").strip()
    if not motivo:
        raise TransicionNoPermitida(_("Escribe el motivo de la denegatoria."))
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        _transicionar(solicitud, "denegar", servidor, nota=motivo)
    return solicitud


def solicitud_no_presentar(*, solicitud: Solicitud) -> Solicitud:
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        _transicionar(solicitud, "no_presentar", None, nota=_("No se subsanó dentro del plazo."))
    return solicitud


# --- Deadlines (run every day by Celery beat) ------------------------------------------------


def _evento_registrar(solicitud: Solicitud, tipo: str, nota: str = "") -> Evento:
    """An event that does not change the state (the request stays locked by the caller)."""
    evento = Evento.objects.create(
        solicitud=solicitud, tipo=tipo, estado_anterior=solicitud.estado,
        estado_nuevo=solicitud.estado, nota=nota,
    )
    _notificar(solicitud, evento)
    return evento


def plazos_vencidos_procesar(*, hoy: datetime.date | None = None) -> dict:
    """Applies the law to requests whose time ran out. Idempotent: each request
    is locked and checked again, so a second run (or two at once) changes nothing more.

    * Observed and not corrected in time: no presentada (art. 136, TUO Ley 27444).
    * Past the due date under silencio positivo: deemed approved (art. 199).
    * Past the due date under silencio negativo: the citizen is told once that
      they may appeal (art. 199.3); the request stays open.
    """
    hoy = hoy or _hoy()
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
            solicitud = _bloquear(pk)
            pendiente = solicitud.observaciones.filter(subsanada_en__isnull=True).last()
            if solicitud.estado == Estado.OBSERVADA and pendiente and pendiente.plazo < hoy:
                _transicionar(solicitud, "no_presentar", None, nota=_("No se subsanó dentro del plazo."))
                resultado["no_presentadas"] += 1

    vencidas = Solicitud.objects.filter(
        estado__in=(Estado.PRESENTADA, Estado.EN_EVALUACION), fecha_limite__lt=hoy
    )
    for pk in list(vencidas.filter(tramite__calificacion=Calificacion.POSITIVO).values_list("pk", flat=True)):
        with transaction.atomic():
            solicitud = _bloquear(pk)
            if solicitud.estado in TRANSICIONES["silencio_positivo"].origen and solicitud.fecha_limite < hoy:
                _transicionar(
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
            solicitud = _bloquear(pk)
            ya = solicitud.eventos.filter(tipo=TipoEvento.SILENCIO_NEGATIVO).exists()
            if not ya and solicitud.estado in (Estado.PRESENTADA, Estado.EN_EVALUACION):
                _evento_registrar(
                    solicitud, TipoEvento.SILENCIO_NEGATIVO,
                    nota=_("Venció el plazo el %(fecha)s sin respuesta: puedes considerar denegada tu "
                           "solicitud e interponer un recurso, o esperar la respuesta.")
                    % {"fecha": solicitud.fecha_limite.strftime("%d/%m/%Y")},
                )
                resultado["silencio_negativo"] += 1
    return resultado


# --- Access record (Ley 29733) --------------------------------------------------------------


def acceso_registrar(*, solicitud: Solicitud, usuario) -> AccesoExpediente:
    """Records that a servant opened the request; the citizen sees it."""
    tramite = solicitud.tramite
    oficinas = [
        o.nombre for o in usuario.oficinas.all()
        if o.pk in (tramite.oficina_recepcion_id, tramite.oficina_resolucion_id)
    ]
    roles = sorted(g.name for g in usuario.groups.all())
    acceso = AccesoExpediente.objects.create(
        solicitud=solicitud,
        usuario=usuario,
        oficina=", ".join(oficinas) or tramite.oficina_resolucion.nombre,
        rol=", ".join(roles) or (_("Administrador del sistema") if usuario.is_superuser else _("Personal")),
    )
    ciudadano_invalidar(solicitud.ciudadano_id)
    return acceso
