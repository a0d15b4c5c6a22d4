import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from egov.models import (
    EstadoDocumento,  # noqa: F401 - part of this app's models API
    clave_archivo_nueva,  # noqa: F401 - named by migration 0009
)
from egov.models import ruta_documento as _ruta_documento  # noqa: F401 - named by migrations 0005, 0009
from egov.texto import normalizar_busqueda

# The documents this app issues (tramites/certificados/): imported here so they
# belong to the app's models.
from .certificados.models import CargoPresentacion, Certificado  # noqa: F401
from .declaraciones import TipoCampo, declaracion_validar


class Oficina(models.Model):
    """A unit of the entity that receives or resolves requests."""

    nombre = models.CharField(_("nombre"), max_length=150, unique=True)
    sigla = models.CharField(_("sigla"), max_length=20, unique=True)
    activa = models.BooleanField(_("activa"), default=True)
    personal = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="oficinas",
        verbose_name=_("personal"),
        help_text=_("Servidores que atienden las solicitudes de esta oficina."),
    )

    class Meta:
        verbose_name = _("oficina")
        verbose_name_plural = _("oficinas")
        ordering = ["nombre"]

    def __str__(self):
        return self.nombre


class Calificacion(models.TextChoices):
    AUTOMATICA = "automatica", _("Aprobación automática")
    POSITIVO = "positivo", _("Evaluación previa con silencio positivo")
    NEGATIVO = "negativo", _("Evaluación previa con silencio negativo")


