import datetime
import math

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import ratelimit
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from egov.mensajes import correo_registrar

from . import bloqueos
from .models import Usuario


def error_en_espera(espera: datetime.timedelta) -> ValidationError:
    """The login form's error while an address waits. It names the address
    ("este correo"), never an account, so it reads the same whether or not the
    address has one."""
    minutos = max(1, math.ceil(espera.total_seconds() / 60))
    texto = ngettext(
        "Hubo demasiados intentos fallidos de iniciar sesión con este correo. "
        "Espera %(minutos)d minuto o {enlace}.",
        "Hubo demasiados intentos fallidos de iniciar sesión con este correo. "
        "Espera %(minutos)d minutos o {enlace}.",
        minutos,
    ) % {"minutos": minutos}
    enlace = format_html(
        '<a href="{}">{}</a>', reverse("account_reset_password"), _("restablece tu contraseña")
    )
    mensaje = format_html(texto, enlace=enlace)
    return ValidationError(mensaje, code="correo_en_espera")


class CuentaAdapter(DefaultAccountAdapter):
    """Account emails are rendered in the request (they hold one-time links) and
    sent by a Celery task after the transaction commits. Password logins wait
    after repeated failures for an address (ciudadanos/bloqueos.py)."""

    def get_from_email(self):
        return settings.DEFAULT_FROM_EMAIL

    def pre_authenticate(self, request, **credentials):
        # Too many failed logins from one address (ACCOUNT_RATE_LIMITS
        # ["login_failed"]) answer with the portal's 429 page, as every other
        # rate limit does: the page says how long to wait and how to reset the
        # password.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(ratelimit.respond_429(request)) from None
            raise
        # Then the per-account wait (ciudadanos/bloqueos.py).
        self._espera = None
        correo = self._correo_de_inicio(request, credentials)
        if correo is None:
            return
        espera = bloqueos.bloqueo_espera(correo=correo)
        if espera is None:
            return
        if bloqueos.cuenta_con_segundo_factor(correo=correo):
            # The owner gets in with the right password and the code, so the
            # password is checked; a wrong one answers as below
            # (authentication_failed), not revealing the second factor.
            self._espera = espera
            return
        # Not checked, but hashed as a check is, so the answer takes as long as
        # for an account with a second factor.
        Usuario().set_password(credentials.get("password") or "")
        raise error_en_espera(espera)

    def authentication_failed(self, request, **credentials):
        super().authentication_failed(request, **credentials)
        correo = self._correo_de_inicio(request, credentials)
        if correo is None:
            return
        espera = getattr(self, "_espera", None) or bloqueos.bloqueo_fallo_registrar(correo=correo)
        if espera is not None:
            raise error_en_espera(espera)

    def login(self, request, user):
        # Reached only when every step passed (the second factor included).
        super().login(request, user)
        bloqueos.bloqueo_levantar_de_cuenta(usuario=user)

    def _delete_login_attempts_cached_email(self, request, **credentials):
        # allauth calls this for each of the account's addresses after a
        # successful password reset: the owner's way out of a wait.
        super()._delete_login_attempts_cached_email(request, **credentials)
        bloqueos.bloqueo_levantar(correos=[credentials.get("email") or ""])

    @staticmethod
    def _correo_de_inicio(request, credentials) -> str | None:
        """The address of a login attempt; None when there is none or when a
        logged-in person confirms their password (reauthentication, limited
        per account by allauth's "reauthenticate" rate)."""
        correo = credentials.get("email")
        if not correo or request is None or request.user.is_authenticated:
            return None
        return bloqueos.correo_normalizar(correo)

    def send_mail(self, template_prefix, email, context):
        request = self.request
        contexto = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
            "SITE_URL": settings.SITE_URL,
        }
        contexto.update(context)
        mensaje = self.render_mail(template_prefix, email, contexto)
        html = next(
            (c for c, tipo in getattr(mensaje, "alternatives", []) if tipo == "text/html"), ""
        )
        # A row of the outbox, committed with the request's work: a broker
        # outage during signup or a password reset loses no link.
        correo_registrar(para=list(mensaje.to), asunto=mensaje.subject, texto=mensaje.body, html=html,
                         reservado=True, referencia=f"cuenta:{template_prefix.rsplit('/', 1)[-1]}"[:80])


class SegundoFactorAdapter(DefaultMFAAdapter):
    """allauth's two-factor messages, in the portal's voice."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "add_email_blocked": gettext_lazy("Para cambiar tu correo, primero desactiva la verificación en dos pasos."),
        "cannot_delete_authenticator": gettext_lazy(
            "No puedes desactivar la verificación en dos pasos de esta cuenta."
        ),
        "cannot_generate_recovery_codes": gettext_lazy(
            "Para crear códigos de recuperación, primero activa la verificación en dos pasos."
        ),
        "incorrect_code": gettext_lazy("El código no es correcto. Escribe el que muestra tu aplicación ahora."),
        "unverified_email": gettext_lazy(
            "Antes de activar la verificación en dos pasos, confirma tu correo: abre el enlace que te enviamos."
        ),
    }
