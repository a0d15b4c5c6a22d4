"""Writes of the participation features: ratings and the Libro de Reclamaciones."""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.documentos import TipoDocumento
from egov.mensajes import correo_registrar
from egov.tareas import encolar
from egov.unico import numero_siguiente, una_vez
from tramites import selectors as tramites_selectors
from tramites.models import Estado, Solicitud

from .models import ContadorReclamo, HojaReclamo, Reclamo, Valoracion

log = logging.getLogger(__name__)

PLAZO_RECLAMO_DIAS = 30
# Business days ahead the daily reminder looks for complaints about to fall due.
DIAS_AVISO_RECLAMOS = 2
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
    and its signed sheet (made by the entity's document pipeline)."""
    from django.utils.module_loading import import_string

    from egov.documentos import tipo_de

    with transaction.atomic():
        hoy = timezone.localdate()
        reclamo = Reclamo.objects.create(
            codigo=_codigo_siguiente(hoy.year),
            usuario=usuario if usuario is not None and usuario.is_authenticated else None,
            fecha_limite=tramites_selectors.calendario().vencimiento(hoy, PLAZO_RECLAMO_DIAS),
            **datos,
        )
        correo_registrar(
            para=[reclamo.correo],
            asunto=_("Libro de Reclamaciones: registramos tu reclamo %(codigo)s") % {"codigo": reclamo.codigo},
            texto=render_to_string("transparencia/correo/reclamo_copia.txt", {
                "reclamo": reclamo, "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE, "SITE_URL": settings.SITE_URL,
            }),
            referencia=f"reclamo:{reclamo.codigo}",
        )
        hoja = HojaReclamo.objects.create(reclamo=reclamo)
        encolar(import_string(tipo_de(hoja).tarea), documento_id=hoja.pk)
    return reclamo


def hoja_generar(hoja: HojaReclamo) -> bytes:
    """The signed PDF of a complaint (run by the document pipeline)."""
    from egov import pdf

    documento = pdf.pdf_renderizar("pdf/reclamo.html", {
        "reclamo": hoja.reclamo, "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE, "identificador": hoja.reclamo.codigo,
        "solicitud": None,
    })
    return pdf.pdf_firmar(documento, motivo=_("Libro de Reclamaciones"))


TIPO_HOJA = TipoDocumento(
    nombre="hoja_reclamo", modelo="transparencia.HojaReclamo",
    tarea="transparencia.tasks.hoja_reclamo_emitir", generar="transparencia.services.hoja_generar",
    relacionados=("reclamo__oficina",),
)


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
        correo_registrar(
            para=[reclamo.correo],
            asunto=_("Respuesta a tu reclamo %(codigo)s") % {"codigo": reclamo.codigo},
            texto=render_to_string("transparencia/correo/reclamo_respuesta.txt", {
                "reclamo": reclamo, "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE, "SITE_URL": settings.SITE_URL,
            }),
            referencia=f"reclamo:{reclamo.codigo}",
        )
    return reclamo


def reclamos_recordar(*, hoy: datetime.date | None = None) -> int:
    """Daily: the heads of each office are told of its complaints due within 2
    business days or overdue (once a day per office); those addressed to the
    entity go to the heads of the office responsible for the book. Each head
    hears only of the complaints they may open. Returns how many complaints
    were in the digests sent."""
    from tramites.models import Oficina

    from .selectors import oficina_del_libro

    hoy = hoy or timezone.localdate()
    limite = tramites_selectors.calendario().sumar(hoy, DIAS_AVISO_RECLAMOS)
    pendientes = list(
        Reclamo.objects.filter(estado=Reclamo.Estado.REGISTRADO, fecha_limite__lte=limite).select_related("oficina")
    )
    libro = Oficina.objects.filter(sigla=oficina_del_libro()).first()
    por_oficina: dict = {}
    for reclamo in pendientes:
        oficina = reclamo.oficina or libro
        if oficina is not None:
            por_oficina.setdefault(oficina, []).append(reclamo)
    enviados = 0
    for oficina, reclamos in por_oficina.items():
        destinatarios = sorted(tramites_selectors.jefes_de_oficina(oficina=oficina).values_list("email", flat=True))
        if not destinatarios:
            log.warning("Libro de Reclamaciones: %s no tiene jefe de oficina para el recordatorio", oficina)
            continue
        with transaction.atomic():
            if not una_vez(f"reclamos:{oficina.pk}:{hoy.isoformat()}"):
                continue
            correo_registrar(
                para=destinatarios,
                asunto=_("Libro de Reclamaciones: %(n)s reclamos por vencer o vencidos") % {"n": len(reclamos)},
                texto=render_to_string("transparencia/correo/reclamos_recordatorio.txt", {
                    "reclamos": reclamos, "hoy": hoy, "oficina": oficina, "dias": DIAS_AVISO_RECLAMOS,
                    "SITE_URL": settings.SITE_URL,
                }),
                referencia=f"reclamos:{oficina.sigla}",
            )
        enviados += len(reclamos)
    return enviados
