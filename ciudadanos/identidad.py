"""Login with ID GOB.PE (OpenID Connect through django-allauth).

The application is configured only by the environment (settings.IDGOBPE_*):
nothing is read from the database. The claims follow RENIEC's IDaaS names by
default (settings.IDGOBPE_CLAIMS). A first login creates the account with the
verified identity; an account that already holds the same document (or the
same email) is linked only after its owner logs in with their password
(ciudadanos/idgobpe.py, "vincular") — never by email alone."""

import secrets
import time

from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import NivelIdentidad, Perfil, TipoDocumento, Usuario

SESION_NONCES = "idgobpe_nonces"
SESION_ID_TOKEN = "idgobpe_id_token"  # noqa: S105 (a session key)
SESION_IDENTIDAD = "idgobpe_identidad"  # verified identity waiting for the rest of the profile
SESION_VINCULAR = "idgobpe_vincular"  # a login waiting for the owner's password
NONCES_MAXIMO = 5
VINCULAR_SEGUNDOS = 15 * 60
CAMPOS_IDENTIDAD = ("numero_documento", "nombres", "apellido_paterno", "apellido_materno")


class IngresoRechazado(PermissionDenied):
    """A response from ID GOB.PE the portal refuses; `motivo` tells the citizen why."""

    def __init__(self, motivo):
        self.motivo = motivo
        super().__init__(str(motivo))


def idgobpe_activo() -> bool:
    return bool(settings.IDGOBPE_SERVER_URL and settings.IDGOBPE_CLIENT_ID and settings.IDGOBPE_CLIENT_SECRET)


# --- Claims -------------------------------------------------------------------------------------


def _verdadero(valor) -> bool:
    if isinstance(valor, str):
        return valor.strip().lower() in ("true", "1", "yes", "si", "sí")
    return bool(valor)


def nivel_de_acr(acr) -> int | None:
    """The portal's login level (NivelIngreso) for an `acr` value; None for one
    the portal does not know."""
    return settings.IDGOBPE_ACR.get(str(acr or "").strip())


def claims_mapear(datos: dict) -> dict:
    """ID GOB.PE's claims (userinfo, then the ID token) as the portal's fields,
    following settings.IDGOBPE_CLAIMS. Names come upper-cased as RENIEC keeps
    them; a missing claim is an empty string."""
    nombres = settings.IDGOBPE_CLAIMS

    def valor(campo):
        return datos.get(nombres[campo])

    def texto(campo):
        return " ".join(str(valor(campo) or "").split())

    return {
        "numero_documento": "".join(c for c in texto("numero_documento") if c.isdigit()),
        "nombres": texto("nombres").upper(),
        "apellido_paterno": texto("apellido_paterno").upper(),
        "apellido_materno": texto("apellido_materno").upper(),
        "email": texto("email").lower(),
        "email_verificado": _verdadero(valor("email_verificado")),
        "telefono": texto("telefono"),
        "nivel": nivel_de_acr(valor("nivel")),
    }


def claims_de(extra_data: dict) -> dict:
    """The claims of a login as allauth keeps them: the ID token's, with the
    userinfo's on top (the ID token carries `acr`, the userinfo the rest)."""
    return {**(extra_data.get("id_token") or {}), **(extra_data.get("userinfo") or {})}


def identidad_de(sociallogin) -> dict:
    return claims_mapear(claims_de(sociallogin.account.extra_data))


def telefono_local(telefono: str) -> str:
    """+51987654321 -> 987654321: the profile keeps Peruvian mobiles without the code."""
    cifras = "".join(c for c in telefono if c.isdigit() or c == "+")
    if cifras.startswith("+51") and len(cifras) == 12:
        return cifras[3:]
    return cifras


# --- The session's part of the flow -----------------------------------------------------------


