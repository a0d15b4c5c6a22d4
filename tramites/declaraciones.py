"""
Form fields declared as data: each procedure lists its questions (label, type,
required, help) and this module turns a declaration into a Django form field,
validates declarations before they are saved, and renders stored answers.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ciudadanos import ubigeo, validators
from egov.forms import FechaField


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


def distritos_de_la_entidad():
    """Districts offered by 'distrito' questions: those of the entity's
    department, grouped by province."""
    departamento = settings.ENTIDAD_DEPARTAMENTO
    grupos = []
    for provincia in ubigeo.provincias(departamento):
        grupos.append(
            (provincia.nombre, [(d.codigo, d.nombre) for d in ubigeo.distritos(provincia.codigo)])
        )
    return grupos


class TelefonoField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return validators.telefono_normalizar(value) if value else value


def campo_formulario(campo) -> forms.Field:
    """The Django form field for a declared question (a CampoTramite)."""
    comunes = {"label": campo.etiqueta, "required": campo.requerido, "help_text": campo.ayuda}
    requerido = {"required": _("Responde esta pregunta: %(pregunta)s") % {"pregunta": campo.etiqueta}}
    tipo = campo.tipo
    if tipo == TipoCampo.TEXTO:
        return forms.CharField(
            max_length=TEXTO_MAX, widget=forms.TextInput(attrs={"class": "entrada"}),
            error_messages=requerido, **comunes,
        )
    if tipo == TipoCampo.TEXTO_LARGO:
        return forms.CharField(
            max_length=TEXTO_LARGO_MAX, widget=forms.Textarea(attrs={"rows": 6}),
            error_messages=requerido, **comunes,
        )
    if tipo == TipoCampo.NUMERO:
        return _campo_numero(campo, comunes, requerido)
    if tipo == TipoCampo.FECHA:
        return FechaField(error_messages=requerido, **comunes)
    if tipo == TipoCampo.OPCION:
        opciones = [(o, o) for o in campo.lista_opciones]
        widget = forms.RadioSelect if len(opciones) <= 6 else forms.Select(attrs={"class": "selector"})
        if widget is not forms.RadioSelect:
            opciones = [("", _("Elige una opción"))] + opciones
        return forms.ChoiceField(
            choices=opciones, widget=widget,
            error_messages={**requerido, "invalid_choice": _("Elige una de las opciones.")}, **comunes,
        )
    if tipo == TipoCampo.SI_NO:
        return forms.ChoiceField(
            choices=[("si", _("Sí")), ("no", _("No"))], widget=forms.RadioSelect,
            error_messages={**requerido, "invalid_choice": _("Elige «Sí» o «No».")}, **comunes,
        )
    if tipo == TipoCampo.DISTRITO:
        return forms.ChoiceField(
            choices=[("", _("Elige un distrito"))] + distritos_de_la_entidad(),
            widget=forms.Select(attrs={"class": "selector"}),
            error_messages={**requerido, "invalid_choice": _("Elige un distrito de la lista.")},
            **comunes,
        )
    if tipo == TipoCampo.EMAIL:
        return forms.EmailField(
            widget=forms.EmailInput(attrs={"class": "entrada", "autocomplete": "email"}),
            error_messages={**requerido, "invalid": _("Escribe un correo válido, por ejemplo nombre@correo.pe.")},
            **comunes,
        )
    if tipo == TipoCampo.TELEFONO:
        return TelefonoField(
            max_length=24,
            widget=forms.TextInput(attrs={"class": "entrada entrada--20", "type": "tel", "autocomplete": "tel"}),
            error_messages=requerido, **comunes,
        )
    raise ValueError(f"Tipo de campo desconocido: {tipo}")


def _numero_legible(valor: Decimal) -> str:
    """100.00 -> "100", 85.50 -> "85.5" (never an exponent like 1E+2)."""
    return str(int(valor)) if valor == valor.to_integral() else format(valor.normalize(), "f")


def _campo_numero(campo, comunes: dict, requerido: dict) -> forms.DecimalField:
    """A number within the range the catalog declares (a minimum of 0 when it
    declares none: no question of this portal is answered with a negative),
    whole when it says so. The range is said in the hint, before any error."""
    minimo = campo.minimo if campo.minimo is not None else Decimal(0)
    maximo = campo.maximo
    if maximo is not None:
        rango = _("Entre %(min)s y %(max)s.") % {"min": _numero_legible(minimo), "max": _numero_legible(maximo)}
    else:
        rango = _("%(min)s o más.") % {"min": _numero_legible(minimo)}
    ayuda = " ".join(p for p in (comunes["help_text"], rango) if p)
    ejemplo = "3" if campo.solo_enteros else "120 o 85.50"
    return forms.DecimalField(
        max_digits=14, decimal_places=0 if campo.solo_enteros else 2, localize=False,
        min_value=Decimal(_numero_legible(minimo)),
        max_value=Decimal(_numero_legible(maximo)) if maximo is not None else None,
        widget=forms.TextInput(attrs={
            "class": "entrada entrada--10", "inputmode": "numeric" if campo.solo_enteros else "decimal",
        }),
        error_messages={
            **requerido,
            "invalid": _("Escribe solo un número, por ejemplo %(ejemplo)s.") % {"ejemplo": ejemplo},
            "min_value": _("Escribe un número igual o mayor que %(limit_value)s."),
            "max_value": _("Escribe un número igual o menor que %(limit_value)s."),
            "max_decimal_places": (
                _("Escribe un número entero, sin decimales.") if campo.solo_enteros
                else _("Escribe como máximo 2 decimales.")
            ),
            "max_digits": _("El número es demasiado grande."),
            "max_whole_digits": _("El número es demasiado grande."),
        },
        **{**comunes, "help_text": ayuda},
    )


def respuesta_serializar(valor):
    """A cleaned form value as stored in the request's JSON answers."""
    if valor is None:
        return ""
    if isinstance(valor, datetime.date):
        return valor.isoformat()
    if isinstance(valor, Decimal):
        return _numero_legible(valor)
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
