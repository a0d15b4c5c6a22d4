"""«Notificaciones y avisos»: the consent to be notified in the casilla
electrónica, the channels that alert the citizen (email, mobile phone
verified by SMS) and which alerts go by SMS. Also the login message about a
channel that failing alerts did not reach."""

from allauth.account.signals import user_logged_in
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from egov import sms
from egov.dominio import NoEncontrado
from egov.red import ip_cliente

from . import canales, telefono
from .forms_avisos import CodigoForm, ConsentimientoForm, PreferenciasSmsForm, TelefonoForm
from .niveles import nivel_actual


def _enviado(request):
    """The submitted data, or None on GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def _siguiente(request) -> str:
    """Where to go after accepting: a page of the portal that sent the
    citizen here (e.g. a procedure's review step), or the avisos page."""
    siguiente = request.POST.get("next") or request.GET.get("next") or ""
    if siguiente and url_has_allowed_host_and_scheme(
        siguiente, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return siguiente
    return reverse("ciudadanos:avisos")


@login_required
@never_cache
@require_http_methods(["GET"])
def avisos(request):
    datos = canales.canales_de(usuario=request.user)
    celular = datos["telefono"]
    return render(request, "ciudadanos/avisos.html", {
        "consentimiento": canales.consentimiento_vigente(usuario_id=request.user.pk),
        "correo": datos["correo"],
        "correo_verificado": datos["correo_verificado"],
        "correo_canal": datos["correo_canal"],
        "correo_falla": canales.falla_describir(datos["correo_canal"]) if datos["correo_canal"] and
        datos["correo_canal"].fallando else "",
        "telefono": celular,
        "telefono_texto": telefono.telefono_mostrar(celular.destino) if celular else "",
        "telefono_falla": canales.falla_describir(celular) if celular and celular.fallando else "",
        "codigo_pendiente": telefono.codigo_pendiente(celular),
        "sms_configurado": sms.configurado(),
        "form": PreferenciasSmsForm(initial={
            "sms_recordatorios": celular.sms_recordatorios, "sms_novedades": celular.sms_novedades,
        }) if celular else None,
        "fallas": canales.fallas_describir(canales.canales_fallando(usuario=request.user)),
    })


# --- Consent -------------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def consentimiento(request):
    """The text of the consent: to accept it, or as it was accepted."""
    vigente = canales.consentimiento_vigente(usuario_id=request.user.pk)
    if vigente is not None:
        if request.method == "POST":
            messages.info(request, _("Ya habías aceptado la notificación electrónica."))
            return redirect(_siguiente(request))
        return render(request, "ciudadanos/avisos_consentimiento.html", {"consentimiento": vigente})
    form = ConsentimientoForm(_enviado(request))
    if request.method == "POST" and form.is_valid():
        canales.consentimiento_aceptar(
            usuario=request.user, ip=ip_cliente(request), nivel_ingreso=nivel_actual(request) or None
        )
        messages.success(request, _(
            "Aceptaste la notificación electrónica. Desde ahora las notificaciones de tus trámites se "
            "depositarán en tu casilla electrónica y te avisaremos de cada una por tus canales verificados."
        ))
        return redirect(_siguiente(request))
    return render(request, "ciudadanos/avisos_consentimiento.html", {
        "form": form, "texto": canales.consentimiento_texto(), "siguiente": _siguiente(request),
    }, status=400 if form.errors else 200)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def consentimiento_retirar(request):
    vigente = canales.consentimiento_vigente(usuario_id=request.user.pk)
    if vigente is None:
        messages.info(request, _("No tienes un consentimiento vigente: no había nada que retirar."))
        return redirect("ciudadanos:avisos")
    if request.method == "POST":
        canales.consentimiento_retirar(usuario=request.user, ip=ip_cliente(request))
        messages.success(request, _(
            "Retiraste tu consentimiento. Las próximas notificaciones con efectos legales se te harán en tu "
            "domicilio. Puedes volver a aceptarlo cuando quieras."
        ))
        return redirect("ciudadanos:avisos")
    return render(request, "ciudadanos/avisos_consentimiento_retirar.html", {"consentimiento": vigente})


# --- The mobile phone ----------------------------------------------------------------------------


def _error_en(form, campo, error: ValidationError):
    for mensaje in error.messages:
        form.add_error(campo, mensaje)


def _numero_del_perfil(usuario) -> str:
    """The mobile the citizen gave in their profile, offered so they need
    not type it again (when it is a Peruvian mobile)."""
    perfil = getattr(usuario, "perfil", None)
    try:
        return telefono.telefono_mostrar(telefono.telefono_normalizar(perfil.telefono)) if perfil else ""
    except ValidationError:
        return ""


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def telefono_registrar(request):
    """Adds or changes the phone: sends a code to the number typed."""
    celular = canales.telefono_de(usuario=request.user)
    if not sms.configurado():
        return render(request, "ciudadanos/avisos_telefono.html", {"telefono": celular, "sms_configurado": False})
    sugerido = {"numero": _numero_del_perfil(request.user)} if celular is None else None
    form = TelefonoForm(_enviado(request), initial=sugerido)
    if request.method == "POST" and form.is_valid():
        try:
            celular = telefono.telefono_codigo_enviar(usuario=request.user, numero=form.cleaned_data["numero"])
        except ValidationError as error:
            _error_en(form, "numero", error)
        else:
            messages.success(request, _(
                "Te enviamos un código por SMS al %(numero)s. Escríbelo aquí antes de 10 minutos."
            ) % {"numero": telefono.telefono_mostrar(celular.destino)})
            return redirect("ciudadanos:telefono_codigo")
    return render(request, "ciudadanos/avisos_telefono.html", {
        "form": form, "telefono": celular, "sms_configurado": True,
        "telefono_texto": telefono.telefono_mostrar(celular.destino) if celular else "",
    }, status=400 if form.errors else 200)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def telefono_codigo(request):
    """The citizen types the code the SMS brought."""
    celular = canales.telefono_de(usuario=request.user)
    if celular is None:
        return redirect("ciudadanos:telefono_registrar")
    if celular.verificado:
        messages.info(request, _("Tu celular ya está verificado."))
        return redirect("ciudadanos:avisos")
    numero_texto = telefono.telefono_mostrar(celular.destino)
    form = CodigoForm(_enviado(request), numero_texto=numero_texto)
    if request.method == "POST" and form.is_valid():
        try:
            celular = telefono.telefono_verificar(usuario=request.user, codigo=form.cleaned_data["codigo"])
        except ValidationError as error:
            _error_en(form, "codigo", error)
        except NoEncontrado:
            return redirect("ciudadanos:telefono_registrar")
        else:
            messages.success(request, _(
                "Verificamos tu celular %(numero)s. Desde ahora también te avisaremos por SMS."
            ) % {"numero": numero_texto})
            return redirect("ciudadanos:avisos")
    return render(request, "ciudadanos/avisos_codigo.html", {
        "form": form, "telefono": celular, "telefono_texto": numero_texto,
        "codigo_pendiente": telefono.codigo_pendiente(celular), "sms_configurado": sms.configurado(),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def telefono_reenviar(request):
    """A new code to the number already registered."""
    celular = canales.telefono_de(usuario=request.user)
    if celular is None:
        return redirect("ciudadanos:telefono_registrar")
    try:
        telefono.telefono_codigo_enviar(usuario=request.user, numero=celular.destino)
    except ValidationError as error:
        if error.code == "ya_verificado":
            messages.info(request, _("Tu celular ya está verificado."))
            return redirect("ciudadanos:avisos")
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _(
            "Te enviamos un código nuevo por SMS al %(numero)s. El anterior ya no sirve."
        ) % {"numero": telefono.telefono_mostrar(celular.destino)})
    return redirect("ciudadanos:telefono_codigo")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def telefono_quitar(request):
    celular = canales.telefono_de(usuario=request.user)
    if celular is None:
        messages.info(request, _("No tienes un celular registrado."))
        return redirect("ciudadanos:avisos")
    numero_texto = telefono.telefono_mostrar(celular.destino)
    if request.method == "POST":
        telefono.telefono_quitar(usuario=request.user)
        messages.success(request, _(
            "Quitamos tu celular %(numero)s. Ya no te enviaremos SMS; seguiremos avisándote por correo."
        ) % {"numero": numero_texto})
        return redirect("ciudadanos:avisos")
    return render(request, "ciudadanos/avisos_telefono_quitar.html", {"telefono": celular, "telefono_texto": numero_texto})


@login_required
@require_POST
def preferencias_sms(request):
    form = PreferenciasSmsForm(request.POST)
    form.is_valid()  # two optional checkboxes: always valid
    try:
        telefono.telefono_preferencias_guardar(
            usuario=request.user, sms_recordatorios=form.cleaned_data.get("sms_recordatorios", False),
            sms_novedades=form.cleaned_data.get("sms_novedades", False),
        )
    except NoEncontrado:
        messages.info(request, _("Primero agrega tu celular para elegir qué avisos recibir por SMS."))
        return redirect("ciudadanos:avisos")
    messages.success(request, _("Guardamos qué avisos recibirás por SMS."))
    return redirect("ciudadanos:avisos")


# --- At login: channels that failing alerts did not reach -----------------------------------------


@receiver(user_logged_in)
def _canales_fallando_al_ingresar(sender, request, user, **kwargs):
    """Tells the citizen, once, which channel their last alert could not reach."""
    if request is None:
        return
    for canal in canales.fallas_describir(canales.canales_fallando_avisar(usuario=user)):
        messages.warning(request, format_html(
            _("No pudimos avisarte por {nombre} ({destino}): {motivo}. Revísalo en {enlace} para no perderte "
              "tus notificaciones."),
            nombre=canal["nombre"], destino=canal["destino"], motivo=canal["motivo"],
            enlace=format_html('<a href="{}">{}</a>', reverse("ciudadanos:avisos"), _("Notificaciones y avisos")),
        ))
