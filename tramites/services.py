"""
Every write about requests. State changes go through one path (`_transicionar`
on a row locked with select_for_update): it checks the transition is allowed for
the actor, writes the state and an Evento, and schedules the citizen's notice
for after the commit. Nothing else writes Solicitud.estado.
"""

import base64
import datetime
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ciudadanos import services as ciudadanos_services
from egov import pdf as documentos
from egov.tareas import encolar
from egov.unico import numero_siguiente, una_vez

from . import selectors
from .archivos import ArchivoRevisado
from .cache import ciudadano_invalidar
from .models import (
    AccesoExpediente,
    Adjunto,
    AdjuntoRequerido,
    Calificacion,
    CargoPresentacion,
    Certificado,
    ContadorExpediente,
    Estado,
    EstadoDocumento,
    Evento,
    Observacion,
    Solicitud,
    TipoEvento,
    Tramite,
)
from .plazos import Calendario
from .roles import PERMISO_DE_ACCION

DIAS_PARA_SUBSANAR = 2

log = logging.getLogger(__name__)


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
            and selectors.puede_gestionar(usuario=actor, solicitud=solicitud, accion=accion)
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
        _decision_medir(solicitud, por_silencio=accion == "silencio_positivo")
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
    if transicion.destino == Estado.APROBADA:
        _certificado_preparar(solicitud, accion, actor, nota)
    return evento


def _decision_medir(solicitud: Solicitud, *, por_silencio: bool) -> None:
    """Decision time in business days, without the days the clock was stopped
    for observations, and whether it came within the legal deadline."""
    solicitud.decidida_en = timezone.now()
    solicitud.por_silencio = por_silencio
    if not solicitud.presentada_en:
        return
    calendario = Calendario()
    # As for the due date: a filing on a non-business day counts from the next business day.
    presentada = calendario.siguiente_habil(timezone.localtime(solicitud.presentada_en).date())
    decidida = timezone.localtime(solicitud.decidida_en).date()
    pausa = sum(
        calendario.entre(timezone.localtime(o.creada_en).date(), timezone.localtime(o.subsanada_en).date())
        for o in solicitud.observaciones.filter(subsanada_en__isnull=False)
    )
    solicitud.dias_habiles_decision = max(calendario.entre(presentada, decidida) - pausa, 0)
    solicitud.dentro_de_plazo = not por_silencio and (
        solicitud.fecha_limite is None or decidida <= solicitud.fecha_limite
    )


