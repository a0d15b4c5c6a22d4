"""
Settings of the portal, read from the environment.

Two ways to run (see README):

* Embedded default: no DATABASE_URL and no REDIS_URL. SQLite under var/, Celery
  tasks run eagerly after commit, email written as files under var/mail/.
* Production: DJANGO_DEBUG=false with DATABASE_URL, REDIS_URL, EMAIL_URL, etc.
  Refuses to start without a real secret key.

Every variable is documented in .env.example.
"""

from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

# --- Core ------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# Values that must never reach production: the development fallback and the
# placeholder in .env.example.
INSECURE_SECRET_KEYS = {
    "django-insecure-solo-para-desarrollo-local-nunca-en-produccion",
    "cambia-esta-clave-por-una-cadena-aleatoria-de-50-caracteres-o-mas",
}
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-solo-para-desarrollo-local-nunca-en-produccion"  # noqa: S105
if not DEBUG and (
    not SECRET_KEY
    or SECRET_KEY in INSECURE_SECRET_KEYS
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY falta o es una clave de ejemplo. En producción define una "
        "clave aleatoria de al menos 50 caracteres (ver .env.example)."
    )

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [],
)

SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "ciudadanos.apps.PanelAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "anymail",
    "csp",
    "egov",
    "ciudadanos",
    "tramites",
    "transparencia",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "egov.middleware.CuerpoLimitadoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "egov.middleware.PrivadoSinCacheMiddleware",
    "egov.middleware.ErroresDeDominioMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "egov.urls"
WSGI_APPLICATION = "egov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "egov.context_processors.portal",
            ],
        },
    },
]
FORM_RENDERER = "egov.forms.PortalFormRenderer"

# --- Data ------------------------------------------------------------------

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    ),
}
if not env("DATABASE_URL", default=""):
    # The embedded default keeps its SQLite file (and mail, media) under VAR_DIR.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # A health check costs one round trip per request; turn it on where the
    # database restarts often enough for stale connections to matter.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            # Tolerates a Redis outage: the portal keeps serving without the cache.
            "BACKEND": "egov.cache_redis.RedisCacheRapida",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="egov"),
            "OPTIONS": {
                # A Redis that does not answer costs a page half a second at most.
                "socket_connect_timeout": 0.5,
                "socket_timeout": 1.0,
            },
        }
    }
    # Sessions are kept in PostgreSQL and read through the cache: a Redis
    # outage logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Private files are never served from a public URL: a view checks permission.
MEDIA_URL = "/privado/"
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# In development whitenoise serves straight from the app and project folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Accounts (django-allauth) ---------------------------------------------

AUTH_USER_MODEL = "ciudadanos.Usuario"
AUTHENTICATION_BACKENDS = ["ciudadanos.backends.AutenticacionConCache"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "ciudadanos.validators.DatosPersonalesPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "ciudadanos:perfil"

ACCOUNT_ADAPTER = "ciudadanos.adapters.CuentaAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Per address only: the per-account limit is progressive and kept in the
    # database, so a Redis outage does not lift it (README, "Bloqueo de cuentas").
    "login_failed": "10/m/ip",
    "signup": "10/m/ip,30/h/ip",
    "reset_password": "10/m/ip,3/5m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Wrong codes make the account wait, counted in the database like passwords.
MFA_FORMS = {
    "authenticate": "ciudadanos.forms.SegundoFactorForm",
    "reauthenticate": "ciudadanos.forms.SegundoFactorReautenticarForm",
    "activate_totp": "ciudadanos.forms.ActivarAppForm",
}
MFA_ADAPTER = "ciudadanos.adapters.SegundoFactorAdapter"
# allauth's forms with the portal's labels, help and messages (tú, one error per field).
ACCOUNT_FORMS = {nombre: f"ciudadanos.forms.{clase}" for nombre, clase in {
    "login": "IniciarSesionForm", "signup": "CrearCuentaForm", "add_email": "AgregarCorreoForm",
    "change_email": "CambiarCorreoForm", "change_password": "CambiarClaveForm", "set_password": "CrearClaveForm",
    "reset_password": "RestablecerClaveForm", "reset_password_from_key": "NuevaClaveForm",
    "reauthenticate": "ConfirmarAccesoForm",
}.items()}
MFA_TOTP_ISSUER = env("ENTIDAD_NOMBRE", default="Municipalidad Distrital de Villa Esperanza")

# --- National identity: ID GOB.PE (OpenID Connect) -------------------------
# Shown as "Ingresar con ID GOB.PE" only when the three variables are set
# (README, "ID GOB.PE"). The claims and `acr` values follow RENIEC's IDaaS
# convention; an entity whose provider names them otherwise overrides them here.
IDGOBPE_SERVER_URL = env("IDGOBPE_SERVER_URL", default="").rstrip("/")
IDGOBPE_CLIENT_ID = env("IDGOBPE_CLIENT_ID", default="")
IDGOBPE_CLIENT_SECRET = env("IDGOBPE_CLIENT_SECRET", default="")
IDGOBPE_ACTIVO = bool(IDGOBPE_SERVER_URL and IDGOBPE_CLIENT_ID and IDGOBPE_CLIENT_SECRET)
IDGOBPE_PROVIDER_ID = "idgobpe"
IDGOBPE_SCOPES = ["openid", "profile", "email", "phone"]
IDGOBPE_CLAIMS = {
    "numero_documento": "doc",
    "nombres": "first_name",
    "apellido_paterno": "fathers_lastname",
    "apellido_materno": "mothers_lastname",
    "email": "email",
    "email_verificado": "email_verified",
    "telefono": "phone_number",
    "nivel": "acr",
}
# acr value -> ciudadanos.models.NivelIngreso
IDGOBPE_ACR = {"one_factor": 3, "two_factor": 4, "pki_dnie": 5, "pki_token": 5}
SOCIALACCOUNT_ADAPTER = "ciudadanos.identidad.IdentidadAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never link an account by email alone
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False  # the ID token (the logout hint) is kept in the session
# The ID GOB.PE application itself is built from the three variables by
# ciudadanos.identidad.IdentidadAdapter.list_apps (never from the database).
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "SCOPE": IDGOBPE_SCOPES}}

