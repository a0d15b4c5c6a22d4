from django.apps import AppConfig


class TransparenciaConfig(AppConfig):
    name = "transparencia"
    verbose_name = "Transparencia y participación"
    default_auto_field = "django.db.models.BigAutoField"
