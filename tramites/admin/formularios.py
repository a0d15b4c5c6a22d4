"""The forms of the staff actions (named in acciones.py)."""

from django import forms
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..acciones import AccionPersonal


def _texto(etiqueta, *, requerido_msg=None, filas=4, requerido=True):
    return forms.CharField(
        label=etiqueta, widget=forms.Textarea(attrs={"rows": filas}), max_length=3000, required=requerido,
        error_messages={"required": requerido_msg} if requerido_msg else {},
    )


class ObservarForm(forms.Form):
    mensaje = _texto(_("Qué debe subsanar el ciudadano"), requerido_msg=_("Escribe qué debe subsanar el ciudadano."))


class DenegarForm(forms.Form):
    motivo = _texto(_("Motivo de la denegatoria"), requerido_msg=_("Escribe el motivo de la denegatoria."))


class AprobarForm(forms.Form):
    nota = _texto(_("Nota para el ciudadano (opcional)"), filas=2, requerido=False)

    def __init__(self, *args, solicitud, **kwargs):
        from ..certificados.plantillas import datos_del_servidor

        super().__init__(*args, **kwargs)
        # The facts the procedure's document states and the servant decides.
        for dato in datos_del_servidor(solicitud.tramite):
            self.fields[dato.nombre] = forms.CharField(
                label=dato.etiqueta, help_text=dato.ayuda, max_length=60,
                error_messages={"required": _("Escribe el dato «%(dato)s»: el documento lo certifica.")
                                % {"dato": dato.etiqueta}},
            )


class RevocarForm(forms.Form):
    motivo = _texto(_("Motivo de la revocación"), requerido_msg=_("Escribe el motivo de la revocación."), filas=3)


class EvaluadorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name()} ({obj.email})"


class AsignarForm(forms.Form):
    asignado = EvaluadorChoiceField(
        label=_("Asignar a"), queryset=None,
        error_messages={"required": _("Elige a quién asignar el expediente de la lista."),
                        "invalid_choice": _("Elige a quién asignar el expediente de la lista.")},
    )

    def __init__(self, *args, solicitud, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asignado"].queryset = selectors.evaluadores_de(solicitud=solicitud)


def formulario_de(accion: AccionPersonal, *, solicitud, data=None):
    """The action's form (None when it asks for nothing), bound to `data`."""
    if not accion.formulario:
        return None
    clase = import_string(accion.formulario)
    if clase in (AsignarForm, AprobarForm):
        return clase(data, solicitud=solicitud)
    return clase(data)
