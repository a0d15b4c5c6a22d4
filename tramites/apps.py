from django.apps import AppConfig


class TramitesConfig(AppConfig):
    name = "tramites"
    verbose_name = "Trámites"
    default_auto_field = "django.db.models.BigAutoField"

    def import_models(self):
        super().import_models()
        # The resolution of a denial lives in its own package, loaded with the app's models.
        from .constancias import models as _constancias  # noqa: F401
        from .resoluciones import models  # noqa: F401

    def ready(self):
        from django.core import checks

        from egov.documentos import tipo_registrar

        from .constancias.fechas import configuracion_revisar

        checks.register(configuracion_revisar)

        from . import signals  # noqa: F401
        from .certificados.services import TIPOS
        from .constancias import admin as _admin_constancias  # noqa: F401 - its admin
        from .constancias import tasks as _tareas_constancias  # noqa: F401 - its task, with Celery
        from .constancias.services import TIPO_CONSTANCIA
        from .resoluciones import admin, tasks  # noqa: F401 - registers its admin and its task with Celery
        from .resoluciones.services import TIPO_RESOLUCION

        for tipo in (*TIPOS, TIPO_RESOLUCION, TIPO_CONSTANCIA):
            tipo_registrar(tipo)

        from . import uso_datos

        uso_datos.registrar()  # its part of the citizen's "Uso de mis datos"
