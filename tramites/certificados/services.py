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
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from egov import documentos
from egov import pdf as documentos_pdf
from egov.tareas import encolar

from .. import selectors
from ..acciones import ACCIONES
from ..declaraciones import respuesta_mostrar
from ..models import Solicitud, TipoEvento
from ..roles import JEFE_DE_OFICINA
from ..transiciones import TransicionNoPermitida, evento_registrar
from . import plantillas
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


# Office names that take "la" ("Jefe(a) de la Subgerencia de …"); any other goes without an article.
_OFICINAS_FEMENINAS = frozenset({
    "alcaldía", "coordinación", "dirección", "división", "gerencia", "jefatura", "mesa", "oficina",
    "plataforma", "procuraduría", "secretaría", "sección", "subgerencia", "unidad",
})


def jefatura_de(oficina: str) -> str:
    """The position of an office's head, "Jefe(a) de la Subgerencia de …"."""
    if oficina.split(" ", 1)[0].lower() in _OFICINAS_FEMENINAS:
        return _("Jefe(a) de la %(oficina)s") % {"oficina": oficina}
    return _("Jefe(a) de %(oficina)s") % {"oficina": oficina}


def firmante_de(*, actor, oficina: str) -> tuple[str, str]:
    """The two lines under the signature: a person's name and their position
    ("Cargo, Oficina"). Never an email address: a servant without a profile
    (no name) signs as their position, by default the office's head."""
    entidad = settings.ENTIDAD_NOMBRE
    if actor is None:
        return _("Firma automática del sistema"), _("Trámites en línea, %(entidad)s") % {"entidad": entidad}
    perfil = getattr(actor, "perfil", None)
    nombre = perfil.nombre_completo if perfil else ""
    puesto = (actor.cargo or "").strip()
    if not nombre:
        return (f"{puesto}, {oficina}" if puesto else jefatura_de(oficina)), entidad
    if puesto:
        return nombre, f"{puesto}, {oficina}"
    roles = sorted(g.name for g in actor.groups.all())
    if JEFE_DE_OFICINA in roles:
        return nombre, jefatura_de(oficina)
    return nombre, f"{', '.join(roles) or _('Servidor(a)')}, {oficina}"


def certificado_preparar(*, solicitud: Solicitud, por_silencio: bool, actor, nota: str) -> None:
    """On approval: the certificate row (pending) in the same transaction, and
    the PDF task after commit. A lost task is found again by the sweeper."""
    if Certificado.objects.filter(solicitud=solicitud).exists():
        return
    nombre, cargo = firmante_de(actor=actor, oficina=solicitud.tramite.oficina_resolucion.nombre)
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


def titular_y_representante(solicitante: dict | None) -> dict:
    """Whom a document names as the applicant: the citizen, or, for a
    request filed for a company, the company (by its RUC), with the citizen
    who presented it as `representante`. From the snapshot taken at filing."""
    solicitante = solicitante or {}
    empresa = solicitante.get("empresa")
    if not empresa:
        return {"solicitante": solicitante, "empresa": None, "representante": None}
    return {
        "solicitante": {
            "nombre_completo": empresa.get("razon_social", ""), "tipo_documento": "RUC",
            "numero_documento": empresa.get("ruc", ""), "direccion": empresa.get("domicilio_fiscal", ""),
        },
        "empresa": empresa,
        "representante": solicitante,
    }


def _contexto(solicitud: Solicitud) -> dict:
    campos = list(solicitud.tramite.campos.all())
    return {
        "solicitud": solicitud,
        "tramite": solicitud.tramite,
        **titular_y_representante(solicitud.solicitante),
        "respuestas": [
            (c.etiqueta, respuesta_mostrar(c, solicitud.respuestas.get(c.nombre, ""))) for c in campos
        ],
        # The same answers by question name, for the templates that state what they certify.
        "datos": {c.nombre: respuesta_mostrar(c, solicitud.respuestas.get(c.nombre, "")) for c in campos},
        "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
        "ENTIDAD_SIGLA": settings.ENTIDAD_SIGLA,
        "ahora": timezone.localtime(),
        "identificador": solicitud.expediente or "",
    }


def qr_con_texto_alternativo(enlace: str) -> str:
    """The QR's SVG with a <title>: the alternative text a tagged PDF gives the figure."""
    titulo = escape(_("Código QR con la dirección de verificación: %(url)s") % {"url": enlace})
    return re.sub(
        r"<svg\b[^>]*>", lambda inicio: f"{inicio.group(0)}<title>{titulo}</title>", documentos_pdf.qr_svg(enlace),
        count=1,
    )


def certificado_contexto(certificado: Certificado) -> dict:
    enlace = url_verificacion(certificado)
    contexto = _contexto(certificado.solicitud)
    plantilla = plantillas.POR_CLAVE.get(certificado.solicitud.tramite.plantilla_certificado)
    # What the approving servant stated (e.g. the assigned number); absent
    # in an approval by silencio positivo, where the template says so.
    if plantilla:
        contexto.update({dato.nombre: (certificado.datos or {}).get(dato.nombre, "") for dato in plantilla.datos})
    return {
        **contexto, "certificado": certificado,
        "documento": plantilla.documento if plantilla else "",
        "url_verificacion": enlace, "qr": qr_con_texto_alternativo(enlace),
    }


def certificado_plantillas(certificado: Certificado) -> list[str]:
    """A procedure may have its own template (plantilla_certificado); the generic one otherwise."""
    clave = certificado.solicitud.tramite.plantilla_certificado
    return [plantillas.ruta(clave), plantillas.GENERICA] if clave else [plantillas.GENERICA]


def certificado_muestra(*, tramite) -> bytes:
    """A sample of the document a procedure issues, with sample answers to its
    questions and a sample applicant, marked MUESTRA on every page and
    unsigned: nothing is saved, and it verifies as nothing."""
    oficina = tramite.oficina_resolucion
    jefe = (
        oficina.personal.filter(is_active=True, is_staff=True, groups__name=JEFE_DE_OFICINA)
        .select_related("perfil").order_by("pk").first()
    )
    if jefe is not None:
        nombre, cargo = firmante_de(actor=jefe, oficina=oficina.nombre)
    else:
        nombre, cargo = jefatura_de(oficina.nombre), settings.ENTIDAD_NOMBRE
    ahora = timezone.localtime()
    solicitud = Solicitud(
        tramite=tramite, expediente=_("MUESTRA"), presentada_en=ahora, fecha_limite=ahora.date(),
        respuestas={campo.nombre: plantillas.respuesta_muestra(campo) for campo in tramite.campos.all()},
        solicitante={
            "tipo_documento": "DNI", "numero_documento": "00000000",
            "nombre_completo": _("Nombre Apellido Apellido (muestra)"),
        },
    )
    certificado = Certificado(
        solicitud=solicitud, codigo="MUESTRAMUESTRAAA", tipo=Certificado.Tipo.CERTIFICADO,
        resolucion=_("Texto de la resolución que escribe quien aprueba (muestra)."),
        firmante_nombre=nombre, firmante_cargo=cargo,
        datos={dato.nombre: plantillas.MUESTRAS.get(dato.nombre, "—") for dato in plantillas.datos_del_servidor(tramite)},
    )
    contexto = {**certificado_contexto(certificado), "muestra": True}
    return documentos_pdf.pdf_renderizar(certificado_plantillas(certificado), contexto)


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
    from ..cache import solicitud_invalidar

    solicitud_invalidar(cargo.solicitud)


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
