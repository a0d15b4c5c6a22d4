from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciudadanos import validators
from ciudadanos.models import TipoDocumento
from egov.forms import FechaField
from tramites.models import Oficina


class ValoracionForm(forms.Form):
    puntaje = forms.TypedChoiceField(
        label=_("¿Cómo calificas la atención que recibiste?"),
        choices=[(5, _("5 — Muy buena")), (4, _("4 — Buena")), (3, _("3 — Regular")),
                 (2, _("2 — Mala")), (1, _("1 — Muy mala"))],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Elige una calificación del 1 al 5.")},
    )
    comentario = forms.CharField(
        label=_("¿Qué podemos mejorar? (opcional)"),
        help_text=_("No escribas datos personales: tus comentarios se usan para mejorar el servicio."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReclamoForm(forms.Form):
    nombres = forms.CharField(label=_("Nombres"), max_length=60,
                              widget=forms.TextInput(attrs={"class": "entrada", "autocomplete": "given-name"}),
                              error_messages={"required": _("Escribe tus nombres.")})
    apellidos = forms.CharField(label=_("Apellidos"), max_length=120,
                                widget=forms.TextInput(attrs={"class": "entrada", "autocomplete": "family-name"}),
                                error_messages={"required": _("Escribe tus apellidos.")})
    tipo_documento = forms.ChoiceField(label=_("Tipo de documento"), choices=TipoDocumento.choices,
                                       widget=forms.RadioSelect,
                                       error_messages={"required": _("Elige el tipo de documento.")})
    numero_documento = forms.CharField(label=_("Número de documento"), max_length=20,
                                       help_text=_("Lo pediremos, junto con el código, para consultar tu reclamo."),
                                       widget=forms.TextInput(attrs={"class": "entrada entrada--10", "autocomplete": "off"}),
                                       error_messages={"required": _("Escribe el número de tu documento.")})
    domicilio = forms.CharField(label=_("Domicilio"), max_length=200,
                                widget=forms.TextInput(attrs={"class": "entrada", "autocomplete": "street-address"}),
                                error_messages={"required": _("Escribe tu domicilio.")})
    correo = forms.EmailField(label=_("Correo electrónico"),
                              help_text=_("Te enviaremos una copia del reclamo y la respuesta."),
                              widget=forms.EmailInput(attrs={"class": "entrada", "autocomplete": "email"}),
                              error_messages={"required": _("Escribe tu correo electrónico."),
                                              "invalid": _("Escribe un correo válido, por ejemplo nombre@correo.pe.")})
    telefono = forms.CharField(label=_("Teléfono (opcional)"), max_length=24, required=False,
                               widget=forms.TextInput(attrs={"class": "entrada entrada--20", "type": "tel", "autocomplete": "tel"}))
    oficina = forms.ModelChoiceField(label=_("Oficina involucrada (opcional)"), required=False,
                                     queryset=Oficina.objects.filter(activa=True).order_by("nombre"),
                                     empty_label=_("No lo sé"),
                                     widget=forms.Select(attrs={"class": "selector"}))
    fecha_hechos = FechaField(label=_("¿Cuándo ocurrió? (opcional)"), required=False,
                              help_text=_("Por ejemplo: 20 11 2026"))
    hechos = forms.CharField(label=_("¿Qué pasó?"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6}),
                             error_messages={"required": _("Cuéntanos qué pasó.")})
    pedido = forms.CharField(label=_("¿Qué pides a la entidad?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Escribe qué pides a la entidad.")})

    def clean_nombres(self):
        return validators.nombre_normalizar(self.cleaned_data["nombres"])

    def clean_apellidos(self):
        return validators.nombre_normalizar(self.cleaned_data["apellidos"])

    def clean_domicilio(self):
        return validators.texto_sin_marcado_validar(self.cleaned_data["domicilio"].strip())

    def clean_telefono(self):
        valor = self.cleaned_data["telefono"]
        return validators.telefono_normalizar(valor) if valor else ""

    def clean_fecha_hechos(self):
        fecha = self.cleaned_data.get("fecha_hechos")
        if fecha and fecha > timezone.localdate():
            raise forms.ValidationError(_("La fecha de los hechos no puede ser posterior a hoy."))
        return fecha

    def clean(self):
        datos = super().clean()
        tipo, numero = datos.get("tipo_documento"), datos.get("numero_documento")
        if tipo and numero:
            try:
                datos["numero_documento"] = validators.documento_normalizar(tipo, numero)[0]
            except forms.ValidationError as error:
                self.add_error("numero_documento", error)
        return datos


class SeguimientoForm(forms.Form):
    codigo = forms.CharField(label=_("Código del reclamo"), max_length=20,
                             help_text=_("Por ejemplo: LR-2026-000123"),
                             widget=forms.TextInput(attrs={"class": "entrada entrada--20", "autocomplete": "off"}),
                             error_messages={"required": _("Escribe el código del reclamo.")})
    numero_documento = forms.CharField(label=_("Número de documento de quien reclamó"), max_length=20,
                                       widget=forms.TextInput(attrs={"class": "entrada entrada--10", "autocomplete": "off"}),
                                       error_messages={"required": _("Escribe el número de documento.")})
