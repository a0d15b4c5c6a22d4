from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import ratelimit
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError

from egov.tareas import encolar

from .tasks import correo_enviar


class CuentaAdapter(DefaultAccountAdapter):
    """Account emails are rendered in the request (they hold one-time links) and
    sent by a Celery task after the transaction commits."""

    def get_from_email(self):
        return settings.DEFAULT_FROM_EMAIL

    def pre_authenticate(self, request, **credentials):
        # Too many failed logins (ACCOUNT_RATE_LIMITS["login_failed"]) answer with
        # the portal's 429 page, as every other rate limit does, instead of a form
        # error: the page says how long to wait and how to reset the password.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(ratelimit.respond_429(request)) from None
            raise

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
        encolar(correo_enviar, asunto=mensaje.subject, texto=mensaje.body, para=list(mensaje.to), html=html)
