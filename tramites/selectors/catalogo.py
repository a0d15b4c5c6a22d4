"""The public catalog, and what other apps read about procedures."""

import re

from django.db.models import Q, QuerySet

from egov.dominio import NoEncontrado
from egov.texto import normalizar_busqueda

from ..models import Estado, Solicitud, Tramite

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
    from ..cache import version_catalogo

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


# --- For other apps --------------------------------------------------------------------------


def calendario():
    """The entity's business days (weekends, national holidays and its own
    non-working days do not count)."""
    from ..plazos import Calendario

    return Calendario()


def jefes_de_oficina(*, oficina) -> QuerySet:
    """The heads of an office who may act (active staff with a second factor)."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model

    from ..roles import JEFE_DE_OFICINA

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
