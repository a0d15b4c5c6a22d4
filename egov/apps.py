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
        from .salud import comprobacion_registrar

        comprobacion_registrar("documentos", _salud_documentos)
        comprobacion_registrar("mensajes", _salud_mensajes)
