"""
How the portal may reach a citizen: their consent to be notified with legal
effect in the casilla electrónica, and the channels that alert them of each
notice (the account's email; a mobile phone verified by SMS, ciudadanos/
telefono.py).

* Consent (Ley 31736): the exact text accepted is stored with the time, the
  IP and the identity level of the session. Withdrawing keeps that row and
  records when; from then on notices with legal effect are not deposited and
  the office notifies by other means (tramites is told by
  `consentimiento_vigente`).
* A delivery receipt saying an alert bounced or failed marks its channel as
  failing (`_entrega_registrada`); one saying it arrived clears the mark.
  The citizen hears of a failing channel at their next login
  (`canales_fallando_avisar`).
"""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.entregas import entrega_registrada
from egov.models import EstadoEntrega, Mensaje

from .models import CanalAviso, ConsentimientoNotificacion, TipoCanal, Usuario
from .telefono import telefono_mostrar

# Bump the version whenever the text changes: each acceptance keeps the text it accepted.
CONSENTIMIENTO_VERSION = "2026-11"


def consentimiento_texto() -> str:
    from django.conf import settings

    return _(
        "Acepto que %(entidad)s me notifique en mi casilla electrónica de este portal los actos "
        "administrativos de mis trámites, conforme a la Ley N.° 31736 y al numeral 20.4 del artículo 20 del "
        "TUO de la Ley N.° 27444. Entiendo que una notificación depositada en mi casilla tiene los mismos "
        "efectos que una entregada en mi domicilio, que los plazos corren desde la fecha de notificación que "
        "se me indique, y que recibiré un aviso gratuito por correo electrónico y, si lo registro, por SMS "
        "cada vez que se deposite una. Puedo retirar este consentimiento cuando quiera; desde entonces se me "
        "notificará en mi domicilio."
    ) % {"entidad": settings.ENTIDAD_NOMBRE}


# --- Consent -------------------------------------------------------------------------------------


def consentimiento_vigente(*, usuario_id: int) -> ConsentimientoNotificacion | None:
    return ConsentimientoNotificacion.objects.filter(usuario_id=usuario_id, retirado_en__isnull=True).first()


def consentimiento_aceptar(*, usuario: Usuario, ip: str | None, nivel_ingreso: int | None) -> ConsentimientoNotificacion:
    """Records the citizen's acceptance; accepting twice keeps the first."""
    with transaction.atomic():
        Usuario.objects.select_for_update().filter(pk=usuario.pk).first()
        vigente = consentimiento_vigente(usuario_id=usuario.pk)
        if vigente is not None:
            return vigente
        return ConsentimientoNotificacion.objects.create(
            usuario=usuario, version=CONSENTIMIENTO_VERSION, texto=consentimiento_texto(), ip=ip or None,
            nivel_ingreso=nivel_ingreso,
        )


def consentimiento_retirar(*, usuario: Usuario, ip: str | None) -> bool:
    """Withdraws the consent in force; False when there was none."""
    return bool(
        ConsentimientoNotificacion.objects.filter(usuario=usuario, retirado_en__isnull=True).update(
            retirado_en=timezone.now(), retiro_ip=ip or None
        )
    )


# --- Channels ------------------------------------------------------------------------------------


def correo_verificado(usuario: Usuario) -> bool:
    return EmailAddress.objects.filter(user=usuario, email__iexact=usuario.email, verified=True).exists()


def telefono_de(*, usuario: Usuario) -> CanalAviso | None:
    return CanalAviso.objects.filter(usuario=usuario, tipo=TipoCanal.SMS).first()


def telefono_verificado(*, usuario: Usuario) -> CanalAviso | None:
    return CanalAviso.objects.filter(usuario=usuario, tipo=TipoCanal.SMS, verificado_en__isnull=False).first()


def canales_de(*, usuario: Usuario) -> dict:
    """What the channels page shows: the email and its state, the phone (if any)."""
    correo = CanalAviso.objects.filter(usuario=usuario, tipo=TipoCanal.CORREO, destino__iexact=usuario.email).first()
    return {
        "correo": usuario.email,
        "correo_verificado": correo_verificado(usuario),
        "correo_canal": correo,
        "telefono": telefono_de(usuario=usuario),
    }


