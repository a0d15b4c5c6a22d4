from django.apps import AppConfig


class TramitesConfig(AppConfig):
    name = "tramites"
    verbose_name = "Trámites"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from egov.documentos import tipo_registrar

        from . import signals  # noqa: F401
        from .certificados.services import TIPOS

        for tipo in TIPOS:
            tipo_registrar(tipo)
