"""
Form fields declared as data: each procedure lists its questions (label, type,
required, help) and this module turns a declaration into a Django form field,
validates declarations before they are saved, and renders stored answers.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ciudadanos import ubigeo, validators


class TipoCampo(models.TextChoices):
    TEXTO = "texto", gettext_lazy("Texto corto")
    TEXTO_LARGO = "texto_largo", gettext_lazy("Texto largo")
    NUMERO = "numero", gettext_lazy("Número")
    FECHA = "fecha", gettext_lazy("Fecha")
    OPCION = "opcion", gettext_lazy("Opción (una de una lista)")
    SI_NO = "si_no", gettext_lazy("Sí / No")
    DISTRITO = "distrito", gettext_lazy("Distrito")
    EMAIL = "email", gettext_lazy("Correo electrónico")
    TELEFONO = "telefono", gettext_lazy("Teléfono")


TEXTO_MAX = 200
# Names of the filing steps that are not questions.
PASOS_RESERVADOS = {"adjuntos", "pago", "revisar"}
TEXTO_LARGO_MAX = 5000


def declaracion_validar(
    *, nombre: str, tipo: str, opciones: list[str], dato_perfil: str,
    minimo: Decimal | None = None, maximo: Decimal | None = None, solo_enteros: bool = False,
) -> None:
    """Raises ValidationError (by field) if a declaration cannot work."""
    errores = {}
    if tipo != TipoCampo.NUMERO:
        if minimo is not None:
            errores["minimo"] = _("Solo las preguntas de tipo «número» llevan valor mínimo.")
        if maximo is not None:
            errores["maximo"] = _("Solo las preguntas de tipo «número» llevan valor máximo.")
        if solo_enteros:
            errores["solo_enteros"] = _("Solo las preguntas de tipo «número» pueden pedir enteros.")
    elif minimo is not None and maximo is not None and minimo > maximo:
        errores["maximo"] = _("El valor máximo no puede ser menor que el mínimo.")
    if nombre in PASOS_RESERVADOS:
        errores["nombre"] = _("«%(nombre)s» está reservado: usa otro nombre.") % {"nombre": nombre}
    elif not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", nombre or ""):
        errores["nombre"] = _(
            "Usa solo letras minúsculas sin tildes, números y guion bajo, empezando por una letra."
        )
    if tipo not in TipoCampo.values:
        errores["tipo"] = _("Elige un tipo de la lista.")
    if tipo == TipoCampo.OPCION:
        if len(opciones) < 2:
            errores["opciones"] = _("Una pregunta de opción necesita al menos dos opciones.")
        elif len(set(opciones)) != len(opciones):
            errores["opciones"] = _("Hay opciones repetidas.")
    elif opciones:
        errores["opciones"] = _("Solo las preguntas de tipo «opción» llevan opciones.")
    compatibles = {
        "": set(TipoCampo.values),
        "email": {TipoCampo.EMAIL},
        "telefono": {TipoCampo.TELEFONO},
        "direccion": {TipoCampo.TEXTO, TipoCampo.TEXTO_LARGO},
        "ubigeo": {TipoCampo.DISTRITO},
    }
    if tipo in TipoCampo.values and tipo not in compatibles.get(dato_perfil, set()):
        errores["dato_perfil"] = _("Ese dato del perfil no corresponde al tipo de la pregunta.")
    if errores:
        raise ValidationError(errores)


def numero_legible(valor: Decimal) -> str:
    """100.00 -> "100", 85.50 -> "85.5" (never an exponent like 1E+2)."""
    return str(int(valor)) if valor == valor.to_integral() else format(valor.normalize(), "f")


def rango_numero(campo) -> tuple[Decimal, Decimal | None]:
    """The range a number question accepts: the catalog's minimum (0 when it
    declares none: no question of this portal is answered with a negative)
    and maximum (None: no maximum)."""
    minimo = Decimal(campo.minimo) if campo.minimo is not None else Decimal(0)
    return Decimal(numero_legible(minimo)), (
        Decimal(numero_legible(Decimal(campo.maximo))) if campo.maximo is not None else None
    )


def codigos_de_distritos() -> set[str]:
    """Districts 'distrito' questions accept: those of the entity's department."""
    departamento = settings.ENTIDAD_DEPARTAMENTO
    return {d.codigo for p in ubigeo.provincias(departamento) for d in ubigeo.distritos(p.codigo)}


