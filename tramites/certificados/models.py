from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.models import DocumentoEmitido


class Certificado(DocumentoEmitido):
    """The document issued when a request is approved (or the record of a
    silencio positivo approval). One per request."""

    class Tipo(models.TextChoices):
        CERTIFICADO = "certificado", _("Certificado")
        SILENCIO = "silencio", _("Constancia de aprobación por silencio administrativo positivo")

    CARPETA = "certificados"

    solicitud = models.OneToOneField(
        "tramites.Solicitud", on_delete=models.PROTECT, related_name="certificado", verbose_name=_("solicitud")
    )
    tipo = models.CharField(_("tipo"), max_length=12, choices=Tipo.choices, default=Tipo.CERTIFICADO)
    codigo = models.CharField(_("código de verificación"), max_length=16, unique=True)
    resolucion = models.TextField(_("texto de la resolución"), blank=True)
    firmante_nombre = models.CharField(_("firmado por"), max_length=200)
    firmante_cargo = models.CharField(_("cargo"), max_length=200)
    datos = models.JSONField(
        _("datos de la aprobación"), default=dict, blank=True,
        help_text=_("Lo que el documento certifica y decidió quien aprobó (p. ej. el número asignado)."),
    )
    revocado_en = models.DateTimeField(_("revocado el"), null=True, blank=True)
    revocado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    motivo_revocacion = models.TextField(_("motivo de la revocación"), blank=True)

    class Meta:
        app_label = "tramites"
        verbose_name = _("certificado")
        verbose_name_plural = _("certificados")
        indexes = [models.Index(fields=["estado", "actualizado_en"], name="certificado_pendientes")]
        permissions = [("revocar_certificado", _("Puede revocar certificados"))]

    def __str__(self):
        return f"{self.get_tipo_display()} {self.solicitud} ({self.codigo_legible})"

    def get_absolute_url(self):
        """Its public verification page (what the QR code leads to)."""
        from django.urls import reverse

        return reverse("tramites:verificar_codigo", kwargs={"codigo": self.codigo})

    @property
    def nombre_documento(self) -> str:
        return self.get_tipo_display()

    @property
    def codigo_legible(self):
        return "-".join(self.codigo[i : i + 4] for i in range(0, len(self.codigo), 4))

    @property
    def revocado(self):
        return self.revocado_en is not None


class CargoPresentacion(DocumentoEmitido):
    """The filing receipt (cargo de presentación): proof of what was filed and when."""

    CARPETA = "cargos"

    solicitud = models.OneToOneField(
        "tramites.Solicitud", on_delete=models.PROTECT, related_name="cargo", verbose_name=_("solicitud")
    )

    class Meta:
        app_label = "tramites"
        verbose_name = _("cargo de presentación")
        verbose_name_plural = _("cargos de presentación")
        indexes = [models.Index(fields=["estado", "actualizado_en"], name="cargo_pendientes")]

    def __str__(self):
        return f"Cargo {self.solicitud}"
