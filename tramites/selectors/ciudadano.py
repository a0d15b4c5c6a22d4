"""A citizen's requests and drafts, scoped by owner (and, to follow them, by
the companies the citizen represents): a guessed id is NoEncontrado."""


from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ciudadanos.models import EstadoRepresentacion, Representacion
from egov.dominio import NoEncontrado

from ..declaraciones import respuesta_validar
from ..models import AccesoExpediente, Adjunto, Estado, Evento, Observacion, Solicitud, Tramite
from .acceso import puede_ver


def _de(ciudadano) -> QuerySet:
    """What the citizen filed or drafts: what they may act on."""
    return Solicitud.objects.filter(ciudadano=ciudadano).select_related("tramite")


def _seguibles(ciudadano) -> QuerySet:
    """What the citizen may follow: their own requests and drafts, and the
    filed requests of the companies they represent (confirmed), whoever of
    their representatives filed them."""
    empresas = Representacion.objects.filter(
        usuario=ciudadano, estado=EstadoRepresentacion.CONFIRMADA
    ).values("empresa_id")
    return Solicitud.objects.filter(
        Q(ciudadano=ciudadano) | (Q(empresa__in=empresas) & ~Q(estado=Estado.BORRADOR))
    ).select_related("tramite", "empresa")


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
    fixed number of queries: for what only who filed it may do (correct,
    withdraw, rate)."""
    return _con_su_pagina(_de(ciudadano), expediente)


def solicitud_para_seguir(*, ciudadano, expediente: str) -> Solicitud:
    """A filed request this citizen may follow (theirs, or their company's)
    with everything its page shows."""
    return _con_su_pagina(_seguibles(ciudadano), expediente)


def _con_su_pagina(consulta: QuerySet, expediente: str) -> Solicitud:
    solicitud = (
        consulta
        .filter(expediente=expediente)
        .select_related("tramite__oficina_resolucion", "asignado_a", "certificado", "cargo", "empresa",
                        "ciudadano__perfil")
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


# The step where the citizen chooses whom they file for (a slug no question's name takes).
PASO_A_NOMBRE_DE = "a-nombre-de"


def ofrece_a_nombre_de(*, solicitud: Solicitud) -> bool:
    """Whether the draft's filing asks "a nombre de quién": the procedure
    accepts companies and its citizen represents one (or already chose one)."""
    if not solicitud.tramite.acepta_empresas:
        return solicitud.empresa_id is not None  # chosen before the catalog changed: let them change it
    return solicitud.empresa_id is not None or Representacion.objects.filter(
        usuario_id=solicitud.ciudadano_id, estado=EstadoRepresentacion.CONFIRMADA
    ).exists()


def pasos(*, solicitud: Solicitud) -> list[str]:
    tramite = solicitud.tramite
    lista = [campo.nombre for campo in tramite.campos.all()]
    if ofrece_a_nombre_de(solicitud=solicitud):
        lista.insert(0, PASO_A_NOMBRE_DE)
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
    if solicitud.empresa_id is not None and not (
        solicitud.tramite.acepta_empresas
        and Representacion.objects.filter(
            usuario_id=solicitud.ciudadano_id, empresa_id=solicitud.empresa_id,
            estado=EstadoRepresentacion.CONFIRMADA,
        ).exists()
    ):
        faltantes.append((PASO_A_NOMBRE_DE, _(
            "Ya no puedes presentar este trámite a nombre de esa empresa: elige para quién lo presentas."
        )))
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
    consulta = _seguibles(ciudadano).order_by("-actualizado_en").select_related("certificado").prefetch_related(
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
