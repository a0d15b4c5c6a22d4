"""A citizen's requests and drafts, scoped by owner: a guessed id is NoEncontrado."""


from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.dominio import NoEncontrado

from ..declaraciones import respuesta_validar
from ..models import AccesoExpediente, Adjunto, Estado, Evento, Observacion, Solicitud, Tramite
from .acceso import puede_ver


def _de(ciudadano) -> QuerySet:
    return Solicitud.objects.filter(ciudadano=ciudadano).select_related("tramite")


def borrador_abierto(*, ciudadano, tramite: Tramite) -> Solicitud | None:
    """The citizen's draft of this procedure, if they have one."""
    return Solicitud.objects.filter(ciudadano=ciudadano, tramite=tramite, estado=Estado.BORRADOR).first()


def borrador_de_ciudadano(*, ciudadano, uuid) -> Solicitud:
    solicitud = (
        _de(ciudadano)
        .filter(uuid=uuid, estado=Estado.BORRADOR)
        .prefetch_related("tramite__campos", "tramite__adjuntos_requeridos", "adjuntos")
        .first()
    )
    if solicitud is None:
        raise NoEncontrado
    return solicitud


def solicitud_de_ciudadano(*, ciudadano, expediente: str) -> Solicitud:
    """A filed request of this citizen with everything its page shows, in a
    fixed number of queries."""
    solicitud = (
        _de(ciudadano)
        .filter(expediente=expediente)
        .select_related("tramite__oficina_resolucion", "asignado_a", "certificado", "cargo")
        .prefetch_related(
            "tramite__campos",
            "tramite__adjuntos_requeridos",
            Prefetch("adjuntos", queryset=Adjunto.objects.filter(vigente=True).select_related("requerido")),
            Prefetch("eventos", queryset=Evento.objects.select_related("actor")),
            Prefetch("observaciones", queryset=Observacion.objects.all()),
            Prefetch("accesos", queryset=AccesoExpediente.objects.order_by("-creado_en", "-id")),
        )
        .first()
    )
    if solicitud is None:
        raise NoEncontrado
    return solicitud


def solicitudes_de_ciudadano(*, ciudadano) -> QuerySet:
    return _de(ciudadano).order_by("-actualizado_en")


def adjunto_accesible(*, usuario, uuid) -> Adjunto:
    adjunto = (
        Adjunto.objects.filter(uuid=uuid)
        .select_related("solicitud__tramite")
        .first()
    )
    if adjunto is None or not puede_ver(usuario=usuario, solicitud=adjunto.solicitud):
        raise NoEncontrado
    return adjunto


# --- Filing steps ----------------------------------------------------------------------------


def pasos(*, solicitud: Solicitud) -> list[str]:
    tramite = solicitud.tramite
    lista = [campo.nombre for campo in tramite.campos.all()]
    if tramite.adjuntos_requeridos.all():
        lista.append("adjuntos")
    if tramite.tasa:
        lista.append("pago")
    lista.append("revisar")
    return lista


def solicitud_faltantes(*, solicitud: Solicitud) -> list[tuple[str, str]]:
    """What still stops the request from being filed, as (step, message).
    Stored answers are validated again against the current declaration."""
    faltantes = []
    for campo in solicitud.tramite.campos.all():
        try:
            respuesta_validar(campo, solicitud.respuestas.get(campo.nombre, ""))
        except ValidationError:
            faltantes.append((campo.nombre, _("Responde: %(pregunta)s") % {"pregunta": campo.etiqueta}))
    presentes = {a.requerido_id for a in solicitud.adjuntos.all() if a.vigente}
    for requerido in solicitud.tramite.adjuntos_requeridos.all():
        if requerido.obligatorio and requerido.pk not in presentes:
            faltantes.append(("adjuntos", _("Adjunta: %(documento)s") % {"documento": requerido.nombre}))
    tasa = solicitud.tramite.tasa
    if tasa and (not solicitud.pago_numero or solicitud.pago_monto != tasa):
        faltantes.append(("pago", _("Registra el pago de S/ %(monto)s.") % {"monto": tasa}))
    return faltantes


PROXIMA_ACCION = {
    Estado.BORRADOR: gettext_lazy("Completa y envía tu solicitud."),
    Estado.PRESENTADA: gettext_lazy("Nada por ahora: la oficina revisará tu solicitud."),
    Estado.EN_EVALUACION: gettext_lazy("Nada por ahora: tu solicitud está en evaluación."),
    Estado.OBSERVADA: gettext_lazy("Subsana la observación antes del plazo."),
    Estado.APROBADA: gettext_lazy("Tu solicitud fue aprobada."),
    Estado.DENEGADA: gettext_lazy("Puedes presentar un recurso dentro de 15 días hábiles."),
    Estado.DESISTIDA: gettext_lazy("Ninguna: desististe de esta solicitud."),
    Estado.NO_PRESENTADA: gettext_lazy("Ninguna: puedes presentar una nueva solicitud."),
}


def solicitud_de_ciudadano_por_uuid(*, ciudadano, uuid) -> Solicitud:
    solicitud = _de(ciudadano).filter(uuid=uuid).first()
    if solicitud is None:
        raise NoEncontrado
    return solicitud


def mis_solicitudes(*, ciudadano) -> QuerySet:
    """The citizen's requests for "Mis trámites", with what each one's next
    step needs: the pending observation, the certificate and whether it was
    rated (a fixed number of queries however many there are)."""
    consulta = solicitudes_de_ciudadano(ciudadano=ciudadano).select_related("certificado").prefetch_related(
        Prefetch(
            "observaciones",
            queryset=Observacion.objects.filter(subsanada_en__isnull=True),
            to_attr="observaciones_pendientes",
        )
    )
    valoraciones = modelo_valoracion()
    if valoraciones is not None:
        consulta = consulta.annotate(valorada=Exists(valoraciones.objects.filter(solicitud=OuterRef("pk"))))
    return consulta


def modelo_valoracion():
    """The ratings (transparencia, which depends on this app) reach a request
    through its reverse relation: read here without importing that app."""
    try:
        return Solicitud._meta.get_field("valoracion").related_model
    except FieldDoesNotExist:
        return None
