from django.apps import AppConfig


def _salud_documentos() -> dict:
    # Imported when /salud/ asks: the services load WeasyPrint.
    from .services import documentos_salud

    return documentos_salud()


class TramitesConfig(AppConfig):
    name = "tramites"
    verbose_name = "Trámites"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from egov.salud import comprobacion_registrar

        from . import signals  # noqa: F401

        comprobacion_registrar("documentos", _salud_documentos)
