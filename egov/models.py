"""The shared infrastructure's models: what was done once (a table), and the
base of every document the entity issues (abstract: each app has its own
table, egov/documentos.py runs them all through one pipeline)."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EnvioUnico(models.Model):
    """A job done once per key (a daily reminder, a digest): a second run of
    the same job finds the key and does nothing. Written in the transaction of
    the work it guards, so the mark and the work commit together."""

    clave = models.CharField(_("clave"), max_length=120, unique=True)
    enviado_en = models.DateTimeField(_("hecho el"), auto_now_add=True)

    class Meta:
        # The table the procedures app created for its reminders, kept as it is.
        db_table = "tramites_recordatorioenviado"
        verbose_name = _("envío único")
        verbose_name_plural = _("envíos únicos")

    def __str__(self):
        return self.clave


class EstadoDocumento(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    EMITIDO = "emitido", _("Emitido")
    FALLIDO = "fallido", _("Falló")


def clave_archivo_nueva() -> str:
    """128 random bits: the part of a document's stored name nobody can guess."""
    return secrets.token_hex(16)


def ruta_documento(instancia, nombre):
    return instancia.ruta_archivo()


class DocumentoQuerySet(models.QuerySet):
    def sin_reintento(self):
        """Failed, and the automatic retries are over: a person must act."""
        return self.filter(estado=EstadoDocumento.FALLIDO, proximo_intento_en__isnull=True)

    def con_fallas(self, *, desde):
        """Failed and needing attention: no automatic retry left, or failing
        since before `desde` (longer than a passing blip)."""
        return self.filter(estado=EstadoDocumento.FALLIDO).filter(
            Q(proximo_intento_en__isnull=True) | Q(primer_fallo_en__lte=desde)
        )

    def fallas_contar(self) -> dict:
        """{"fallando": all of these, "sin_reintento": those a person must retry}, in one query."""
        return self.aggregate(
            fallando=models.Count("pk"),
            sin_reintento=models.Count("pk", filter=Q(estado=EstadoDocumento.FALLIDO, proximo_intento_en__isnull=True)),
        )


class DocumentoEmitido(models.Model):
    """A PDF the entity issues, produced by a worker: pending until the worker
    stores it with its SHA-256; failures are recorded on the row, and the
    sweeper tries again on a schedule that grows with each failed round.
    Each concrete model names its folder (CARPETA) and registers its kind in
    egov/documentos.py."""

    CARPETA = "documentos"

    estado = models.CharField(
        _("estado"), max_length=10, choices=EstadoDocumento.choices, default=EstadoDocumento.PENDIENTE
    )
    archivo = models.FileField(_("archivo"), upload_to=ruta_documento, max_length=200, blank=True)
    # Fixed when the row is created: every attempt stores the PDF under the
    # same name, so an attempt killed before its commit leaves no second copy.
    clave_archivo = models.CharField(max_length=32, default=clave_archivo_nueva, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    intentos = models.PositiveSmallIntegerField(_("intentos"), default=0)
    rondas = models.PositiveSmallIntegerField(
        _("rondas fallidas"), default=0,
        help_text=_("Entregas de la tarea que fallaron después de sus reintentos rápidos."),
    )
    primer_fallo_en = models.DateTimeField(_("falla desde"), null=True, blank=True)
    proximo_intento_en = models.DateTimeField(
        _("próximo reintento automático"), null=True, blank=True,
        help_text=_("Vacío en un documento fallido: ya no se reintenta solo; use «Reintentar»."),
    )
    error = models.TextField(_("último error"), blank=True)
    emitido_en = models.DateTimeField(_("emitido el"), null=True, blank=True)
    creado_en = models.DateTimeField(_("creado el"), auto_now_add=True)
    actualizado_en = models.DateTimeField(_("actualizado el"), auto_now=True)

    objects = DocumentoQuerySet.as_manager()

    class Meta:
        abstract = True

    def ruta_archivo(self) -> str:
        """Where the PDF is stored: the same name for every attempt."""
        return f"documentos/{self.CARPETA}/{self.pk}-{self.clave_archivo}.pdf"

    @property
    def nombre_documento(self) -> str:
        return str(self._meta.verbose_name).capitalize()

    @property
    def listo(self):
        return self.estado == EstadoDocumento.EMITIDO

    @property
    def sin_reintento(self):
        return self.estado == EstadoDocumento.FALLIDO and self.proximo_intento_en is None
