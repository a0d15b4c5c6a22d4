"""Writes of the participation features: ratings and the Libro de Reclamaciones."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ciudadanos.tasks import correo_enviar
from egov.tareas import encolar
from tramites.models import Estado, Solicitud
from tramites.plazos import Calendario
from tramites.services import numero_siguiente

from .models import ContadorReclamo, Reclamo, Valoracion

PLAZO_RECLAMO_DIAS = 30
ESTADOS_VALORABLES = (Estado.APROBADA, Estado.DENEGADA)


class YaValorada(Exception):
    pass


class NoValorable(Exception):
    pass


def valoracion_registrar(*, solicitud: Solicitud, ciudadano, puntaje: int, comentario: str = "") -> Valoracion:
    """Once per request, by its owner, after a decision."""
    if solicitud.ciudadano_id != ciudadano.pk or solicitud.estado not in ESTADOS_VALORABLES:
        raise NoValorable()
    try:
        with transaction.atomic():
            return Valoracion.objects.create(
                solicitud=solicitud, puntaje=puntaje, comentario=(comentario or "").strip()[:1000]
            )
    except IntegrityError:
        raise YaValorada() from None


def _codigo_siguiente(anio: int) -> str:
    return f"LR-{anio}-{numero_siguiente(ContadorReclamo, anio):06d}"


def reclamo_registrar(*, datos: dict, usuario=None) -> Reclamo:
    """Files a complaint: a code, a 30-business-day deadline, a copy by email
    and its PDF record produced by a worker."""
    from .tasks import reclamo_pdf_emitir

    with transaction.atomic():
        hoy = timezone.localdate()
        reclamo = Reclamo.objects.create(
            codigo=_codigo_siguiente(hoy.year),
            usuario=usuario if usuario is not None and usuario.is_authenticated else None,
            fecha_limite=Calendario().vencimiento(hoy, PLAZO_RECLAMO_DIAS),
            **datos,
        )
        encolar(
            correo_enviar,
            asunto=_("Libro de Reclamaciones: registramos tu reclamo %(codigo)s") % {"codigo": reclamo.codigo},
            texto=render_to_string("transparencia/correo/reclamo_copia.txt", {
                "reclamo": reclamo, "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE, "SITE_URL": settings.SITE_URL,
            }),
            para=[reclamo.correo],
        )
        encolar(reclamo_pdf_emitir, reclamo_id=reclamo.pk)
    return reclamo


def reclamo_pdf_emitir(*, reclamo_id: int) -> str:
    """The signed PDF record of the complaint (idempotent)."""
    from django.core.files.base import ContentFile

    from tramites import documentos

    with transaction.atomic():
        # "of": the office is an outer join (nullable), which PostgreSQL cannot lock.
        reclamo = Reclamo.objects.select_for_update(of=("self",)).select_related("oficina").get(pk=reclamo_id)
        if reclamo.archivo:
            return "omitido"
        pdf = documentos.pdf_renderizar("pdf/reclamo.html", {
            "reclamo": reclamo, "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE, "identificador": reclamo.codigo,
            "solicitud": None,
        })
        firmado = documentos.pdf_firmar(pdf, motivo=_("Libro de Reclamaciones"))
        reclamo.archivo.save(f"{reclamo.codigo}.pdf", ContentFile(firmado), save=True)
    return "emitido"


def reclamo_responder(*, reclamo: Reclamo, servidor, respuesta: str) -> Reclamo:
    respuesta = (respuesta or "").strip()
    if not respuesta:
        raise ValueError(_("Escribe la respuesta al reclamo."))
    with transaction.atomic():
        reclamo = Reclamo.objects.select_for_update().get(pk=reclamo.pk)
        if reclamo.estado == Reclamo.Estado.RESPONDIDO:
            return reclamo
        reclamo.respuesta = respuesta
        reclamo.respondido_por = servidor
        reclamo.respondido_en = timezone.now()
        reclamo.estado = Reclamo.Estado.RESPONDIDO
        reclamo.save(update_fields=["respuesta", "respondido_por", "respondido_en", "estado"])
        encolar(
            correo_enviar,
            asunto=_("Respuesta a tu reclamo %(codigo)s") % {"codigo": reclamo.codigo},
            texto=render_to_string("transparencia/correo/reclamo_respuesta.txt", {
                "reclamo": reclamo, "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE, "SITE_URL": settings.SITE_URL,
            }),
            para=[reclamo.correo],
        )
    return reclamo


def reclamos_recordar(*, hoy: datetime.date | None = None) -> int:
    """Daily: staff are told of complaints due within 2 business days or overdue
    (once a day)."""
    from django.contrib.auth import get_user_model

    from tramites.services import _una_vez

    hoy = hoy or timezone.localdate()
    limite = Calendario().sumar(hoy, 2)
    pendientes = list(
        Reclamo.objects.filter(estado=Reclamo.Estado.REGISTRADO, fecha_limite__lte=limite).select_related("oficina")
    )
    if not pendientes:
        return 0
    destinatarios = list(
        get_user_model().objects.filter(is_active=True, is_staff=True)
        .filter(groups__name="Jefe de oficina").values_list("email", flat=True).distinct()
    ) or list(get_user_model().objects.filter(is_active=True, is_superuser=True).values_list("email", flat=True))
    if not destinatarios:
        return 0
    with transaction.atomic():
        if not _una_vez(f"reclamos:{hoy.isoformat()}"):
            return 0
        encolar(
            correo_enviar,
            asunto=_("Libro de Reclamaciones: %(n)s reclamos por vencer o vencidos") % {"n": len(pendientes)},
            texto=render_to_string("transparencia/correo/reclamos_recordatorio.txt", {
                "reclamos": pendientes, "hoy": hoy, "SITE_URL": settings.SITE_URL,
            }),
            para=destinatarios,
        )
    return len(pendientes)
