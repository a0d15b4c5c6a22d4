from django.db import migrations


def sincronizar(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from tramites.roles import grupos_sincronizar

    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    grupos_sincronizar(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    """The head of office answers the Libro de Reclamaciones."""

    dependencies = [
        ("transparencia", "0001_initial"),
        ("tramites", "0008_estado_documento"),
    ]

    operations = [migrations.RunPython(sincronizar, migrations.RunPython.noop)]
