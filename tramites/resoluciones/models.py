from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.models import DocumentoEmitido

from ..models.solicitudes import Estado


class Resolucion(DocumentoEmitido):
    """The written decision of a denied request, as notified: the reason, the
    day it was notified and the last day to appeal it. One per request."""

    CARPETA = "resoluciones"

    solicitud = models.OneToOneField(
        "tramites.Solicitud", on_delete=models.PROTECT, related_name="resolucion", verbose_name=_("solicitud")
    )
    decision = models.CharField(_("decisión"), max_length=15, choices=Estado.choices, default=Estado.DENEGADA)
    motivo = models.TextField(_("motivo"))
    notificada_el = models.DateField(_("notificada el"))
    recurso_hasta = models.DateField(_("último día para presentar un recurso"))
    firmante_nombre = models.CharField(_("firmado por"), max_length=200)
    firmante_cargo = models.CharField(_("cargo"), max_length=200)

    class Meta:
        app_label = "tramites"
        verbose_name = _("resolución")
        verbose_name_plural = _("resoluciones")
        indexes = [models.Index(fields=["estado", "actualizado_en"], name="resolucion_pendientes")]

    def __str__(self):
        return f"Resolución {self.solicitud}"
