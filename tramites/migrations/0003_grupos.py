from django.db import migrations

from tramites.roles import grupos_sincronizar_en_migracion


class Migration(migrations.Migration):
    dependencies = [
        ("tramites", "0002_back_office"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grupos_sincronizar_en_migracion, migrations.RunPython.noop)]
