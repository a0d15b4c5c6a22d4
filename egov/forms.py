"""Form pieces shared by every app: the renderer and the date-of-three-inputs field."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class PortalFormRenderer(TemplatesSetting):
    """Renders every form (ours and allauth's) with the portal's field pattern:
    label, hint, inline error and input, with aria-describedby wired by Django."""

    form_template_name = "forms/formulario.html"
    field_template_name = "forms/campo.html"


class FechaWidget(forms.MultiWidget):
    """Day, month and year in three inputs, as people write dates they know."""

    template_name = "forms/widgets/fecha.html"
    use_fieldset = True
    partes = (_("Día"), _("Mes"), _("Año"))

    def __init__(self, attrs=None):
        dia = {"inputmode": "numeric", "class": "entrada entrada--2", "maxlength": "2"}
        anio = {"inputmode": "numeric", "class": "entrada entrada--4", "maxlength": "4"}
        super().__init__(
            [forms.TextInput(dia), forms.TextInput(dia), forms.TextInput(anio)], attrs
        )

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["partes"] = list(zip(self.partes, context["widget"]["subwidgets"], strict=True))
        return context


class FechaField(forms.MultiValueField):
    widget = FechaWidget
    default_error_messages = {
        "required": _("Ingresa la fecha completa: día, mes y año."),
        "incomplete": _("Ingresa la fecha completa: día, mes y año."),
        "invalid": _("La fecha debe ser una fecha real, por ejemplo 27 3 1990."),
        "anio": _("Escribe el año con 4 cifras, por ejemplo 1990."),
    }

    def __init__(self, **kwargs):
        numero = {"invalid": self.default_error_messages["invalid"]}
        fields = (
            forms.IntegerField(min_value=1, max_value=31, error_messages=numero),
            forms.IntegerField(min_value=1, max_value=12, error_messages=numero),
            forms.IntegerField(error_messages=numero),
        )
        super().__init__(fields=fields, require_all_fields=True, **kwargs)

    def clean(self, value):
        # Collapse sub-field errors into one message about the date as a whole.
        try:
            return super().clean(value)
        except ValidationError as error:
            codes = {e.code for e in error.error_list}
            if codes == {"anio"}:
                raise
            if codes & {"required", "incomplete"}:
                raise ValidationError(
                    self.error_messages["incomplete"], code="incomplete"
                ) from None
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def compress(self, data_list):
        if not data_list or any(v in (None, "") for v in data_list):
            return None
        dia, mes, anio = data_list
        if anio < 1000 or anio > 9999:
            raise ValidationError(self.error_messages["anio"], code="anio")
        try:
            return datetime.date(anio, mes, dia)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
