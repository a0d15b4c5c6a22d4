"""Django names the permissions it creates in English ("Can add solicitud"),
and the admin shows those names to servants when a role is edited. After
every migration they are renamed in Spanish, for every installed model
(the portal's, and auth's, allauth's and the sessions' that the list offers)."""

from django.apps import apps as registro
from django.utils.translation import gettext as _
from django.utils.translation import override

ACCIONES = {
    "add": "Puede agregar %(modelo)s",
    "change": "Puede cambiar %(modelo)s",
    "delete": "Puede eliminar %(modelo)s",
    "view": "Puede ver %(modelo)s",
}


def permisos_en_castellano(sender=None, using="default", apps=registro, **kwargs) -> int:
    """Renames the default permissions of the migrated app's models (post_migrate
    runs once per app, after auth created that app's permissions), or of every
    model when called without `sender`; returns how many changed."""
    try:
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return 0
    cambiados = 0
    with override("es"):
        for modelo in sender.get_models() if sender is not None else registro.get_models():
            nombre_modelo = str(modelo._meta.verbose_name)
            for accion, plantilla in ACCIONES.items():
                nombre = (_(plantilla) % {"modelo": nombre_modelo})[:255]
                cambiados += Permission.objects.using(using).filter(
                    content_type__app_label=modelo._meta.app_label,
                    content_type__model=modelo._meta.model_name,
                    codename=f"{accion}_{modelo._meta.model_name}",
                ).exclude(name=nombre).update(name=nombre)
    return cambiados
