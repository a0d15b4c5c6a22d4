"""Writes of the documents issued about a request: created pending with the
decision (or the filing) that causes them, rendered and signed by the
entity's document pipeline (egov/documentos.py) with the functions below,
and revoked by a head of office."""

import base64
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from egov import documentos
from egov import pdf as documentos_pdf
from egov.tareas import encolar

from .. import selectors
from ..acciones import ACCIONES
from ..declaraciones import respuesta_mostrar
from ..models import Solicitud, TipoEvento
from ..transiciones import TransicionNoPermitida, evento_registrar
from .models import CargoPresentacion, Certificado

# --- Creation -----------------------------------------------------------------------------------------


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
    entidad = settings.ENTIDAD_NOMBRE
    if actor is None:
        return _("Firma automática del sistema"), _("Trámites en línea — %(entidad)s") % {"entidad": entidad}
    roles = ", ".join(sorted(g.name for g in actor.groups.all())) or _("Servidor")
    oficina = solicitud.tramite.oficina_resolucion.nombre
    return actor.get_full_name(), f"{roles} — {oficina}"


def certificado_preparar(*, solicitud: Solicitud, por_silencio: bool, actor, nota: str) -> None:
    """On approval: the certificate row (pending) in the same transaction, and
    the PDF task after commit. A lost task is found again by the sweeper."""
    if Certificado.objects.filter(solicitud=solicitud).exists():
        return
    nombre, cargo = _firmante_de(actor, solicitud)
    certificado = Certificado.objects.create(
        solicitud=solicitud, codigo=codigo_nuevo(), resolucion=nota,
        tipo=Certificado.Tipo.SILENCIO if por_silencio else Certificado.Tipo.CERTIFICADO,
        firmante_nombre=nombre[:200], firmante_cargo=cargo[:200],
    )
    encolar(import_string(documentos.tipo_de(certificado).tarea), documento_id=certificado.pk)


def cargo_preparar(*, solicitud: Solicitud) -> None:
    cargo, creado = CargoPresentacion.objects.get_or_create(solicitud=solicitud)
    if creado:
        encolar(import_string(documentos.tipo_de(cargo).tarea), documento_id=cargo.pk)


# --- Rendering (called by the pipeline, inside the row's lock) ---------------------------------------------


def url_verificacion(certificado: Certificado) -> str:
    return settings.SITE_URL + certificado.get_absolute_url()


def _contexto(solicitud: Solicitud) -> dict:
    return {
        "solicitud": solicitud,
        "tramite": solicitud.tramite,
        "solicitante": solicitud.solicitante,
        "respuestas": [
            (c.etiqueta, respuesta_mostrar(c, solicitud.respuestas.get(c.nombre, "")))
            for c in solicitud.tramite.campos.all()
        ],
        "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
        "ENTIDAD_SIGLA": settings.ENTIDAD_SIGLA,
        "ahora": timezone.localtime(),
        "identificador": solicitud.expediente or "",
    }


def certificado_contexto(certificado: Certificado) -> dict:
    enlace = url_verificacion(certificado)
    return {
        **_contexto(certificado.solicitud), "certificado": certificado,
        "url_verificacion": enlace, "qr": documentos_pdf.qr_svg(enlace),
    }


def certificado_plantillas(certificado: Certificado) -> list[str]:
    """A procedure may have its own template (plantilla_certificado); the generic one otherwise."""
    plantillas = ["pdf/certificado.html"]
    if certificado.solicitud.tramite.plantilla_certificado:
        plantillas.insert(0, f"pdf/certificados/{certificado.solicitud.tramite.plantilla_certificado}.html")
    return plantillas


def certificado_generar(certificado: Certificado) -> bytes:
    pdf = documentos_pdf.pdf_renderizar(certificado_plantillas(certificado), certificado_contexto(certificado))
    return documentos_pdf.pdf_firmar(pdf, motivo=certificado.get_tipo_display())


def certificado_al_emitir(certificado: Certificado) -> None:
    evento_registrar(
        certificado.solicitud, TipoEvento.DOCUMENTO_EMITIDO,
        nota=_("%(tipo)s listo para descargar (código %(codigo)s).")
        % {"tipo": certificado.get_tipo_display(), "codigo": certificado.codigo_legible},
    )


def cargo_generar(cargo: CargoPresentacion) -> bytes:
    solicitud = cargo.solicitud
    contexto = {
        **_contexto(solicitud),
        "adjuntos": list(solicitud.adjuntos.filter(vigente=True).select_related("requerido")),
    }
    pdf = documentos_pdf.pdf_renderizar("pdf/cargo.html", contexto)
    return documentos_pdf.pdf_firmar(pdf, motivo=_("Cargo de presentación"))


def cargo_al_emitir(cargo: CargoPresentacion) -> None:
    from ..cache import ciudadano_invalidar

    ciudadano_invalidar(cargo.solicitud.ciudadano_id)


# The two kinds, run by egov/documentos.py (registered in apps.py).
TIPOS = (
    documentos.TipoDocumento(
        nombre="certificado", modelo="tramites.Certificado",
        tarea="tramites.certificados.tasks.certificado_emitir",
        generar="tramites.certificados.services.certificado_generar",
        al_emitir="tramites.certificados.services.certificado_al_emitir",
        relacionados=("solicitud__tramite__oficina_resolucion", "solicitud__ciudadano"),
    ),
    documentos.TipoDocumento(
        nombre="cargo", modelo="tramites.CargoPresentacion",
        tarea="tramites.certificados.tasks.cargo_emitir",
        generar="tramites.certificados.services.cargo_generar",
        al_emitir="tramites.certificados.services.cargo_al_emitir",
        relacionados=("solicitud__tramite__oficina_recepcion",),
    ),
)


def certificado_emitir(*, certificado_id: int, ronda_terminada: bool = True) -> str:
    return documentos.documento_emitir(tipo="certificado", documento_id=certificado_id,
                                       ronda_terminada=ronda_terminada)


def cargo_emitir(*, cargo_id: int, ronda_terminada: bool = True) -> str:
    return documentos.documento_emitir(tipo="cargo", documento_id=cargo_id, ronda_terminada=ronda_terminada)


# --- Revocation -------------------------------------------------------------------------------------------


def certificado_revocar(*, certificado: Certificado, servidor, motivo: str) -> Certificado:
    """A head of the resolving office revokes a certificate with a reason;
    verification then says so, and the citizen is told."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise TransicionNoPermitida(_("Escribe el motivo de la revocación."))
    with transaction.atomic():
        certificado = Certificado.objects.select_for_update(of=("self",)).select_related(
            "solicitud__tramite", "solicitud__ciudadano"
        ).get(pk=certificado.pk)
        solicitud = certificado.solicitud
        accion = ACCIONES["revocar"]
        if not (
            servidor.has_perm(accion.permiso)
            and selectors.puede_gestionar(usuario=servidor, solicitud=solicitud, accion="revocar")
        ):
            raise TransicionNoPermitida(_("No tienes permiso para revocar este certificado."))
        if certificado.revocado:
            return certificado
        certificado.revocado_en = timezone.now()
        certificado.revocado_por = servidor
        certificado.motivo_revocacion = motivo
        certificado.save(update_fields=["revocado_en", "revocado_por", "motivo_revocacion", "actualizado_en"])
        evento_registrar(solicitud, TipoEvento.CERTIFICADO_REVOCADO, actor=servidor, nota=motivo)
    return certificado
