"""Prints the current two-factor code of the demo staff accounts, for people
trying the portal locally without an authenticator app."""

from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Public demo secret (base32) of the staff accounts loaded by `manage.py demo_cargar`.
DEMO_TOTP_SECRETO = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class Command(BaseCommand):
    help = "Muestra el código de verificación en dos pasos vigente de las cuentas de demostración."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Solo disponible con DJANGO_DEBUG=true.")
        contadores = list(yield_hotp_counters_from_time())
        actual = contadores[len(contadores) // 2]
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRETO, actual)))
