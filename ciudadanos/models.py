from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UsuarioManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Se requiere un correo electrónico.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("Un superusuario debe tener is_staff e is_superuser.")
        return self._create_user(email, password, **extra_fields)


class Usuario(AbstractBaseUser, PermissionsMixin):
    """An account. Citizens and civil servants alike log in with their email."""

    email = models.EmailField(_("correo electrónico"), max_length=254, unique=True)
    is_staff = models.BooleanField(
        _("personal de la entidad"),
        default=False,
        help_text=_("Puede entrar al panel de gestión (con doble factor)."),
    )
    is_active = models.BooleanField(_("activo"), default=True)
    date_joined = models.DateTimeField(_("fecha de registro"), default=timezone.now)
    cargo = models.CharField(
        _("cargo"),
        max_length=120,
        blank=True,
        help_text=_(
            "Solo para el personal: el puesto con el que firma los documentos que emite, p. ej. "
            "«Subgerente» o «Especialista en licencias»; el documento agrega la oficina. El nombre "
            "se toma del perfil de identidad: sin perfil, el documento muestra el puesto de la jefatura."
        ),
    )

    objects = UsuarioManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="usuario_email_sin_mayusculas_unico"),
        ]

    def __str__(self):
        return self.email

    def get_full_name(self):
        perfil = getattr(self, "perfil", None)
        return perfil.nombre_completo if perfil else self.email

    def get_short_name(self):
        perfil = getattr(self, "perfil", None)
        return perfil.nombres if perfil else self.email


class TipoDocumento(models.TextChoices):
    DNI = "DNI", _("DNI")
    CE = "CE", _("Carné de Extranjería")
    PASAPORTE = "PAS", _("Pasaporte")


class NivelIdentidad(models.TextChoices):
    CORREO = "correo", _("Correo electrónico verificado")
    PRESENCIAL = "presencial", _("Identidad verificada en persona")
    PROVEEDOR = "proveedor", _("Identidad verificada por un proveedor de identidad")


class NivelIngreso(models.IntegerChoices):
    """How strongly the citizen proved who they are when they logged in, from
    weakest to strongest. A procedure declares the minimum it needs
    (tramites.Tramite.nivel_ingreso_minimo); ID GOB.PE's levels come from the
    `acr` claim (settings.IDGOBPE_ACR)."""

    CLAVE = 1, _("Contraseña del portal")
    CLAVE_Y_CODIGO = 2, _("Contraseña del portal y código de tu aplicación")
    IDGOBPE_UN_FACTOR = 3, _("ID GOB.PE con un factor")
    IDGOBPE_DOS_FACTORES = 4, _("ID GOB.PE con dos factores")
    CERTIFICADO = 5, _("Certificado digital (DNIe o token)")


class Perfil(models.Model):
    """Who the citizen is, as their identity document says, and where they live."""

    usuario = models.OneToOneField(
        Usuario, on_delete=models.CASCADE, related_name="perfil", verbose_name=_("usuario")
    )
    tipo_documento = models.CharField(
        _("tipo de documento"), max_length=3, choices=TipoDocumento.choices
    )
    numero_documento = models.CharField(_("número de documento"), max_length=12)
    digito_verificacion = models.CharField(
        _("dígito de verificación"), max_length=1, blank=True
    )
    nombres = models.CharField(_("nombres"), max_length=60)
    apellido_paterno = models.CharField(_("primer apellido"), max_length=60)
    apellido_materno = models.CharField(_("segundo apellido"), max_length=60, blank=True)
    fecha_nacimiento = models.DateField(_("fecha de nacimiento"))
    telefono = models.CharField(_("celular"), max_length=16)
    direccion = models.CharField(_("dirección"), max_length=200)
    ubigeo = models.CharField(
        _("distrito"), max_length=6, help_text=_("Código INEI (ubigeo) del distrito.")
    )
    nivel_identidad = models.CharField(
        _("nivel de garantía de identidad"),
        max_length=12,
        choices=NivelIdentidad.choices,
        default=NivelIdentidad.CORREO,
    )
    identidad_verificada_en = models.DateTimeField(
        _("identidad verificada el"), null=True, blank=True
    )
    identidad_verificada_por = models.ForeignKey(
        Usuario,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verificada por"),
    )
    nivel_ingreso = models.PositiveSmallIntegerField(
        _("nivel del último ingreso"), choices=NivelIngreso.choices, null=True, blank=True
    )
    nivel_ingreso_en = models.DateTimeField(_("último ingreso el"), null=True, blank=True)
    datos_reniec_en = models.DateTimeField(
        _("nombres verificados con RENIEC el"), null=True, blank=True,
        help_text=_("Vacío: los nombres los escribió el ciudadano y nadie los ha verificado."),
    )
    discrepancia_reniec = models.TextField(
        _("diferencias con RENIEC"), blank=True,
        help_text=_("Lo que el ciudadano escribió y RENIEC registra distinto; lo revisa el personal."),
    )
    creado_en = models.DateTimeField(_("creado el"), auto_now_add=True)
    actualizado_en = models.DateTimeField(_("actualizado el"), auto_now=True)

    class Meta:
        verbose_name = _("perfil de identidad")
        verbose_name_plural = _("perfiles de identidad")
        constraints = [
            # One account per identity document, enforced by the database so two
            # simultaneous registrations cannot both succeed.
            models.UniqueConstraint(
                fields=["tipo_documento", "numero_documento"], name="perfil_documento_unico"
            ),
        ]

    def __str__(self):
        return f"{self.nombre_completo} ({self.get_tipo_documento_display()} {self.numero_documento})"

    @property
    def nombre_completo(self):
        return " ".join(
            p for p in (self.nombres, self.apellido_paterno, self.apellido_materno) if p
        )

    @property
    def identidad_verificada(self):
        return self.nivel_identidad != NivelIdentidad.CORREO


