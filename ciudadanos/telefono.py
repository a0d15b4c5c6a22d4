"""
The citizen's mobile phone as an alert channel: registered, verified with a
one-time code sent to it by SMS, changed, removed, and which alerts besides
those with legal effect it receives.

* A number is a Peruvian mobile: 9 digits starting with 9, stored as
  +519XXXXXXXX (`telefono_normalizar`).
* The code has 6 digits and lasts CODIGO_VIGENCIA; only its keyed hash is
  stored, bound to the channel and the number. CODIGO_INTENTOS wrong tries
  void it. At most CODIGOS_POR_HORA codes are sent per number and per
  account in an hour, counted on the outbox's rows (they say when the next
  one may be asked for, and need no cache).
* A number alerts one account: the first to verify it. The database's
  unique constraint decides between two accounts verifying it at once.

Domain errors are `ValidationError`s with a code (the views show them on the
field they concern).
"""

import datetime
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from egov import sms
from egov.dominio import NoEncontrado
from egov.models import Mensaje

from .models import CanalAviso, TipoCanal, Usuario

CODIGO_CIFRAS = 6
CODIGO_VIGENCIA = datetime.timedelta(minutes=10)
CODIGO_INTENTOS = 5
CODIGOS_POR_HORA = 3
# The outbox's rows of the codes: "telefono-codigo:<account id>".
REFERENCIA_CODIGO = "telefono-codigo:"

_SEPARADORES = re.compile(r"[\s\-.()]")


# --- Numbers -------------------------------------------------------------------------------------


def telefono_normalizar(numero: str) -> str:
    """A Peruvian mobile number as stored (+519XXXXXXXX). Accepts spaces,
    hyphens, dots and brackets, and the +51 (or 0051) prefix."""
    limpio = _SEPARADORES.sub("", numero or "")
    if not limpio:
        raise ValidationError(_("Escribe el número de tu celular, por ejemplo 987 654 321."), code="vacio")
    if limpio.startswith("+"):
        cifras = limpio[1:]
        if not cifras.isdigit():
            raise ValidationError(_("Escribe solo números, por ejemplo 987 654 321."), code="invalido")
        if not cifras.startswith("51"):
            raise ValidationError(
                _("Solo podemos enviar SMS a celulares del Perú: escribe un número que empiece con 9, sin otro código de país."),
                code="extranjero",
            )
        cifras = cifras[2:]
    elif limpio.startswith("0051"):
        cifras = limpio[4:]
    elif limpio.startswith("51") and len(limpio) == 11:
        cifras = limpio[2:]
    else:
        cifras = limpio
    if not cifras.isdigit():
        raise ValidationError(_("Escribe solo números, por ejemplo 987 654 321."), code="invalido")
    if len(cifras) != 9 or not cifras.startswith("9"):
        raise ValidationError(
            _("Escribe un celular peruano: 9 cifras que empiezan con 9, por ejemplo 987 654 321. "
              "Los teléfonos fijos no reciben SMS."),
            code="invalido",
        )
    return f"+51{cifras}"


def telefono_mostrar(numero: str) -> str:
    """+51987654321 -> "+51 987 654 321", as people read it."""
    if re.fullmatch(r"\+519\d{8}", numero or ""):
        return f"{numero[:3]} {numero[3:6]} {numero[6:9]} {numero[9:]}"
    return numero or ""


# --- The one-time code ---------------------------------------------------------------------------


def _huella(canal: CanalAviso, codigo: str) -> str:
    return salted_hmac(
        "ciudadanos.telefono.codigo", f"{canal.pk}:{canal.destino}:{codigo}", algorithm="sha256"
    ).hexdigest()


def _codigo_texto(codigo: str) -> str:
    return _(
        "%(sigla)s: %(codigo)s es tu código para verificar tu celular en el portal de trámites. "
        "Vence en 10 minutos. No lo compartas con nadie."
    ) % {"sigla": settings.SMS_REMITENTE, "codigo": codigo}


