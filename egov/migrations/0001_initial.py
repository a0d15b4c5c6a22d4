from django.db import migrations, models


class Migration(migrations.Migration):
    """Takes over the table tramites created for its reminders
    (tramites_recordatorioenviado) as egov.EnvioUnico: only Django's state
    changes, the table and its rows stay."""

    initial = True

    dependencies = [
        ("tramites", "0011_envio_unico_a_egov"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EnvioUnico",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("clave", models.CharField(max_length=120, unique=True, verbose_name="clave")),
                        ("enviado_en", models.DateTimeField(auto_now_add=True, verbose_name="hecho el")),
                    ],
                    options={
                        "verbose_name": "envío único",
                        "verbose_name_plural": "envíos únicos",
                        "db_table": "tramites_recordatorioenviado",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
