"""The forms of «Notificaciones y avisos»: the consent to be notified in the
casilla, the mobile phone and its code, and which alerts go by SMS."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import telefono


class ConsentimientoForm(forms.Form):
    acepto = forms.BooleanField(
        label=_("He leído el texto y acepto que me notifiquen en mi casilla electrónica"),
        error_messages={"required": _("Marca la casilla para aceptar la notificación electrónica, o vuelve atrás si no quieres aceptarla.")},
    )


class TelefonoForm(forms.Form):
    numero = forms.CharField(
        label=_("Número de celular"),
        help_text=_("Un celular del Perú: 9 cifras que empiezan con 9, por ejemplo 987 654 321. Te enviaremos un código por SMS para comprobar que es tuyo."),
        max_length=24,
        error_messages={"required": _("Escribe el número de tu celular, por ejemplo 987 654 321.")},
        widget=forms.TextInput(attrs={
            "class": "entrada entrada--10", "type": "tel", "inputmode": "tel", "autocomplete": "tel-national",
            "spellcheck": "false",
        }),
    )

    def clean_numero(self):
        try:
            return telefono.telefono_normalizar(self.cleaned_data["numero"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages[0], code=error.code) from None


class CodigoForm(forms.Form):
    codigo = forms.CharField(
        label=_("Código de verificación"),
        max_length=20,
        error_messages={"required": _("Escribe el código de 6 cifras que te enviamos por SMS.")},
        widget=forms.TextInput(attrs={
            "class": "entrada entrada--4", "inputmode": "numeric", "autocomplete": "one-time-code",
            "spellcheck": "false",
        }),
    )

    def __init__(self, *args, numero_texto="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codigo"].help_text = _(
            "Las 6 cifras del SMS que enviamos al %(numero)s. El código vence 10 minutos después de enviado."
        ) % {"numero": numero_texto}

    def clean_codigo(self):
        codigo = re.sub(r"[\s\-]", "", self.cleaned_data["codigo"])
        if not re.fullmatch(rf"\d{{{telefono.CODIGO_CIFRAS}}}", codigo):
            raise forms.ValidationError(
                _("El código tiene 6 cifras, sin letras, por ejemplo 123456."), code="formato"
            )
        return codigo


class PreferenciasSmsForm(forms.Form):
    sms_recordatorios = forms.BooleanField(
        label=_("Recordatorios de plazos que están por vencer"), required=False,
    )
    sms_novedades = forms.BooleanField(
        label=_("Resumen diario de novedades de mis trámites"), required=False,
    )
