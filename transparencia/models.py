from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ciudadanos.models import TipoDocumento
from egov.models import DocumentoEmitido
from tramites.models import Oficina, Solicitud, Tramite


class Valoracion(models.Model):
    """How a citizen rated the service they received: once per request."""

    solicitud = models.OneToOneField(
        Solicitud, on_delete=models.CASCADE, related_name="valoracion", verbose_name=_("solicitud")
    )
    puntaje = models.PositiveSmallIntegerField(
        _("puntaje"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comentario = models.TextField(_("comentario"), blank=True, max_length=1000)
    creada_en = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        verbose_name = _("valoración del servicio")
        verbose_name_plural = _("valoraciones del servicio")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(puntaje__gte=1, puntaje__lte=5), name="valoracion_puntaje_1_a_5"
            )
        ]

    def __str__(self):
        return f"{self.solicitud}: {self.puntaje}/5"


class AtencionPresencial(models.Model):
    """Requests of a procedure filed in person in a month (entered by the
    entity), so digital take-up can be published."""

    tramite = models.ForeignKey(Tramite, on_delete=models.CASCADE, related_name="+")
    mes = models.DateField(_("mes"), help_text=_("El primer día del mes."))
    cantidad = models.PositiveIntegerField(_("solicitudes presentadas en ventanilla"))

    class Meta:
        verbose_name = _("atención presencial del mes")
        verbose_name_plural = _("atenciones presenciales por mes")
        constraints = [models.UniqueConstraint(fields=["tramite", "mes"], name="presencial_tramite_mes")]

    def __str__(self):
        return f"{self.tramite.codigo} {self.mes:%m/%Y}: {self.cantidad}"


class CostoMensual(models.Model):
    """What running the digital service cost in a month (entered by the
    entity), so cost per transaction can be published."""

    mes = models.DateField(_("mes"), unique=True, help_text=_("El primer día del mes."))
    monto = models.DecimalField(_("costo (S/)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("costo mensual del servicio")
        verbose_name_plural = _("costos mensuales del servicio")
        ordering = ["-mes"]

    def __str__(self):
        return f"{self.mes:%m/%Y}: S/ {self.monto}"


class ContadorReclamo(models.Model):
    anio = models.PositiveSmallIntegerField(primary_key=True)
    ultimo = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("contador de reclamos")

    def __str__(self):
        return f"{self.anio}: {self.ultimo}"


class Reclamo(models.Model):
    """An entry of the Libro de Reclamaciones (D.S. 007-2020-PCM): anyone,
    with or without an account, complains about the service."""

    class Estado(models.TextChoices):
        REGISTRADO = "registrado", _("Registrado")
        RESPONDIDO = "respondido", _("Respondido")

    codigo = models.CharField(_("código"), max_length=20, unique=True)
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    nombres = models.CharField(_("nombres"), max_length=60)
    apellidos = models.CharField(_("apellidos"), max_length=120)
    tipo_documento = models.CharField(_("tipo de documento"), max_length=3, choices=TipoDocumento.choices)
    numero_documento = models.CharField(_("número de documento"), max_length=12)
    domicilio = models.CharField(_("domicilio"), max_length=200)
    correo = models.EmailField(_("correo electrónico"))
    telefono = models.CharField(_("teléfono"), max_length=16, blank=True)
    oficina = models.ForeignKey(
        Oficina, on_delete=models.PROTECT, null=True, blank=True, related_name="reclamos",
        verbose_name=_("oficina involucrada"),
    )
    fecha_hechos = models.DateField(_("fecha de los hechos"), null=True, blank=True)
    hechos = models.TextField(_("qué pasó"), max_length=3000)
    pedido = models.TextField(_("qué pides"), max_length=2000)
    estado = models.CharField(_("estado"), max_length=12, choices=Estado.choices, default=Estado.REGISTRADO)
    fecha_limite = models.DateField(_("fecha límite de respuesta"))
    respuesta = models.TextField(_("respuesta"), blank=True)
    respondido_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    respondido_en = models.DateTimeField(_("respondido el"), null=True, blank=True)
    creado_en = models.DateTimeField(_("registrado el"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("reclamo (Libro de Reclamaciones)")
        verbose_name_plural = _("Libro de Reclamaciones")
        ordering = ["fecha_limite", "id"]
        indexes = [models.Index(fields=["estado", "fecha_limite"], name="reclamo_pendientes")]

    def __str__(self):
        return self.codigo


class HojaReclamo(DocumentoEmitido):
    """The signed PDF record of a complaint (the "hoja de reclamación"), made
    by the entity's document pipeline like certificates: pending until a
    worker stores it, retried, visible to the office when it fails."""

    CARPETA = "reclamos"

    reclamo = models.OneToOneField(Reclamo, on_delete=models.PROTECT, related_name="hoja",
                                   verbose_name=_("reclamo"))

    class Meta:
        verbose_name = _("hoja de reclamación")
        verbose_name_plural = _("hojas de reclamación")
        indexes = [models.Index(fields=["estado", "actualizado_en"], name="hoja_reclamo_pendientes")]

    def __str__(self):
        return f"Hoja {self.reclamo}"
