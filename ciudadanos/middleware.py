from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class StaffRequiereMFAMiddleware:
    """Staff reach the admin only with two-factor authentication activated:
    until they set up an authenticator app they are sent to do it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # A view hook, not __call__: it runs after every middleware's request
        # phase, so the messages storage exists whatever the order in MIDDLEWARE.
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith(reverse("admin:index"))
            and not is_mfa_enabled(user, [Authenticator.Type.TOTP])
        ):
            messages.warning(
                request,
                _(
                    "Para entrar al panel de gestión necesitas activar la verificación en "
                    "dos pasos con una aplicación de autenticación."
                ),
            )
            return redirect("mfa_activate_totp")
        return None
