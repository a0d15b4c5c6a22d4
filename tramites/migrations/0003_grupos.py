from django.contrib.auth.management import create_permissions
from django.db import migrations


def crear_grupos(apps, schema_editor):
    from tramites.roles import grupos_sincronizar

    # Permissions are normally created after all migrations; roles need them now.
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    grupos_sincronizar(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("tramites", "0002_back_office"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(crear_grupos, migrations.RunPython.noop)]