def nonce_nuevo(request) -> str:
    """A nonce for an authorization request; a few stay pending (two tabs)."""
    nonce = secrets.token_urlsafe(24)
    pendientes = list(request.session.get(SESION_NONCES, []))[-(NONCES_MAXIMO - 1):]
    request.session[SESION_NONCES] = [*pendientes, nonce]
    return nonce


def nonce_consumir(request, nonce) -> bool:
    pendientes = list(request.session.get(SESION_NONCES, []))
    if not nonce or nonce not in pendientes:
        return False
    pendientes.remove(nonce)
    request.session[SESION_NONCES] = pendientes
    return True


def identidad_pendiente(request) -> dict | None:
    """The verified identity of a citizen who entered with ID GOB.PE and has no
    profile yet: the profile form shows it filled in and locked."""
    identidad = request.session.get(SESION_IDENTIDAD)
    if not identidad or identidad.get("usuario") != request.user.pk:
        return None
    return {
        "tipo_documento": TipoDocumento.DNI,
        "numero_documento": identidad["numero_documento"],
        "nombres": identidad["nombres"],
        "apellido_paterno": identidad["apellido_paterno"],
        "apellido_materno": identidad["apellido_materno"],
        "telefono": identidad["telefono"],
    }


def identidad_pendiente_aplicar(request, perfil: Perfil) -> None:
    """After the profile is saved: it holds ID GOB.PE's identity, verified."""
    from . import services

    if identidad_pendiente(request) is None:
        return
    services.perfil_verificar_identidad(perfil=perfil, metodo=NivelIdentidad.PROVEEDOR, verificador=None)
    Perfil.objects.filter(pk=perfil.pk).update(datos_reniec_en=timezone.now())
    request.session.pop(SESION_IDENTIDAD, None)


def cuenta_existente(identidad: dict) -> Usuario | None:
    """The account this identity already has in the portal: the one whose
    profile holds the same DNI, or else the one with the same email."""
    if identidad["numero_documento"]:
        perfil = Perfil.objects.filter(
            tipo_documento=TipoDocumento.DNI, numero_documento=identidad["numero_documento"]
        ).select_related("usuario").first()
        if perfil is not None:
            return perfil.usuario
    if identidad["email"]:
        return Usuario.objects.filter(email__iexact=identidad["email"]).first()
    return None


def vinculacion_guardar(request, sociallogin, usuario) -> None:
    request.session[SESION_VINCULAR] = {
        "login": sociallogin.serialize(), "usuario": usuario.pk, "hasta": time.time() + VINCULAR_SEGUNDOS,
    }


def vinculacion_pendiente(request) -> tuple[SocialLogin, int] | None:
    pendiente = request.session.get(SESION_VINCULAR)
    if not pendiente or pendiente.get("hasta", 0) < time.time():
        return None
    return SocialLogin.deserialize(pendiente["login"]), pendiente["usuario"]


# --- allauth's adapter ------------------------------------------------------------------------


def _app_idgobpe():
    from allauth.socialaccount.models import SocialApp

    return SocialApp(
        provider="openid_connect",
        provider_id=settings.IDGOBPE_PROVIDER_ID,
        name="ID GOB.PE",
        client_id=settings.IDGOBPE_CLIENT_ID,
        secret=settings.IDGOBPE_CLIENT_SECRET,
        settings={
            "server_url": settings.IDGOBPE_SERVER_URL,
            "token_auth_method": "client_secret_post",
            "fetch_userinfo": True,
            "oauth_pkce_enabled": True,
        },
    )


