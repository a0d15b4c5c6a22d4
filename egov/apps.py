from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class EgovConfig(AppConfig):
    name = "egov"
    verbose_name = "Portal"


class PanelAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's site (egov/admin.py)."""

    default = False
    default_site = "egov.admin.PanelSitio"