def respuesta_validar(campo, valor: str) -> None:
    """Checks a stored answer against the question as declared now (the
    catalog may have changed since it was typed): ValidationError if it no
    longer fits. The same rules as the question's form field, on the value as
    stored (tramites/forms.py builds the field)."""
    valor = "" if valor is None else str(valor)
    if valor == "":
        if campo.requerido:
            raise ValidationError(_("Responde esta pregunta: %(pregunta)s") % {"pregunta": campo.etiqueta},
                                  code="required")
        return
    if "\x00" in valor:
        raise ValidationError(_("La respuesta tiene caracteres no permitidos."), code="null_characters")
    tipo = campo.tipo
    if tipo == TipoCampo.TEXTO and len(valor) > TEXTO_MAX or tipo == TipoCampo.TEXTO_LARGO and len(valor) > TEXTO_LARGO_MAX:
        raise ValidationError(_("La respuesta es demasiado larga."), code="max_length")
    if tipo == TipoCampo.NUMERO:
        _numero_validar(campo, valor)
    elif tipo == TipoCampo.FECHA:
        try:
            datetime.date.fromisoformat(valor)
        except ValueError:
            raise ValidationError(_("La fecha no es válida."), code="invalid") from None
    elif tipo == TipoCampo.OPCION and valor not in campo.lista_opciones:
        raise ValidationError(_("Elige una de las opciones."), code="invalid_choice")
    elif tipo == TipoCampo.SI_NO and valor not in ("si", "no"):
        raise ValidationError(_("Elige «Sí» o «No»."), code="invalid_choice")
    elif tipo == TipoCampo.DISTRITO and valor not in codigos_de_distritos():
        raise ValidationError(_("Elige un distrito de la lista."), code="invalid_choice")
    elif tipo == TipoCampo.EMAIL:
        EmailValidator(message=_("Escribe un correo válido, por ejemplo nombre@correo.pe."))(valor)
    elif tipo == TipoCampo.TELEFONO:
        validators.telefono_normalizar(valor)


def _numero_validar(campo, valor: str) -> None:
    try:
        numero = Decimal(valor)
    except InvalidOperation:
        raise ValidationError(_("Escribe solo un número."), code="invalid") from None
    minimo, maximo = rango_numero(campo)
    if not numero.is_finite():
        raise ValidationError(_("Escribe solo un número."), code="invalid")
    if numero < minimo:
        raise ValidationError(_("Escribe un número igual o mayor que %(limit_value)s.") % {"limit_value": minimo},
                              code="min_value")
    if maximo is not None and numero > maximo:
        raise ValidationError(_("Escribe un número igual o menor que %(limit_value)s.") % {"limit_value": maximo},
                              code="max_value")
    if campo.solo_enteros and numero != numero.to_integral():
        raise ValidationError(_("Escribe un número entero, sin decimales."), code="max_decimal_places")


def respuesta_serializar(valor):
    """A cleaned form value as stored in the request's JSON answers."""
    if valor is None:
        return ""
    if isinstance(valor, datetime.date):
        return valor.isoformat()
    if isinstance(valor, Decimal):
        return numero_legible(valor)
    return str(valor)


def respuesta_inicial(campo, valor: str):
    """A stored answer as the form's initial value."""
    if not valor:
        return None
    if campo.tipo == TipoCampo.FECHA:
        try:
            return datetime.date.fromisoformat(valor)
        except ValueError:
            return None
    return valor


def respuesta_mostrar(campo, valor: str) -> str:
    """A stored answer as a citizen reads it."""
    if valor in (None, ""):
        return _("No respondido")
    if campo.tipo == TipoCampo.FECHA:
        try:
            return date_format(datetime.date.fromisoformat(valor), "j \\d\\e F \\d\\e Y")
        except ValueError:
            return valor
    if campo.tipo == TipoCampo.SI_NO:
        return _("Sí") if valor == "si" else _("No")
    if campo.tipo == TipoCampo.DISTRITO:
        lugar = ubigeo.ubicacion(valor)
        return f"{lugar['distrito'].nombre} ({lugar['provincia'].nombre})" if lugar else valor
    if campo.tipo == TipoCampo.NUMERO:
        try:
            return f"{Decimal(valor):,}".replace(",", " ")
        except InvalidOperation:
            return valor
    return valor
