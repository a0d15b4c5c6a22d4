"""The email alert of each notice moves to the portal's outbox (egov.Mensaje):
every alert becomes a row there, with its state, tries and last error, before
the columns that held them on the notice are dropped. Pending alerts are
rendered now, so the outbox sends them."""

from django.conf import settings
from django.db import migrations
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone


def alertas_al_buzon(apps, schema_editor):
    Notificacion = apps.get_model("ciudadanos", "Notificacion")
    Mensaje = apps.get_model("egov", "Mensaje")
    lote = []
    for aviso in Notificacion.objects.select_related("usuario").iterator(chunk_size=1000):
        enviado = aviso.alerta_enviada_en is not None
        if enviado:
            texto = ""
        else:
            perfil = apps.get_model("ciudadanos", "Perfil").objects.filter(usuario_id=aviso.usuario_id).first()
            texto = render_to_string("ciudadanos/correo/aviso.txt", {
                "usuario": {"get_short_name": (perfil.nombres if perfil else "") or aviso.usuario.email},
                "asunto": aviso.asunto,
                "enlace": settings.SITE_URL + reverse("ciudadanos:notificacion", kwargs={"pk": aviso.pk}),
                "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
            })
        lote.append(Mensaje(
            canal="correo", para=aviso.usuario.email, asunto=aviso.asunto, texto=texto,
            referencia=f"notificacion:{aviso.pk}",
            estado="enviado" if enviado else ("fallido" if aviso.alerta_intentos >= 10 else "pendiente"),
            intentos=aviso.alerta_intentos, error=aviso.alerta_error,
            creado_en=aviso.depositada_en or timezone.now(), enviado_en=aviso.alerta_enviada_en,
        ))
        if len(lote) >= 1000:
            Mensaje.objects.bulk_create(lote)
            lote = []
    Mensaje.objects.bulk_create(lote)


def alertas_de_vuelta(apps, schema_editor):
    Notificacion = apps.get_model("ciudadanos", "Notificacion")
    Mensaje = apps.get_model("egov", "Mensaje")
    for mensaje in Mensaje.objects.filter(referencia__startswith="notificacion:").iterator():
        Notificacion.objects.filter(pk=int(mensaje.referencia.split(":", 1)[1])).update(
            alerta_enviada_en=mensaje.enviado_en, alerta_intentos=mensaje.intentos, alerta_error=mensaje.error,
        )


class Migration(migrations.Migration):

    dependencies = [
        ("ciudadanos", "0004_bloqueo_acceso"),
        ("egov", "0002_mensajes_salientes"),
    ]

    operations = [
        migrations.RunPython(alertas_al_buzon, alertas_de_vuelta),
        migrations.RemoveIndex(model_name="notificacion", name="notificacion_alertas"),
        migrations.RemoveField(model_name="notificacion", name="alerta_enviada_en"),
        migrations.RemoveField(model_name="notificacion", name="alerta_error"),
        migrations.RemoveField(model_name="notificacion", name="alerta_intentos"),
    ]