def _notificar(solicitud: Solicitud, evento: Evento) -> None:
    contexto = {"solicitud": solicitud, "evento": evento, "tramite": solicitud.tramite,
                "SITE_URL": django_settings.SITE_URL}
    asunto = render_to_string("tramites/avisos/asunto.txt", contexto).strip()
    cuerpo = render_to_string("tramites/avisos/cuerpo.txt", contexto).strip()
    ciudadanos_services.aviso_depositar(
        usuario=solicitud.ciudadano,
        asunto=" ".join(asunto.split()),
        cuerpo=cuerpo,
        enlace=solicitud.get_absolute_url(),
        referencia=referencia_de(solicitud),
    )


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
    ciudadano_invalidar(solicitud.ciudadano_id)
    return Evento.objects.create(
        solicitud=solicitud,
        tipo=TipoEvento.NOTIFICACION_LEIDA,
        actor=notificacion.usuario,
        estado_anterior=solicitud.estado,
        estado_nuevo=solicitud.estado,
        nota=_("«%(asunto)s», leída el %(fecha)s.")
        % {"asunto": notificacion.asunto, "fecha": timezone.localtime(notificacion.leida_en).strftime("%d/%m/%Y %H:%M")},
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
        reemplazados = list(vigentes.filter(requerido=requerido)) if requerido else []
        total = sum(a.tamano for a in vigentes.exclude(pk__in=[a.pk for a in reemplazados])) + len(revisado.contenido)
        if total > max_total:
            raise LimiteAdjuntosExcedido()
        adjunto = Adjunto(
            solicitud=solicitud,
            requerido=requerido,
            nombre_original=revisado.nombre,
            tipo_mime=revisado.tipo_mime,
            tamano=len(revisado.contenido),
            sha256=revisado.sha256,
        )
        # The new file first: if storage refuses it, nothing else has changed.
        adjunto.archivo.save(f"x.{revisado.extension}", ContentFile(revisado.contenido), save=False)
        try:
            adjunto.save()
            for anterior in reemplazados:
                if solicitud.estado == Estado.BORRADOR:
                    anterior.delete()
                    # The replaced file goes only once the new one is committed.
                    _archivo_borrar_al_confirmar(anterior.archivo)
                else:
                    anterior.vigente = False
                    anterior.save(update_fields=["vigente"])
        except Exception:
            adjunto.archivo.delete(save=False)
            raise
    return adjunto


def _archivo_borrar_al_confirmar(archivo) -> None:
    nombre, almacen = archivo.name, archivo.storage
    transaction.on_commit(lambda: almacen.delete(nombre), robust=True)


def adjunto_quitar(*, solicitud: Solicitud, adjunto: Adjunto) -> None:
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        if solicitud.estado != Estado.BORRADOR:
            raise TransicionNoPermitida(_("Solo puedes quitar documentos de un borrador."))
        adjunto.delete()
        _archivo_borrar_al_confirmar(adjunto.archivo)


def borrador_eliminar(*, solicitud: Solicitud, ciudadano) -> None:
    with transaction.atomic():
        solicitud = _bloquear(solicitud.pk)
        if solicitud.estado != Estado.BORRADOR or solicitud.ciudadano_id != ciudadano.pk:
            raise TransicionNoPermitida(_("Solo puedes eliminar tus borradores."))
        for adjunto in solicitud.adjuntos.all():
            _archivo_borrar_al_confirmar(adjunto.archivo)
        solicitud.delete()


# --- Filing -------------------------------------------------------------------------------


def _expediente_siguiente(anio: int) -> str:
    return f"EXP-{anio}-{numero_siguiente(ContadorExpediente, anio):06d}"


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
        _cargo_preparar(solicitud)
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
            selectors.puede_gestionar(usuario=asignado, solicitud=solicitud, accion="tomar")
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


# --- Issued documents: certificates and filing receipts --------------------------------------


def codigo_nuevo() -> str:
    """A verification code with 80 random bits (16 base32 characters)."""
    return base64.b32encode(secrets.token_bytes(10)).decode()


def codigo_normalizar(texto: str) -> str:
    """What a person typed (with dashes, spaces, lowercase, 0 for O…) as a
    stored code, or "" if it cannot be one."""
    limpio = re.sub(r"[\s\-]", "", texto or "").upper()
    limpio = limpio.translate(str.maketrans({"0": "O", "1": "I", "8": "B"}))
    return limpio if re.fullmatch(r"[A-Z2-7]{16}", limpio) else ""


def _firmante_de(actor, solicitud: Solicitud) -> tuple[str, str]:
    entidad = django_settings.ENTIDAD_NOMBRE
    if actor is None:
        return _("Firma automática del sistema"), _("Trámites en línea — %(entidad)s") % {"entidad": entidad}
    roles = ", ".join(sorted(g.name for g in actor.groups.all())) or _("Servidor")
    oficina = solicitud.tramite.oficina_resolucion.nombre
    return actor.get_full_name(), f"{roles} — {oficina}"


def _certificado_preparar(solicitud: Solicitud, accion: str, actor, nota: str) -> None:
    """On approval: the certificate row (pending) in the same transaction, and
    the PDF task after commit. A lost task is found again by the sweeper."""
    from .tasks import certificado_emitir

    if Certificado.objects.filter(solicitud=solicitud).exists():
        return
    tipo = Certificado.Tipo.SILENCIO if accion == "silencio_positivo" else Certificado.Tipo.CERTIFICADO
    nombre, cargo = _firmante_de(actor, solicitud)
    certificado = Certificado.objects.create(
        solicitud=solicitud, tipo=tipo, codigo=codigo_nuevo(), resolucion=nota,
        firmante_nombre=nombre[:200], firmante_cargo=cargo[:200],
    )
    encolar(certificado_emitir, certificado_id=certificado.pk)


def _cargo_preparar(solicitud: Solicitud) -> None:
    from .tasks import cargo_emitir

    cargo, creado = CargoPresentacion.objects.get_or_create(solicitud=solicitud)
    if creado:
        encolar(cargo_emitir, cargo_id=cargo.pk)


def url_verificacion(codigo: str) -> str:
    return django_settings.SITE_URL + reverse("tramites:verificar_codigo", kwargs={"codigo": codigo})


def _contexto_documento(solicitud: Solicitud) -> dict:
    from .declaraciones import respuesta_mostrar

    return {
        "solicitud": solicitud,
        "tramite": solicitud.tramite,
        "solicitante": solicitud.solicitante,
        "respuestas": [
            (c.etiqueta, respuesta_mostrar(c, solicitud.respuestas.get(c.nombre, "")))
            for c in solicitud.tramite.campos.all()
        ],
        "ENTIDAD_NOMBRE": django_settings.ENTIDAD_NOMBRE,
        "ENTIDAD_SIGLA": django_settings.ENTIDAD_SIGLA,
        "ahora": timezone.localtime(),
        "identificador": solicitud.expediente or "",
    }


# A document that fails is tried again by the sweeper on a schedule that grows
# with each failed round (one delivery of the task with its quick retries):
# after 5, 10, 20, 40 and 80 minutes, then every 2 hours, until
# DOCUMENTOS_REINTENTOS_HORAS after its first failure. From then on it waits
# for a person (the admin's "Reintentar"), and the office is told.
PRIMER_INTERVALO_MINUTOS = 5
MAX_INTERVALO_MINUTOS = 120
# Failing for longer than this is no blip: the office and /salud/ are told.
AVISO_FALLA = datetime.timedelta(hours=1)


def reintentos_horas() -> int:
    return django_settings.DOCUMENTOS_REINTENTOS_HORAS


def intervalo_reintento(rondas: int) -> datetime.timedelta:
    """The wait after the `rondas`-th failed round: 5, 10, 20, 40, 80, 120, 120… minutes."""
    # Doubling from the first round, capped (the exponent too, so it stays small).
    minutos = PRIMER_INTERVALO_MINUTOS * 2 ** min(max(rondas, 1) - 1, 10)
    return datetime.timedelta(minutes=min(minutos, MAX_INTERVALO_MINUTOS))


def _proximo_intento(primer_fallo_en, rondas: int, ahora: datetime.datetime) -> datetime.datetime | None:
    """When the sweeper tries a failed document again after its `rondas`-th
    failed round; None once the automatic retries are over. The last one
    falls on the deadline itself."""
    limite = primer_fallo_en + datetime.timedelta(hours=reintentos_horas())
    if ahora >= limite:
        return None
    return min(ahora + intervalo_reintento(rondas), limite)


def _fallo_registrar(modelo, pk: int, error: Exception, *, ronda_terminada: bool) -> None:
    """Records a failed attempt on the row (locked again: the attempt's own
    transaction rolled back) and removes the PDF it may have stored, which no
    row names. While the task still has quick retries left the round is not
    over: the next sweeper round is set after them, so the sweeper and the
    retries never run the same round twice. Never raises: the attempt's own
    error is the one to report."""
    ahora = timezone.now()
    try:
        with transaction.atomic():
            documento = modelo.objects.select_for_update().filter(pk=pk).first()
            if documento is None or documento.estado == EstadoDocumento.EMITIDO:
                return
            _pdf_descartar(documento)
            documento.estado = EstadoDocumento.FALLIDO
            documento.intentos += 1
            documento.error = f"{error.__class__.__name__}: {error}"[:2000]
            documento.primer_fallo_en = documento.primer_fallo_en or ahora
            if ronda_terminada:
                documento.rondas += 1
            # With quick retries left, this keeps the sweeper away until they
            # are done: the wait is the one that will follow this round.
            documento.proximo_intento_en = _proximo_intento(
                documento.primer_fallo_en, documento.rondas if ronda_terminada else documento.rondas + 1, ahora
            )
            documento.save(update_fields=["estado", "intentos", "error", "primer_fallo_en", "rondas",
                                          "proximo_intento_en", "actualizado_en"])
    except Exception:  # noqa: BLE001 - e.g. the database is down too: the sweeper finds it later
        log.exception("no se pudo registrar el fallo de %s %s", modelo._meta.model_name, pk)


def _guardar_pdf(documento, pdf: bytes) -> None:
    """Stores the PDF under the row's own name. An attempt killed after
    writing it and before its commit left a file there: it is replaced, not
    kept beside a second copy (the caller holds the row lock, so no other
    attempt writes that name meanwhile, and FileSystemStorage does not add a
    suffix to a free name)."""
    nombre = documento.ruta_archivo()
    documento.archivo.storage.delete(nombre)
    documento.archivo.save(nombre, ContentFile(pdf), save=False)
    if documento.archivo.name != nombre:
        log.warning("%s guardado como %s", nombre, documento.archivo.name)
    documento.sha256 = hashlib.sha256(pdf).hexdigest()
    documento.estado = EstadoDocumento.EMITIDO
    documento.emitido_en = timezone.now()
    documento.intentos += 1
    documento.error = ""
    documento.proximo_intento_en = None
    documento.save()


def _pdf_descartar(documento) -> None:
    """Deletes the PDF an attempt stored before its transaction rolled back.
    Called with the row locked and not issued: no row names that file, and no
    other attempt is writing it."""
    nombre = documento.ruta_archivo()
    try:
        documento.archivo.storage.delete(nombre)
    except Exception:  # noqa: BLE001 - the failure being recorded matters more
        log.warning("no se pudo borrar %s", nombre, exc_info=True)


def certificado_emitir(*, certificado_id: int, ronda_terminada: bool = True) -> str:
    """Renders, signs and stores a certificate. Idempotent: a certificate
    already issued is left as it is (the same file), so a task that runs twice
    (a retry, the sweeper, a killed worker) makes one certificate.
    `ronda_terminada` is False while the task has quick retries left."""
    try:
        with transaction.atomic():
            certificado = (
                Certificado.objects.select_for_update(of=("self",))
                .select_related("solicitud__tramite__oficina_resolucion", "solicitud__ciudadano")
                .get(pk=certificado_id)
            )
            if certificado.estado == EstadoDocumento.EMITIDO:
                log.info("certificado %s ya emitido: se omite", certificado_id)
                return "omitido"
            solicitud = certificado.solicitud
            enlace = url_verificacion(certificado.codigo)
            contexto = {
                **_contexto_documento(solicitud),
                "certificado": certificado,
                "url_verificacion": enlace,
                "qr": documentos.qr_svg(enlace),
            }
            # A procedure may have its own template (plantilla_certificado); the generic one otherwise.
            plantillas = ["pdf/certificado.html"]
            if solicitud.tramite.plantilla_certificado:
                plantillas.insert(0, f"pdf/certificados/{solicitud.tramite.plantilla_certificado}.html")
            pdf = documentos.pdf_renderizar(plantillas, contexto)
            firmado = documentos.pdf_firmar(pdf, motivo=certificado.get_tipo_display())
            _guardar_pdf(certificado, firmado)
            evento = Evento.objects.create(
                solicitud=solicitud, tipo=TipoEvento.DOCUMENTO_EMITIDO,
                estado_anterior=solicitud.estado, estado_nuevo=solicitud.estado,
                nota=_("%(tipo)s listo para descargar (código %(codigo)s).")
                % {"tipo": certificado.get_tipo_display(), "codigo": certificado.codigo_legible},
            )
            _notificar(solicitud, evento)
            ciudadano_invalidar(solicitud.ciudadano_id)
    except Exception as error:
        log.exception("falló el certificado %s", certificado_id)
        _fallo_registrar(Certificado, certificado_id, error, ronda_terminada=ronda_terminada)
        raise
    log.info("certificado %s emitido", certificado_id)
    return "emitido"


def cargo_emitir(*, cargo_id: int, ronda_terminada: bool = True) -> str:
    """The filing receipt: what was filed, when, and each document's SHA-256."""
    try:
        with transaction.atomic():
            cargo = (
                CargoPresentacion.objects.select_for_update(of=("self",))
                .select_related("solicitud__tramite__oficina_recepcion")
                .get(pk=cargo_id)
            )
            if cargo.estado == EstadoDocumento.EMITIDO:
                return "omitido"
            solicitud = cargo.solicitud
            contexto = {
                **_contexto_documento(solicitud),
                "adjuntos": list(solicitud.adjuntos.filter(vigente=True).select_related("requerido")),
            }
            pdf = documentos.pdf_renderizar("pdf/cargo.html", contexto)
            firmado = documentos.pdf_firmar(pdf, motivo=_("Cargo de presentación"))
            _guardar_pdf(cargo, firmado)
            ciudadano_invalidar(solicitud.ciudadano_id)
    except Exception as error:
        log.exception("falló el cargo %s", cargo_id)
        _fallo_registrar(CargoPresentacion, cargo_id, error, ronda_terminada=ronda_terminada)
        raise
    return "emitido"


def _tareas_de_documentos():
    from .tasks import cargo_emitir as tarea_cargo
    from .tasks import certificado_emitir as tarea_certificado

    return ((Certificado, tarea_certificado, "certificado_id"), (CargoPresentacion, tarea_cargo, "cargo_id"))


def documentos_pendientes_reencolar(*, minutos: int | None = None) -> dict:
    """Beat: certificates and receipts pending for longer than a few minutes
    (a broker outage, a killed worker) are enqueued again, and so are failed
    ones whose next round is due. Issuing is idempotent, so enqueuing one
    twice does no harm."""
    minutos = django_settings.DOCUMENTOS_REENCOLAR_MINUTOS if minutos is None else minutos
    ahora = timezone.now()
    limite = ahora - datetime.timedelta(minutes=minutos)
    resultado = {}
    for modelo, tarea, argumento in _tareas_de_documentos():
        pendientes = list(
            modelo.objects.filter(estado=EstadoDocumento.PENDIENTE, actualizado_en__lt=limite)
            .values_list("pk", flat=True)[:500]
        )
        modelo.objects.filter(pk__in=pendientes).update(actualizado_en=ahora)
        debidos = list(
            modelo.objects.filter(estado=EstadoDocumento.FALLIDO, proximo_intento_en__lte=ahora)
            .values_list("pk", "rondas")[:500]
        )
        for pk, rondas in debidos:
            # Until this round's task reports back: if its message is lost,
            # the round is due again after the next interval.
            espera = max(intervalo_reintento(rondas + 1), datetime.timedelta(minutes=minutos))
            modelo.objects.filter(pk=pk, estado=EstadoDocumento.FALLIDO).update(proximo_intento_en=ahora + espera)
        for pk in [*pendientes, *(pk for pk, _rondas in debidos)]:
            encolar(tarea, **{argumento: pk})
        resultado[modelo._meta.model_name] = len(pendientes) + len(debidos)
    return resultado


def documento_reintentar(*, documento, usuario) -> None:
    """Admin: a failed certificate or receipt goes back to the queue, with a
    fresh schedule of automatic retries should it fail again."""
    if documento.estado == EstadoDocumento.EMITIDO:
        return
    type(documento).objects.filter(pk=documento.pk).exclude(estado=EstadoDocumento.EMITIDO).update(
        estado=EstadoDocumento.PENDIENTE, rondas=0, primer_fallo_en=None, proximo_intento_en=None,
        actualizado_en=timezone.now(),
    )
    for modelo, tarea, argumento in _tareas_de_documentos():
        if isinstance(documento, modelo):
            encolar(tarea, **{argumento: documento.pk})


def documentos_con_fallas(*, solicitudes=None) -> dict:
    """Failed certificates and receipts that need attention (of these
    requests, or all): {model name: queryset}."""
    desde = timezone.now() - AVISO_FALLA
    resultado = {}
    for modelo, _tarea, _argumento in _tareas_de_documentos():
        consulta = modelo.objects.con_fallas(desde=desde)
        if solicitudes is not None:
            consulta = consulta.filter(solicitud__in=solicitudes)
        resultado[modelo._meta.model_name] = consulta
    return resultado


def documentos_salud() -> dict:
    """For /salud/: "degradado" while a document fails for more than an hour
    or waits for a person; the web hosts themselves are fine."""
    cuentas = {"fallando": 0, "sin_reintento": 0}
    for consulta in documentos_con_fallas().values():
        datos = consulta.fallas_contar()
        for clave in cuentas:
            cuentas[clave] += datos[clave]
    return {"estado": "degradado" if cuentas["fallando"] else "ok", **cuentas}


def certificado_revocar(*, certificado: Certificado, usuario, motivo: str) -> Certificado:
    """A head of office revokes a certificate with a reason; verification then
    says so, and the citizen is told."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise TransicionNoPermitida(_("Escribe el motivo de la revocación."))
    with transaction.atomic():
        certificado = Certificado.objects.select_for_update(of=("self",)).select_related(
            "solicitud__tramite", "solicitud__ciudadano"
        ).get(pk=certificado.pk)
        solicitud = certificado.solicitud
        if not (
            usuario.has_perm("tramites.revocar_certificado")
            and selectors.puede_gestionar(usuario=usuario, solicitud=solicitud, accion="aprobar")
        ):
            raise TransicionNoPermitida(_("No tienes permiso para revocar este certificado."))
        if certificado.revocado:
            return certificado
        certificado.revocado_en = timezone.now()
        certificado.revocado_por = usuario
        certificado.motivo_revocacion = motivo
        certificado.save(update_fields=["revocado_en", "revocado_por", "motivo_revocacion", "actualizado_en"])
        evento = Evento.objects.create(
            solicitud=solicitud, tipo=TipoEvento.CERTIFICADO_REVOCADO, actor=usuario,
            estado_anterior=solicitud.estado, estado_nuevo=solicitud.estado, nota=motivo,
        )
        _notificar(solicitud, evento)
        ciudadano_invalidar(solicitud.ciudadano_id)
    return certificado


# --- Reminders (daily, by beat) ----------------------------------------------------------------


def recordatorios_enviar(*, hoy: datetime.date | None = None) -> dict:
    """To citizens, the business day before an observation's deadline; to each
    office, a digest of requests due in 2 business days and overdue, and of
    its certificates and receipts that keep failing or wait for a person. A
    second run on the same day sends nothing more."""
    from ciudadanos.tasks import correo_enviar

    hoy = hoy or _hoy()
    calendario = Calendario()
    manana = calendario.sumar(hoy, 1)
    resultado = {"ciudadanos": 0, "oficinas": 0}
    observaciones = Observacion.objects.filter(
        subsanada_en__isnull=True, plazo=manana, solicitud__estado=Estado.OBSERVADA
    ).select_related("solicitud__tramite", "solicitud__ciudadano")
    for observacion in observaciones:
        with transaction.atomic():
            if not una_vez(f"observacion:{observacion.pk}:{hoy.isoformat()}"):
                continue
            solicitud = observacion.solicitud
            ciudadanos_services.aviso_depositar(
                usuario=solicitud.ciudadano,
                asunto=_("%(exp)s: mañana vence el plazo para subsanar") % {"exp": solicitud.expediente},
                cuerpo=render_to_string(
                    "tramites/avisos/recordatorio_observacion.txt",
                    {"solicitud": solicitud, "observacion": observacion},
                ).strip(),
                enlace=solicitud.get_absolute_url(),
                referencia=referencia_de(solicitud),
            )
            resultado["ciudadanos"] += 1

    en_dos = calendario.sumar(hoy, 2)
    abiertas = Solicitud.objects.filter(
        estado__in=(Estado.PRESENTADA, Estado.EN_EVALUACION), fecha_limite__lte=en_dos
    ).select_related("tramite__oficina_resolucion", "asignado_a").order_by("fecha_limite", "id")
    por_oficina = {}
    for solicitud in abiertas:
        por_oficina.setdefault(solicitud.tramite.oficina_resolucion, ([], []))[0].append(solicitud)
    # Documents that fail for long or wait for a "Reintentar": the certificate
    # to the office that resolves, the filing receipt to the one that receives.
    fallidos = documentos_con_fallas()
    for clave, oficina_de in (("certificado", "oficina_resolucion"), ("cargopresentacion", "oficina_recepcion")):
        consulta = fallidos[clave].select_related(f"solicitud__tramite__{oficina_de}").order_by("primer_fallo_en", "pk")
        for documento in consulta:
            oficina = getattr(documento.solicitud.tramite, oficina_de)
            por_oficina.setdefault(oficina, ([], []))[1].append(documento)
    for oficina, (solicitudes, documentos_fallidos) in por_oficina.items():
        destinatarios = list(
            oficina.personal.filter(is_active=True, is_staff=True).values_list("email", flat=True)
        )
        if not destinatarios:
            continue
        with transaction.atomic():
            if not una_vez(f"resumen:{oficina.pk}:{hoy.isoformat()}"):
                continue
            texto = render_to_string(
                "tramites/avisos/resumen_oficina.txt",
                {"oficina": oficina, "hoy": hoy,
                 "vencidas": [s for s in solicitudes if s.fecha_limite < hoy],
                 "proximas": [s for s in solicitudes if s.fecha_limite >= hoy],
                 "documentos": documentos_fallidos,
                 "listas": sorted({d._meta.model_name for d in documentos_fallidos}),
                 "SITE_URL": django_settings.SITE_URL},
            )
            encolar(correo_enviar, asunto=_asunto_resumen(oficina, solicitudes, documentos_fallidos),
                    texto=texto, para=destinatarios)
            resultado["oficinas"] += 1
    return resultado


def _asunto_resumen(oficina, solicitudes, documentos_fallidos) -> str:
    datos = {"oficina": oficina.nombre, "n": len(solicitudes)}
    if not documentos_fallidos:
        return _("%(oficina)s: %(n)s solicitudes vencidas o por vencer") % datos
    if not solicitudes:
        return _("%(oficina)s: documentos que no se pudieron generar") % datos
    return _("%(oficina)s: %(n)s solicitudes vencidas o por vencer y documentos que no se pudieron generar") % datos
