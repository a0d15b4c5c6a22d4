"""Six months of past requests of a few demo neighbours, so the transparency
pages of `make run` have something to show. Idempotent; only with
DJANGO_DEBUG=true. Ratings, in-person counts and costs come next, from
transparencia's `demo_participacion`."""

import datetime
import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ciudadanos.models import Usuario
from tramites.models import Estado, Tramite
from tramites.services.historial import solicitud_historica_registrar

VECINA = {"nombre_completo": "Vecina de demostración", "tipo_documento": "DNI", "numero_documento": "00000001"}


class Command(BaseCommand):
    help = "Carga un historial de solicitudes de demostración para la página de transparencia."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Cargar aunque DEBUG sea falso (pruebas).")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options.get("force"):
            raise CommandError("El historial de demostración solo se carga con DJANGO_DEBUG=true.")
        if Usuario.objects.filter(email="vecino1@demo.example.pe").exists():
            return
        azar = random.Random(2026)
        vecinos = [Usuario.objects.create_user(email=f"vecino{n}@demo.example.pe", password=None) for n in range(1, 5)]
        tramites = list(Tramite.objects.filter(activo=True).order_by("codigo"))
        ahora = timezone.now()
        for n in range(60):
            tramite = tramites[n % len(tramites)]
            presentada = ahora - datetime.timedelta(days=azar.randint(8, 180), hours=azar.randint(0, 9))
            dias = azar.randint(0, tramite.plazo_dias + 3)
            estado = azar.choice([Estado.APROBADA] * 5 + [Estado.DENEGADA, Estado.DESISTIDA])
            solicitud_historica_registrar(
                tramite=tramite, ciudadano=vecinos[n % 4], presentada_en=presentada, estado=estado,
                decidida_en=presentada + datetime.timedelta(days=dias * 7 // 5), solicitante=VECINA,
            )
        self.stdout.write(self.style.SUCCESS("Historial de demostración listo (60 solicitudes)."))
