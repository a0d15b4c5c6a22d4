from django.apps import AppConfig


def _salud_documentos() -> dict:
    from .documentos import documentos_salud

    return documentos_salud()


def _salud_mensajes() -> dict:
    from .mensajes import mensajes_salud

    return mensajes_salud()


class EgovConfig(AppConfig):
    name = "egov"
    verbose_name = "Portal"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import entregas_correo  # noqa: F401 - connects the email provider's delivery receipts
        from .permisos import permisos_en_castellano
        from .salud import comprobacion_registrar

        # After auth has created the permissions (its handler is connected first).
        post_migrate.connect(permisos_en_castellano, dispatch_uid="egov_permisos_en_castellano")

        comprobacion_registrar("documentos", _salud_documentos)
        comprobacion_registrar("mensajes", _salud_mensajes)