class CategoriaAviso(models.TextChoices):
    """How urgent a notice's alert is. A notice with legal effect (a decision,
    an observation) is alerted at once by every verified channel; a reminder
    at once by email, and by SMS if the citizen chose so; news (a request
    taken, a document issued) waits for the day's digest."""

    LEGAL = "legal", _("Con efectos legales")
    RECORDATORIO = "recordatorio", _("Recordatorio de plazo")
    NOVEDAD = "novedad", _("Novedad de un trámite")


class Notificacion(models.Model):
    """A notice in the citizen's casilla electrónica (Ley 31736). It is
    deposited here first; the email is only an alert (a row of the portal's
    outbox, egov.models.Mensaje, with referencia "notificacion:<pk>"). Opening
    it records the read time, which counts as the acknowledgement."""

    usuario = models.ForeignKey(
        Usuario, on_delete=models.CASCADE, related_name="notificaciones", verbose_name=_("ciudadano")
    )
    asunto = models.CharField(_("asunto"), max_length=200)
    cuerpo = models.TextField(_("mensaje"))
    enlace = models.CharField(_("enlace"), max_length=300, blank=True)
    referencia = models.CharField(
        _("referencia"), max_length=60, blank=True, db_index=True,
        help_text=_("Lo que la originó, p. ej. solicitud:123 (la usan otras apps)."),
    )
    categoria = models.CharField(
        _("tipo de aviso"), max_length=12, choices=CategoriaAviso.choices, default=CategoriaAviso.NOVEDAD
    )
    plazo_vence_en = models.DateTimeField(
        _("plazo que vence"), null=True, blank=True,
        help_text=_("El plazo que corre para el ciudadano, si el aviso lo tiene (p. ej. para subsanar)."),
    )
    depositada_en = models.DateTimeField(_("depositada el"), auto_now_add=True, db_index=True)
    leida_en = models.DateTimeField(_("leída el"), null=True, blank=True)
    alertada_en = models.DateTimeField(
        _("alertada el"), null=True, blank=True,
        help_text=_("Cuando se registraron sus alertas (al momento, o en el resumen del día)."),
    )

    class Meta:
        verbose_name = _("notificación")
        verbose_name_plural = _("notificaciones (casilla electrónica)")
        ordering = ["-depositada_en", "-id"]
        indexes = [
            models.Index(fields=["usuario", "leida_en"], name="notificacion_no_leidas"),
            models.Index(fields=["alertada_en", "categoria"], name="notificacion_por_alertar"),
        ]

    def __str__(self):
        return self.asunto

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("ciudadanos:notificacion", kwargs={"pk": self.pk})

    @property
    def con_efecto_legal(self) -> bool:
        return self.categoria == CategoriaAviso.LEGAL


class ConsentimientoNotificacion(models.Model):
    """The citizen's consent to be notified with legal effect in the casilla
    electrónica (Ley 31736): the exact text accepted, when, from where and
    with which identity level. Withdrawing keeps the row (the evidence) and
    records when; a new acceptance is a new row."""

    usuario = models.ForeignKey(
        Usuario, on_delete=models.CASCADE, related_name="consentimientos", verbose_name=_("ciudadano")
    )
    version = models.CharField(_("versión del texto"), max_length=20)
    texto = models.TextField(_("texto aceptado"))
    aceptado_en = models.DateTimeField(_("aceptado el"), default=timezone.now)
    ip = models.GenericIPAddressField(_("dirección IP"), null=True, blank=True)
    nivel_ingreso = models.PositiveSmallIntegerField(
        _("nivel de ingreso"), choices=NivelIngreso.choices, null=True, blank=True
    )
    retirado_en = models.DateTimeField(_("retirado el"), null=True, blank=True)
    retiro_ip = models.GenericIPAddressField(_("IP del retiro"), null=True, blank=True)

    class Meta:
        verbose_name = _("consentimiento de notificación electrónica")
        verbose_name_plural = _("consentimientos de notificación electrónica")
        ordering = ["-aceptado_en", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["usuario"], condition=models.Q(retirado_en__isnull=True), name="consentimiento_vigente_unico"
            ),
        ]

    def __str__(self):
        return f"{self.usuario} ({self.aceptado_en:%Y-%m-%d})"

    @property
    def vigente(self) -> bool:
        return self.retirado_en is None


