"""Constancias de notificación in the admin, scoped to the servant's offices,
with the pipeline's state, retries and "Reintentar". They are downloaded
from the request's page (tramites/admin/bandeja.py)."""

from django.contrib import admin

from ..certificados.admin import DocumentoDeSolicitudAdmin
from . import selectors
from .models import ConstanciaNotificacion


@admin.register(ConstanciaNotificacion)
class ConstanciaNotificacionAdmin(DocumentoDeSolicitudAdmin):
    list_display = ("codigo_legible", "solicitud", "corte_en", *DocumentoDeSolicitudAdmin.list_display[1:])
    search_fields = ("=solicitud__expediente", "=codigo")
    readonly_fields = DocumentoDeSolicitudAdmin.readonly_fields + (
        "notificacion", "codigo", "corte_en", "datos", "huella_datos",
    )

    def consultas_con_fallas(self, request) -> dict:
        return selectors.constancias_con_fallas_de(usuario=request.user)
