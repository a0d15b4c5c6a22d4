from django.contrib import admin

from .models import (
    AdjuntoRequerido,
    CampoTramite,
    DiaNoLaborable,
    Evento,
    Oficina,
    Solicitud,
    Tramite,
)


@admin.register(Oficina)
class OficinaAdmin(admin.ModelAdmin):
    list_display = ("nombre", "sigla", "activa")
    search_fields = ("nombre", "sigla")
    filter_horizontal = ("personal",)


class CampoInline(admin.StackedInline):
    model = CampoTramite
    extra = 0


class AdjuntoRequeridoInline(admin.TabularInline):
    model = AdjuntoRequerido
    extra = 0


@admin.register(Tramite)
class TramiteAdmin(admin.ModelAdmin):
    list_display = ("codigo", "nombre", "calificacion", "tasa", "plazo_dias", "activo")
    list_filter = ("calificacion", "activo", "oficina_resolucion")
    search_fields = ("codigo", "nombre")
    list_select_related = ("oficina_resolucion",)
    prepopulated_fields = {"slug": ("nombre",)}
    inlines = (CampoInline, AdjuntoRequeridoInline)

    def has_delete_permission(self, request, obj=None):
        # A procedure with requests is deactivated, never deleted.
        if obj is not None and obj.solicitudes.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(DiaNoLaborable)
class DiaNoLaborableAdmin(admin.ModelAdmin):
    list_display = ("fecha", "motivo")
    date_hierarchy = "fecha"


class EventoInline(admin.TabularInline):
    model = Evento
    extra = 0
    can_delete = False
    fields = ("creado_en", "tipo", "actor", "estado_anterior", "estado_nuevo", "nota")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Solicitud)
class SolicitudAdmin(admin.ModelAdmin):
    list_display = ("expediente", "tramite", "ciudadano", "estado", "presentada_en", "fecha_limite")
    list_filter = ("estado", "tramite")
    search_fields = ("expediente", "ciudadano__email", "ciudadano__perfil__numero_documento")
    list_select_related = ("tramite", "ciudadano")
    readonly_fields = (
        "expediente", "tramite", "ciudadano", "estado", "respuestas", "solicitante",
        "pago_canal", "pago_numero", "pago_fecha", "pago_monto", "presentada_en",
        "fecha_limite", "decidida_en", "asignado_a",
    )
    exclude = ("declaracion_jurada",)
    inlines = (EventoInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(estado="borrador")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
