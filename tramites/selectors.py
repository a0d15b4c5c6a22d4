"""Reads about procedures and requests, and the access functions that decide
who may see what. Every object a citizen reaches is fetched here, scoped by
owner (or by office, for staff): a guessed id is NoEncontrado (the views answer
404), never someone else's data."""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ciudadanos.selectors import personal_habilitado
from egov.dominio import NoEncontrado
from egov.texto import normalizar_busqueda

from .acciones import ACCIONES, acciones_sobre
from .declaraciones import respuesta_validar
from .models import AccesoExpediente, Adjunto, Estado, Evento, Observacion, Solicitud, Tramite

# --- Catalog -----------------------------------------------------------------------------


def tramites_publicos(*, texto: str = "", oficina: str = "", calificacion: str = "") -> QuerySet:
    consulta = Tramite.objects.filter(activo=True).select_related(
        "oficina_recepcion", "oficina_resolucion"
    )
    for palabra in normalizar_busqueda(texto).split():
        consulta = consulta.filter(busqueda__contains=palabra)
    if oficina:
        consulta = consulta.filter(
            Q(oficina_recepcion__sigla=oficina) | Q(oficina_resolucion__sigla=oficina)
        )
    if calificacion:
        consulta = consulta.filter(calificacion=calificacion)
    return consulta.order_by("nombre")


def catalogo_version() -> str:
    """Changes whenever the catalog does (for pages that show it)."""
    from .cache import version_catalogo

    return version_catalogo()


def tramite_publico(*, slug: str) -> Tramite:
    if not re.fullmatch(r"[-\w]{1,120}", slug or "", flags=re.ASCII):
        raise NoEncontrado  # no slug looks like that (and PostgreSQL refuses some of it)
    tramite = (
        Tramite.objects.filter(slug=slug, activo=True)
        .select_related("oficina_recepcion", "oficina_resolucion")
        .prefetch_related("campos", "adjuntos_requeridos")
        .first()
    )
    if tramite is None:
        raise NoEncontrado
    return tramite


# --- Access ------------------------------------------------------------------------------


def puede_gestionar(*, usuario, solicitud: Solicitud, accion: str | None = None) -> bool:
    """Staff with a second factor of the office that receives or resolves the
    procedure (or such a superuser); for deciding actions, of the office that
    resolves it."""
    if not personal_habilitado(usuario):
        return False
    if usuario.is_superuser:
        return True
    return _oficina_permitida(solicitud, accion, set(oficinas_de(usuario)))


def _oficina_permitida(solicitud: Solicitud, accion: str | None, oficinas: set[int]) -> bool:
    tramite = solicitud.tramite
    if tramite.oficina_resolucion_id in oficinas:
        return True
    # Deciding actions belong to the office that resolves (the front desk
    # receives everything, but decides nothing).
    decide = accion is not None and ACCIONES[accion].solo_resolucion
    return not decide and tramite.oficina_recepcion_id in oficinas


def puede_ver(*, usuario, solicitud: Solicitud) -> bool:
    if not (usuario and usuario.is_authenticated):
        return False
    if solicitud.ciudadano_id == usuario.pk:
        return True
    return solicitud.estado != Estado.BORRADOR and puede_gestionar(usuario=usuario, solicitud=solicitud)


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
    valoraciones = _modelo_valoracion()
    if valoraciones is not None:
        consulta = consulta.annotate(valorada=Exists(valoraciones.objects.filter(solicitud=OuterRef("pk"))))
    return consulta


# --- The next step, as the citizen sees it ----------------------------------------------------------


@dataclass(frozen=True)
class SiguientePaso:
    """What the citizen can do now about a request. `accion` names what the
    page links to: "borrador", "subsanar", "documento", "valorar", or "" when
    there is nothing to do but wait."""

    texto: str
    accion: str = ""


ESTADOS_VALORABLES = (Estado.APROBADA, Estado.DENEGADA)


def _modelo_valoracion():
    """The ratings (transparencia, which depends on this app) reach a request
    through its reverse relation: read here without importing that app."""
    try:
        return Solicitud._meta.get_field("valoracion").related_model
    except FieldDoesNotExist:
        return None


def _valorada(solicitud: Solicitud) -> bool:
    anotada = getattr(solicitud, "valorada", None)
    if anotada is not None:
        return anotada
    valoraciones = _modelo_valoracion()
    return valoraciones is None or valoraciones.objects.filter(solicitud=solicitud).exists()