class TipoCanal(models.TextChoices):
    CORREO = "correo", _("Correo electrónico")
    SMS = "sms", _("Teléfono celular (SMS)")


class CanalAviso(models.Model):
    """A way to alert the citizen: their account's email, or a mobile phone
    verified by a one-time code sent to it. A channel whose last alert
    bounced or failed is "failing" until an alert reaches it again; the
    citizen is told at their next login."""

    usuario = models.ForeignKey(
        Usuario, on_delete=models.CASCADE, related_name="canales_aviso", verbose_name=_("ciudadano")
    )
    tipo = models.CharField(_("canal"), max_length=6, choices=TipoCanal.choices)
    destino = models.CharField(_("dirección o número"), max_length=254)
    verificado_en = models.DateTimeField(_("verificado el"), null=True, blank=True)
    # The pending one-time code (its hash), for a phone being verified.
    codigo_hash = models.CharField(max_length=128, blank=True, editable=False)
    codigo_enviado_en = models.DateTimeField(_("código enviado el"), null=True, blank=True)
    codigo_intentos = models.PositiveSmallIntegerField(_("intentos con el código"), default=0)
    # Which alerts besides those with legal effect go by SMS (the citizen chooses).
    sms_recordatorios = models.BooleanField(_("recordatorios de plazo por SMS"), default=True)
    sms_novedades = models.BooleanField(_("resumen de novedades por SMS"), default=False)
    falla = models.CharField(_("falla"), max_length=15, blank=True)
    falla_detalle = models.CharField(_("detalle de la falla"), max_length=300, blank=True)
    falla_en = models.DateTimeField(_("falla desde"), null=True, blank=True)
    falla_avisada_en = models.DateTimeField(_("falla avisada al ciudadano el"), null=True, blank=True)
    creado_en = models.DateTimeField(_("creado el"), auto_now_add=True)

    class Meta:
        verbose_name = _("canal de aviso")
        verbose_name_plural = _("canales de aviso")
        ordering = ["usuario", "tipo"]
        constraints = [
            models.UniqueConstraint(fields=["usuario", "tipo"], name="canal_aviso_unico"),
            # A phone number alerts one account: the first to verify it.
            models.UniqueConstraint(
                fields=["tipo", "destino"], condition=models.Q(verificado_en__isnull=False),
                name="canal_verificado_unico",
            ),
        ]

    def __str__(self):
        return f"{self.get_tipo_display()}: {self.destino}"

    @property
    def verificado(self) -> bool:
        return self.verificado_en is not None

    @property
    def fallando(self) -> bool:
        return bool(self.falla)


class BloqueoAcceso(models.Model):
    """Consecutive failed password logins for one email address and the wait
    they impose (the policy is in ciudadanos/bloqueos.py). Kept by a keyed hash
    of the address, not by account: an address without an account is counted
    and made to wait exactly like one with an account, and the table holds no
    email address."""

    huella = models.CharField(_("huella del correo"), max_length=64, unique=True)
    fallos = models.PositiveIntegerField(_("fallos seguidos"), default=0)
    ultimo_fallo_en = models.DateTimeField(_("último fallo"), db_index=True)
    espera_hasta = models.DateTimeField(_("en espera hasta"), null=True, blank=True)

    class Meta:
        verbose_name = _("bloqueo de inicio de sesión")
        verbose_name_plural = _("bloqueos de inicio de sesión")
        ordering = ["-ultimo_fallo_en"]

    def __str__(self):
        return self.huella[:12]

    @property
    def en_espera(self) -> bool:
        return self.espera_hasta is not None and self.espera_hasta > timezone.now()


class ServicioPide(models.TextChoices):
    RENIEC = "reniec", _("RENIEC: identidad por DNI")
    SUNAT = "sunat", _("SUNAT: contribuyente por RUC")