class Tramite(models.Model):
    """One row of the TUPA: a procedure citizens can file."""

    codigo = models.CharField(_("código TUPA"), max_length=20, unique=True)
    slug = models.SlugField(_("dirección (slug)"), max_length=120, unique=True)
    nombre = models.CharField(
        _("nombre"), max_length=200, help_text=_("Empieza con un verbo en infinitivo: «Obtener…»")
    )
    descripcion = models.TextField(_("para qué sirve"))
    base_legal = models.TextField(_("base legal"))
    requisitos = models.TextField(
        _("requisitos"), help_text=_("Uno por línea, tal como figuran en el TUPA.")
    )
    tasa = models.DecimalField(
        _("derecho de tramitación (S/)"),
        max_digits=9,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    plazo_dias = models.PositiveSmallIntegerField(
        _("plazo (días hábiles)"),
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("La evaluación previa dura como máximo 30 días hábiles."),
    )
    calificacion = models.CharField(
        _("calificación"), max_length=12, choices=Calificacion.choices
    )
    oficina_recepcion = models.ForeignKey(
        Oficina,
        on_delete=models.PROTECT,
        related_name="tramites_recibidos",
        verbose_name=_("oficina que recibe"),
    )
    oficina_resolucion = models.ForeignKey(
        Oficina,
        on_delete=models.PROTECT,
        related_name="tramites_resueltos",
        verbose_name=_("oficina que resuelve"),
    )
    plantilla_certificado = models.CharField(
        _("plantilla del documento que emite"), max_length=100, blank=True
    )
    activo = models.BooleanField(_("activo"), default=True)
    busqueda = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("trámite (TUPA)")
        verbose_name_plural = _("trámites (TUPA)")
        ordering = ["nombre"]
        indexes = [models.Index(fields=["activo", "nombre"], name="tramite_activo_nombre")]

    def __str__(self):
        return f"{self.codigo} — {self.nombre}"

    def save(self, *args, **kwargs):
        self.busqueda = normalizar_busqueda(
            " ".join([self.codigo, self.nombre, self.descripcion])
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "busqueda"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("tramites:detalle", kwargs={"slug": self.slug})

    def clean(self):
        # gob.pe names every procedure with an infinitive: "Obtener", "Solicitar", "Inscribirse".
        primera = (self.nombre or "").split(" ", 1)[0]
        if not re.fullmatch(r"[A-ZÁÉÍÓÚÑ][a-záéíóúñ]*(ar|er|ir)(se|lo|la)?", primera):
            raise ValidationError(
                {"nombre": _("El nombre debe empezar con un verbo en infinitivo, por ejemplo «Obtener el certificado…».")}
            )
        if self.oficina_resolucion_id and self.oficina_resolucion and not self.oficina_resolucion.activa:
            raise ValidationError({"oficina_resolucion": _("La oficina que resuelve está inactiva.")})

    @property
    def lista_requisitos(self):
        return [linea.strip() for linea in self.requisitos.splitlines() if linea.strip()]

    @property
    def gratuito(self):
        return not self.tasa

    @property
    def porcentaje_uit(self):
        return (self.tasa * 100 / settings.UIT_SOLES).quantize(type(self.tasa)("0.01"))

    @property
    def es_automatica(self):
        return self.calificacion == Calificacion.AUTOMATICA


class CampoTramite(models.Model):
    """A question the procedure asks, declared as data (edited in the admin)."""

    class DatoPerfil(models.TextChoices):
        NINGUNO = "", _("— (no se llena solo)")
        EMAIL = "email", _("Correo electrónico")
        TELEFONO = "telefono", _("Celular")
        DIRECCION = "direccion", _("Dirección")
        UBIGEO = "ubigeo", _("Distrito")

    tramite = models.ForeignKey(Tramite, on_delete=models.CASCADE, related_name="campos")
    orden = models.PositiveSmallIntegerField(_("orden"), default=0)
    nombre = models.SlugField(
        _("nombre interno"), max_length=40, help_text=_("Letras minúsculas, números y _.")
    )
    etiqueta = models.CharField(_("pregunta"), max_length=200)
    tipo = models.CharField(_("tipo"), max_length=12, choices=TipoCampo.choices)
    requerido = models.BooleanField(_("obligatorio"), default=True)
    ayuda = models.CharField(_("texto de ayuda"), max_length=300, blank=True)
    opciones = models.TextField(
        _("opciones"), blank=True, help_text=_("Para el tipo «opción»: una por línea.")
    )
    dato_perfil = models.CharField(
        _("llenar con el dato del perfil"),
        max_length=12,
        choices=DatoPerfil.choices,
        blank=True,
        default="",
    )
    minimo = models.DecimalField(
        _("valor mínimo"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("Para el tipo «número»: el menor valor que tiene sentido (por ejemplo 1 para un área)."),
    )
    maximo = models.DecimalField(
        _("valor máximo"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("Para el tipo «número»: el mayor valor que tiene sentido."),
    )
    solo_enteros = models.BooleanField(
        _("solo números enteros"), default=False,
        help_text=_("Para el tipo «número»: sin decimales (años, puertas, personas)."),
    )

    class Meta:
        verbose_name = _("pregunta del formulario")
        verbose_name_plural = _("preguntas del formulario")
        ordering = ["orden", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tramite", "nombre"], name="campo_nombre_unico"),
        ]

    def __str__(self):
        return self.etiqueta

    def clean(self):
        declaracion_validar(
            nombre=self.nombre, tipo=self.tipo, opciones=self.lista_opciones, dato_perfil=self.dato_perfil,
            minimo=self.minimo, maximo=self.maximo, solo_enteros=self.solo_enteros,
        )

    @property
    def lista_opciones(self):
        return [o.strip() for o in self.opciones.splitlines() if o.strip()]


class AdjuntoRequerido(models.Model):
    """A document the procedure asks for (never a copy of the DNI: once-only)."""

    tramite = models.ForeignKey(Tramite, on_delete=models.CASCADE, related_name="adjuntos_requeridos")
    orden = models.PositiveSmallIntegerField(_("orden"), default=0)
    nombre = models.CharField(_("documento"), max_length=150)
    descripcion = models.CharField(_("descripción"), max_length=300, blank=True)
    obligatorio = models.BooleanField(_("obligatorio"), default=True)

    class Meta:
        verbose_name = _("documento requerido")
        verbose_name_plural = _("documentos requeridos")
        ordering = ["orden", "id"]

    def __str__(self):
        return self.nombre


class DiaNoLaborable(models.Model):
    """A day the entity does not work beyond national holidays (a local
    holiday, a day declared non-working by decree)."""

    fecha = models.DateField(_("fecha"), unique=True)
    motivo = models.CharField(_("motivo"), max_length=150)

    class Meta:
        verbose_name = _("día no laborable de la entidad")
        verbose_name_plural = _("días no laborables de la entidad")
        ordering = ["fecha"]

    def __str__(self):
        return f"{self.fecha:%d/%m/%Y} — {self.motivo}"


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
ESTADOS_FINALES = (Estado.APROBADA, Estado.DENEGADA, Estado.DESISTIDA, Estado.NO_PRESENTADA)


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
