"""Reads of the documents issued about a request: who may download them,
and the public verification by code or by file."""

from django.utils import timezone

from egov.documentos import AVISO_FALLA
from egov.dominio import NoEncontrado
from egov.models import EstadoDocumento

from .. import selectors
from ..constancias.models import ConstanciaNotificacion
from .models import CargoPresentacion, Certificado


def documento_accesible(*, usuario, expediente: str, tipo: str):
    """A certificate or filing receipt its owner (or staff of the office) may
    download, once issued; 404 for anyone else or while pending."""
    modelo = {"certificado": Certificado, "cargo": CargoPresentacion}.get(tipo)
    if modelo is None or not (usuario and usuario.is_authenticated):
        raise NoEncontrado
    documento = (
        modelo.objects.filter(solicitud__expediente=expediente, estado=EstadoDocumento.EMITIDO)
        .select_related("solicitud__tramite")
        .first()
    )
    if documento is None or not selectors.puede_ver(usuario=usuario, solicitud=documento.solicitud):
        raise NoEncontrado
    return documento


def certificado_por_codigo(*, codigo: str):
    if not codigo:
        return None
    return (
        Certificado.objects.filter(codigo=codigo)
        .select_related("solicitud__tramite__oficina_resolucion")
        .first()
    )


def enmascarar_nombre(nombre: str) -> str:
    """'Ch'aska Quispe' -> 'Ch**** Qu****': enough to recognise, not to read."""
    return " ".join(p[:2] + "*" * max(len(p) - 2, 1) for p in (nombre or "").split())


def enmascarar_documento(numero: str) -> str:
    numero = numero or ""
    return "*" * max(len(numero) - 4, 0) + numero[-4:]


def documento_por_huella(*, sha256: str):
    """The issued certificate, receipt or constancia de notificación whose
    file has this SHA-256, if any."""
    for modelo in (Certificado, CargoPresentacion, ConstanciaNotificacion):
        documento = (
            modelo.objects.filter(sha256=sha256, estado=EstadoDocumento.EMITIDO)
            .select_related("solicitud__tramite")
            .first()
        )
        if documento is not None:
            return documento
    return None


def documentos_con_fallas_de(*, usuario) -> dict:
    """The certificates and receipts of the servant's requests that fail for
    long or wait for a person: {model name: queryset}."""
    solicitudes = selectors.solicitudes_de_personal(usuario=usuario)
    desde = timezone.now() - AVISO_FALLA
    return {
        modelo._meta.model_name: modelo.objects.con_fallas(desde=desde).filter(solicitud__in=solicitudes)
        for modelo in (Certificado, CargoPresentacion)
    }
