from django.db import migrations

from tramites.roles import grupos_sincronizar_en_migracion


class Migration(migrations.Migration):
    """The head of office answers the Libro de Reclamaciones."""

    dependencies = [
        ("transparencia", "0001_initial"),
        ("tramites", "0008_estado_documento"),
    ]

    operations = [migrations.RunPython(grupos_sincronizar_en_migracion, migrations.RunPython.noop)]
