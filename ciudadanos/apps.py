from django.apps import AppConfig


class CiudadanosConfig(AppConfig):
    name = "ciudadanos"
    verbose_name = "Ciudadanos"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
