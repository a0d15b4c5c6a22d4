"""The shared infrastructure's models: what was done once (a table), and the
base of every document the entity issues (abstract: each app has its own
table, egov/documentos.py runs them all through one pipeline)."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
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


class EstadoMensaje(models.TextChoices):
    PENDIENTE = "pendiente", _("Por enviar")
    ENVIADO = "enviado", _("Enviado")
    FALLIDO = "fallido", _("No se pudo enviar")


class MensajeQuerySet(models.QuerySet):
    def por_enviar(self, *, ahora, creados_antes):
        """Pending and due: never tried and older than `creados_antes` (its
        task may still be in the queue), or failed and past its next try."""
        return self.filter(estado=EstadoMensaje.PENDIENTE).filter(
            Q(proximo_intento_en__isnull=True, creado_en__lt=creados_antes) | Q(proximo_intento_en__lte=ahora)
        )


class EstadoEntrega(models.TextChoices):
    """What the provider says became of a sent message (its delivery receipt)."""

    SIN_CONFIRMAR = "sin_confirmar", _("Sin confirmar")
    ENTREGADO = "entregado", _("Entregado")
    REBOTADO = "rebotado", _("Rebotado (dirección o número inexistente)")
    QUEJA = "queja", _("Marcado como no deseado")
    FALLIDO = "fallido", _("No se pudo entregar")

    @classmethod
    def fallas(cls) -> tuple[str, ...]:
        return (cls.REBOTADO, cls.QUEJA, cls.FALLIDO)


class Mensaje(models.Model):
    """One outbound message: an email or an SMS.

    Written in the transaction of the work that causes it (a signup, a
    notice, a complaint, a digest), already rendered, and sent by a task after
    commit (egov/mensajes.py). A lost task, a broker outage or a mail server
    that refuses is no lost message: the row waits, the sweeper tries again
    with growing intervals, and the admin shows and retries what failed."""

    class Canal(models.TextChoices):
        CORREO = "correo", _("Correo electrónico")
        SMS = "sms", _("SMS")

    canal = models.CharField(_("canal"), max_length=10, choices=Canal.choices, default=Canal.CORREO)
    para = models.TextField(
        _("destinatarios"), help_text=_("Direcciones separadas por comas; en un SMS, el número (+51…)."),
    )
    asunto = models.CharField(_("asunto"), max_length=255)
    texto = models.TextField(_("texto"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    # Account emails carry one-time links: their body is erased once sent and
    # never shown in the admin.
    reservado = models.BooleanField(
        _("contenido reservado"), default=False,
        help_text=_("Lleva un enlace de un solo uso: el contenido no se muestra y se borra al enviarse."),
    )
    # What caused it, to find it from there (e.g. "notificacion:123"); opaque to egov.
    referencia = models.CharField(_("referencia"), max_length=80, blank=True, db_index=True)
    estado = models.CharField(
        _("estado"), max_length=10, choices=EstadoMensaje.choices, default=EstadoMensaje.PENDIENTE
    )
    intentos = models.PositiveSmallIntegerField(_("intentos"), default=0)
    error = models.TextField(_("último error"), blank=True)
    proximo_intento_en = models.DateTimeField(_("próximo intento"), null=True, blank=True)
    creado_en = models.DateTimeField(_("creado el"), default=timezone.now, db_index=True)
    enviado_en = models.DateTimeField(_("enviado el"), null=True, blank=True)
    # An SMS that may go at night (its deadline ends within a day, or it is a code being waited for).
    urgente = models.BooleanField(_("urgente"), default=False)
    # The provider's id for the message, by which its delivery receipts find it.
    proveedor_id = models.CharField(_("identificador del proveedor"), max_length=100, blank=True)
    entrega = models.CharField(
        _("entrega"), max_length=15, choices=EstadoEntrega.choices, default=EstadoEntrega.SIN_CONFIRMAR
    )
    entrega_en = models.DateTimeField(_("entrega informada el"), null=True, blank=True)
    entrega_detalle = models.CharField(_("detalle de la entrega"), max_length=300, blank=True)

    objects = MensajeQuerySet.as_manager()

    class Meta:
        verbose_name = _("mensaje saliente")
        verbose_name_plural = _("mensajes salientes")
        ordering = ["-creado_en", "-pk"]
        indexes = [models.Index(fields=["estado", "proximo_intento_en"], name="mensaje_por_enviar")]
        constraints = [
            models.UniqueConstraint(
                fields=["canal", "proveedor_id"], condition=~Q(proveedor_id=""), name="mensaje_proveedor_id_unico"
            ),
        ]

    def __str__(self):
        return f"{self.asunto} → {self.para}"

    @property
    def destinatarios(self) -> list[str]:
        return [d.strip() for d in self.para.split(",") if d.strip()]


class ReciboEntrega(models.Model):
    """One delivery receipt as the provider sent it (email webhook or SMS
    callback): the evidence behind Mensaje.entrega. A receipt sent twice
    (a retry, a replay) is the same row."""

    mensaje = models.ForeignKey(Mensaje, on_delete=models.CASCADE, related_name="recibos", verbose_name=_("mensaje"))
    estado = models.CharField(_("estado"), max_length=15, choices=EstadoEntrega.choices)
    ocurrido_en = models.DateTimeField(_("ocurrió el"), help_text=_("Según el proveedor."))
    recibido_en = models.DateTimeField(_("recibido el"), auto_now_add=True)
    detalle = models.CharField(_("detalle"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("recibo de entrega")
        verbose_name_plural = _("recibos de entrega")
        ordering = ["ocurrido_en", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mensaje", "estado", "ocurrido_en"], name="recibo_entrega_unico"),
        ]

    def __str__(self):
        return f"{self.get_estado_display()} {self.ocurrido_en:%Y-%m-%d %H:%M}"
