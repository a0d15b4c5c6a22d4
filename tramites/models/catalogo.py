"""The catalog (TUPA): offices, procedures, their questions and required
documents, and the entity's non-working days."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ciudadanos.models import NivelIngreso
from egov.texto import normalizar_busqueda

from ..declaraciones import TipoCampo, declaracion_validar


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
    nivel_ingreso_minimo = models.PositiveSmallIntegerField(
        _("nivel de identidad que exige"),
        choices=NivelIngreso.choices,
        default=NivelIngreso.CLAVE,
        help_text=_(
            "Cómo debe haber ingresado el ciudadano para iniciar y presentar este trámite. "
            "Con un nivel mayor al suyo, el portal le pide confirmar su identidad y lo devuelve al mismo paso."
        ),
    )
    acepta_empresas = models.BooleanField(
        _("se puede presentar a nombre de una empresa"), default=False,
        help_text=_("El representante de una empresa con RUC activo puede presentarlo por ella."),
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