def _hora(momento: datetime.datetime) -> str:
    return formats.time_format(timezone.localtime(momento), "H:i")


def _limite_de_codigos(*, usuario: Usuario, numero: str, ahora: datetime.datetime) -> None:
    """Raises when this account or this number had CODIGOS_POR_HORA codes in
    the last hour, saying when the next one may be asked for."""
    codigos = Mensaje.objects.filter(
        canal=Mensaje.Canal.SMS, referencia__startswith=REFERENCIA_CODIGO, creado_en__gt=ahora - datetime.timedelta(hours=1)
    )
    limites = (
        (codigos.filter(referencia=f"{REFERENCIA_CODIGO}{usuario.pk}"),
         _("Ya te enviamos %(n)s códigos en la última hora. Podrás pedir otro a las %(hora)s.")),
        (codigos.filter(para=numero),
         _("A este número ya se enviaron %(n)s códigos en la última hora. Podrás pedir otro a las %(hora)s.")),
    )
    for recientes, texto in limites:
        fechas = list(recientes.order_by("-creado_en").values_list("creado_en", flat=True)[:CODIGOS_POR_HORA])
        if len(fechas) >= CODIGOS_POR_HORA:
            raise ValidationError(
                texto % {"n": CODIGOS_POR_HORA, "hora": _hora(fechas[-1] + datetime.timedelta(hours=1))},
                code="demasiados_codigos",
            )


def _verificado_en_otra_cuenta(*, usuario: Usuario, numero: str) -> bool:
    return CanalAviso.objects.filter(tipo=TipoCanal.SMS, destino=numero, verificado_en__isnull=False).exclude(
        usuario=usuario
    ).exists()


def _error_de_otra_cuenta() -> ValidationError:
    # Says nothing of whose account it is.
    return ValidationError(
        _("Este número ya está verificado en otra cuenta del portal. Cada celular avisa a una sola cuenta: "
          "escribe otro número o, si es tuyo, quítalo primero de la otra cuenta."),
        code="numero_de_otra_cuenta",
    )


def telefono_codigo_enviar(*, usuario: Usuario, numero: str) -> CanalAviso:
    """Registers `numero` as the account's phone (not verified until its code
    is entered) and sends it a new code by SMS. A different number than the
    one registered replaces it and is no longer verified; the SMS choices
    are kept."""
    numero = telefono_normalizar(numero)
    if not sms.configurado():
        raise ValidationError(_("El envío de SMS no está disponible en este momento."), code="sms_no_disponible")
    ahora = timezone.now()
    with transaction.atomic():
        Usuario.objects.select_for_update().filter(pk=usuario.pk).first()
        canal = CanalAviso.objects.filter(usuario=usuario, tipo=TipoCanal.SMS).first()
        if canal is not None and canal.destino == numero and canal.verificado:
            raise ValidationError(_("Este número ya está verificado en tu cuenta."), code="ya_verificado")
        if _verificado_en_otra_cuenta(usuario=usuario, numero=numero):
            raise _error_de_otra_cuenta()
        _limite_de_codigos(usuario=usuario, numero=numero, ahora=ahora)
        if canal is None:
            canal = CanalAviso(usuario=usuario, tipo=TipoCanal.SMS)
        if canal.destino != numero:
            canal.destino, canal.verificado_en = numero, None
            canal.falla, canal.falla_detalle, canal.falla_en, canal.falla_avisada_en = "", "", None, None
        if canal.pk is None:
            canal.save()
        codigo = f"{secrets.randbelow(10 ** CODIGO_CIFRAS):0{CODIGO_CIFRAS}d}"
        canal.codigo_hash = _huella(canal, codigo)
        canal.codigo_enviado_en, canal.codigo_intentos = ahora, 0
        canal.save()
        mensaje = sms.sms_registrar(
            numero=numero, texto=_codigo_texto(codigo), reservado=True,
            referencia=f"{REFERENCIA_CODIGO}{usuario.pk}",
            # Urgent: the code expires long before the night is over.
            plazo_vence_en=ahora + CODIGO_VIGENCIA,
        )
        if mensaje is not None:
            # The outbox lists messages by subject: this one's must not carry the code.
            Mensaje.objects.filter(pk=mensaje.pk).update(asunto=_("Código de verificación del celular"))
    return canal


