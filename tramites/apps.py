from django.apps import AppConfig


class TramitesConfig(AppConfig):
    name = "tramites"
    verbose_name = "Trámites"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
