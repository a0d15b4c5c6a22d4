from django.apps import AppConfig


class TransparenciaConfig(AppConfig):
    name = "transparencia"
    verbose_name = "Transparencia y participación"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from egov.documentos import tipo_registrar

        from .services import TIPO_HOJA

        tipo_registrar(TIPO_HOJA)