def telefono_verificar(*, usuario: Usuario, codigo: str) -> CanalAviso:
    """Checks the code the citizen typed against the one sent to their
    phone; the phone is verified when it matches."""
    codigo = re.sub(r"[\s\-]", "", codigo or "")
    error = None
    with transaction.atomic():
        canal = CanalAviso.objects.select_for_update().filter(usuario=usuario, tipo=TipoCanal.SMS).first()
        if canal is None:
            raise NoEncontrado(_("No tienes un celular registrado."))
        if canal.verificado:
            raise ValidationError(_("Tu celular ya está verificado."), code="ya_verificado")
        if not canal.codigo_hash:
            raise ValidationError(
                _("Ese código ya no sirve: pide un código nuevo con «Enviar otro código»."), code="sin_codigo"
            )
        if canal.codigo_enviado_en is None or timezone.now() - canal.codigo_enviado_en > CODIGO_VIGENCIA:
            raise ValidationError(
                _("El código venció: duran 10 minutos. Pide un código nuevo con «Enviar otro código»."),
                code="codigo_vencido",
            )
        if not constant_time_compare(_huella(canal, codigo), canal.codigo_hash):
            canal.codigo_intentos += 1
            quedan = CODIGO_INTENTOS - canal.codigo_intentos
            if quedan <= 0:
                canal.codigo_hash = ""
                error = ValidationError(
                    _("El código no es correcto y ya no te quedan intentos con él. "
                      "Pide un código nuevo con «Enviar otro código»."),
                    code="codigo_agotado",
                )
            else:
                error = ValidationError(
                    ngettext(
                        "El código no es correcto. Revisa el SMS y escribe las 6 cifras; te queda %(n)s intento.",
                        "El código no es correcto. Revisa el SMS y escribe las 6 cifras; te quedan %(n)s intentos.",
                        quedan,
                    ) % {"n": quedan},
                    code="codigo_incorrecto",
                )
            canal.save(update_fields=["codigo_intentos", "codigo_hash"])
        else:
            canal.verificado_en = timezone.now()
            canal.codigo_hash, canal.codigo_enviado_en, canal.codigo_intentos = "", None, 0
            try:
                with transaction.atomic():
                    canal.save()
            except IntegrityError:
                # Another account verified the same number a moment before.
                error = _error_de_otra_cuenta()
                canal.verificado_en = None
    if error is not None:
        raise error
    return canal


def telefono_quitar(*, usuario: Usuario) -> bool:
    """Removes the account's phone; from now on alerts go by email only.
    False when there was none."""
    borrados, _detalle = CanalAviso.objects.filter(usuario=usuario, tipo=TipoCanal.SMS).delete()
    return bool(borrados)


def telefono_preferencias_guardar(*, usuario: Usuario, sms_recordatorios: bool, sms_novedades: bool) -> CanalAviso:
    """Which alerts besides those with legal effect go by SMS."""
    canal = CanalAviso.objects.filter(usuario=usuario, tipo=TipoCanal.SMS).first()
    if canal is None:
        raise NoEncontrado(_("No tienes un celular registrado."))
    canal.sms_recordatorios, canal.sms_novedades = bool(sms_recordatorios), bool(sms_novedades)
    canal.save(update_fields=["sms_recordatorios", "sms_novedades"])
    return canal


def codigo_pendiente(canal: CanalAviso | None) -> bool:
    """A code was sent to this phone and may still be entered."""
    return bool(
        canal is not None and not canal.verificado and canal.codigo_hash and canal.codigo_enviado_en
        and timezone.now() - canal.codigo_enviado_en <= CODIGO_VIGENCIA
    )