class IdentidadAdapter(DefaultSocialAccountAdapter):
    """Maps ID GOB.PE's claims to the citizen's account and profile."""

    def list_apps(self, request, provider=None, client_id=None):
        # Only the environment configures ID GOB.PE (no SocialApp rows).
        if not idgobpe_activo():
            return []
        if provider not in (None, "openid_connect", settings.IDGOBPE_PROVIDER_ID):
            return []
        if client_id not in (None, settings.IDGOBPE_CLIENT_ID):
            return []
        return [_app_idgobpe()]

    def get_requests_session(self):
        # The raw ID token of the token response is the hint of the
        # RP-initiated logout; allauth keeps only its decoded claims.
        sesion = super().get_requests_session()

        def guardar_id_token(respuesta, *args, **kwargs):
            if respuesta.request.method != "POST" or not respuesta.ok:
                return
            try:
                datos = respuesta.json()
            except ValueError:
                return
            if isinstance(datos, dict) and isinstance(datos.get("id_token"), str) and context.request:
                context.request._idgobpe_id_token = datos["id_token"]

        sesion.hooks["response"].append(guardar_id_token)
        return sesion

    def pre_social_login(self, request, sociallogin):
        token = sociallogin.account.extra_data.get("id_token") or {}
        if not nonce_consumir(request, token.get("nonce")):
            raise IngresoRechazado(_(
                "La respuesta de ID GOB.PE no corresponde al ingreso que iniciaste en este navegador "
                "(el valor de seguridad «nonce» no coincide)."
            ))
        identidad = identidad_de(sociallogin)
        if not identidad["numero_documento"]:
            raise IngresoRechazado(_("ID GOB.PE no envió tu número de documento."))
        if not identidad["email"]:
            raise IngresoRechazado(_(
                "ID GOB.PE no envió tu correo electrónico. Regístralo en ID GOB.PE, o crea tu cuenta del "
                "portal con tu correo y contraseña."
            ))
        if sociallogin.is_existing:
            if request.user.is_authenticated and request.user != sociallogin.user:
                raise IngresoRechazado(_(
                    "En ID GOB.PE ingresaste con otra persona, no con la de tu sesión en el portal."
                ))
            return
        existente = cuenta_existente(identidad)
        if existente is None:
            return  # a new account (save_user)
        perfil = Perfil.objects.filter(usuario=existente).first()
        if perfil is not None and perfil.numero_documento != identidad["numero_documento"]:
            raise IngresoRechazado(_(
                "Ya hay una cuenta del portal con el correo de tu ID GOB.PE, pero es de otro documento. "
                "Escríbenos desde la mesa de partes para revisarlo."
            ))
        if request.user.is_authenticated and request.user == existente:
            # Logged in with the password in this session: that is the proof.
            sociallogin.connect(request, existente)
            return
        vinculacion_guardar(request, sociallogin, existente)
        raise ImmediateHttpResponse(redirect("idgobpe_vincular"))

    def is_auto_signup_allowed(self, request, sociallogin):
        return True

    def populate_user(self, request, sociallogin, data):
        usuario = super().populate_user(request, sociallogin, data)
        usuario.email = identidad_de(sociallogin)["email"]
        return usuario

    def save_user(self, request, sociallogin, form=None):
        from allauth.account.models import EmailAddress

        identidad = identidad_de(sociallogin)
        usuario = super().save_user(request, sociallogin, form)
        if identidad["email_verificado"]:
            EmailAddress.objects.filter(user=usuario, email__iexact=usuario.email).update(verified=True)
        request.session[SESION_IDENTIDAD] = {
            "usuario": usuario.pk, **{c: identidad[c] for c in CAMPOS_IDENTIDAD},
            "telefono": telefono_local(identidad["telefono"]),
        }
        return usuario

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        from .idgobpe import error_de_ingreso

        raise ImmediateHttpResponse(error_de_ingreso(request, exception=exception, error=error))


def formulario_con_identidad(form, verificada: dict | None) -> None:
    """The profile form of a citizen who entered with ID GOB.PE: the document
    and names come verified and are shown locked (the rest is typed)."""
    if not verificada:
        return
    for nombre in ("tipo_documento", *CAMPOS_IDENTIDAD):
        form.fields[nombre].disabled = True
        form.fields[nombre].required = False
        form.fields[nombre].help_text = _("Verificado por ID GOB.PE (RENIEC). No se puede cambiar aquí.")
