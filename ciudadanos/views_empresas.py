"""Mis empresas: the companies a citizen represents, adding one by RUC, the
other representatives, and invitations by email."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from egov.dominio import NoEncontrado

from . import empresas

# --- Forms ------------------------------------------------------------------------------------


class EmpresaAgregarForm(forms.Form):
    ruc = forms.CharField(
        label=gettext_lazy("RUC de la empresa"),
        help_text=gettext_lazy("11 dígitos, empieza con 20. Lo encuentras en la ficha RUC o en cualquier factura de la empresa."),
        max_length=20,
        error_messages={"required": gettext_lazy("Escribe el RUC de la empresa, por ejemplo 20123456789.")},
        widget=forms.TextInput(attrs={"class": "entrada entrada--10", "inputmode": "numeric", "autocomplete": "off",
                                      "spellcheck": "false"}),
    )

    def __init__(self, *args, pedir_razon_social=False, **kwargs):
        super().__init__(*args, **kwargs)
        if pedir_razon_social:
            self.fields["razon_social"] = forms.CharField(
                label=_("Razón social"),
                help_text=_("Tal como figura en la ficha RUC, por ejemplo «Comercial Los Andes S.A.C.»."),
                max_length=200,
                error_messages={"required": _("Escribe la razón social de la empresa: SUNAT no respondió.")},
                widget=forms.TextInput(attrs={"class": "entrada", "autocomplete": "organization"}),
            )

    def clean_ruc(self):
        try:
            return empresas.ruc_normalizar(self.cleaned_data["ruc"])
        except empresas.RucInvalido as error:
            raise forms.ValidationError(str(error)) from None


class InvitacionForm(forms.Form):
    correo = forms.EmailField(
        label=gettext_lazy("Correo de la persona que invitas"),
        help_text=gettext_lazy("Le enviaremos un enlace. Para aceptar, tendrá que iniciar sesión con este correo."),
        max_length=254,
        error_messages={
            "required": gettext_lazy("Escribe el correo de la persona que quieres invitar."),
            "invalid": gettext_lazy("Escribe un correo válido, por ejemplo nombre@empresa.pe."),
        },
        widget=forms.EmailInput(attrs={"class": "entrada", "autocomplete": "off"}),
    )


# --- Views ------------------------------------------------------------------------------------


@login_required
def empresas_lista(request):
    return render(request, "ciudadanos/empresas.html",
                  {"representaciones": empresas.representaciones_de(usuario=request.user)})


def _mensajes_agregada(request, resultado):
    empresa = resultado.representacion.empresa
    nombre = {"empresa": empresa.razon_social, "ruc": empresa.ruc}
    if not resultado.nueva:
        messages.info(request, _("Ya tenías agregada a %(empresa)s (RUC %(ruc)s).") % nombre)
    elif resultado.representacion.confirmada:
        messages.success(request, _(
            "Agregaste a %(empresa)s (RUC %(ruc)s). Ya puedes presentar trámites a su nombre."
        ) % nombre)
    else:
        messages.success(request, _(
            "Pediste representar a %(empresa)s (RUC %(ruc)s). Otra persona ya la representa en el portal: "
            "le avisamos por correo. Cuando te confirme, verás los trámites de la empresa y podrás presentar "
            "trámites a su nombre."
        ) % nombre)
    if resultado.no_habida:
        messages.warning(request, _(
            "SUNAT registra a %(empresa)s como NO HABIDA: su domicilio fiscal no pudo verificarse. Puedes "
            "presentar trámites, pero la entidad podría pedirte regularizar el domicilio ante SUNAT."
        ) % nombre)
    if resultado.sin_verificar:
        messages.warning(request, _(
            "SUNAT no respondió: registramos la empresa con la razón social que escribiste, sin verificar. "
            "Los trámites que presentes a su nombre quedarán marcados como «datos sin verificar»."
        ))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def empresa_agregar(request):
    # The business name is asked for only once SUNAT failed to answer.
    pedir = request.method == "POST" and "razon_social" in request.POST
    form = EmpresaAgregarForm(request.POST or None, pedir_razon_social=pedir)
    sunat_caida = False
    if request.method == "POST" and form.is_valid():
        try:
            resultado = empresas.empresa_agregar(
                usuario=request.user, ruc=form.cleaned_data["ruc"],
                razon_social=form.cleaned_data.get("razon_social", ""),
            )
        except (empresas.RucInvalido, empresas.EmpresaNoActiva) as error:
            form.add_error("ruc", str(error))
        except empresas.SunatNoDisponible as error:
            sunat_caida = True
            datos = request.POST.copy()
            datos.setdefault("razon_social", "")
            form = EmpresaAgregarForm(datos, pedir_razon_social=True)
            form.is_valid()
            form.errors.pop("razon_social", None)
            form.add_error("razon_social", str(error))
        else:
            _mensajes_agregada(request, resultado)
            return redirect("ciudadanos:empresa", pk=resultado.representacion.empresa_id)
    return render(
        request, "ciudadanos/empresa_agregar.html",
        {"form": form, "sunat_caida": sunat_caida or pedir},
        status=400 if form.errors else 200,
    )


def _detalle(request, pk, *, invitacion=None, estado=200):
    representacion = empresas.representacion_de(usuario=request.user, empresa_id=pk)
    contexto = {"representacion": representacion, "empresa": representacion.empresa}
    if representacion.confirmada:
        contexto.update(
            representantes=empresas.representantes_de(empresa=representacion.empresa, usuario=request.user),
            form=invitacion or InvitacionForm(),
        )
    return render(request, "ciudadanos/empresa.html", contexto, status=estado)


@login_required
@never_cache
def empresa(request, pk):
    return _detalle(request, pk)


@login_required
@require_POST
def invitacion_enviar(request, pk):
    representacion = empresas.representacion_de(usuario=request.user, empresa_id=pk)
    if not representacion.confirmada:
        raise NoEncontrado  # only a confirmed representative invites
    form = InvitacionForm(request.POST)
    if not form.is_valid():
        return _detalle(request, pk, invitacion=form, estado=400)
    correo = form.cleaned_data["correo"]
    if correo.lower() == request.user.email.lower():
        form.add_error("correo", _("Ese es tu propio correo: escribe el de la persona que quieres invitar."))
        return _detalle(request, pk, invitacion=form, estado=400)
    empresas.invitacion_enviar(
        empresa=representacion.empresa, por=request.user, correo=correo,
        enlace=lambda token: settings.SITE_URL + reverse("ciudadanos:invitacion_aceptar", args=[token]),
    )
    messages.success(request, _(
        "Enviamos la invitación a %(correo)s. El enlace vence en %(dias)s días; cuando la acepte, aparecerá "
        "aquí como representante confirmado."
    ) % {"correo": correo, "dias": empresas.INVITACION_DIAS})
    return redirect("ciudadanos:empresa", pk=pk)


@login_required
@require_POST
def representacion_confirmar(request, pk, representacion):
    otra = empresas.pendiente_de_empresa(usuario=request.user, empresa_id=pk, pk=representacion)
    nombre = {"persona": otra.usuario.get_full_name()}
    if empresas.representacion_confirmar(representacion=otra, por=request.user):
        messages.success(request, _(
            "Confirmaste a %(persona)s: ya ve los trámites de la empresa y puede presentar trámites a su nombre."
        ) % nombre)
    else:
        messages.info(request, _("%(persona)s ya estaba confirmado.") % nombre)
    return redirect("ciudadanos:empresa", pk=pk)


@login_required
@require_POST
def representacion_rechazar(request, pk, representacion):
    try:
        otra = empresas.pendiente_de_empresa(usuario=request.user, empresa_id=pk, pk=representacion)
    except NoEncontrado:
        # Already rejected (a second click, or another representative did it):
        # harmless for a confirmed representative, "not found" for anyone else.
        if not empresas.representa(usuario=request.user, empresa_id=pk):
            raise
        messages.info(request, _("Ese pedido ya no estaba pendiente: se resolvió antes."))
        return redirect("ciudadanos:empresa", pk=pk)
    nombre = {"persona": otra.usuario.get_full_name()}
    if empresas.representacion_rechazar(representacion=otra, por=request.user):
        messages.success(request, _("Rechazaste el pedido de %(persona)s: no verá los trámites de la empresa.") % nombre)
    else:
        messages.info(request, _("El pedido de %(persona)s ya no estaba pendiente.") % nombre)
    return redirect("ciudadanos:empresa", pk=pk)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitacion_aceptar(request, token):
    try:
        if request.method == "POST":
            representacion, cambio = empresas.invitacion_aceptar(token=token, usuario=request.user)
            nombre = {"empresa": representacion.empresa.razon_social}
            if cambio:
                messages.success(request, _(
                    "Aceptaste la invitación: ahora representas a %(empresa)s y ves sus trámites."
                ) % nombre)
            else:
                messages.info(request, _("Ya representabas a %(empresa)s.") % nombre)
            return redirect("ciudadanos:empresa", pk=representacion.empresa_id)
        invitacion = empresas.invitacion_leer(token=token, usuario=request.user)
    except empresas.InvitacionInvalida as error:
        return render(request, "ciudadanos/empresa_invitacion.html", {"error": str(error)}, status=400)
    return render(request, "ciudadanos/empresa_invitacion.html", {"invitacion": invitacion})