# --- PIDE: other entities' data (D.Leg. 1246) -------------------------------
# Empty PIDE_URL: no lookups; the citizen types the data and the request is
# marked "datos sin verificar". `make run` points it at the local stand-in
# (tools/pide_simulado); README, "PIDE", says how to point it at the real one.
PIDE_URL = env("PIDE_URL", default="").rstrip("/")
PIDE_USUARIO_DNI = env("PIDE_USUARIO_DNI", default="")
PIDE_RUC_ENTIDAD = env("PIDE_RUC_ENTIDAD", default="")
PIDE_CLAVE = env("PIDE_CLAVE", default="")
PIDE_TIMEOUT = env.float("PIDE_TIMEOUT", default=2.0)
PIDE_REINTENTOS = env.int("PIDE_REINTENTOS", default=1)
# Consecutive failures that open the circuit, and for how long it stays open.
PIDE_CORTE_FALLOS = env.int("PIDE_CORTE_FALLOS", default=5)
PIDE_CORTE_SEGUNDOS = env.int("PIDE_CORTE_SEGUNDOS", default=60)
PIDE_CACHE_SEGUNDOS = env.int("PIDE_CACHE_SEGUNDOS", default=600)

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# --- Email -----------------------------------------------------------------

if env("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# A transactional email provider (through django-anymail) instead of SMTP, for
# delivery receipts: its webhook, /webhooks/correo/<proveedor>/tracking/, tells
# the portal which alerts were delivered, bounced or marked as spam.
EMAIL_PROVEEDOR = env("EMAIL_PROVEEDOR", default="")  # postmark, sendgrid, brevo or mailgun
if EMAIL_PROVEEDOR not in ("", "postmark", "sendgrid", "brevo", "mailgun"):
    raise ImproperlyConfigured(
        f"EMAIL_PROVEEDOR={EMAIL_PROVEEDOR!r} no es un proveedor conocido: usa postmark, sendgrid, brevo o mailgun."
    )
if EMAIL_PROVEEDOR:
    _clave = "SERVER_TOKEN" if EMAIL_PROVEEDOR == "postmark" else "API_KEY"
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_PROVEEDOR}.EmailBackend"
    ANYMAIL = {
        f"{EMAIL_PROVEEDOR.upper()}_{_clave}": env("EMAIL_PROVEEDOR_CLAVE"),
        # "usuario:clave" the provider sends with each webhook call (HTTP Basic).
        "WEBHOOK_SECRET": env("EMAIL_WEBHOOK_SECRETO"),
    }
    if env("EMAIL_PROVEEDOR_URL", default=""):
        ANYMAIL[f"{EMAIL_PROVEEDOR.upper()}_API_URL"] = env("EMAIL_PROVEEDOR_URL")
    if env("EMAIL_PROVEEDOR_FIRMA", default=""):  # Mailgun signs its webhooks with this key
        ANYMAIL[f"{EMAIL_PROVEEDOR.upper()}_WEBHOOK_SIGNING_KEY"] = env("EMAIL_PROVEEDOR_FIRMA")
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL",
    default="Mesa de partes digital <no-responder@villaesperanza.gob.pe>",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- SMS alerts ----------------------------------------------------------------
