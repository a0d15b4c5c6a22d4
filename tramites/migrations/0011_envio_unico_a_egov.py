from django.db import migrations


class Migration(migrations.Migration):
    """The "sent once" table now belongs to egov (egov.EnvioUnico), which keeps
    it under its name: only Django's state changes, no row moves."""

    dependencies = [
        ("tramites", "0010_rangos_numericos"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RecordatorioEnviado")],
            database_operations=[],
        ),
    ]
