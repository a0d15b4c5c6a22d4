"""The catalog in the admin: offices, procedures (with their questions and
required documents) and the entity's non-working days."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.admin_base import PanelModelAdmin

from ..models import AdjuntoRequerido, CampoTramite, DiaNoLaborable, Oficina, Tramite


@admin.register(Oficina)
class OficinaAdmin(PanelModelAdmin):
    list_display = ("nombre", "sigla", "activa")
    search_fields = ("nombre", "sigla")
    filter_horizontal = ("personal",)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.tramites_recibidos.exists() or obj.tramites_resueltos.exists()):
            return False
        return super().has_delete_permission(request, obj)


class CampoInline(admin.StackedInline):
    model = CampoTramite
    extra = 0


class AdjuntoRequeridoInline(admin.TabularInline):
    model = AdjuntoRequerido
    extra = 0


@admin.register(Tramite)
class TramiteAdmin(PanelModelAdmin):
    list_display = ("codigo", "nombre", "calificacion", "tasa", "plazo_dias", "activo")
    list_filter = ("calificacion", "activo", "oficina_resolucion")
    search_fields = ("codigo", "nombre")
    list_select_related = ("oficina_resolucion",)
    prepopulated_fields = {"slug": ("nombre",)}
    inlines = (CampoInline, AdjuntoRequeridoInline)
    actions = ("desactivar",)

    def has_delete_permission(self, request, obj=None):
        # A procedure with requests is deactivated, never deleted.
        if obj is not None and obj.solicitudes.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        acciones = super().get_actions(request)
        acciones.pop("delete_selected", None)
        return acciones

    @admin.action(description=gettext_lazy("Desactivar los trámites seleccionados"), permissions=["change"])
    def desactivar(self, request, queryset):
        for tramite in queryset:
            tramite.activo = False
            tramite.save(update_fields=["activo"])
            self.log_change(request, tramite, [{"changed": {"fields": ["activo"]}}])
        self.message_user(request, _("Trámites desactivados: %d.") % queryset.count(), messages.SUCCESS)


@admin.register(DiaNoLaborable)
class DiaNoLaborableAdmin(PanelModelAdmin):
    list_display = ("fecha", "motivo")
    date_hierarchy = "fecha"
