"""The civil servants' roles (Django groups) and what each may do, derived
from the table of staff actions. A data migration creates the groups with
these permissions; the services check them, so hiding a button is never the
only protection."""

from .acciones import ACCIONES

MESA_DE_PARTES = "Mesa de partes"
EVALUADOR = "Evaluador"
JEFE_DE_OFICINA = "Jefe de oficina"
ADMINISTRADOR_CATALOGO = "Administrador del catálogo"

_CATALOGO = [
    f"{accion}_{modelo}"
    for modelo in ("tramite", "campotramite", "adjuntorequerido", "oficina", "dianolaborable")
    for accion in ("view", "add", "change", "delete")
]

# Each role: the staff actions it may take (acciones.py, whose rows name their
# permissions) and the other permissions it holds.
ROLES = {
    MESA_DE_PARTES: (("observar", "asignar"), ["view_solicitud"]),
    EVALUADOR: (
        ("tomar", "observar", "aprobar", "denegar"),
        ["view_solicitud", "view_certificado", "view_resolucion", "view_constancianotificacion"],
    ),
    JEFE_DE_OFICINA: (
        tuple(ACCIONES),
        ["view_solicitud", "ver_supervision", "view_certificado", "view_resolucion", "view_constancianotificacion",
         "transparencia.view_reclamo", "transparencia.change_reclamo", "transparencia.view_hojareclamo"],
    ),
    ADMINISTRADOR_CATALOGO: ((), _CATALOGO),
}

# What the data migrations give each group ("codename" of this app, or "app.codename").
PERMISOS = {
    rol: [*otros, *(ACCIONES[accion].codename for accion in acciones)]
    for rol, (acciones, otros) in ROLES.items()
}


def grupos_sincronizar_en_migracion(apps, schema_editor) -> None:
    """RunPython body of the migrations that (re)create the role groups.
    Permissions are normally created after all migrations; roles need them now."""
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    grupos_sincronizar(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def grupos_sincronizar(Group, Permission) -> None:
    """Creates the role groups with exactly their permissions (idempotent).
    Takes the models so a migration can pass its historical ones. A code
    without an app label is one of this app's ("tramites")."""
    from django.db.models import Q

    for nombre, codigos in PERMISOS.items():
        grupo, _ = Group.objects.get_or_create(name=nombre)
        condicion = Q(pk__in=[])
        for codigo in codigos:
            app, _punto, nombre_permiso = codigo.rpartition(".")
            condicion |= Q(content_type__app_label=app or "tramites", codename=nombre_permiso)
        grupo.permissions.set(Permission.objects.filter(condicion))
