"""Login levels (NivelIngreso): how strongly the citizen proved who they are
in this session. Each login stores its level in the session and on the
profile: the portal's password is 1, password and the code of an
authenticator app 2, ID GOB.PE whatever its `acr` claim says
(settings.IDGOBPE_ACR; an unknown value counts as 1). A procedure declares
the level it needs (tramites.Tramite.nivel_ingreso_minimo); below it, filing
sends the citizen to `subir`, which offers the ways to reach it and then goes
back to the same step."""

from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.signals import user_logged_in
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import NivelIngreso, Perfil

SESION_NIVEL = "nivel_ingreso"

# What a procedure page says (in plain words) about the level it needs.
REQUISITO = {
    NivelIngreso.CLAVE_Y_CODIGO: _(
        "Para este trámite debes ingresar con tu contraseña y el código de tu aplicación de "
        "autenticación (verificación en dos pasos), o con ID GOB.PE."
    ),
    NivelIngreso.IDGOBPE_UN_FACTOR: _("Para este trámite debes ingresar con ID GOB.PE."),
    NivelIngreso.IDGOBPE_DOS_FACTORES: _("Para este trámite debes ingresar con ID GOB.PE con dos factores."),
    NivelIngreso.CERTIFICADO: _(
        "Para este trámite debes ingresar con ID GOB.PE usando tu DNI electrónico o un certificado digital."
    ),
}


def requisito_texto(nivel: int) -> str:
    return REQUISITO.get(nivel, "")


def nivel_de_login(request, user, sociallogin=None) -> int:
    """The level a login just reached."""
    if sociallogin is not None:
        from .identidad import identidad_de

        return identidad_de(sociallogin)["nivel"] or NivelIngreso.CLAVE
    registros = get_authentication_records(request, user)
    if any(r.get("method") == "mfa" for r in registros):
        return NivelIngreso.CLAVE_Y_CODIGO
    return NivelIngreso.CLAVE


def nivel_actual(request) -> int:
    """This session's level: the login's, or 2 once the code of the
    authenticator app was confirmed in it (reauthentication)."""
    if not request.user.is_authenticated:
        return 0
    nivel = int(request.session.get(SESION_NIVEL) or NivelIngreso.CLAVE)
    if nivel < NivelIngreso.CLAVE_Y_CODIGO and any(
        r.get("method") == "mfa" for r in get_authentication_records(request, request.user)
    ):
        nivel = NivelIngreso.CLAVE_Y_CODIGO
    return nivel


def nivel_registrar(request, usuario, nivel: int) -> None:
    request.session[SESION_NIVEL] = int(nivel)
    Perfil.objects.filter(usuario=usuario).update(nivel_ingreso=int(nivel), nivel_ingreso_en=timezone.now())


@receiver(user_logged_in)
def _al_ingresar(sender, request, user, sociallogin=None, **kwargs):
    nivel_registrar(request, user, nivel_de_login(request, user, sociallogin))


def nivel_suficiente(request, nivel_minimo: int) -> bool:
    return nivel_actual(request) >= nivel_minimo


def acr_para(nivel: int) -> str | None:
    """The weakest `acr` value of ID GOB.PE that reaches this level."""
    candidatos = sorted((n, acr) for acr, n in settings.IDGOBPE_ACR.items() if n >= nivel)
    return candidatos[0][1] if candidatos else None


def nivel_pedido(valor) -> int | None:
    try:
        nivel = int(valor)
    except (TypeError, ValueError):
        return None
    return nivel if nivel in NivelIngreso.values else None


def subir_url(nivel: int, siguiente: str) -> str:
    return f"{reverse('nivel_subir')}?{urlencode({'nivel': int(nivel), 'next': siguiente})}"


def subir_si_falta(request, nivel_minimo: int, siguiente: str):
    """A redirect to the step-up page when this session is below the level, else None."""
    if nivel_suficiente(request, nivel_minimo):
        return None
    return redirect(subir_url(nivel_minimo, siguiente))


def _siguiente_seguro(request) -> str:
    siguiente = request.GET.get("next") or ""
    if siguiente and url_has_allowed_host_and_scheme(
        siguiente, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return siguiente
    return reverse("tramites:mis_tramites")


@require_GET
@never_cache
def subir(request):
    """The step-up page: the level the procedure needs, the ways to reach it,
    and back to the same step once reached."""
    from django.contrib.auth.views import redirect_to_login

    from .identidad import idgobpe_activo

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    nivel = nivel_pedido(request.GET.get("nivel")) or NivelIngreso.CLAVE
    siguiente = _siguiente_seguro(request)
    actual = nivel_actual(request)
    if actual >= nivel:
        if int(request.session.get(SESION_NIVEL) or 0) < actual:
            nivel_registrar(request, request.user, actual)  # the code was just confirmed
        return redirect(siguiente)
    tiene_totp = Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
    contexto = {
        "nivel": nivel,
        "nivel_texto": NivelIngreso(nivel).label,
        "actual_texto": NivelIngreso(actual).label if actual else "",
        "requisito": requisito_texto(nivel),
        "siguiente": siguiente,
        "idgobpe": idgobpe_activo() and acr_para(nivel) is not None,
        "url_idgobpe": f"{reverse('idgobpe_ingresar', kwargs={'provider_id': settings.IDGOBPE_PROVIDER_ID})}"
                       f"?{urlencode({'nivel': nivel})}",
        "con_codigo": nivel == NivelIngreso.CLAVE_Y_CODIGO and tiene_totp,
        "activar_codigo": nivel == NivelIngreso.CLAVE_Y_CODIGO and not tiene_totp,
        "url_codigo": f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}",
    }
    return render(request, "socialaccount/nivel_subir.html", contexto)
