"""Resolutions in the admin, scoped to the servant's offices, with the
pipeline's state, retries and "Reintentar"."""

from django.contrib import admin

from ..certificados.admin import DocumentoDeSolicitudAdmin
from . import selectors
from .models import Resolucion


@admin.register(Resolucion)
class ResolucionAdmin(DocumentoDeSolicitudAdmin):
    list_display = ("solicitud", "decision", "recurso_hasta", *DocumentoDeSolicitudAdmin.list_display[1:])
    readonly_fields = DocumentoDeSolicitudAdmin.readonly_fields + (
        "decision", "motivo", "notificada_el", "recurso_hasta", "firmante_nombre", "firmante_cargo",
    )

    def consultas_con_fallas(self, request) -> dict:
        return selectors.resoluciones_con_fallas_de(usuario=request.user)
