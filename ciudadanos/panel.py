"""The admin site of the portal (the back office). Who may enter is decided
here, not by URL prefix: an active staff account with a second factor
(`selectors.personal_habilitado`), logged in through allauth like everyone
else (same rate limits, same two-factor step)."""

import functools

from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.admin_base import PanelAdminMixin

from .selectors import personal_habilitado


def _falta_segundo_factor(usuario) -> bool:
    """A staff member who has not activated TOTP yet: sent to do it."""
    return (
        usuario.is_authenticated and usuario.is_active and usuario.is_staff
        and not personal_habilitado(usuario)
    )


def _segundo_factor_activar(request):
    messages.warning(
        request,
        _(
            "Para entrar al panel de gestión necesitas activar la verificación en "
            "dos pasos con una aplicación de autenticación."
        ),
    )
    return redirect("mfa_activate_totp")


class PanelSitio(admin.AdminSite):
    site_header = gettext_lazy("Panel de gestión")
    site_title = gettext_lazy("Panel de gestión")
    index_title = gettext_lazy("Inicio")

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every admin on this site, the portal's own and those of the packages
        # it uses (groups, email addresses, authenticators), answers 404
        # outside its scope and never 500 to a junk query string.
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, PanelAdminMixin):
            admin_class = type(admin_class.__name__, (PanelAdminMixin, admin_class), {})
        return super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request):
        return personal_habilitado(request.user)

    def admin_view(self, view, cacheable=False):
        vista = super().admin_view(view, cacheable)

        @functools.wraps(vista)
        def envoltura(request, *args, **kwargs):
            if _falta_segundo_factor(request.user):
                return _segundo_factor_activar(request)
            return vista(request, *args, **kwargs)

        return envoltura

    def login(self, request, extra_context=None):
        if _falta_segundo_factor(request.user):
            return _segundo_factor_activar(request)
        return secure_admin_login(super().login)(request, extra_context)

    def get_urls(self):
        # Django's "view on site" redirects to any object's page for any staff
        # member, given its content type and id: this one only for objects the
        # servant's own admin scope shows.
        urls = [u for u in super().get_urls() if getattr(u, "name", None) != "view_on_site"]
        return [
            path("r/<int:content_type_id>/<str:object_id>/", self.admin_view(self.ver_en_el_sitio),
                 name="view_on_site"),
            *urls,
        ]

    def ver_en_el_sitio(self, request, content_type_id, object_id):
        from django.contrib.contenttypes.models import ContentType

        tipo = ContentType.objects.filter(pk=content_type_id).first()
        modelo = tipo.model_class() if tipo is not None else None
        modelo_admin = self._registry.get(modelo)
        if modelo_admin is None or not hasattr(modelo, "get_absolute_url"):
            raise Http404
        objeto = modelo_admin.get_object(request, object_id)
        if objeto is None or not modelo_admin.has_view_permission(request, objeto):
            raise Http404
        return HttpResponseRedirect(objeto.get_absolute_url())
