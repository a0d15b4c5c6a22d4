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

    CAMPOS_NOMBRES = ("nombres", "apellido_paterno", "apellido_materno")

    def __init__(self, *args, identidad_bloqueada=False, nombres_verificados=False, reniec=False, **kwargs):
        """`nombres_verificados`: the names match RENIEC and are shown read-only.
        `reniec`: PIDE is configured, so with a DNI the names may be left blank
        for RENIEC to fill in."""
        super().__init__(*args, **kwargs)
        self.reniec = reniec and not identidad_bloqueada and not nombres_verificados
        self.nombres_verificados = nombres_verificados and not identidad_bloqueada
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
        elif self.nombres_verificados:
            for nombre in self.CAMPOS_NOMBRES:
                self.fields[nombre].disabled = True
                self.fields[nombre].required = False
                self.fields[nombre].help_text = _("Verificado con RENIEC.")
        elif self.reniec:
            for nombre in self.CAMPOS_NOMBRES:
                self.fields[nombre].required = False
            self.fields["nombres"].help_text = _(
                "Si tu documento es un DNI, puedes dejar tus nombres y apellidos en blanco: los "
                "tomamos de RENIEC. Si los escribes, los comparamos con los de RENIEC."
            )

    def _valor(self, nombre):
        if self.is_bound:
            return self.data.get(self.add_prefix(nombre), "")
        return self.initial.get(nombre, "")

    def clean_nombres(self):
        return self._nombre_limpiar("nombres")

    def clean_apellido_paterno(self):
        return self._nombre_limpiar("apellido_paterno")

    def _nombre_limpiar(self, campo):
        valor = self.cleaned_data[campo]
        if not (valor or "").strip() and self._nombre_requerido():
            raise ValidationError(self.fields[campo].error_messages["required"], code="required")
        return validators.nombre_normalizar(valor, requerido=False)

    def _nombre_requerido(self) -> bool:
        """Names are required unless RENIEC may fill them (a DNI, with PIDE) or
        they are the verified ones shown read-only."""
        if self.nombres_verificados or self.fields["nombres"].disabled:
            return False
        return not (self.reniec and self._valor("tipo_documento") == TipoDocumento.DNI)

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
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            _campo_voz(self.fields["code"], _("Código de verificación"), None,
                       _("Escribe el código de tu aplicación o un código de recuperación."))

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


# --- allauth's account forms, in the portal's voice -----------------------------------------
# Labels, help texts and messages only; allauth keeps the behaviour. Wired in
# settings.ACCOUNT_FORMS.

CORREO_NO_VALIDO = _("Escribe un correo electrónico válido, como nombre@ejemplo.pe.")
CLAVE_AYUDA = _(
    "Usa al menos 10 caracteres. Que no sea solo números, ni una contraseña común, "
    "ni se parezca a tu correo o a tus datos personales."
)


def _campo_voz(campo, etiqueta, ayuda=None, requerido=None):
    campo.label = etiqueta
    campo.widget.attrs.pop("placeholder", None)
    if ayuda is not None:
        campo.help_text = ayuda
    if requerido:
        campo.error_messages["required"] = requerido
    if "invalid" in campo.error_messages or isinstance(campo, forms.EmailField):
        campo.error_messages["invalid"] = CORREO_NO_VALIDO


class _UnErrorPorCampo:
    """The error summary lists one message per field (the first), as GOV.UK
    asks; the field shows the same one."""

    CAMPOS = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for nombre, (etiqueta, ayuda, requerido) in self.CAMPOS.items():
            if nombre in self.fields:
                _campo_voz(self.fields[nombre], etiqueta, ayuda, requerido)

    def full_clean(self):
        super().full_clean()
        for nombre, errores in (getattr(self, "_errors", None) or {}).items():
            if nombre != "__all__" and len(errores) > 1:
                del errores[1:]


