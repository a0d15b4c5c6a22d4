"""
Validation of what citizens type about themselves. Each function returns the
value in its canonical form or raises ValidationError with a message that says
how to fix the input.
"""

import datetime
import re
import unicodedata
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pe import cui

# --- Identity documents ----------------------------------------------------------


def dni_normalizar(valor: str) -> tuple[str, str]:
    """A DNI as (8 digits, check character or ""). Accepts '10117410',
    '10117410-2', '10117410G', with spaces or dashes."""
    texto = re.sub(r"[\s\-.]", "", valor or "").upper()
    if not texto:
        raise ValidationError(_("Ingresa el número de tu DNI."), code="required")
    if not re.fullmatch(r"\d{8}[0-9A-Z]?", texto):
        raise ValidationError(
            _(
                "El DNI tiene 8 cifras, y a veces un dígito o letra de verificación "
                "al final, por ejemplo 10117410 o 10117410-2."
            ),
            code="dni_formato",
        )
    if texto[:8] == "00000000":
        # Valid for python-stdnum's check-digit rule, but RENIEC numbers DNIs from
        # 00000001 on: 00000000 belongs to no one (it is what forms get as filler).
        raise ValidationError(
            _("00000000 no es un número de DNI. Escribe las 8 cifras que aparecen en tu DNI."),
            code="dni_inexistente",
        )
    try:
        cui.validate(texto)
    except InvalidChecksum:
        raise ValidationError(
            _(
                "El dígito de verificación no corresponde a ese DNI. Revisa el número "
                "y el carácter que aparece al final en tu DNI, o escribe solo las 8 cifras."
            ),
            code="dni_verificacion",
        ) from None
    except StdnumError:
        raise ValidationError(_("El número de DNI no es válido."), code="dni_formato") from None
    return texto[:8], texto[8:]


def ce_normalizar(valor: str) -> str:
    """Carné de Extranjería: the 9 digits printed on the card issued by
    Migraciones (leading zeros kept)."""
    texto = re.sub(r"[\s\-.]", "", valor or "")
    if not re.fullmatch(r"\d{9}", texto):
        raise ValidationError(
            _("El Carné de Extranjería tiene 9 cifras, por ejemplo 001234567."),
            code="ce_formato",
        )
    return texto


def pasaporte_normalizar(valor: str) -> str:
    texto = re.sub(r"[\s\-]", "", valor or "").upper()
    if not re.fullmatch(r"[A-Z0-9]{6,12}", texto):
        raise ValidationError(
            _(
                "El número de pasaporte tiene entre 6 y 12 letras o cifras, sin "
                "espacios ni símbolos."
            ),
            code="pasaporte_formato",
        )
    return texto


def documento_normalizar(tipo: str, numero: str) -> tuple[str, str]:
    """Any identity document as stored: (number, DNI check character or "")."""
    from .models import TipoDocumento

    if tipo == TipoDocumento.DNI:
        return dni_normalizar(numero)
    if tipo == TipoDocumento.CE:
        return ce_normalizar(numero), ""
    return pasaporte_normalizar(numero), ""


# --- Names --------------------------------------------------------------------------

# One or more words of letters (any script, with accents and ñ) joined by a
# space, a hyphen or an apostrophe: María José, Ch'aska, Pérez-Albela, De la Cruz.
_NOMBRE = re.compile(r"[^\W\d_]+(?:(?: |-|'|’ ?)[^\W\d_]+)*")


def nombre_normalizar(valor: str, *, requerido: bool = True) -> str:
    texto = unicodedata.normalize("NFC", valor or "")
    texto = " ".join(texto.split())
    if not texto:
        if requerido:
            raise ValidationError(_("Este dato es obligatorio."), code="required")
        return ""
    if len(texto) > 60:
        raise ValidationError(_("Escribe como máximo 60 caracteres."), code="max_length")
    if not _NOMBRE.fullmatch(texto):
        raise ValidationError(
            _(
                "Usa solo letras, espacios, guiones y apóstrofos, tal como figura en "
                "tu documento (por ejemplo: María José, Ch'aska, Pérez-Albela)."
            ),
            code="nombre_caracteres",
        )
    return texto


