"""The "send once" table moved from tramites to egov (egov.EnvioUnico) without
touching the database; its old content type, tramites.recordatorioenviado, and
the permissions hanging from it were left behind and showed in the roles'
permission lists. They name no model, so they go."""

from django.db import migrations


def quitar(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="tramites", model="recordatorioenviado").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("egov", "0002_mensajes_salientes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(quitar, migrations.RunPython.noop)]
