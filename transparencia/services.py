"""Writes of the participation features: ratings and the Libro de Reclamaciones."""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ciudadanos.tasks import correo_enviar
from egov.tareas import encolar
from egov.unico import numero_siguiente, una_vez
from tramites.models import Estado, Solicitud
from tramites.plazos import Calendario

from .models import ContadorReclamo, Reclamo, Valoracion

log = logging.getLogger(__name__)

PLAZO_RECLAMO_DIAS = 30
ESTADOS_VALORABLES = (Estado.APROBADA, Estado.DENEGADA)


class ReclamoFueraDeAlcance(Exception):
    """The servant may not answer this complaint (another office's)."""


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

    from egov import pdf as documentos

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
    """A servant of the complaint's office (or of the office responsible for
    the book, for one addressed to the entity) answers it; the answer is
    emailed to the complainant."""
    from .selectors import puede_responder_reclamo

    respuesta = (respuesta or "").strip()
    if not respuesta:
        raise ValueError(_("Escribe la respuesta al reclamo."))
    with transaction.atomic():
        reclamo = Reclamo.objects.select_for_update().get(pk=reclamo.pk)
        if not puede_responder_reclamo(usuario=servidor, reclamo=reclamo):
            raise ReclamoFueraDeAlcance()
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
    """Daily: the heads of each office are told of its complaints due within 2
    business days or overdue (once a day per office); those addressed to the
    entity go to the heads of the office responsible for the book. Each head
    hears only of the complaints they may open. Returns how many complaints
    were in the digests sent."""
    from django.contrib.auth import get_user_model

    from tramites.models import Oficina
    from tramites.roles import JEFE_DE_OFICINA

    from .selectors import oficina_del_libro

    hoy = hoy or timezone.localdate()
    limite = Calendario().sumar(hoy, 2)
    pendientes = list(
        Reclamo.objects.filter(estado=Reclamo.Estado.REGISTRADO, fecha_limite__lte=limite).select_related("oficina")
    )
    libro = Oficina.objects.filter(sigla=oficina_del_libro()).first()
    por_oficina: dict = {}
    for reclamo in pendientes:
        oficina = reclamo.oficina or libro
        if oficina is not None:
            por_oficina.setdefault(oficina, []).append(reclamo)
    jefes = get_user_model().objects.filter(
        is_active=True, is_staff=True, groups__name=JEFE_DE_OFICINA, authenticator__type="totp"
    )
    enviados = 0
    for oficina, reclamos in por_oficina.items():
        destinatarios = sorted(set(jefes.filter(oficinas=oficina).values_list("email", flat=True)))
        if not destinatarios:
            log.warning("Libro de Reclamaciones: %s no tiene jefe de oficina para el recordatorio", oficina)
            continue
        with transaction.atomic():
            if not una_vez(f"reclamos:{oficina.pk}:{hoy.isoformat()}"):
                continue
            encolar(
                correo_enviar,
                asunto=_("Libro de Reclamaciones: %(n)s reclamos por vencer o vencidos") % {"n": len(reclamos)},
                texto=render_to_string("transparencia/correo/reclamos_recordatorio.txt", {
                    "reclamos": reclamos, "hoy": hoy, "oficina": oficina, "SITE_URL": settings.SITE_URL,
                }),
                para=destinatarios,
            )
        enviados += len(reclamos)
    return enviados
