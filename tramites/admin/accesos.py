"""The access record (Ley 29733): who opened which request, for the offices
that may read it."""

from django.contrib import admin

from egov.admin_base import SoloLecturaAdmin

from .. import selectors
from ..models import AccesoExpediente


@admin.register(AccesoExpediente)
class AccesoExpedienteAdmin(SoloLecturaAdmin):
    list_display = ("creado_en", "solicitud", "usuario", "oficina", "rol")
    list_select_related = ("solicitud", "usuario")
    search_fields = ("=solicitud__expediente",)
    date_hierarchy = "creado_en"

    def get_queryset(self, request):
        consulta = super().get_queryset(request)
        if request.user.is_superuser:
            return consulta
        return consulta.filter(solicitud__in=selectors.solicitudes_de_personal(usuario=request.user))
