"""Six months of past requests of a few demo neighbours, ratings, in-person
counts and a monthly cost, so the transparency pages of `make run` have
something to show. Idempotent; only with DJANGO_DEBUG=true."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F

from ciudadanos.models import Usuario


class Command(BaseCommand):
    help = "Carga un historial de solicitudes de demostración para la página de transparencia."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Cargar aunque DEBUG sea falso (pruebas).")

    def handle(self, *args, **options):
        """Six months of past requests of a few demo neighbours, so the
        transparency pages have something to show (only with DEBUG)."""
        import datetime
        import random
        from decimal import Decimal

        from django.utils import timezone

        from tramites.models import (
            ContadorExpediente,
            Estado,
            Evento,
            Solicitud,
            TipoEvento,
            Tramite,
        )
        from transparencia.models import AtencionPresencial, CostoMensual, Valoracion

        if not settings.DEBUG and not options.get("force"):
            raise CommandError("El historial de demostración solo se carga con DJANGO_DEBUG=true.")
        if Usuario.objects.filter(email="vecino1@demo.example.pe").exists():
            return
        azar = random.Random(2026)
        vecinos = [Usuario.objects.create_user(email=f"vecino{n}@demo.example.pe", password=None) for n in range(1, 5)]
        tramites = list(Tramite.objects.filter(activo=True))
        ahora = timezone.now()
        anio = timezone.localdate().year
        contador, _creado = ContadorExpediente.objects.get_or_create(anio=anio)
        filas = []
        for n in range(60):
            tramite = tramites[n % len(tramites)]
            presentada = ahora - datetime.timedelta(days=azar.randint(8, 180), hours=azar.randint(0, 9))
            dias = azar.randint(0, tramite.plazo_dias + 3)
            estado = azar.choice([Estado.APROBADA] * 5 + [Estado.DENEGADA, Estado.DESISTIDA])
            decidida = presentada + datetime.timedelta(days=dias * 7 // 5) if estado != Estado.DESISTIDA else None
            contador.ultimo += 1
            filas.append(Solicitud(
                expediente=f"EXP-{anio}-{contador.ultimo:06d}", tramite=tramite, ciudadano=vecinos[n % 4],
                estado=estado, declaracion_jurada=True,
                solicitante={"nombre_completo": "Vecina de demostración", "tipo_documento": "DNI",
                             "numero_documento": "00000000"},
                presentada_en=presentada, fecha_limite=(presentada + datetime.timedelta(days=tramite.plazo_dias * 7 // 5)).date(),
                decidida_en=decidida, dias_habiles_decision=dias if decidida else None,
                dentro_de_plazo=(dias <= tramite.plazo_dias) if decidida else None,
            ))
        contador.save(update_fields=["ultimo"])
        creadas = Solicitud.objects.bulk_create(filas)
        Solicitud.objects.filter(pk__in=[s.pk for s in creadas]).update(creado_en=F("presentada_en"))
        Evento.objects.bulk_create(
            [Evento(solicitud=s, tipo=TipoEvento.PRESENTADA, estado_nuevo=s.estado) for s in creadas]
        )
        Valoracion.objects.bulk_create([
            Valoracion(solicitud=s, puntaje=azar.choice([3, 4, 4, 5, 5]))
            for s in creadas if s.estado in (Estado.APROBADA, Estado.DENEGADA) and azar.random() < 0.6
        ])
        mes = timezone.localdate().replace(day=1)
        for tramite in tramites[:3]:
            AtencionPresencial.objects.get_or_create(tramite=tramite, mes=mes, defaults={"cantidad": 12})
        CostoMensual.objects.get_or_create(mes=mes, defaults={"monto": Decimal("1800.00")})
        self.stdout.write(self.style.SUCCESS("Historial de demostración listo (60 solicitudes)."))

