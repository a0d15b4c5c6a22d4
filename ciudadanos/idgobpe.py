"""The portal's pages around allauth's ID GOB.PE login: the login and callback
addresses (only the configured provider id exists: any other is a 404; the
callback checks the issuer of the response, RFC 9207), the page that links an
ID GOB.PE identity to an existing account after a password login, the
RP-initiated logout, and the page that explains a refused login."""

from urllib.parse import urlencode

import requests
from allauth.account.utils import perform_login
from allauth.account.views import logout as allauth_logout
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect import views as oidc
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from egov.mensajes import correo_registrar

from . import identidad, niveles
from .models import Usuario

SAL_CORREO = "ciudadanos.idgobpe.vincular-por-correo"


def _provider_conocido(provider_id: str) -> None:
    if not identidad.idgobpe_activo() or provider_id != settings.IDGOBPE_PROVIDER_ID:
        raise Http404


def error_de_ingreso(request, *, exception=None, error=None, motivo=None):
    """The page of a refused or failed ID GOB.PE login, with the reason in
    plain words and a way back."""
    estado = 400
    if motivo is None:
        if isinstance(exception, identidad.IngresoRechazado):
            motivo = exception.motivo
        elif isinstance(exception, requests.RequestException):
            motivo, estado = _("ID GOB.PE no responde en este momento. Inténtalo en unos minutos, "
                               "o ingresa con tu correo y contraseña."), 503
        elif isinstance(exception, OAuth2Error) and "id_token" in str(exception):
            motivo = _("La respuesta de ID GOB.PE no es válida (su firma, emisor o vigencia no coinciden).")
        elif isinstance(exception, OAuth2Error):
            motivo = _("El código de ingreso que envió ID GOB.PE venció o ya se usó. Vuelve a ingresar.")
        elif exception is None and error in (None, "unknown") and not request.GET.get("error"):
            motivo = _("El regreso desde ID GOB.PE no corresponde a un ingreso iniciado en este navegador, "
                       "o ya se usó (el valor de seguridad «state» no coincide).")
        else:
            motivo = _("ID GOB.PE no completó el ingreso.")
    respuesta = render(request, "socialaccount/authentication_error.html", {"motivo": motivo}, status=estado)
    if estado == 503:
        respuesta["Retry-After"] = "60"
    return respuesta


@never_cache
def ingresar(request, provider_id):
    """allauth's login view, with a nonce (and, for a step-up, the acr_values
    the procedure needs) added to the authorization request."""
    _provider_conocido(provider_id)
    if request.method != "POST":
        raise Http404  # SOCIALACCOUNT_LOGIN_ON_GET is off: the buttons are forms
    # acr_values always: the level asked for (a step-up), or the weakest ID
    # GOB.PE level; the provider then states the level reached in `acr`.
    parametros = {"nonce": identidad.nonce_nuevo(request), "acr_values": niveles.acr_para(0)}
    nivel = niveles.nivel_pedido(request.GET.get("nivel"))
    if nivel is not None and niveles.acr_para(nivel):
        parametros["acr_values"] = niveles.acr_para(nivel)
        parametros["prompt"] = "login"
    request.GET = request.GET.copy()
    request.GET["auth_params"] = urlencode(parametros)
    try:
        return oidc.login(request, provider_id)
    except requests.RequestException as caida:
        return error_de_ingreso(request, exception=caida)


@never_cache
def regresar(request, provider_id):
    _provider_conocido(provider_id)
    emisor = request.GET.get("iss")
    if emisor is not None and emisor.rstrip("/") != settings.IDGOBPE_SERVER_URL:
        return error_de_ingreso(request, motivo=_(
            "La respuesta viene de un emisor que el portal no conoce (%(emisor)s), no de ID GOB.PE."
        ) % {"emisor": emisor[:100]})
    try:
        respuesta = oidc.callback(request, provider_id)
    except requests.RequestException as caida:
        return error_de_ingreso(request, exception=caida)
    id_token = getattr(request, "_idgobpe_id_token", None)
    if id_token and request.user.is_authenticated:
        request.session[identidad.SESION_ID_TOKEN] = id_token
    return respuesta


@never_cache
@require_http_methods(["GET", "POST"])
def vincular(request):
    """Links an ID GOB.PE identity to the account that already holds its DNI
    (or email), once its owner has logged in with the password: before that,
    the page says how."""
    pendiente = identidad.vinculacion_pendiente(request)
    if pendiente is None:
        if not request.user.is_authenticated:
            raise Http404
        messages.info(request, _("No hay ningún ingreso con ID GOB.PE por vincular. Vuelve a ingresar con ID GOB.PE."))
        return redirect("ciudadanos:perfil")
    sociallogin, usuario_pk = pendiente
    datos = identidad.identidad_de(sociallogin)
    if not request.user.is_authenticated:
        url_ingreso = f"{reverse('account_login')}?{urlencode({'next': reverse('idgobpe_vincular')})}"
        return render(request, "socialaccount/vincular.html", {"datos": datos, "url_ingreso": url_ingreso})
    if request.user.pk != usuario_pk:
        return render(request, "socialaccount/vincular.html", {"otra_cuenta": True, "datos": datos}, status=403)
    if request.method == "POST":
        sociallogin.connect(request, request.user)
        request.session.pop(identidad.SESION_VINCULAR, None)
        nivel = max(niveles.nivel_actual(request), datos["nivel"] or 1)
        niveles.nivel_registrar(request, request.user, nivel)
        messages.success(request, _("Vinculamos tu ID GOB.PE. Desde ahora puedes ingresar con él."))
        return redirect("ciudadanos:perfil")
    return render(request, "socialaccount/vincular.html", {"datos": datos})


