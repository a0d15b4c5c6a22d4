"""Seeds the benchmark database: the catalog, 10,000+ filed requests spread
over many citizens, and one citizen with 20 requests whose session cookie is
printed for the load tool (as JSON on the last line)."""

import datetime
import json
import random
import sys

import django

django.setup()

from importlib import import_module  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from ciudadanos.models import Perfil, Usuario  # noqa: E402
from tramites.models import Estado, Evento, Solicitud, TipoEvento, Tramite  # noqa: E402

ESTADOS = [Estado.PRESENTADA, Estado.EN_EVALUACION, Estado.OBSERVADA, Estado.APROBADA, Estado.DENEGADA]


def sembrar(total: int, propias: int) -> dict:
    call_command("catalogo_cargar", verbosity=0)
    azar = random.Random(2026)
    tramites = list(Tramite.objects.prefetch_related("campos"))
    principal = Usuario.objects.create_user(email="bench@example.pe", password=None)
    Perfil.objects.create(
        usuario=principal, tipo_documento="DNI", numero_documento="10117410", nombres="Ana",
        apellido_paterno="Quispe", fecha_nacimiento=datetime.date(1990, 3, 27),
        telefono="+51987654321", direccion="Av. Grau 100", ubigeo="150101",
    )
    otros = Usuario.objects.bulk_create(
        [Usuario(email=f"vecino{n}@example.pe", password="!") for n in range(500)]
    )
    ahora = timezone.now()
    solicitudes = []
    for n in range(total):
        tramite = tramites[n % len(tramites)]
        presentada = ahora - datetime.timedelta(days=azar.randint(0, 365), minutes=n)
        solicitudes.append(
            Solicitud(
                expediente=f"EXP-2026-{n + 1:06d}",
                tramite=tramite,
                ciudadano=principal if n < propias else otros[n % len(otros)],
                estado=azar.choice(ESTADOS),
                respuestas={c.nombre: "Respuesta de prueba" for c in tramite.campos.all()},
                presentada_en=presentada,
                fecha_limite=presentada.date() + datetime.timedelta(days=14),
                declaracion_jurada=True,
            )
        )
    Solicitud.objects.bulk_create(solicitudes, batch_size=2000)
    ids = Solicitud.objects.values_list("pk", "estado")
    Evento.objects.bulk_create(
        [Evento(solicitud_id=pk, tipo=TipoEvento.PRESENTADA, estado_nuevo=estado) for pk, estado in ids],
        batch_size=5000,
    )
    # The portal's own session engine (cached_db: the row in PostgreSQL, a copy in Redis).
    sesion = import_module(settings.SESSION_ENGINE).SessionStore()
    sesion[SESSION_KEY] = str(principal.pk)
    sesion[BACKEND_SESSION_KEY] = "ciudadanos.backends.AutenticacionConCache"
    sesion[HASH_SESSION_KEY] = principal.get_session_auth_hash()
    sesion.create()
    return {
        "sesion": sesion.session_key,
        "expediente": "EXP-2026-000001",
        "slug": tramites[0].slug,
        "solicitudes": Solicitud.objects.count(),
        "propias": Solicitud.objects.filter(ciudadano=principal).count(),
    }


if __name__ == "__main__":
    print(json.dumps(sembrar(int(sys.argv[1]), int(sys.argv[2]))))
