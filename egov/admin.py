"""The admin of egov's own models: the outbox of outbound messages and their delivery receipts."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .admin_base import SoloLecturaAdmin
from .models import Mensaje, ReciboEntrega


class ReciboEntregaInline(admin.TabularInline):
    """The provider's delivery receipts of the message, as they arrived."""

    model = ReciboEntrega
    fields = ("estado", "ocurrido_en", "recibido_en", "detalle")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Mensaje)
class MensajeAdmin(SoloLecturaAdmin):
    """The outbox: what was sent, what waits and why, and "Reintentar" for
    what is no longer retried. The body of a message with a one-time link is
    never shown."""

    list_display = ("asunto", "para", "canal", "estado", "entrega", "intentos", "proximo_intento_en", "creado_en",
                    "enviado_en")
    list_filter = ("estado", "canal", "entrega")
    inlines = (ReciboEntregaInline,)
    search_fields = ("para", "asunto", "referencia")
    date_hierarchy = "creado_en"
    actions = ("reintentar",)
    list_per_page = 50
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        campos = ["canal", "para", "asunto", "referencia", "estado", "intentos", "proximo_intento_en", "error",
                  "creado_en", "enviado_en", "reservado", "proveedor_id", "entrega", "entrega_en", "entrega_detalle"]
        if obj is not None and not obj.reservado:
            campos[4:4] = ["texto"]
        return campos

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_reintentar_permission(self, request):
        return request.user.has_perm("egov.change_mensaje")

    @admin.action(description=gettext_lazy("Reintentar el envío de los que no se enviaron"),
                  permissions=["reintentar"])
    def reintentar(self, request, queryset):
        from .mensajes import mensaje_reintentar
        from .models import EstadoMensaje

        n = sum(mensaje_reintentar(mensaje=m) for m in queryset.exclude(estado=EstadoMensaje.ENVIADO))
        self.message_user(request, _("Enviados a la cola de nuevo: %d.") % n, messages.SUCCESS)
