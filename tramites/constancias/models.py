from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.models import DocumentoEmitido


class ConstanciaNotificacion(DocumentoEmitido):
    """A signed record of one notice with legal effect, as the database held
    it at `corte_en`: what it shows is frozen in `datos` when the row is
    created, so the PDF and its verification page say the same. A later
    receipt or the first opening makes the next request for it a new row;
    an unchanged notice reuses the last one."""

    CARPETA = "constancias"

    notificacion = models.ForeignKey(
        "ciudadanos.Notificacion", on_delete=models.PROTECT, related_name="constancias",
        verbose_name=_("notificación"),
    )
    solicitud = models.ForeignKey(
        "tramites.Solicitud", on_delete=models.PROTECT, related_name="constancias", verbose_name=_("solicitud")
    )
    codigo = models.CharField(_("código de verificación"), max_length=16, unique=True)
    corte_en = models.DateTimeField(_("datos al"))
    datos = models.JSONField(_("datos de la constancia"), default=dict)
    huella_datos = models.CharField(_("huella de los datos"), max_length=64)

    class Meta:
        app_label = "tramites"
        verbose_name = _("constancia de notificación")
        verbose_name_plural = _("constancias de notificación")
        ordering = ["-corte_en", "-pk"]
        indexes = [
            models.Index(fields=["estado", "actualizado_en"], name="constancia_pendientes"),
            models.Index(fields=["notificacion", "huella_datos"], name="constancia_por_datos"),
        ]

    def __str__(self):
        return f"Constancia de notificación {self.solicitud} ({self.corte_en:%d/%m/%Y %H:%M})"

    def get_absolute_url(self):
        """Its public verification page (what the QR code leads to)."""
        from django.urls import reverse

        return reverse("tramites:verificar_codigo", kwargs={"codigo": self.codigo})

    @property
    def codigo_legible(self):
        return "-".join(self.codigo[i : i + 4] for i in range(0, len(self.codigo), 4))