def _observacion_pendiente(solicitud: Solicitud) -> Observacion | None:
    pendientes = getattr(solicitud, "observaciones_pendientes", None)
    if pendientes is None:
        pendientes = [o for o in solicitud.observaciones.all() if o.subsanada_en is None]
    return pendientes[-1] if pendientes else None


def siguientes_pasos(*, solicitud: Solicitud) -> list[SiguientePaso]:
    """What the citizen should do now, first what matters most; a single
    step without `accion` when there is nothing to do."""
    from .certificados.plantillas import nombre_del_documento
    from .plazos import DIAS_PARA_RECURSO

    estado = solicitud.estado
    if estado == Estado.BORRADOR:
        return [SiguientePaso(_("Completa y envía tu solicitud"), "borrador")]
    if estado == Estado.OBSERVADA:
        observacion = _observacion_pendiente(solicitud)
        if observacion is None:
            return [SiguientePaso(_("Subsana la observación"), "subsanar")]
        fecha = date_format(observacion.plazo, r"j \d\e F")
        return [SiguientePaso(_("Subsana antes del %(fecha)s") % {"fecha": fecha}, "subsanar")]
    if estado in (Estado.PRESENTADA, Estado.EN_EVALUACION):
        return [SiguientePaso(_("Esperando la evaluación"))]
    pasos = []
    if estado == Estado.APROBADA:
        certificado = solicitud.certificado_emitido
        if certificado is None:
            pasos.append(SiguientePaso(_("Tu documento estará listo en unos minutos")))
        elif not certificado.revocado:
            pasos.append(SiguientePaso(
                _("Descarga tu %(documento)s") % {"documento": nombre_del_documento(certificado, solicitud.tramite)}, "documento"
            ))
    elif estado == Estado.DENEGADA:
        pasos.append(SiguientePaso(
            _("Si no estás de acuerdo, puedes presentar un recurso dentro de %(dias)s días hábiles")
            % {"dias": DIAS_PARA_RECURSO}
        ))
    if estado in ESTADOS_VALORABLES and not _valorada(solicitud):
        pasos.append(SiguientePaso(_("Califica la atención"), "valorar"))
    if not pasos:
        pasos.append(SiguientePaso(str(PROXIMA_ACCION[estado])))
    return pasos


# --- Who looked at a request, as the citizen sees it ---------------------------------------------------


@dataclass
class AccesosAgrupados:
    """Openings of a request by one servant (same office and role) within an
    hour of the first one: one line for the citizen."""

    oficina: str
    rol: str
    desde: datetime.datetime
    hasta: datetime.datetime
    veces: int = 1

    @property
    def mismo_dia(self) -> bool:
        return timezone.localdate(self.desde) == timezone.localdate(self.hasta)


VENTANA_ACCESOS = datetime.timedelta(hours=1)


def accesos_agrupados(*, accesos) -> list[AccesosAgrupados]:
    """The access record (Ley 29733) grouped for reading, newest first. The
    record itself keeps every opening; only this presentation groups them."""
    grupos: list[AccesosAgrupados] = []
    abiertos: dict[tuple, AccesosAgrupados] = {}
    for acceso in sorted(accesos, key=lambda a: (a.creado_en, a.pk)):
        clave = (acceso.usuario_id, acceso.oficina, acceso.rol)
        grupo = abiertos.get(clave)
        if grupo is not None and acceso.creado_en - grupo.desde < VENTANA_ACCESOS:
            grupo.veces += 1
            grupo.hasta = acceso.creado_en
            continue
        grupo = AccesosAgrupados(oficina=acceso.oficina, rol=acceso.rol, desde=acceso.creado_en,
                                 hasta=acceso.creado_en)
        abiertos[clave] = grupo
        grupos.append(grupo)
    return sorted(grupos, key=lambda g: g.desde, reverse=True)


# --- Back office -------------------------------------------------------------------------------


def oficinas_de(usuario) -> list[int]:
    return list(usuario.oficinas.values_list("pk", flat=True))


def solicitudes_de_personal(*, usuario) -> QuerySet:
    """Filed requests a servant may see: those of their offices (all, for a
    superuser); none without a second factor."""
    consulta = Solicitud.objects.exclude(estado=Estado.BORRADOR)
    if not personal_habilitado(usuario):
        return consulta.none()
    if usuario.is_superuser:
        return consulta
    oficinas = oficinas_de(usuario)
    # The procedures of the servant's offices are few: filtering by their ids
    # lets the database use the (tramite, estado) index instead of a join.
    tramites = list(
        Tramite.objects.filter(
            Q(oficina_recepcion__in=oficinas) | Q(oficina_resolucion__in=oficinas)
        ).values_list("pk", flat=True)
    )
    return consulta.filter(tramite_id__in=tramites)


