"""Filing a draft: for whom (the citizen or a company they represent), an
expediente number, the exact filing time, the due date in business days, the
filing receipt; automatic approvals are decided at once."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.dominio import AccionNoPermitida, ErrorDeDominio
from egov.unico import numero_siguiente

from .. import selectors
from ..models import ContadorExpediente, Estado, Solicitud
from ..plazos import Calendario
from ..transiciones import TransicionNoPermitida, bloquear, transicionar


class SolicitudIncompleta(ErrorDeDominio):
    def __init__(self, faltantes):
        self.faltantes = faltantes
        super().__init__(_("La solicitud está incompleta."))


def expediente_siguiente(anio: int) -> str:
    return f"EXP-{anio}-{numero_siguiente(ContadorExpediente, anio):06d}"


class EmpresaNoPermitida(AccionNoPermitida):
    """The request cannot be filed for this company: the procedure does not
    accept companies, or the citizen is not its confirmed representative."""


def _solicitante(ciudadano, empresa=None) -> dict:
    """Who files, as they are at filing time: the citizen (for a company,
    its representative, who "presents" it) and the company it is for."""
    perfil = ciudadano.perfil
    datos = {
        "tipo_documento": perfil.tipo_documento,
        "numero_documento": perfil.numero_documento,
        "nombre_completo": perfil.nombre_completo,
        "correo": ciudadano.email,
        "telefono": perfil.telefono,
        "direccion": perfil.direccion,
        "ubigeo": perfil.ubigeo,
    }
    if empresa is not None:
        datos["empresa"] = {
            "ruc": empresa.ruc,
            "razon_social": empresa.razon_social,
            "domicilio_fiscal": empresa.domicilio_fiscal,
            "estado": empresa.estado,
            "condicion": empresa.condicion,
            "verificada_en": empresa.verificada_en.isoformat() if empresa.verificada_en else None,
        }
    return datos


def borrador_a_nombre_de(*, solicitud: Solicitud, ciudadano, empresa_id: int | None) -> Solicitud:
    """Files the draft for the citizen (None) or for a company they represent
    with confirmation, if the procedure accepts companies."""
    from ciudadanos.empresas import empresas_confirmadas

    with transaction.atomic():
        solicitud = bloquear(solicitud.pk)
        if solicitud.ciudadano_id != ciudadano.pk or solicitud.estado != Estado.BORRADOR:
            raise TransicionNoPermitida(_("Solo puedes cambiar esto en tus borradores."))
        if empresa_id is not None:
            if not solicitud.tramite.acepta_empresas:
                raise EmpresaNoPermitida(_("Este trámite no se presenta a nombre de una empresa: preséntalo para ti."))
            if not empresas_confirmadas(usuario=ciudadano).filter(pk=empresa_id).exists():
                raise EmpresaNoPermitida(_(
                    "Solo puedes presentar a nombre de una empresa que representas con confirmación. "
                    "Elige otra opción o revisa «Mis empresas»."
                ))
        if solicitud.empresa_id != empresa_id:
            solicitud.empresa_id = empresa_id
            solicitud.save(update_fields=["empresa", "actualizado_en"])
    return solicitud


def solicitud_presentar(
    *, solicitud: Solicitud, ciudadano, declaracion_jurada: bool, nivel_ingreso: int | None = None
) -> Solicitud:
    """Files a complete draft. Filing the same draft twice returns the
    request already filed. `nivel_ingreso`: how the citizen logged in
    (ciudadanos.niveles), recorded on the request and in its history."""
    from ciudadanos import services as ciudadanos_services
    from ciudadanos.models import NivelIngreso

    if solicitud.estado == Estado.BORRADOR and solicitud.ciudadano_id == ciudadano.pk:
        # An automatic step, before the lock: names RENIEC never confirmed are
        # looked up once more. Filing goes on whatever PIDE answers.
        ciudadanos_services.perfil_reniec_al_presentar(usuario=ciudadano, referencia=f"solicitud:{solicitud.pk}")
    with transaction.atomic():
        solicitud = bloquear(solicitud.pk)
        if solicitud.ciudadano_id != ciudadano.pk:
            raise TransicionNoPermitida(_("No tienes permiso para hacer esto con esta solicitud."))
        if solicitud.estado != Estado.BORRADOR:
            return solicitud  # a double click or a resubmitted form
        faltantes = selectors.solicitud_faltantes(solicitud=solicitud)
        if not declaracion_jurada:
            faltantes.append(
                ("revisar", _("Marca la declaración jurada para poder enviar la solicitud."))
            )
        if faltantes:
            raise SolicitudIncompleta(faltantes)
        ahora = timezone.now()
        local = timezone.localtime(ahora)
        solicitud.expediente = expediente_siguiente(local.year)
        solicitud.presentada_en = ahora
        solicitud.declaracion_jurada = True
        empresa = solicitud.empresa  # still allowed: solicitud_faltantes checked the representation
        solicitud.solicitante = _solicitante(solicitud.ciudadano, empresa)
        if empresa is not None and empresa.verificada_en is None:
            solicitud.datos_sin_verificar = True  # SUNAT did not answer when the company was added
        if ciudadanos_services.identidad_sin_verificar(getattr(solicitud.ciudadano, "perfil", None)):
            solicitud.datos_sin_verificar = True  # names typed, not confirmed by RENIEC nor in person
        tramite = solicitud.tramite
        # An automatic approval has no evaluation term (nor promises one in the notice).
        solicitud.fecha_limite = (
            None if tramite.es_automatica
            else Calendario().vencimiento(local.date(), tramite.plazo_dias)
        )
        solicitud.nivel_ingreso = nivel_ingreso
        nota = _("Ingresó con: %(nivel)s.") % {"nivel": NivelIngreso(nivel_ingreso).label} if nivel_ingreso else ""
        transicionar(solicitud, "presentar", ciudadano, nota=nota)
        if tramite.es_automatica:
            transicionar(solicitud, "aprobar_automatica", None)
    return solicitud
