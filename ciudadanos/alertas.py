"""
The alerts of the notices deposited in the casilla (D.S. 098-2025-PCM: free,
by email and SMS, for every deposit).

* A notice with legal effect is alerted at once by every verified channel:
  the account's email and the verified phone.
* A deadline reminder is alerted at once by email, and by SMS when the
  citizen keeps "recordatorios por SMS" on.
* Routine news (a request taken, a document issued) waits for the day's
  digest (`resumenes_enviar`, beat at AVISOS_RESUMEN_HORA): one email per
  citizen listing the day's news still unread, and one SMS if they asked for
  it. A citizen with 20 requests gets one message, not 20.

An SMS never carries the notice's content (it may be confidential): the
entity's name, that there is something in the casilla, and its address.
Every alert is a row of the outbox (egov/mensajes.py) written in the
transaction of the deposit, named "notificacion:<pk>" so the constancia de
notificación finds it with its delivery receipts.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from egov.mensajes import correo_registrar
from egov.sms import sms_registrar

from .canales import telefono_verificado
from .models import CategoriaAviso, Notificacion, Usuario

log = logging.getLogger(__name__)


# The casilla's address (ciudadanos/urls.py), as emails and SMS give it.
RUTA_CASILLA = "/casilla/"


def referencia_de(notificacion: Notificacion) -> str:
    return f"notificacion:{notificacion.pk}"


def efecto_texto() -> str:
    """When a notice takes effect, in the citizen's words (NOTIFICACION_EFECTO)."""
    regla = settings.NOTIFICACION_EFECTO
    if regla == "apertura":
        return _("La notificación surte efecto el día en que la abres en tu casilla.")
    if regla == "dias_habiles":
        return _(
            "La notificación surte efecto el día en que la abres en tu casilla o, si no la abres, "
            "%(n)s días hábiles después de depositada."
        ) % {"n": settings.NOTIFICACION_DIAS_HABILES}
    return _("La notificación surte efecto el día en que se deposita en tu casilla, aunque no la abras.")


def _sms_texto(con_efecto_legal: bool, cuantas: int = 1) -> str:
    casilla = settings.SITE_URL + RUTA_CASILLA
    if con_efecto_legal:
        return _("%(sigla)s: tienes una notificación con efectos legales en tu casilla electrónica. Léela en %(url)s") % {
            "sigla": settings.SMS_REMITENTE, "url": casilla}
    return ngettext(
        "%(sigla)s: tienes %(n)s novedad de tus trámites en tu casilla electrónica: %(url)s",
        "%(sigla)s: tienes %(n)s novedades de tus trámites en tu casilla electrónica: %(url)s",
        cuantas,
    ) % {"sigla": settings.SMS_REMITENTE, "n": cuantas, "url": casilla}


def alertas_registrar(*, notificacion: Notificacion) -> None:
    """The alerts of a notice with legal effect or a reminder, recorded now
    in the caller's transaction. Routine news is left for the digest."""
    usuario = notificacion.usuario
    notificacion.alertada_en = timezone.now()
    Notificacion.objects.filter(pk=notificacion.pk).update(alertada_en=notificacion.alertada_en)
    if not usuario.is_active:
        return
    referencia = referencia_de(notificacion)
    correo_registrar(
        para=[usuario.email], asunto=notificacion.asunto,
        texto=render_to_string("ciudadanos/correo/aviso.txt", {
            "usuario": usuario, "asunto": notificacion.asunto,
            "con_efecto_legal": notificacion.con_efecto_legal, "efecto": efecto_texto(),
            "enlace": settings.SITE_URL + notificacion.get_absolute_url(),
            "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
        }),
        referencia=referencia,
    )
    telefono = telefono_verificado(usuario=usuario)
    if telefono is None:
        return
    if notificacion.con_efecto_legal or (
        notificacion.categoria == CategoriaAviso.RECORDATORIO and telefono.sms_recordatorios
    ):
        sms_registrar(
            numero=telefono.destino, texto=_sms_texto(notificacion.con_efecto_legal),
            referencia=referencia, plazo_vence_en=notificacion.plazo_vence_en,
        )


# --- The daily digest of routine news ------------------------------------------------------------


def _por_resumir():
    return Notificacion.objects.filter(alertada_en__isnull=True, categoria=CategoriaAviso.NOVEDAD)


def resumen_enviar(*, usuario_id: int, hasta=None) -> int:
    """One citizen's digest: the routine news deposited up to `hasta` and not
    yet alerted. Those already read are not listed (the citizen saw them)
    but are marked too, so no digest ever lists them. Returns how many it
    listed; 0 sends nothing."""
    hasta = hasta or timezone.now()
    with transaction.atomic():
        notificaciones = list(
            _por_resumir().select_for_update(skip_locked=True)
            .filter(usuario_id=usuario_id, depositada_en__lte=hasta).order_by("depositada_en", "pk")
        )
        if not notificaciones:
            return 0
        ahora = timezone.now()
        Notificacion.objects.filter(pk__in=[n.pk for n in notificaciones]).update(alertada_en=ahora)
        sin_leer = [n for n in notificaciones if n.leida_en is None]
        usuario = Usuario.objects.get(pk=usuario_id)
        if not sin_leer or not usuario.is_active:
            return 0
        dia = timezone.localdate(ahora)
        correo_registrar(
            para=[usuario.email],
            asunto=ngettext(
                "Resumen del día: %(n)s novedad de tus trámites", "Resumen del día: %(n)s novedades de tus trámites",
                len(sin_leer),
            ) % {"n": len(sin_leer)},
            texto=render_to_string("ciudadanos/correo/resumen.txt", {
                "usuario": usuario, "notificaciones": sin_leer, "dia": dia, "SITE_URL": settings.SITE_URL,
                "casilla": settings.SITE_URL + RUTA_CASILLA,
                "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
            }),
            referencia=f"resumen:{usuario.pk}:{dia.isoformat()}",
        )
        telefono = telefono_verificado(usuario=usuario)
        if telefono is not None and telefono.sms_novedades:
            sms_registrar(
                numero=telefono.destino, texto=_sms_texto(False, len(sin_leer)),
                referencia=f"resumen:{usuario.pk}:{dia.isoformat()}",
            )
    return len(sin_leer)


def resumenes_enviar(*, hasta=None) -> dict:
    """Beat, once a day: every citizen with routine news not yet alerted gets
    their digest. Idempotent: a notice is listed in one digest only."""
    hasta = hasta or timezone.now()
    usuarios = list(
        _por_resumir().filter(depositada_en__lte=hasta).order_by().values_list("usuario_id", flat=True).distinct()
    )
    resultado = {"ciudadanos": 0, "novedades": 0}
    for usuario_id in usuarios:
        try:
            listadas = resumen_enviar(usuario_id=usuario_id, hasta=hasta)
        except Exception:  # noqa: BLE001 - one citizen's failure must not stop the others' digests
            log.exception("no se pudo preparar el resumen del ciudadano %s", usuario_id)
            continue
        if listadas:
            resultado["ciudadanos"] += 1
            resultado["novedades"] += listadas
    return resultado
