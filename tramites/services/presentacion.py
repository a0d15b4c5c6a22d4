"""Filing a draft: an expediente number, the exact filing time, the due date
in business days, the filing receipt; automatic approvals are decided at
once."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.dominio import ErrorDeDominio
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


def _solicitante(ciudadano) -> dict:
    perfil = ciudadano.perfil
    return {
        "tipo_documento": perfil.tipo_documento,
        "numero_documento": perfil.numero_documento,
        "nombre_completo": perfil.nombre_completo,
        "correo": ciudadano.email,
        "telefono": perfil.telefono,
        "direccion": perfil.direccion,
        "ubigeo": perfil.ubigeo,
    }


def solicitud_presentar(
    *, solicitud: Solicitud, ciudadano, declaracion_jurada: bool, nivel_ingreso: int | None = None
) -> Solicitud:
    """Files a complete draft. Filing the same draft twice returns the
    request already filed. `nivel_ingreso`: how the citizen logged in
    (ciudadanos.niveles), recorded on the request and in its history."""
    from ciudadanos.models import NivelIngreso

    from ciudadanos import services as ciudadanos_services

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
        solicitud.solicitante = _solicitante(solicitud.ciudadano)
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