# --- Dates and phones ---------------------------------------------------------------

EDAD_MINIMA = 18
EDAD_MAXIMA = 120


def fecha_nacimiento_validar(fecha: datetime.date) -> datetime.date:
    hoy = timezone.localdate()
    if fecha >= hoy:
        raise ValidationError(
            _("La fecha de nacimiento debe ser anterior a hoy."), code="futuro"
        )
    edad = hoy.year - fecha.year - ((hoy.month, hoy.day) < (fecha.month, fecha.day))
    if edad > EDAD_MAXIMA:
        raise ValidationError(
            _("Revisa el año: la fecha indica más de %(max)s años de edad.")
            % {"max": EDAD_MAXIMA},
            code="improbable",
        )
    if edad < EDAD_MINIMA:
        raise ValidationError(
            _(
                "Debes ser mayor de edad para tener una cuenta. Si eres menor, tu madre, "
                "padre o tutor puede hacer los trámites por ti."
            ),
            code="menor",
        )
    return fecha


def telefono_normalizar(valor: str) -> str:
    """A Peruvian mobile (9 digits starting with 9) or an international number
    in E.164 form; returned as E.164 (+51987654321)."""
    texto = re.sub(r"[\s\-().]", "", valor or "")
    if texto.startswith("00"):
        texto = "+" + texto[2:]
    if re.fullmatch(r"9\d{8}", texto):
        return "+51" + texto
    if texto.startswith("+51"):
        if re.fullmatch(r"\+519\d{8}", texto):
            return texto
    elif re.fullmatch(r"\+[1-9]\d{7,14}", texto):
        return texto
    raise ValidationError(
        _(
            "Escribe un celular peruano de 9 cifras que empiece con 9 (por ejemplo "
            "987 654 321) o un número internacional con el código de país "
            "(por ejemplo +34 612 345 678)."
        ),
        code="telefono_formato",
    )


def texto_sin_marcado_validar(valor: str) -> str:
    """Free text (an address) must not carry markup: '<' or '>' have no place in it."""
    if re.search(r"[<>]", valor or ""):
        raise ValidationError(
            _("No uses los caracteres < ni >. Escribe solo texto."), code="marcado"
        )
    return valor


# --- Passwords ----------------------------------------------------------------------


class DatosPersonalesPasswordValidator:
    """Rejects a password too similar to the account's email or to the personal
    data in its profile (names, surnames, document number, birth date)."""

    similitud_maxima = 0.7

    def _datos(self, user):
        datos = []
        if user is None:
            return datos
        email = getattr(user, "email", "") or ""
        datos += [email, email.split("@")[0]]
        perfil = getattr(user, "perfil", None) if getattr(user, "pk", None) else None
        if perfil is not None:
            datos += [
                perfil.nombres,
                perfil.apellido_paterno,
                perfil.apellido_materno,
                perfil.numero_documento,
                perfil.fecha_nacimiento.strftime("%d%m%Y") if perfil.fecha_nacimiento else "",
                perfil.fecha_nacimiento.strftime("%Y") if perfil.fecha_nacimiento else "",
            ]
        return [d.lower() for d in datos if d and len(d) >= 3]

    def validate(self, password, user=None):
        clave = password.lower()
        for dato in self._datos(user):
            if dato in clave or clave in dato:
                raise ValidationError(self._mensaje(), code="password_datos_personales")
            if SequenceMatcher(a=clave, b=dato).quick_ratio() >= self.similitud_maxima and (
                SequenceMatcher(a=clave, b=dato).ratio() >= self.similitud_maxima
            ):
                raise ValidationError(self._mensaje(), code="password_datos_personales")

    def _mensaje(self):
        return gettext_lazy(
            "La contraseña se parece demasiado a tus datos personales (correo, nombres, "
            "número de documento o fecha de nacimiento). Elige otra."
        )

    def get_help_text(self):
        return _("No puede parecerse a tu correo ni a tus datos personales.")
