import secrets

from django.db import migrations, models
from django.utils import timezone

import tramites.models

MODELOS = ("certificado", "cargopresentacion")


def claves_y_reintentos(apps, schema_editor):
    """Each existing document gets its own key for its stored name, and the
    failed ones (left behind by the old attempt limit) go back to the
    sweeper, with a fresh schedule should they fail again."""
    ahora = timezone.now()
    for nombre in MODELOS:
        modelo = apps.get_model("tramites", nombre)
        lote = []
        for documento in modelo.objects.filter(clave_archivo="").only("pk").iterator(chunk_size=1000):
            documento.clave_archivo = secrets.token_hex(16)
            lote.append(documento)
            if len(lote) == 1000:
                modelo.objects.bulk_update(lote, ["clave_archivo"])
                lote = []
        modelo.objects.bulk_update(lote, ["clave_archivo"])
        modelo.objects.filter(estado="fallido").update(proximo_intento_en=ahora)


class Migration(migrations.Migration):

    dependencies = [
        ("tramites", "0008_estado_documento"),
    ]

    operations = [
        *(
            operation
            for nombre in MODELOS
            for operation in (
                migrations.AddField(
                    model_name=nombre,
                    name="clave_archivo",
                    field=models.CharField(default="", editable=False, max_length=32),
                    preserve_default=False,
                ),
                migrations.AddField(
                    model_name=nombre,
                    name="rondas",
                    field=models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Entregas de la tarea que fallaron después de sus reintentos rápidos.",
                        verbose_name="rondas fallidas",
                    ),
                ),
                migrations.AddField(
                    model_name=nombre,
                    name="primer_fallo_en",
                    field=models.DateTimeField(blank=True, null=True, verbose_name="falla desde"),
                ),
                migrations.AddField(
                    model_name=nombre,
                    name="proximo_intento_en",
                    field=models.DateTimeField(
                        blank=True,
                        help_text="Vacío en un documento fallido: ya no se reintenta solo; use «Reintentar».",
                        null=True,
                        verbose_name="próximo reintento automático",
                    ),
                ),
                migrations.AlterField(
                    model_name=nombre,
                    name="estado",
                    field=models.CharField(
                        choices=[("pendiente", "Pendiente"), ("emitido", "Emitido"), ("fallido", "Falló")],
                        default="pendiente",
                        max_length=10,
                        verbose_name="estado",
                    ),
                ),
            )
        ),
        migrations.RunPython(claves_y_reintentos, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name=nombre,
                name="clave_archivo",
                field=models.CharField(default=tramites.models.clave_archivo_nueva, editable=False, max_length=32),
            )
            for nombre in MODELOS
        ),
    ]