def canales_fallando(*, usuario: Usuario) -> list[CanalAviso]:
    """The channels whose last alert bounced or failed. An email channel is
    the account's current address only: a failure of an address the citizen
    has since replaced is no longer theirs to fix."""
    return [
        canal for canal in CanalAviso.objects.filter(usuario=usuario).exclude(falla="")
        if canal.tipo != TipoCanal.CORREO or canal.destino.lower() == usuario.email.lower()
    ]


def falla_describir(canal: CanalAviso) -> str:
    """Why the channel is failing, in the citizen's words."""
    if canal.tipo == TipoCanal.CORREO:
        textos = {
            EstadoEntrega.REBOTADO: _("el correo rebotó: la dirección no existe o no recibe mensajes"),
            EstadoEntrega.QUEJA: _("el aviso se marcó como correo no deseado (spam)"),
        }
        return textos.get(canal.falla, _("el correo no se pudo entregar"))
    if canal.falla == EstadoEntrega.REBOTADO:
        return _("el número no existe o no recibe SMS")
    return _("el SMS no se pudo entregar")


def fallas_describir(fallando: list[CanalAviso]) -> list[dict]:
    """The failing channels as the pages and the login message name them."""
    return [
        {
            "canal": canal,
            "nombre": _("tu correo electrónico") if canal.tipo == TipoCanal.CORREO else _("tu celular"),
            "destino": canal.destino if canal.tipo == TipoCanal.CORREO else telefono_mostrar(canal.destino),
            "motivo": falla_describir(canal),
        }
        for canal in fallando
    ]


def canales_fallando_avisar(*, usuario: Usuario) -> list[CanalAviso]:
    """The failing channels the citizen has not been told about yet, marked
    as told (the login message shows them once)."""
    pendientes = [c for c in canales_fallando(usuario=usuario) if c.falla_avisada_en is None or c.falla_avisada_en < c.falla_en]
    if pendientes:
        CanalAviso.objects.filter(pk__in=[c.pk for c in pendientes]).update(falla_avisada_en=timezone.now())
    return pendientes


def _canal_del_mensaje(mensaje: Mensaje) -> CanalAviso | None:
    """The channel a message went to: the phone verified with its number, or
    the account whose email it was sent to (alerts go to one address)."""
    if mensaje.canal == Mensaje.Canal.SMS:
        return CanalAviso.objects.filter(tipo=TipoCanal.SMS, destino=mensaje.para, verificado_en__isnull=False).first()
    destinos = mensaje.destinatarios
    if len(destinos) != 1:
        return None
    usuario = Usuario.objects.filter(email__iexact=destinos[0]).first()
    if usuario is None:
        return None
    canal, _creado = CanalAviso.objects.get_or_create(
        usuario=usuario, tipo=TipoCanal.CORREO, defaults={"destino": usuario.email, "verificado_en": timezone.now()}
    )
    if canal.destino.lower() != usuario.email.lower():  # the citizen changed their email since
        canal.destino, canal.falla, canal.falla_detalle, canal.falla_en = usuario.email, "", "", None
        canal.save(update_fields=["destino", "falla", "falla_detalle", "falla_en"])
    return canal


@receiver(entrega_registrada)
def _entrega_registrada(sender, mensaje: Mensaje, recibo, **kwargs):
    """A bounce, a complaint or a failed SMS marks the channel as failing; a
    delivery clears it. Runs inside the receipt's transaction."""
    canal = _canal_del_mensaje(mensaje)
    if canal is None:
        return
    if recibo.estado in EstadoEntrega.fallas():
        if canal.falla_en is None or recibo.ocurrido_en >= canal.falla_en:
            canal.falla, canal.falla_detalle, canal.falla_en = recibo.estado, recibo.detalle, recibo.ocurrido_en
            canal.save(update_fields=["falla", "falla_detalle", "falla_en"])
    elif recibo.estado == EstadoEntrega.ENTREGADO and canal.falla and recibo.ocurrido_en > canal.falla_en:
        canal.falla, canal.falla_detalle, canal.falla_en, canal.falla_avisada_en = "", "", None, None
        canal.save(update_fields=["falla", "falla_detalle", "falla_en", "falla_avisada_en"])
