from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.forms import FechaField

from .declaraciones import campo_formulario
from .models import Calificacion, CanalPago, Oficina


class BusquedaForm(forms.Form):
    q = forms.CharField(
        label=_("Buscar un trámite"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "class": "entrada"}),
    )
    oficina = forms.ChoiceField(label=_("Oficina"), required=False)
    calificacion = forms.ChoiceField(
        label=_("Tipo de aprobación"),
        required=False,
        choices=[("", _("Todos"))] + list(Calificacion.choices),
        widget=forms.Select(attrs={"class": "selector"}),
    )

    def __init__(self, *args, oficinas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oficina"].choices = [("", _("Todas"))] + [(o.sigla, o.nombre) for o in oficinas]
        self.fields["oficina"].widget.attrs["class"] = "selector"


def pregunta_form(campo, *, data=None, initial=None):
    """A one-question form for a declared field."""
    form = forms.Form(data=data, initial={campo.nombre: initial} if initial is not None else None)
    form.fields[campo.nombre] = campo_formulario(campo)
    return form


def respuestas_form(campos, *, data=None, initial=None):
    """All the declared questions in one form (used to correct an observed request)."""
    form = forms.Form(data=data, initial=initial)
    for campo in campos:
        form.fields[campo.nombre] = campo_formulario(campo)
    return form


class PagoForm(forms.Form):
    canal = forms.ChoiceField(
        label=_("¿Dónde pagaste?"),
        choices=CanalPago.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Elige dónde pagaste.")},
    )
    numero = forms.RegexField(
        label=_("Número de operación"),
        help_text=_("Figura en el voucher o en la constancia de Págalo.pe; solo números, entre 6 y 20 cifras."),
        regex=r"^\d{6,20}$",
        max_length=20,
        widget=forms.TextInput(attrs={"class": "entrada entrada--20", "inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": _("Escribe el número de operación."),
            "invalid": _("El número de operación tiene solo números, entre 6 y 20 cifras."),
        },
    )
    fecha = FechaField(label=_("Fecha de pago"), help_text=_("Por ejemplo: 24 11 2026"))
    monto = forms.DecimalField(
        label=_("Monto pagado (S/)"),
        max_digits=9,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "entrada entrada--10", "inputmode": "decimal"}),
        error_messages={
            "required": _("Escribe el monto que pagaste."),
            "invalid": _("Escribe el monto en soles con punto decimal, por ejemplo 25.50."),
        },
    )

    def __init__(self, *args, tasa, **kwargs):
        super().__init__(*args, **kwargs)
        self.tasa = tasa

    def clean_fecha(self):
        fecha = self.cleaned_data["fecha"]
        hoy = timezone.localdate()
        if fecha > hoy:
            raise forms.ValidationError(_("La fecha de pago no puede ser posterior a hoy."))
        if (hoy - fecha).days > 365:
            raise forms.ValidationError(_("El pago tiene más de un año: paga de nuevo el derecho de trámite."))
        return fecha

    def clean_monto(self):
        monto = self.cleaned_data["monto"]
        if monto != self.tasa:
            raise forms.ValidationError(
                _("El derecho de trámite es S/ %(tasa)s: el monto pagado debe ser exactamente ese.")
                % {"tasa": self.tasa}
            )
        return monto


class DeclaracionForm(forms.Form):
    declaracion_jurada = forms.BooleanField(
        label=_("Declaro bajo juramento que los datos y documentos que presento son verdaderos."),
        error_messages={"required": _("Marca la declaración jurada para poder enviar la solicitud.")},
    )


class DesistirForm(forms.Form):
    motivo = forms.CharField(
        label=_("Motivo (opcional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def oficinas_activas():
    return Oficina.objects.filter(activa=True).order_by("nombre")


class VerificarForm(forms.Form):
    codigo = forms.CharField(
        label=_("Código de verificación"),
        help_text=_("Está al pie del documento, por ejemplo ABCD-EFGH-IJKL-MNOP."),
        max_length=40,
        widget=forms.TextInput(attrs={"class": "entrada entrada--20", "autocomplete": "off",
                                      "spellcheck": "false", "autocapitalize": "characters"}),
        error_messages={"required": _("Escribe el código de verificación.")},
    )


class ComentarioForm(forms.Form):
    """The optional comment a citizen adds to a correction."""

    comentario = forms.CharField(
        label=_("Comentario para la oficina (opcional)"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Escribe como máximo 1000 caracteres en el comentario.")},
    )


class ArchivoVerificarForm(forms.Form):
    archivo = forms.FileField(
        label=_("Comprueba un archivo PDF"),
        help_text=_("Sube el PDF que recibiste: te diremos si es idéntico, byte por byte, al que emitimos. No lo guardamos."),
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={"required": _("Elige el archivo PDF que quieres comprobar.")},
    )

    def clean_archivo(self):
        archivo = self.cleaned_data["archivo"]
        if archivo.size > settings.VERIFICAR_MAX_BYTES:
            raise forms.ValidationError(
                _("El archivo pesa más de %(max)s, y los documentos que emitimos pesan mucho menos: "
                  "revisa que sea el PDF que recibiste.") % {"max": filesizeformat(settings.VERIFICAR_MAX_BYTES)},
                code="tamano",
            )
        return archivo
