import math

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from egov.forms import FechaField

from . import ubigeo, validators
from .models import TipoDocumento


def _opciones(lugares, vacia):
    return [("", vacia)] + [(lugar.codigo, lugar.nombre) for lugar in lugares]


class PerfilForm(forms.Form):
    """Identity and address. Department, province and district are three
    selects: without JavaScript the citizen asks for the next list with a
    button; with it the lists refresh on their own."""

    tipo_documento = forms.ChoiceField(
        label=_("Tipo de documento de identidad"),
        choices=TipoDocumento.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Elige el tipo de documento de identidad.")},
    )
    numero_documento = forms.CharField(
        label=_("Número de documento"),
        help_text=_(
            "DNI: las 8 cifras, y si quieres el dígito de verificación que figura al "
            "final (por ejemplo 10117410-2). Carné de Extranjería: 9 cifras."
        ),
        max_length=20,
        widget=forms.TextInput(
            attrs={"class": "entrada entrada--10", "autocomplete": "off", "spellcheck": "false"}
        ),
        error_messages={"required": _("Ingresa el número de tu documento.")},
    )
    nombres = forms.CharField(
        label=_("Nombres"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "entrada", "autocomplete": "given-name"}),
        error_messages={"required": _("Ingresa tus nombres como figuran en tu documento.")},
    )
    apellido_paterno = forms.CharField(
        label=_("Primer apellido"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "entrada", "autocomplete": "family-name"}),
        error_messages={"required": _("Ingresa tu primer apellido.")},
    )
    apellido_materno = forms.CharField(
        label=_("Segundo apellido (si tienes)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "entrada", "autocomplete": "additional-name"}),
    )
    fecha_nacimiento = FechaField(
        label=_("Fecha de nacimiento"),
        help_text=_("Por ejemplo: 27 3 1990"),
    )
    telefono = forms.CharField(
        label=_("Celular"),
        help_text=_(
            "Te escribiremos solo sobre tus trámites. Celular peruano de 9 cifras o "
            "número internacional con código de país."
        ),
        max_length=24,
        widget=forms.TextInput(
            attrs={"class": "entrada entrada--20", "type": "tel", "autocomplete": "tel"}
        ),
        error_messages={"required": _("Ingresa tu número de celular.")},
    )
    direccion = forms.CharField(
        label=_("Dirección"),
        help_text=_("Avenida, calle o jirón, número, interior, urbanización."),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "entrada", "autocomplete": "street-address"}),
        error_messages={"required": _("Ingresa tu dirección.")},
    )
    departamento = forms.ChoiceField(
        label=_("Departamento"),
        error_messages={
            "required": _("Elige el departamento."),
            "invalid_choice": _("Elige un departamento de la lista."),
        },
    )
    provincia = forms.ChoiceField(
        label=_("Provincia"),
        error_messages={
            "required": _("Elige la provincia."),
            "invalid_choice": _(
                "Elige una provincia del departamento elegido (pulsa «Mostrar provincias»)."
            ),
        },
    )
    distrito = forms.ChoiceField(
        label=_("Distrito"),
        error_messages={
            "required": _("Elige el distrito."),
            "invalid_choice": _(
                "Elige un distrito de la provincia elegida (pulsa «Mostrar distritos»)."
            ),
        },
    )

    CAMPOS_IDENTIDAD = (
        "tipo_documento",
        "numero_documento",
        "nombres",
        "apellido_paterno",
        "apellido_materno",
        "fecha_nacimiento",
    )

    def __init__(self, *args, identidad_bloqueada=False, **kwargs):
        super().__init__(*args, **kwargs)
        departamento = self._valor("departamento")
        provincia = self._valor("provincia")
        self.fields["departamento"].choices = _opciones(
            ubigeo.departamentos(), _("Elige un departamento")
        )
        self.fields["provincia"].choices = _opciones(
            ubigeo.provincias(departamento) if departamento else [],
            _("Elige una provincia"),
        )
        self.fields["distrito"].choices = _opciones(
            ubigeo.distritos(provincia)
            if provincia and provincia[:2] == departamento
            else [],
            _("Elige un distrito"),
        )
        for nombre in ("departamento", "provincia", "distrito"):
            self.fields[nombre].widget.attrs.update(
                {"class": "selector", "data-ubigeo": nombre}
            )
        if identidad_bloqueada:
            # Once the identity is verified, only a new verification may change it.
            for nombre in self.CAMPOS_IDENTIDAD:
                self.fields[nombre].disabled = True
                self.fields[nombre].help_text = _(
                    "Tu identidad ya fue verificada: para corregir este dato acércate a "
                    "la plataforma de atención."
                )

    def _valor(self, nombre):
        if self.is_bound:
            return self.data.get(self.add_prefix(nombre), "")
        return self.initial.get(nombre, "")

    def clean_nombres(self):
        return validators.nombre_normalizar(self.cleaned_data["nombres"])

    def clean_apellido_paterno(self):
        return validators.nombre_normalizar(self.cleaned_data["apellido_paterno"])

    def clean_apellido_materno(self):
        return validators.nombre_normalizar(
            self.cleaned_data["apellido_materno"], requerido=False
        )

    def clean_fecha_nacimiento(self):
        return validators.fecha_nacimiento_validar(self.cleaned_data["fecha_nacimiento"])

    def clean_telefono(self):
        return validators.telefono_normalizar(self.cleaned_data["telefono"])

    def clean_direccion(self):
        return validators.texto_sin_marcado_validar(" ".join(self.cleaned_data["direccion"].split()))

    def clean(self):
        datos = super().clean()
        tipo = datos.get("tipo_documento")
        numero = datos.get("numero_documento")
        if tipo and numero:
            try:
                datos["numero_documento"], datos["digito_verificacion"] = (
                    validators.documento_normalizar(tipo, numero)
                )
            except ValidationError as error:
                self.add_error("numero_documento", error)
        distrito = datos.get("distrito")
        if distrito and not distrito.startswith(datos.get("provincia") or "-"):
            self.add_error("distrito", self.fields["distrito"].error_messages["invalid_choice"])
        datos["ubigeo"] = distrito
        return datos


