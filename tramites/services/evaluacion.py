"""What happens to a filed request: taken, assigned, observed and corrected,
approved or denied, withdrawn; and the record of who opened it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..acciones import ACCIONES
from ..archivos import ArchivoRevisado
from ..cache import solicitud_invalidar
from ..models import AccesoExpediente, AdjuntoRequerido, Observacion, Solicitud
from ..plazos import DIAS_PARA_SUBSANAR, Calendario
from ..transiciones import TransicionNoPermitida, bloquear, hoy_en_lima, transicionar
from .borradores import adjunto_agregar, borrador_responder


def solicitud_tomar(*, solicitud: Solicitud, servidor) -> Solicitud:
    with transaction.atomic():
        solicitud = bloquear(solicitud.pk)
        if solicitud.asignado_a_id and solicitud.asignado_a_id != servidor.pk:
            raise TransicionNoPermitida(
                _("%(quien)s ya tomó esta solicitud.") % {"quien": solicitud.asignado_a}
            )
        transicionar(solicitud, "tomar", servidor)
        solicitud.asignado_a = servidor
        solicitud.save(update_fields=["asignado_a", "actualizado_en"])
    return solicitud


def solicitud_asignar(*, solicitud: Solicitud, servidor, asignado) -> Solicitud:
    """A head of office or the front desk gives the request to an evaluator of
    the office (who must be able to evaluate it)."""
    with transaction.atomic():
        solicitud = bloquear(solicitud.pk)
        if not (
            selectors.puede_gestionar(usuario=asignado, solicitud=solicitud, accion="tomar")
            and asignado.has_perm(ACCIONES["tomar"].permiso)
        ):
            raise TransicionNoPermitida(
                _("%(quien)s no puede evaluar solicitudes de esta oficina.") % {"quien": asignado}
            )
        transicionar(
            solicitud, "asignar", servidor,
            nota=_("Asignada a %(quien)s.") % {"quien": asignado.get_full_name()},
        )
        solicitud.asignado_a = asignado
        solicitud.save(update_fields=["asignado_a", "actualizado_en"])
    return solicitud


def solicitud_observar(*, solicitud: Solicitud, servidor, mensaje: str) -> Observacion:
    """Asks the citizen to correct something: DIAS_PARA_SUBSANAR business days
    to do it; the request's own deadline is paused meanwhile."""
    mensaje = (mensaje or "").strip()
    if not mensaje:
        raise TransicionNoPermitida(_("Escribe qué debe subsanar el ciudadano."))
    with transaction.atomic():
        solicitud = bloquear(solicitud.pk)
        plazo = Calendario().vencimiento(hoy_en_lima(), DIAS_PARA_SUBSANAR)
        observacion = Observacion.objects.create(
            solicitud=solicitud, mensaje=mensaje, creada_por=servidor, plazo=plazo
        )
        transicionar(solicitud, "observar", servidor, nota=mensaje)
    return observacion


class SubsanacionVacia(TransicionNoPermitida):
    """A correction that changes nothing: no new document, no changed answer,
    no comment. It is refused and the observation's clock keeps running."""

    def __init__(self):
        super().__init__(_(
            "Para subsanar, sube un documento nuevo, cambia una respuesta o escribe un comentario que "
            "explique la corrección."
        ))


def respuestas_cambiadas(*, solicitud: Solicitud, respuestas: dict | None) -> list[str]:
    """The names of the answers that differ from those on file (an empty
    answer and a missing one are the same)."""
    guardadas = solicitud.respuestas or {}
    return [nombre for nombre, valor in (respuestas or {}).items() if (valor or "") != (guardadas.get(nombre) or "")]


def solicitud_subsanar(
    *, solicitud: Solicitud, ciudadano, respuestas: dict | None = None,
    archivos: list[tuple[AdjuntoRequerido | None, ArchivoRevisado]] = (), max_total: int = 0,
    nota: str = "",
) -> Solicitud:
    """The citizen answers the observation within its deadline, with corrected
    answers, new or replacing documents or a comment that explains the
    correction (at least one of them), all or nothing: evaluation resumes and
    the due date moves by the business days it was paused."""
    nota = (nota or "").strip()
    with transaction.atomic():
        solicitud = bloquear(solicitud.pk)
        if solicitud.ciudadano_id != getattr(ciudadano, "pk", None):
            raise TransicionNoPermitida(_("No tienes permiso para hacer esto con esta solicitud."))
        # Checked before anything is written: a late correction stores no file.
        observacion = solicitud.observaciones.filter(subsanada_en__isnull=True).last()
        hoy = hoy_en_lima()
        if observacion is None:
            raise TransicionNoPermitida(_("Esta solicitud no tiene observaciones pendientes."))
        if hoy > observacion.plazo:
            raise TransicionNoPermitida(
                _("El plazo para subsanar venció el %(fecha)s.")
                % {"fecha": observacion.plazo.strftime("%d/%m/%Y")}
            )
        cambiadas = respuestas_cambiadas(solicitud=solicitud, respuestas=respuestas)
        if not (archivos or cambiadas or nota):
            raise SubsanacionVacia()
        if cambiadas:
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
        transicionar(solicitud, "subsanar", ciudadano, nota=nota)
    return solicitud


def solicitud_desistir(*, solicitud: Solicitud, ciudadano, motivo: str = "") -> Solicitud:
    with transaction.atomic():
        solicitud = bloquear(solicitud.pk)
        transicionar(solicitud, "desistir", ciudadano, nota=motivo)
    return solicitud


def solicitud_aprobar(*, solicitud: Solicitud, servidor, nota: str = "", **datos) -> Solicitud:
    """Approves; `datos` are the facts the procedure's document needs from the
    servant (certificados.plantillas: e.g. the assigned number), all required."""
    from ..certificados.models import Certificado
    from ..certificados.plantillas import datos_del_servidor

    declarados = datos_del_servidor(solicitud.tramite)
    valores = {dato.nombre: " ".join(str(datos.get(dato.nombre) or "").split())[:60] for dato in declarados}
    for dato in declarados:
        if not valores[dato.nombre]:
            raise TransicionNoPermitida(_("Escribe el dato «%(dato)s»: el documento lo certifica.")
                                        % {"dato": dato.etiqueta})
    with transaction.atomic():
        solicitud = bloquear(solicitud.pk)
        transicionar(solicitud, "aprobar", servidor, nota=nota)
        if valores:
            Certificado.objects.filter(solicitud=solicitud).update(datos=valores)
    return solicitud


def solicitud_denegar(*, solicitud: Solicitud, servidor, motivo: str) -> Solicitud:
    motivo = (motivo or "").strip()
    if not motivo:
        raise TransicionNoPermitida(_("Escribe el motivo de la denegatoria."))
    with transaction.atomic():
        solicitud = bloquear(solicitud.pk)
        transicionar(solicitud, "denegar", servidor, nota=motivo)
    return solicitud


def acceso_registrar(*, solicitud: Solicitud, usuario) -> AccesoExpediente:
    """Records that a servant opened the request (Ley 29733); the citizen sees it."""
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
    solicitud_invalidar(solicitud)
    return acceso
