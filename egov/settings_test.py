"""
Settings for the test suite: the production settings module, pointed at the
PostgreSQL and Redis on localhost when they answer (SQLite and in-memory
otherwise, with the tests that need them skipped and named in the report).
With CI=true a missing service is an error, never a skip.
"""

import os
import secrets
import socket
import tempfile
from pathlib import Path
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured


def _responde(url: str) -> bool:
    partes = urlparse(url)
    try:
        with socket.create_connection((partes.hostname, partes.port), timeout=1):
            return True
    except OSError:
        return False


TEST_POSTGRES_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/egov"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")

POSTGRES_DISPONIBLE = _responde(TEST_POSTGRES_URL)
REDIS_DISPONIBLE = _responde(TEST_REDIS_URL)
EN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

if EN_CI and not (POSTGRES_DISPONIBLE and REDIS_DISPONIBLE):
    raise ImproperlyConfigured(
        "CI=true exige PostgreSQL y Redis en localhost: "
        f"PostgreSQL {'ok' if POSTGRES_DISPONIBLE else 'NO responde'} ({TEST_POSTGRES_URL}), "
        f"Redis {'ok' if REDIS_DISPONIBLE else 'NO responde'} ({TEST_REDIS_URL})."
    )

os.environ["DJANGO_DEBUG"] = "false"
os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
os.environ["DATABASE_URL"] = TEST_POSTGRES_URL if POSTGRES_DISPONIBLE else "sqlite://:memory:"
# Redis database 15 holds the test cache, 14 the test broker: never the app's.
os.environ["REDIS_URL"] = f"{TEST_REDIS_URL}/15" if REDIS_DISPONIBLE else ""
os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="egov-test-var-")
os.environ.pop("EMAIL_URL", None)

from .settings import *  # noqa: E402,F403

# A name of its own per run, so two test runs on one machine never share a database.
DATABASES["default"]["TEST"] = {"NAME": f"test_egov_{os.getpid()}"}

TEST_REDIS_BROKER_URL = f"{TEST_REDIS_URL}/14"
# Keys of this run only: two runs on one machine never clear each other's cache.
CACHES["default"]["KEY_PREFIX"] = f"test{os.getpid()}"
if REDIS_DISPONIBLE:
    CELERY_BROKER_URL = TEST_REDIS_BROKER_URL
# Tasks run in-process in tests, after commit; the tests marked `worker` start a
# real Celery worker process against Redis instead.
CELERY_TASK_ALWAYS_EAGER = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="egov-test-static-"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SITE_URL = "http://testserver"
# A demo signing certificate is created under the run's temporary VAR_DIR.
CERT_SIGNING_DEMO = True
CERT_SIGNING_PASSWORD = "demo"  # noqa: S105 - a throwaway test certificate
# SMS alerts are written as files under the run's VAR_DIR (egov/sms_adaptadores.py);
# tests of the HTTP adapter point SMS_URL at the local provider stand-in.
SMS_URL = f"file://{VAR_DIR / 'sms'}"
SMS_RECIBO_SECRETO = secrets.token_urlsafe(24)
