from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from .tasks import correo_enviar


class CuentaAdapter(DefaultAccountAdapter):
    """Account emails are rendered in the request (they hold one-time links) and
    sent by a Celery task after the transaction commits."""

    def get_from_email(self):
        return settings.DEFAULT_FROM_EMAIL

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
        correo_enviar.delay_on_commit(
            asunto=mensaje.subject, texto=mensaje.body, para=list(mensaje.to), html=html
        )
