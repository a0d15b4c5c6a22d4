"""The back office: a servant's requests, their actions, supervision."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from ciudadanos.selectors import personal_habilitado

from ..acciones import acciones_sobre
from ..models import Estado, Solicitud, Tramite
from .acceso import oficina_permitida, oficinas_de, puede_gestionar

# --- Back office -------------------------------------------------------------------------------


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
        and (oficinas is None or oficina_permitida(solicitud, accion.nombre, oficinas))
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

    from django.db.models import Avg, Count

    from ..plazos import DIAS_VENCEN_PRONTO, Calendario

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
