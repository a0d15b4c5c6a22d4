from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CiudadanosConfig(AppConfig):
    name = "ciudadanos"
    verbose_name = "Ciudadanos"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # empresas adds its part of the data export; canales hears delivery receipts;
        # views_avisos tells the citizen of a failing channel when they log in.
        from . import canales, empresas, signals, views_avisos  # noqa: F401


class PanelAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's site (ciudadanos/panel.py)."""

    default = False
    default_site = "ciudadanos.panel.PanelSitio"