# The provider's endpoint with its credentials in one URL (README, "Avisos por
# SMS"): https://clave:secreto@api.proveedor.pe/sms/json. file:///ruta writes
# each SMS as a file (the embedded default: VAR_DIR/sms), console:// prints it.
# Empty in production: the portal offers no SMS alerts.
SMS_URL = env("SMS_URL", default=f"file://{VAR_DIR / 'sms'}" if DEBUG else "")
# The sender name the phone shows (up to 11 letters and digits).
SMS_REMITENTE = env("SMS_REMITENTE", default=env("ENTIDAD_SIGLA", default="MDVE"))
# Shared secret that signs the provider's delivery callbacks (/webhooks/sms/recibo/).
SMS_RECIBO_SECRETO = env("SMS_RECIBO_SECRETO", default="")
# SMS one phone number may receive per hour; more wait for the next hour.
SMS_POR_HORA = env.int("SMS_POR_HORA", default=6)

# --- Notices with legal effect --------------------------------------------------
# When a notice in the casilla takes legal effect (README, "Fecha de
# notificación"): "deposito" (the day it is deposited, TUO Ley 27444 art. 20.4
# and 25), "apertura" (the day the citizen first opens it) or "dias_habiles"
# (the first opening, or NOTIFICACION_DIAS_HABILES business days after the
# deposit if it is not opened before).
NOTIFICACION_EFECTO = env("NOTIFICACION_EFECTO", default="deposito")
NOTIFICACION_DIAS_HABILES = env.int("NOTIFICACION_DIAS_HABILES", default=5)
# Local hour of the daily digest of routine news (one email per citizen).
AVISOS_RESUMEN_HORA = env.int("AVISOS_RESUMEN_HORA", default=18)

