"""Settings for `make bench`: production settings on a throwaway PostgreSQL
database, served by gunicorn on 127.0.0.1 without HTTPS redirects."""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
# A throwaway demo signing certificate under the run's VAR_DIR.
os.environ.setdefault("CERT_SIGNING_DEMO", "true")
os.environ.setdefault("CERT_SIGNING_PASSWORD", "bench")

from egov.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING["root"]["level"] = "WARNING"