@require_POST
def vincular_correo_enviar(request):
    """The other proof that the account is yours: a link to its email,
    opened in this same browser (where the ID GOB.PE login waits)."""
    pendiente = identidad.vinculacion_pendiente(request)
    if pendiente is None or request.user.is_authenticated:
        raise Http404
    sociallogin, usuario_pk = pendiente
    usuario = Usuario.objects.get(pk=usuario_pk)
    token = signing.dumps({"u": usuario_pk, "uid": sociallogin.account.uid}, salt=SAL_CORREO)
    contexto = {
        "dni": identidad.identidad_de(sociallogin)["numero_documento"],
        "enlace": request.build_absolute_uri(reverse("idgobpe_vincular_correo", args=[token])),
        "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE, "SITE_URL": settings.SITE_URL,
    }
    correo_registrar(
        para=[usuario.email], asunto=_("Vincular tu ID GOB.PE a tu cuenta"),
        texto=render_to_string("socialaccount/correo/vincular.txt", contexto, request=request),
        reservado=True, referencia="cuenta:idgobpe_vincular",
    )
    messages.success(request, _(
        "Te enviamos un enlace al correo de tu cuenta. Ábrelo en este mismo navegador dentro de 15 minutos."
    ))
    return redirect("idgobpe_vincular")


@never_cache
@require_http_methods(["GET", "POST"])
def vincular_correo(request, token):
    """The emailed link: a GET asks to confirm (mail scanners open links), the
    POST links the identity and logs the citizen in."""
    try:
        datos = signing.loads(token, salt=SAL_CORREO, max_age=identidad.VINCULAR_SEGUNDOS)
    except signing.BadSignature:
        return error_de_ingreso(request, motivo=_("El enlace para vincular tu ID GOB.PE no es válido o venció."))
    pendiente = identidad.vinculacion_pendiente(request)
    if pendiente is None or pendiente[1] != datos.get("u") or pendiente[0].account.uid != datos.get("uid"):
        return error_de_ingreso(request, motivo=_(
            "Abre el enlace en el mismo navegador en el que ingresaste con ID GOB.PE, dentro de 15 minutos "
            "(o vuelve a ingresar con ID GOB.PE para recibir otro)."
        ))
    sociallogin, usuario_pk = pendiente
    datos_identidad = identidad.identidad_de(sociallogin)
    if request.method != "POST":
        return render(request, "socialaccount/vincular.html", {"datos": datos_identidad, "por_correo": True})
    if request.user.is_authenticated and request.user.pk != usuario_pk:
        return render(request, "socialaccount/vincular.html", {"otra_cuenta": True, "datos": datos_identidad},
                      status=403)
    usuario = Usuario.objects.get(pk=usuario_pk)
    sociallogin.connect(request, usuario)
    request.session.pop(identidad.SESION_VINCULAR, None)
    messages.success(request, _("Vinculamos tu ID GOB.PE. Desde ahora puedes ingresar con él."))
    if request.user.is_authenticated:
        return redirect("ciudadanos:perfil")
    # The account's own login steps still apply (its second factor, if it has one).
    respuesta = perform_login(request, usuario, email_verification=settings.ACCOUNT_EMAIL_VERIFICATION,
                              redirect_url=reverse("ciudadanos:perfil"))
    if request.user.is_authenticated:
        niveles.nivel_registrar(request, usuario, max(niveles.nivel_actual(request), datos_identidad["nivel"] or 1))
    return respuesta


def _cierre_idgobpe(request, destino: str) -> str | None:
    """ID GOB.PE's end-session address for this session, or None."""
    id_token = request.session.get(identidad.SESION_ID_TOKEN)
    if not id_token or not identidad.idgobpe_activo():
        return None
    try:
        with get_adapter().get_requests_session() as sesion:
            respuesta = sesion.get(f"{settings.IDGOBPE_SERVER_URL}/.well-known/openid-configuration")
            respuesta.raise_for_status()
            fin = respuesta.json().get("end_session_endpoint")
    except (requests.RequestException, ValueError):
        return None
    if not fin:
        return None
    parametros = {
        "id_token_hint": id_token, "client_id": settings.IDGOBPE_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(destino),
    }
    return f"{fin}?{urlencode(parametros)}"


def salir(request):
    """allauth's logout; a session that entered with ID GOB.PE then also ends
    there (RP-initiated logout) and comes back to the portal's home page."""
    cierre = None
    if request.method == "POST" and request.user.is_authenticated:
        cierre = _cierre_idgobpe(request, "/")
    respuesta = allauth_logout(request)
    if cierre and isinstance(respuesta, HttpResponseRedirect):
        return HttpResponseRedirect(cierre)
    return respuesta


def no_disponible(request, *args, **kwargs):
    raise Http404

