from django.contrib import admin, messages
from django.utils.translation import gettext as _

from egov.admin_base import DocumentoAdmin, FiltroCerrado, PanelModelAdmin

from . import selectors, services
from .models import AtencionPresencial, CostoMensual, HojaReclamo, Reclamo, Valoracion


class OficinaReclamoFilter(FiltroCerrado):
    """The offices of the servant's scope (and "the entity", for the office responsible for the book)."""

    title = _("oficina involucrada")
    parameter_name = "oficina"

    def lookups(self, request, model_admin):
        from tramites.models import Oficina

        consulta = selectors.reclamos_de_personal(usuario=request.user)
        ids = set(consulta.exclude(oficina=None).values_list("oficina", flat=True).distinct())
        opciones = [(str(o.pk), o.nombre) for o in Oficina.objects.filter(pk__in=ids).order_by("nombre")]
        if consulta.filter(oficina=None).exists():
            opciones.append(("entidad", _("Dirigidos a la entidad")))
        return opciones

    def queryset(self, request, queryset):
        valor = self.value()
        if valor == "entidad":
            return queryset.filter(oficina=None)
        if valor:
            return queryset.filter(oficina_id=int(valor))
        return queryset


@admin.register(Reclamo)
class ReclamoAdmin(PanelModelAdmin):
    list_display = ("codigo", "estado", "oficina", "creado_en", "fecha_limite")
    list_filter = ("estado", OficinaReclamoFilter)
    search_fields = ("=codigo", "=numero_documento")
    readonly_fields = ("codigo", "usuario", "nombres", "apellidos", "tipo_documento", "numero_documento",
                       "domicilio", "correo", "telefono", "oficina", "fecha_hechos", "hechos", "pedido",
                       "estado", "fecha_limite", "respondido_por", "respondido_en", "creado_en")
    fields = readonly_fields[:-1] + ("respuesta",)

    def get_queryset(self, request):
        return selectors.reclamos_de_personal(usuario=request.user).select_related("oficina")

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
            try:
                services.reclamo_responder(reclamo=obj, servidor=request.user, respuesta=obj.respuesta)
            except services.ReclamoFueraDeAlcance:
                messages.error(request, _("Este reclamo está a cargo de otra oficina: no puedes responderlo."))
            else:
                messages.success(request, _("Respuesta registrada y enviada por correo."))
        else:
            messages.warning(request, _("No se guardó nada: escribe la respuesta al reclamo."))

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # The admin's own "was changed successfully" would contradict the message above.
        if level == messages.SUCCESS and "respuesta" not in str(message).lower():
            return
        super().message_user(request, message, level, *args, **kwargs)


@admin.register(Valoracion)
class ValoracionAdmin(PanelModelAdmin):
    list_display = ("solicitud", "puntaje", "creada_en")
    list_filter = ("puntaje",)
    readonly_fields = ("solicitud", "puntaje", "comentario", "creada_en")

    def has_add_permission(self, request):
        return False


@admin.register(AtencionPresencial)
class AtencionPresencialAdmin(PanelModelAdmin):
    list_display = ("tramite", "mes", "cantidad")
    list_filter = ("tramite",)


@admin.register(CostoMensual)
class CostoMensualAdmin(PanelModelAdmin):
    list_display = ("mes", "monto")


@admin.register(HojaReclamo)
class HojaReclamoAdmin(DocumentoAdmin):
    """The signed sheets of the complaints the servant handles: their state,
    retries and errors, and "Reintentar"."""

    list_display = ("reclamo", *DocumentoAdmin.list_display)
    search_fields = ("=reclamo__codigo",)
    list_select_related = ("reclamo",)
    readonly_fields = ("reclamo", *DocumentoAdmin.readonly_fields)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(reclamo__in=selectors.reclamos_de_personal(usuario=request.user))

    def consultas_con_fallas(self, request) -> dict:
        from django.utils import timezone

        from egov.documentos import AVISO_FALLA

        return {"hojareclamo": self.get_queryset(request).con_fallas(desde=timezone.now() - AVISO_FALLA)}