_CORREO = (_("Correo electrónico"), None, _("Escribe tu correo electrónico."))
_CLAVE_NUEVA = (_("Contraseña nueva"), CLAVE_AYUDA, _("Escribe una contraseña nueva."))
_CLAVE_REPETIDA = (_("Vuelve a escribir la contraseña nueva"), None,
                   _("Vuelve a escribir la contraseña nueva."))


def _forma_de_allauth(ruta, campos, mensajes=None):
    """A subclass of one of allauth's account forms with the portal's texts;
    `mensajes` swaps the text of an error allauth raises in clean_<field>."""
    from importlib import import_module

    modulo, nombre = ruta.rsplit(".", 1)
    base = getattr(import_module(modulo), nombre)
    clase = type(f"{nombre}Portal", (_UnErrorPorCampo, base), {"CAMPOS": campos, "__module__": __name__})
    for campo, (codigo, texto) in (mensajes or {}).items():
        setattr(clase, f"clean_{campo}", _con_mensaje(clase, f"clean_{campo}", codigo, texto))
    return clase


def _con_mensaje(clase, metodo, codigo, texto):
    def limpiar(self):
        try:
            return getattr(super(clase, self), metodo)()
        except ValidationError as error:
            if getattr(error, "code", None) == codigo:
                raise ValidationError(texto, code=codigo) from None
            raise

    return limpiar


IniciarSesionForm = _forma_de_allauth("allauth.account.forms.LoginForm", {
    "login": _CORREO,
    "password": (_("Contraseña"), "", _("Escribe tu contraseña.")),
})
CrearCuentaForm = _forma_de_allauth("allauth.account.forms.SignupForm", {
    "email": _CORREO,
    "password1": (_("Contraseña"), CLAVE_AYUDA, _("Escribe una contraseña.")),
    "password2": (_("Vuelve a escribir la contraseña"), None,
                  _("Vuelve a escribir la contraseña.")),
})
CambiarCorreoForm = _forma_de_allauth("allauth.account.forms.ChangeEmailForm", {
    "email": (_("Correo nuevo"), None, _("Escribe tu correo nuevo.")),
})
AgregarCorreoForm = _forma_de_allauth("allauth.account.forms.AddEmailForm", {
    "email": (_("Correo nuevo"), None, _("Escribe tu correo nuevo.")),
})
CambiarClaveForm = _forma_de_allauth(
    "allauth.account.forms.ChangePasswordForm",
    {
        "oldpassword": (_("Contraseña actual"), "", _("Escribe tu contraseña actual.")),
        "password1": _CLAVE_NUEVA,
        "password2": _CLAVE_REPETIDA,
    },
    {"oldpassword": ("enter_current_password", _("La contraseña actual no es correcta."))},
)
CrearClaveForm = _forma_de_allauth("allauth.account.forms.SetPasswordForm", {
    "password1": (_("Contraseña"), CLAVE_AYUDA, _("Escribe una contraseña.")),
    "password2": (_("Vuelve a escribir la contraseña"), None,
                  _("Vuelve a escribir la contraseña.")),
})
RestablecerClaveForm = _forma_de_allauth("allauth.account.forms.ResetPasswordForm", {
    "email": _CORREO,
})
NuevaClaveForm = _forma_de_allauth("allauth.account.forms.ResetPasswordKeyForm", {
    "password1": _CLAVE_NUEVA,
    "password2": _CLAVE_REPETIDA,
})
ConfirmarAccesoForm = _forma_de_allauth("allauth.account.forms.ReauthenticateForm", {
    "password": (_("Contraseña"), "", _("Escribe tu contraseña.")),
})


def _activar_app():
    from allauth.mfa.totp.forms import ActivateTOTPForm

    class ActivarAppForm(_UnErrorPorCampo, ActivateTOTPForm):
        CAMPOS = {"code": (_("Código de 6 cifras de tu aplicación"), None,
                           _("Escribe el código que muestra tu aplicación."))}

    return ActivarAppForm


ActivarAppForm = _activar_app()
