"""The catalog in the admin: offices, procedures (with their questions and
required documents) and the entity's non-working days."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.admin_base import PanelModelAdmin, columna_si_no

from ..certificados import plantillas
from ..certificados.services import certificado_muestra
from ..models import AdjuntoRequerido, CampoTramite, DiaNoLaborable, Oficina, Tramite


@admin.register(Oficina)
class OficinaAdmin(PanelModelAdmin):
    list_display = ("nombre", "sigla", "activa_si_no")
    activa_si_no = columna_si_no("activa", gettext_lazy("activa"))
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
    list_display = ("codigo", "nombre", "calificacion", "tasa", "plazo_dias", "activo_si_no")
    activo_si_no = columna_si_no("activo", gettext_lazy("activo"))
    list_filter = ("calificacion", "activo", "acepta_empresas", "oficina_resolucion")
    search_fields = ("codigo", "nombre")
    list_select_related = ("oficina_resolucion",)
    prepopulated_fields = {"slug": ("nombre",)}
    inlines = (CampoInline, AdjuntoRequeridoInline)
    actions = ("desactivar",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "plantilla_certificado":
            # Only the templates that exist (tramites/certificados/plantillas.py).
            return forms.ChoiceField(
                label=db_field.verbose_name.capitalize(), choices=plantillas.opciones(), required=False,
                help_text=_("El documento que se emite al aprobar la solicitud. Guarda y usa «Vista previa del "
                            "documento» para verlo con respuestas de ejemplo."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_urls(self):
        return [
            path("<path:object_id>/vista-previa/", self.admin_site.admin_view(self.vista_previa),
                 name="tramites_tramite_vista_previa"),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"puede_previsualizar": request.user.has_perm("tramites.change_tramite")}
        return super().change_view(request, object_id, form_url, extra_context={**extra, **(extra_context or {})})

    def vista_previa(self, request, object_id):
        """A sample of the document the procedure issues (marked MUESTRA, unsigned)."""
        if not request.user.has_perm("tramites.change_tramite"):
            raise PermissionDenied
        tramite = self.get_object(request, unquote(object_id))
        respuesta = HttpResponse(certificado_muestra(tramite=tramite), content_type="application/pdf")
        respuesta["Content-Disposition"] = f'inline; filename="muestra-{tramite.codigo}.pdf"'
        return respuesta

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
