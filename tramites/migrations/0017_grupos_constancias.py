from django.db import migrations

from tramites.roles import grupos_sincronizar_en_migracion


class Migration(migrations.Migration):
    """Evaluators and heads of office see the constancias de notificación of
    their offices in the admin (where a failed PDF is retried)."""

    dependencies = [
        ("tramites", "0016_constancias_notificacion"),
    ]

    operations = [migrations.RunPython(grupos_sincronizar_en_migracion, migrations.RunPython.noop)]
