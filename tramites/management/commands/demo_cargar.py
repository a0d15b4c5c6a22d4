"""Loads the demo data used by `make run`: the catalog, the accounts and the
servant's offices and role (idempotent: running it again changes nothing).
Never run it in production: the credentials are public."""

import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ciudadanos import services
from ciudadanos.management.commands.demo_totp import DEMO_TOTP_SECRETO
from ciudadanos.models import Usuario
from tramites.models import Oficina
from tramites.roles import JEFE_DE_OFICINA

CUENTAS = [
    {
        "email": "admin@villaesperanza.gob.pe",
        "password": "Admin-Demo-2026",
        "is_staff": True,
        "is_superuser": True,
        "totp": True,
    },
    {
        "email": "servidora@villaesperanza.gob.pe",
        "password": "Servidora-Demo-2026",
        "is_staff": True,
        "is_superuser": False,
        "totp": True,
    },
    {
        "email": "ciudadana@example.pe",
        "password": "Ciudadana-Demo-2026",
        "is_staff": False,
        "is_superuser": False,
        "totp": False,
        "perfil": {
            "tipo_documento": "DNI",
            "numero_documento": "10117410",
            "digito_verificacion": "2",
            "nombres": "Ch'aska María",
            "apellido_paterno": "Quispe",
            "apellido_materno": "Mamani",
            "fecha_nacimiento": datetime.date(1990, 3, 27),
            "telefono": "+51987654321",
            "direccion": "Av. Los Próceres 123, Urb. Santa Rosa",
            "ubigeo": "150122",
        },
    },
]


class Command(BaseCommand):
    help = "Crea las cuentas de demostración (administrador, servidora, ciudadana)."

    def handle(self, *args, **options):
        if not settings.DEBUG and not options.get("force"):
            raise CommandError("Las cuentas de demostración solo se cargan con DJANGO_DEBUG=true.")
        call_command("catalogo_cargar", verbosity=0)
        for datos in CUENTAS:
            with transaction.atomic():
                self._cuenta(datos)
        self._personal()
        self.stdout.write(self.style.SUCCESS("Cuentas de demostración listas."))

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Cargar aunque DEBUG sea falso (pruebas).")

    def _personal(self):
        """The demo servant evaluates in every office of the demo catalog, as
        head of office (so the supervision page can be tried too)."""
        servidora = Usuario.objects.get(email="servidora@villaesperanza.gob.pe")
        grupo = Group.objects.filter(name=JEFE_DE_OFICINA).first()
        if grupo:
            servidora.groups.add(grupo)
        for oficina in Oficina.objects.all():
            oficina.personal.add(servidora)

    def _cuenta(self, datos):
        usuario = Usuario.objects.filter(email=datos["email"]).first()
        if usuario is None:
            usuario = Usuario.objects.create_user(
                email=datos["email"],
                password=datos["password"],
                is_staff=datos["is_staff"],
                is_superuser=datos["is_superuser"],
            )
            self.stdout.write(f"  creada {usuario.email}")
        EmailAddress.objects.update_or_create(
            user=usuario, email=usuario.email, defaults={"verified": True, "primary": True}
        )
        if datos["totp"] and not Authenticator.objects.filter(
            user=usuario, type=Authenticator.Type.TOTP
        ).exists():
            TOTP.activate(usuario, DEMO_TOTP_SECRETO)
        if "perfil" in datos and not hasattr(usuario, "perfil"):
            services.perfil_guardar(usuario=usuario, datos=datos["perfil"])