# --- The second factor ---------------------------------------------------------------------


def _segundo_factor_limitado(base):
    """allauth's code form with a per-account limit kept in PostgreSQL, like
    the one on passwords (ciudadanos/bloqueos.py): wrong codes make the
    account wait, progressively, on every host and with Redis down. allauth's
    own per-address limit still applies first."""
    from allauth.mfa.base import forms as mfa_forms

    from . import bloqueos

    clase = getattr(mfa_forms, base)

    class SegundoFactorLimitado(clase):
        def clean_code(self):
            clave = f"segundo-factor:{self.user.pk}"
            espera = bloqueos.bloqueo_espera(correo=clave)
            if espera is None:
                try:
                    return super().clean_code()
                except ValidationError as error:
                    if error.code != "incorrect_code":
                        raise
                    espera = bloqueos.bloqueo_fallo_registrar(correo=clave)
                    if espera is None:
                        raise
            minutos = max(1, math.ceil(espera.total_seconds() / 60))
            raise ValidationError(
                ngettext(
                    "Demasiados códigos equivocados. Espera %(minutos)d minuto y vuelve a intentarlo.",
                    "Demasiados códigos equivocados. Espera %(minutos)d minutos y vuelve a intentarlo.",
                    minutos,
                ) % {"minutos": minutos},
                code="segundo_factor_en_espera",
            )

    SegundoFactorLimitado.__name__ = f"{base}Limitado"
    return SegundoFactorLimitado


SegundoFactorForm = _segundo_factor_limitado("AuthenticateForm")
SegundoFactorReautenticarForm = _segundo_factor_limitado("ReauthenticateForm")
