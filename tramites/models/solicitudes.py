"""A citizen's request and what belongs to it: documents, observations, its
timeline and the record of who opened it."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ciudadanos.models import NivelIngreso

from .catalogo import AdjuntoRequerido, Tramite


class Estado(models.TextChoices):
    BORRADOR = "borrador", _("Borrador")
    PRESENTADA = "presentada", _("Presentada")
    EN_EVALUACION = "en_evaluacion", _("En evaluación")
    OBSERVADA = "observada", _("Observada")
    APROBADA = "aprobada", _("Aprobada")
    DENEGADA = "denegada", _("Denegada")
    DESISTIDA = "desistida", _("Desistida")
    NO_PRESENTADA = "no_presentada", _("No presentada")


ESTADOS_ABIERTOS = (Estado.PRESENTADA, Estado.EN_EVALUACION, Estado.OBSERVADA)


def plazo_corre():
    """0 for a request whose clock runs (filed, in evaluation), 1 otherwise:
    the inbox's first sort key. One definition, used by the ordering and by
    the index that serves it (an expression index must match it exactly)."""
    return models.Case(
        models.When(estado__in=(Estado.PRESENTADA, Estado.EN_EVALUACION), then=models.Value(0)),
        default=models.Value(1), output_field=models.IntegerField(),
    )


class CanalPago(models.TextChoices):
    BANCO_NACION = "bn", _("Banco de la Nación (agencia o agente)")
    PAGALO = "pagalo", _("Págalo.pe")


class ContadorExpediente(models.Model):
    """Last expediente number given in a year: numbers are consecutive per year."""

    anio = models.PositiveSmallIntegerField(primary_key=True)
    ultimo = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("contador de expedientes")
        verbose_name_plural = _("contadores de expedientes")

    def __str__(self):
        return f"{self.anio}: {self.ultimo}"


class Solicitud(models.Model):
    """A citizen's filing of a procedure, from draft to decision."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expediente = models.CharField(_("expediente"), max_length=20, unique=True, null=True, blank=True)
    tramite = models.ForeignKey(
        Tramite, on_delete=models.PROTECT, related_name="solicitudes", verbose_name=_("trámite")
    )
    ciudadano = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="solicitudes",
        verbose_name=_("ciudadano"),
    )
    estado = models.CharField(
        _("estado"), max_length=15, choices=Estado.choices, default=Estado.BORRADOR, editable=False
    )
    respuestas = models.JSONField(_("respuestas"), default=dict, blank=True)
    solicitante = models.JSONField(
        _("datos del solicitante al presentar"), default=dict, blank=True, editable=False
    )
    pago_canal = models.CharField(
        _("canal de pago"), max_length=20, blank=True, choices=CanalPago.choices
    )
    pago_numero = models.CharField(_("número de operación"), max_length=30, blank=True)
    pago_fecha = models.DateField(_("fecha de pago"), null=True, blank=True)
    pago_monto = models.DecimalField(
        _("monto pagado (S/)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    declaracion_jurada = models.BooleanField(_("declaración jurada aceptada"), default=False)
    presentada_en = models.DateTimeField(_("presentada el"), null=True, blank=True, editable=False)
    fecha_limite = models.DateField(_("fecha límite"), null=True, blank=True, editable=False)
    decidida_en = models.DateTimeField(_("decidida el"), null=True, blank=True, editable=False)
    # Kept at decision time so public figures are aggregates in the database.
    dias_habiles_decision = models.PositiveSmallIntegerField(
        _("días hábiles hasta la decisión"), null=True, blank=True, editable=False,
        help_text=_("Sin contar los días en que estuvo observada (plazo detenido)."),
    )
    dentro_de_plazo = models.BooleanField(_("decidida dentro del plazo"), null=True, editable=False)
    por_silencio = models.BooleanField(_("aprobada por silencio positivo"), default=False, editable=False)
    asignado_a = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="solicitudes_asignadas",
        verbose_name=_("asignado a"),
    )
    empresa = models.ForeignKey(
        "ciudadanos.Empresa",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="solicitudes",
        verbose_name=_("a nombre de la empresa"),
        help_text=_("Vacío: el ciudadano la presenta por sí mismo."),
    )
    nivel_ingreso = models.PositiveSmallIntegerField(
        _("nivel de identidad al presentarla"), choices=NivelIngreso.choices, null=True, blank=True,
        editable=False,
    )
    datos_sin_verificar = models.BooleanField(
        _("datos sin verificar"), default=False,
        help_text=_("PIDE no respondió al presentarla: los datos de identidad o de la empresa los escribió el ciudadano."),
    )
    creado_en = models.DateTimeField(_("creado el"), auto_now_add=True)
    actualizado_en = models.DateTimeField(_("actualizado el"), auto_now=True)

    class Meta:
        verbose_name = _("solicitud")
        verbose_name_plural = _("solicitudes")
        ordering = ["-creado_en"]
        constraints = [
            # One open draft per citizen and procedure: starting again resumes it.
            models.UniqueConstraint(
                fields=["ciudadano", "tramite"],
                condition=Q(estado="borrador"),
                name="un_borrador_por_tramite",
            ),
        ]
        indexes = [
            models.Index(fields=["ciudadano", "-creado_en"], name="solicitud_ciudadano"),
            models.Index(fields=["estado", "fecha_limite"], name="solicitud_estado_limite"),
            models.Index(fields=["fecha_limite", "id"], name="solicitud_urgencia"),
            # The inbox's order (running clocks first, then by due date), read
            # in order instead of sorting an office's whole history.
            models.Index(plazo_corre(), models.F("fecha_limite"), models.F("id"), name="solicitud_bandeja"),
            models.Index(fields=["asignado_a", "estado"], name="solicitud_asignado"),
            models.Index(fields=["tramite", "estado"], name="solicitud_tramite_estado"),
        ]
        permissions = [
            ("tomar_solicitud", _("Puede tomar solicitudes para evaluarlas")),
            ("asignar_solicitud", _("Puede asignar solicitudes a otro servidor")),
            ("observar_solicitud", _("Puede observar solicitudes")),
            ("aprobar_solicitud", _("Puede aprobar solicitudes")),
            ("denegar_solicitud", _("Puede denegar solicitudes")),
            ("ver_supervision", _("Puede ver la supervisión de su oficina")),
        ]

    def __str__(self):
        return self.expediente or f"Borrador {self.uuid}"

    def get_absolute_url(self):
        if self.expediente:
            return reverse("tramites:mi_solicitud", kwargs={"expediente": self.expediente})
        return reverse("tramites:borrador", kwargs={"uuid": self.uuid})

    @property
    def es_borrador(self):
        return self.estado == Estado.BORRADOR

    @property
    def abierta(self):
        return self.estado in ESTADOS_ABIERTOS

    @property
    def certificado_emitido(self):
        certificado = getattr(self, "certificado", None)
        return certificado if certificado is not None and certificado.listo else None

    @property
    def cargo_emitido(self):
        cargo = getattr(self, "cargo", None)
        return cargo if cargo is not None and cargo.listo else None


def _ruta_adjunto(instancia, nombre):
    # Random stored names: the original name is kept only as data.
    extension = nombre.rsplit(".", 1)[-1].lower() if "." in nombre else "bin"
    return f"adjuntos/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{extension}"


class Adjunto(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    solicitud = models.ForeignKey(Solicitud, on_delete=models.CASCADE, related_name="adjuntos")
    requerido = models.ForeignKey(
        AdjuntoRequerido,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("documento requerido"),
    )
    archivo = models.FileField(_("archivo"), upload_to=_ruta_adjunto, max_length=200)
    nombre_original = models.CharField(_("nombre del archivo"), max_length=150)
    tipo_mime = models.CharField(_("tipo"), max_length=50)
    tamano = models.PositiveIntegerField(_("tamaño (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    vigente = models.BooleanField(
        _("vigente"), default=True, help_text=_("Falso si el ciudadano lo reemplazó al subsanar.")
    )
    subido_en = models.DateTimeField(_("subido el"), auto_now_add=True)

    class Meta:
        verbose_name = _("documento adjunto")
        verbose_name_plural = _("documentos adjuntos")
        ordering = ["subido_en", "id"]

    def __str__(self):
        return self.nombre_original


class Observacion(models.Model):
    """What a servant asks the citizen to correct, with its own deadline."""

    solicitud = models.ForeignKey(Solicitud, on_delete=models.CASCADE, related_name="observaciones")
    mensaje = models.TextField(_("qué debe subsanar"))
    creada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    creada_en = models.DateTimeField(_("observada el"), auto_now_add=True)
    plazo = models.DateField(_("plazo para subsanar"))
    subsanada_en = models.DateTimeField(_("subsanada el"), null=True, blank=True)

    class Meta:
        verbose_name = _("observación")
        verbose_name_plural = _("observaciones")
        ordering = ["creada_en", "id"]

    def __str__(self):
        return f"{self.solicitud} — {self.creada_en:%d/%m/%Y}"


class TipoEvento(models.TextChoices):
    CREADA = "creada", _("Borrador iniciado")
    PRESENTADA = "presentada", _("Solicitud presentada")
    APROBACION_AUTOMATICA = "aprobacion_automatica", _("Aprobada automáticamente")
    TOMADA = "tomada", _("En evaluación")
    OBSERVADA = "observada", _("Observada")
    SUBSANADA = "subsanada", _("Observación subsanada")
    APROBADA = "aprobada", _("Aprobada")
    DENEGADA = "denegada", _("Denegada")
    DESISTIDA = "desistida", _("Desistimiento")
    NO_PRESENTADA = "no_presentada", _("Considerada no presentada")
    ASIGNADA = "asignada", _("Asignada a un evaluador")
    SILENCIO_POSITIVO = "silencio_positivo", _("Aprobada por silencio administrativo positivo")
    SILENCIO_NEGATIVO = "silencio_negativo", _("Plazo vencido: silencio administrativo negativo")
    DOCUMENTO_EMITIDO = "documento_emitido", _("Documento emitido")
    CERTIFICADO_REVOCADO = "certificado_revocado", _("Certificado revocado")
    NOTIFICACION_LEIDA = "notificacion_leida", _("Notificación leída")
    NOTIFICAR_OTRO_MEDIO = "notificar_otro_medio", _("Notificar por otro medio (sin consentimiento de casilla)")


class Evento(models.Model):
    """An append-only line of the request's timeline."""

    solicitud = models.ForeignKey(Solicitud, on_delete=models.CASCADE, related_name="eventos")
    tipo = models.CharField(_("tipo"), max_length=25, choices=TipoEvento.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    estado_anterior = models.CharField(max_length=15, choices=Estado.choices, blank=True)
    estado_nuevo = models.CharField(max_length=15, choices=Estado.choices, blank=True)
    nota = models.TextField(_("nota"), blank=True)
    creado_en = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        verbose_name = _("evento")
        verbose_name_plural = _("eventos")
        ordering = ["creado_en", "id"]

    def __str__(self):
        return f"{self.get_tipo_display()} ({self.creado_en:%d/%m/%Y %H:%M})"


class AccesoExpediente(models.Model):
    """Each time staff open a request (Ley 29733): who, from which office and
    role, and when. The citizen sees the office, the role and the time."""

    solicitud = models.ForeignKey(Solicitud, on_delete=models.CASCADE, related_name="accesos")
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("servidor")
    )
    oficina = models.CharField(_("oficina"), max_length=150)
    rol = models.CharField(_("rol"), max_length=150)
    creado_en = models.DateTimeField(_("fecha"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("acceso al expediente")
        verbose_name_plural = _("accesos a expedientes")
        ordering = ["-creado_en", "-id"]

    def __str__(self):
        return f"{self.solicitud} — {self.oficina} ({self.creado_en:%d/%m/%Y %H:%M})"
