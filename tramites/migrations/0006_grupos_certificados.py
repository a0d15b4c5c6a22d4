from django.db import migrations

from tramites.roles import grupos_sincronizar_en_migracion


class Migration(migrations.Migration):
    dependencies = [("tramites", "0005_certificados")]

    operations = [migrations.RunPython(grupos_sincronizar_en_migracion, migrations.RunPython.noop)]