def acciones_disponibles(*, solicitud: Solicitud, usuario, sobre: str = "solicitud") -> list[str]:
    """The staff actions this servant may take on this request (or its
    certificate) now: what the admin shows as buttons; the services check the
    same again."""
    if not puede_gestionar(usuario=usuario, solicitud=solicitud):
        return []
    oficinas = None if usuario.is_superuser else set(oficinas_de(usuario))  # read once
    return [
        accion.nombre
        for accion in acciones_sobre(sobre)
        if solicitud.estado in accion.estados and usuario.has_perm(accion.permiso)
        and (oficinas is None or _oficina_permitida(solicitud, accion.nombre, oficinas))
        and not (accion.nombre == "tomar" and solicitud.asignado_a_id == usuario.pk)
    ]


def evaluadores_de(*, solicitud: Solicitud) -> QuerySet:
    """Staff who can be given this request to evaluate."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    tomar = Permission.objects.get(content_type__app_label="tramites", codename="tomar_solicitud")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, oficinas=solicitud.tramite.oficina_resolucion_id)
        .filter(authenticator__type=Authenticator.Type.TOTP)
        .filter(Q(groups__permissions=tomar) | Q(user_permissions=tomar) | Q(is_superuser=True))
        .select_related("perfil")
        .distinct()
        .order_by("email")
    )


# --- Supervision ----------------------------------------------------------------------------------


def supervision_datos(*, usuario) -> dict:
    """Figures for a head of office, computed by aggregation in the database.
    Decision time is the one stored with each decision
    (plazos.Calendario.dias_para_decidir), as in the public figures."""
    import datetime

    from django.db.models import Avg, Count
    from django.utils import timezone

    from .plazos import DIAS_VENCEN_PRONTO, Calendario

    hoy = timezone.localdate()
    calendario = Calendario()
    base = solicitudes_de_personal(usuario=usuario)
    abiertas = base.filter(estado__in=(Estado.PRESENTADA, Estado.EN_EVALUACION))
    vencidas = abiertas.filter(fecha_limite__lt=hoy)
    hasta = calendario.sumar(hoy, DIAS_VENCEN_PRONTO)
    por_estado = dict(base.values_list("estado").annotate(n=Count("id")).order_by())
    decisiones = base.filter(
        decidida_en__gte=timezone.now() - datetime.timedelta(days=30), dias_habiles_decision__isnull=False,
    ).aggregate(n=Count("id"), promedio=Avg("dias_habiles_decision"))
    return {
        "por_estado": [(e.label, por_estado.get(e.value, 0)) for e in Estado if e != Estado.BORRADOR],
        "vencidas_por_oficina": list(
            vencidas.values("tramite__oficina_resolucion__nombre").annotate(n=Count("id")).order_by("-n")
        ),
        "vencidas_por_servidor": list(
            vencidas.values("asignado_a__email").annotate(n=Count("id")).order_by("-n")
        ),
        "vencen_pronto": abiertas.filter(fecha_limite__gte=hoy, fecha_limite__lte=hasta).count(),
        "hasta": hasta,
        "dias_vencen_pronto": DIAS_VENCEN_PRONTO,
        "promedio_dias": round(decisiones["promedio"], 1) if decisiones["promedio"] is not None else None,
        "decididas_30": decisiones["n"],
    }


# --- For other apps --------------------------------------------------------------------------


def calendario():
    """The entity's business days (weekends, national holidays and its own
    non-working days do not count)."""
    from .plazos import Calendario

    return Calendario()


def jefes_de_oficina(*, oficina) -> QuerySet:
    """The heads of an office who may act (active staff with a second factor)."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model

    from .roles import JEFE_DE_OFICINA

    return get_user_model().objects.filter(
        is_active=True, is_staff=True, groups__name=JEFE_DE_OFICINA, oficinas=oficina,
        authenticator__type=Authenticator.Type.TOTP,
    ).distinct()


def decididas_de(*, correo_termina_en: str) -> QuerySet:
    """Approved or denied requests of the citizens whose email ends so (the
    demonstration neighbours)."""
    return Solicitud.objects.filter(
        estado__in=(Estado.APROBADA, Estado.DENEGADA), ciudadano__email__endswith=correo_termina_en
    ).order_by("pk")
