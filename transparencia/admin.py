from django.contrib import admin, messages
from django.utils.translation import gettext as _

from . import services
from .models import AtencionPresencial, CostoMensual, Reclamo, Valoracion


@admin.register(Reclamo)
class ReclamoAdmin(admin.ModelAdmin):
    list_display = ("codigo", "estado", "oficina", "creado_en", "fecha_limite")
    list_filter = ("estado", "oficina")
    search_fields = ("=codigo", "=numero_documento")
    readonly_fields = ("codigo", "usuario", "nombres", "apellidos", "tipo_documento", "numero_documento",
                       "domicilio", "correo", "telefono", "oficina", "fecha_hechos", "hechos", "pedido",
                       "estado", "fecha_limite", "respondido_por", "respondido_en", "archivo", "creado_en")
    fields = readonly_fields[:-1] + ("respuesta",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.estado == Reclamo.Estado.RESPONDIDO:
            return self.readonly_fields + ("respuesta",)
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        # Answering goes through the service (email to the complainant), not a plain save.
        if "respuesta" in form.changed_data and obj.respuesta.strip():
            services.reclamo_responder(reclamo=obj, servidor=request.user, respuesta=obj.respuesta)
            messages.success(request, _("Respuesta registrada y enviada por correo."))
        else:
            messages.warning(request, _("No se guardó nada: escribe la respuesta al reclamo."))

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # The admin's own "was changed successfully" would contradict the message above.
        if level == messages.SUCCESS and "respuesta" not in str(message).lower():
            return
        super().message_user(request, message, level, *args, **kwargs)


@admin.register(Valoracion)
class ValoracionAdmin(admin.ModelAdmin):
    list_display = ("solicitud", "puntaje", "creada_en")
    list_filter = ("puntaje",)
    readonly_fields = ("solicitud", "puntaje", "comentario", "creada_en")

    def has_add_permission(self, request):
        return False


@admin.register(AtencionPresencial)
class AtencionPresencialAdmin(admin.ModelAdmin):
    list_display = ("tramite", "mes", "cantidad")
    list_filter = ("tramite",)


@admin.register(CostoMensual)
class CostoMensualAdmin(admin.ModelAdmin):
    list_display = ("mes", "monto")