# --- Celery ------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# With acks_late, a task whose worker died is delivered again after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Without Redis (embedded default) tasks run in-process; delay_on_commit still
# waits for the surrounding transaction to commit.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = (Queue("default"), Queue("pdf"))
CELERY_TASK_ROUTES = {
    "tramites.tasks.certificado_emitir": {"queue": "pdf"},
    "tramites.tasks.cargo_emitir": {"queue": "pdf"},
    "transparencia.tasks.hoja_reclamo_emitir": {"queue": "pdf"},
    "tramites.resoluciones.tasks.resolucion_emitir": {"queue": "pdf"},
    "tramites.constancias.tasks.constancia_emitir": {"queue": "pdf"},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "America/Lima"
# A static schedule; each job is idempotent, so a late or repeated run is harmless.
CELERY_BEAT_SCHEDULE = {
    "plazos-vencidos": {"task": "tramites.tasks.plazos_vencidos_procesar", "schedule": crontab(hour=0, minute=15)},
    "documentos-pendientes": {"task": "egov.tasks.documentos_pendientes_reencolar", "schedule": 120.0},
    "mensajes-pendientes": {"task": "egov.tasks.mensajes_pendientes_reencolar", "schedule": 60.0},
    "recordatorios": {"task": "tramites.tasks.recordatorios_enviar", "schedule": crontab(hour=7, minute=0)},
    "reclamos-recordatorio": {"task": "transparencia.tasks.reclamos_recordar", "schedule": crontab(hour=7, minute=5)},
    "indicadores": {"task": "transparencia.tasks.indicadores_refrescar", "schedule": crontab(minute=10)},
    "sesiones-vencidas": {"task": "egov.tasks.sesiones_vencidas_borrar", "schedule": crontab(hour=3, minute=30)},
    "avisos-resumen": {"task": "ciudadanos.tasks.resumenes_enviar", "schedule": crontab(hour=AVISOS_RESUMEN_HORA, minute=0)},
}

# --- Internationalisation ----------------------------------------------------

LANGUAGE_CODE = "es-pe"
LANGUAGES = [("es-pe", "Español (Perú)")]
TIME_ZONE = "America/Lima"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["egov.formatos"]

# --- The entity ---------------------------------------------------------------

ENTIDAD_NOMBRE = MFA_TOTP_ISSUER
ENTIDAD_SIGLA = env("ENTIDAD_SIGLA", default="MDVE")
ENTIDAD_CORREO_CONTACTO = env(
    "ENTIDAD_CORREO_CONTACTO", default="atencion@villaesperanza.gob.pe"
)
ENTIDAD_TELEFONO = env("ENTIDAD_TELEFONO", default="(01) 555-0100")
UIT_SOLES = Decimal(env("UIT_SOLES", default="5500"))
# Department (INEI code) whose districts "distrito" questions offer.
ENTIDAD_DEPARTAMENTO = env("ENTIDAD_DEPARTAMENTO", default="15")
# Office (acronym) responsible for the Libro de Reclamaciones: its staff handle
# the complaints addressed to the entity as a whole.
LIBRO_RECLAMACIONES_OFICINA = env("LIBRO_RECLAMACIONES_OFICINA", default="SG")
# Attachments: allowed size of one file and of all files of one request.
ADJUNTO_MAX_BYTES = env.int("ADJUNTO_MAX_BYTES", default=10 * 1024 * 1024)
SOLICITUD_ADJUNTOS_MAX_BYTES = env.int("SOLICITUD_ADJUNTOS_MAX_BYTES", default=25 * 1024 * 1024)
# A PDF uploaded to /verificar/ to compare with the issued ones (they weigh far less).
VERIFICAR_MAX_BYTES = env.int("VERIFICAR_MAX_BYTES", default=5 * 1024 * 1024)
# Any request body: larger ones are refused before they are read (413).
PETICION_MAX_BYTES = env.int("PETICION_MAX_BYTES", default=SOLICITUD_ADJUNTOS_MAX_BYTES + 1024 * 1024)

# --- Certificates -------------------------------------------------------------

# The entity's signing key (PKCS#12). Without CERT_SIGNING_P12 the embedded default
# (DEBUG) creates a self-signed demo certificate under VAR_DIR on first use.
CERT_SIGNING_P12 = env("CERT_SIGNING_P12", default=str(VAR_DIR / "firma-demo.p12"))
CERT_SIGNING_PASSWORD = env("CERT_SIGNING_PASSWORD", default="demo" if DEBUG else "")
CERT_SIGNING_DEMO = env.bool("CERT_SIGNING_DEMO", default=DEBUG)
# A pending document older than this is enqueued again by the sweeper (beat).
DOCUMENTOS_REENCOLAR_MINUTOS = env.int("DOCUMENTOS_REENCOLAR_MINUTOS", default=3)
# A failing document is retried by the sweeper for this many hours from its first failure.
DOCUMENTOS_REINTENTOS_HORAS = env.int("DOCUMENTOS_REINTENTOS_HORAS", default=24)

# --- Security ------------------------------------------------------------------

# Reverse proxies in front of the portal that add X-Forwarded-For (compose: 1).
# Rate limits use the client's address from that header instead of the proxy's.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "egov.views.error_csrf"
# Production is HTTPS. DJANGO_HTTPS=false, and only that, serves it over plain
# HTTP (a staging server on a private network): no redirect, no HSTS, cookies
# without Secure. `check --deploy` warns about each of those, as it should.
HTTPS = not DEBUG and env.bool("DJANGO_HTTPS", default=True)
if HTTPS:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^salud/$"]

# Only the portal's own files; nothing frames it (a filed PDF's preview, framed
# by the back office, relaxes frame-ancestors to 'self' on that response alone).
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    **{directiva: ["'self'"] for directiva in
       ("default-src", "script-src", "style-src", "font-src", "connect-src", "form-action")},
    "img-src": ["'self'", "data:"],
    **{directiva: ["'none'"] for directiva in ("frame-ancestors", "base-uri", "object-src")},
}}
if IDGOBPE_ACTIVO:
    # Logging in and out with ID GOB.PE posts a form here that redirects to the
    # provider; form-action governs those redirects too.
    from urllib.parse import urlsplit as _urlsplit

    _idgobpe = _urlsplit(IDGOBPE_SERVER_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_idgobpe.scheme}://{_idgobpe.netloc}")

# --- Logging: everything to stdout -------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Local time of TIME_ZONE (Django sets the process's TZ to it, also in Celery's
    # worker and beat, whose records go through this handler) with its offset.
    "formatters": {
        "simple": {
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S%z",
        }
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "simple"}},
    "root": {"handlers": ["stdout"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.server": {"level": "INFO"}, **{nombre: {"level": "WARNING"} for nombre in
                                                       ("django.db.backends", "weasyprint", "fontTools")}},
}