class ResultadoConsulta(models.TextChoices):
    ENCONTRADO = "encontrado", _("Encontrado")
    NO_ENCONTRADO = "no_encontrado", _("No encontrado")
    RECHAZADA = "rechazada", _("Rechazada por PIDE (credenciales de la entidad)")
    NO_DISPONIBLE = "no_disponible", _("Servicio no disponible")


class OrigenConsulta(models.TextChoices):
    CIUDADANO = "ciudadano", _("Tú")
    SERVIDOR = "servidor", _("Personal de la entidad")
    AUTOMATICO = "automatico", _("Paso automático del portal")


class ConsultaPide(models.Model):
    """One lookup of another entity's data through PIDE (D.Leg. 1246), as the
    citizen it concerns reads it in "Uso de mis datos": when, which service,
    what for and on whose initiative."""

    servicio = models.CharField(_("servicio"), max_length=10, choices=ServicioPide.choices)
    documento = models.CharField(_("documento consultado"), max_length=11)
    titular = models.ForeignKey(
        Usuario, on_delete=models.CASCADE, null=True, blank=True,
        related_name="consultas_pide", verbose_name=_("ciudadano al que concierne"),
    )
    origen = models.CharField(_("a iniciativa de"), max_length=10, choices=OrigenConsulta.choices)
    solicitada_por = models.ForeignKey(
        Usuario, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("solicitada por"),
    )
    motivo = models.CharField(_("para qué"), max_length=200)
    referencia = models.CharField(
        _("referencia"), max_length=60, blank=True, db_index=True,
        help_text=_("Lo que la originó, p. ej. solicitud:123."),
    )
    resultado = models.CharField(_("resultado"), max_length=14, choices=ResultadoConsulta.choices)
    en_cache = models.BooleanField(
        _("respondida con una consulta reciente"), default=False,
        help_text=_("El portal usó la respuesta de PIDE de hace unos minutos sin volver a preguntar."),
    )
    creada_en = models.DateTimeField(_("fecha"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("consulta a PIDE")
        verbose_name_plural = _("consultas a PIDE")
        ordering = ["-creada_en", "-id"]
        indexes = [models.Index(fields=["titular", "-creada_en"], name="consulta_pide_titular")]

    def __str__(self):
        return f"{self.get_servicio_display()} {self.documento}"


class Empresa(models.Model):
    """A company (persona jurídica) a citizen files for, as SUNAT describes it."""

    ruc = models.CharField(_("RUC"), max_length=11, unique=True)
    razon_social = models.CharField(_("razón social"), max_length=200)
    estado = models.CharField(_("estado del contribuyente"), max_length=40, blank=True)
    condicion = models.CharField(_("condición de domicilio"), max_length=40, blank=True)
    domicilio_fiscal = models.CharField(_("domicilio fiscal"), max_length=300, blank=True)
    verificada_en = models.DateTimeField(
        _("datos verificados con SUNAT el"), null=True, blank=True,
        help_text=_("Vacío: SUNAT no respondió y los datos los escribió el representante."),
    )
    creada_en = models.DateTimeField(_("registrada el"), auto_now_add=True)

    class Meta:
        verbose_name = _("empresa")
        verbose_name_plural = _("empresas")
        ordering = ["razon_social"]

    def __str__(self):
        return f"{self.razon_social} (RUC {self.ruc})"


class EstadoRepresentacion(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente de confirmación")
    CONFIRMADA = "confirmada", _("Confirmada")


class Representacion(models.Model):
    """A citizen acts for a company. The first to add a RUC is confirmed; any
    other representative waits until a confirmed one accepts them, and until
    then sees none of the company's requests."""

    empresa = models.ForeignKey(
        Empresa, on_delete=models.CASCADE, related_name="representaciones", verbose_name=_("empresa")
    )
    usuario = models.ForeignKey(
        Usuario, on_delete=models.CASCADE, related_name="representaciones", verbose_name=_("representante")
    )
    estado = models.CharField(
        _("estado"), max_length=10, choices=EstadoRepresentacion.choices,
        default=EstadoRepresentacion.PENDIENTE,
    )
    invitada_por = models.ForeignKey(
        Usuario, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("invitada por"),
    )
    confirmada_por = models.ForeignKey(
        Usuario, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("confirmada por"),
    )
    creada_en = models.DateTimeField(_("creada el"), auto_now_add=True)
    confirmada_en = models.DateTimeField(_("confirmada el"), null=True, blank=True)

    class Meta:
        verbose_name = _("representación")
        verbose_name_plural = _("representaciones")
        ordering = ["empresa", "creada_en"]
        constraints = [
            models.UniqueConstraint(fields=["empresa", "usuario"], name="representacion_unica"),
        ]

    def __str__(self):
        return f"{self.usuario} → {self.empresa}"

    @property
    def confirmada(self) -> bool:
        return self.estado == EstadoRepresentacion.CONFIRMADA
