"""Ratings of the demo history's decided requests, in-person counts and a
monthly cost, so the transparency pages of `make run` show every figure.
Idempotent; only with DJANGO_DEBUG=true; after tramites' `demo_historial`."""

import random
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tramites import selectors as tramites_selectors
from transparencia.models import AtencionPresencial, CostoMensual, Valoracion


class Command(BaseCommand):
    help = "Carga valoraciones, atenciones presenciales y costos de demostración."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Cargar aunque DEBUG sea falso (pruebas).")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options.get("force"):
            raise CommandError("Los datos de demostración solo se cargan con DJANGO_DEBUG=true.")
        azar = random.Random(2026)
        decididas = tramites_selectors.decididas_de(correo_termina_en="@demo.example.pe")
        Valoracion.objects.bulk_create(
            [Valoracion(solicitud=s, puntaje=azar.choice([3, 4, 4, 5, 5])) for s in decididas if azar.random() < 0.6],
            ignore_conflicts=True,
        )
        mes = timezone.localdate().replace(day=1)
        for tramite in tramites_selectors.tramites_publicos()[:3]:
            AtencionPresencial.objects.get_or_create(tramite=tramite, mes=mes, defaults={"cantidad": 12})
        CostoMensual.objects.get_or_create(mes=mes, defaults={"monto": Decimal("1800.00")})
        self.stdout.write(self.style.SUCCESS("Participación de demostración lista."))
