from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciudadanos import ubigeo, validators
from egov.forms import FechaField

from .declaraciones import TEXTO_LARGO_MAX, TEXTO_MAX, TipoCampo, numero_legible, rango_numero
from .models import Calificacion, CanalPago, Oficina

# --- The form field of each declared question ----------------------------------------------------


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


def _campo_numero(campo, comunes: dict, requerido: dict) -> forms.DecimalField:
    """A number within the range the catalog declares (a minimum of 0 when it
    declares none: no question of this portal is answered with a negative),
    whole when it says so. The range is said in the hint, before any error."""
    minimo, maximo = rango_numero(campo)
    if maximo is not None:
        rango = _("Entre %(min)s y %(max)s.") % {"min": numero_legible(minimo), "max": numero_legible(maximo)}
    else:
        rango = _("%(min)s o más.") % {"min": numero_legible(minimo)}
    ejemplo = _ejemplo_numero(minimo, maximo, entero=campo.solo_enteros)
    rango = f"{rango} " + _("Por ejemplo: %(ejemplo)s.") % {"ejemplo": ejemplo}
    ayuda = " ".join(p for p in (comunes["help_text"], rango) if p)
    return forms.DecimalField(
        max_digits=14, decimal_places=0 if campo.solo_enteros else 2, localize=False,
        min_value=minimo, max_value=maximo,
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


def _ejemplo_numero(minimo: Decimal, maximo: Decimal | None, *, entero: bool) -> str:
    """An answer the question accepts, written as it should be typed: whole
    when the question asks for whole numbers, with two decimals otherwise.
    A usual value (3, or 85.50) when it fits the declared range; else the
    middle of the range (or its minimum when there is no maximum)."""
    usual = Decimal(3) if entero else Decimal("85.50")
    if minimo <= usual and (maximo is None or usual <= maximo):
        valor = usual
    else:
        valor = minimo if maximo is None else (minimo + maximo) / 2
    if entero:
        bajo = minimo.to_integral_value(ROUND_CEILING)
        valor = max(bajo, valor.to_integral_value(ROUND_HALF_UP))
        if maximo is not None:
            valor = min(valor, max(bajo, maximo.to_integral_value(ROUND_FLOOR)))
        return str(int(valor))
    if valor == valor.to_integral_value() and (maximo is None or valor + Decimal("0.5") <= maximo):
        valor += Decimal("0.5")  # shows how decimals are written
    valor = valor.quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
    return format(max(valor, minimo.quantize(Decimal("0.01"), rounding=ROUND_CEILING)), "f")


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


NOTIFICAR_EN_CASILLA = "casilla"
NOTIFICAR_EN_DOMICILIO = "domicilio"


class DeclaracionForm(forms.Form):
    """The review step's form: the sworn statement and, for a citizen without
    consent to the casilla in force, how they want to be notified (no
    option preselected: the choice must be theirs)."""

    notificacion = forms.ChoiceField(
        label=_("¿Dónde quieres que te notifiquemos las decisiones de tus trámites?"),
        choices=[(NOTIFICAR_EN_CASILLA, _("En mi casilla electrónica")),
                 (NOTIFICAR_EN_DOMICILIO, _("En mi domicilio"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Elige dónde quieres que te notifiquemos: en tu casilla electrónica o en tu domicilio."),
            "invalid_choice": _("Elige una de las dos opciones: en tu casilla electrónica o en tu domicilio."),
        },
    )
    declaracion_jurada = forms.BooleanField(
        label=_("Declaro bajo juramento que los datos y documentos que presento son verdaderos."),
        error_messages={"required": _("Marca la declaración jurada para poder enviar la solicitud.")},
    )

    def __init__(self, *args, pedir_notificacion: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not pedir_notificacion:
            del self.fields["notificacion"]

    @property
    def en_casilla(self) -> bool:
        """The citizen chose the casilla (a valid choice, whatever else failed)."""
        return self.cleaned_data.get("notificacion") == NOTIFICAR_EN_CASILLA


PARA_MI = "yo"


class ANombreDeForm(forms.Form):
    """Whom the request is filed for: the citizen, or one of the companies
    they represent (confirmed). Only those companies are choices: any other
    id sent is refused."""

    a_nombre_de = forms.ChoiceField(
        label=_("¿A nombre de quién presentas este trámite?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Elige si presentas el trámite para ti o a nombre de una de tus empresas."),
            "invalid_choice": _("Elige una de las opciones: solo puedes presentar a nombre de empresas que "
                                "representas con confirmación."),
        },
    )

    def __init__(self, *args, persona: str, empresas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["a_nombre_de"].choices = [(PARA_MI, _("Para mí (%(persona)s)") % {"persona": persona})] + [
            (str(e.pk), _("A nombre de %(empresa)s (RUC %(ruc)s)") % {"empresa": e.razon_social, "ruc": e.ruc})
            for e in empresas
        ]

    @property
    def empresa_id(self) -> int | None:
        valor = self.cleaned_data["a_nombre_de"]
        return None if valor == PARA_MI else int(valor)


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
    """The comment a citizen adds to a correction: optional when the
    correction changes an answer or brings a document, what explains it
    otherwise (the service decides)."""

    comentario = forms.CharField(
        label=_("Comentario para la oficina (opcional)"), required=False, max_length=1000,
        help_text=_("Si no cambias ninguna respuesta ni subes un documento, explica aquí qué corregiste."),
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
