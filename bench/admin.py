"""Server time of the back office's request list (a servant's default view)
and of a request's page, measured in-process on the benchmark database.
Prints one JSON line. Run by bench/run.py, once at 10,000 requests and once
after growing the table to 1,000,000 with bulk inserts."""

import json
import statistics
import sys
import time

import django

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from ciudadanos.models import Usuario  # noqa: E402
from tramites.models import Oficina, Solicitud  # noqa: E402
from tramites.roles import EVALUADOR, grupos_sincronizar  # noqa: E402


def servidor():
    usuario, nuevo = Usuario.objects.get_or_create(
        email="evaluadora.bench@villaesperanza.gob.pe", defaults={"is_staff": True}
    )
    if nuevo:
        grupos_sincronizar(Group, Permission)
        usuario.groups.add(Group.objects.get(name=EVALUADOR))
        Oficina.objects.get(sigla="SGPV").personal.add(usuario)
        if not Authenticator.objects.filter(user=usuario).exists():
            TOTP.activate(usuario, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return usuario


def crecer(hasta: int) -> None:
    """Adds filed requests with one INSERT ... SELECT until the table holds `hasta`."""
    actuales = Solicitud.objects.count()
    faltan = hasta - actuales
    if faltan <= 0:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO tramites_solicitud (
                uuid, expediente, tramite_id, ciudadano_id, estado, respuestas, solicitante,
                pago_canal, pago_numero, declaracion_jurada, presentada_en, fecha_limite,
                decidida_en, dias_habiles_decision, dentro_de_plazo, por_silencio,
                datos_sin_verificar, creado_en, actualizado_en)
            SELECT md5(random()::text || n)::uuid,
                   'EXP-2025-' || lpad((n + %s)::text, 7, '0'),
                   (SELECT id FROM tramites_tramite ORDER BY id OFFSET (n %% 8) LIMIT 1),
                   (SELECT id FROM ciudadanos_usuario ORDER BY id OFFSET (n %% 400) LIMIT 1),
                   (ARRAY['presentada','en_evaluacion','observada','aprobada','denegada',
                          'aprobada','denegada','desistida'])[1 + (n / 8) %% 8],
                   '{}'::jsonb,
                   '{"nombre_completo": "Vecina de prueba", "numero_documento": "40000000"}'::jsonb,
                   '', '', true,
                   now() - (n %% 400) * interval '1 day',
                   (now() - (n %% 400) * interval '1 day' + interval '14 days')::date,
                   CASE WHEN (n / 8) %% 8 IN (3, 4, 5, 6)
                        THEN now() - (n %% 400) * interval '1 day' + (n %% 20) * interval '1 day' END,
                   CASE WHEN (n / 8) %% 8 IN (3, 4, 5, 6) THEN n %% 15 END,
                   CASE WHEN (n / 8) %% 8 IN (3, 4, 5, 6) THEN n %% 15 < 11 END,
                   false, false,
                   now() - (n %% 400) * interval '1 day', now()
            FROM generate_series(1, %s) AS n
            """,
            [actuales, faltan],
        )
    # As autovacuum would: fresh statistics and visibility map.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tramites_solicitud")


def medir(cliente, ruta, veces=15):
    for _ in range(3):
        respuesta = cliente.get(ruta, HTTP_HOST="127.0.0.1")
        assert respuesta.status_code == 200, (ruta, respuesta.status_code)
    tiempos = []
    for _ in range(veces):
        inicio = time.perf_counter()
        cliente.get(ruta, HTTP_HOST="127.0.0.1")
        tiempos.append((time.perf_counter() - inicio) * 1000)
    return statistics.median(tiempos)


def main(hasta: int) -> None:
    crecer(hasta)
    usuario = servidor()
    cliente = Client()
    cliente.force_login(usuario)
    visible = (
        Solicitud.objects.filter(tramite__oficina_resolucion__sigla="SGPV")
        .exclude(estado="borrador")
        .order_by("id")
        .values_list("pk", flat=True)
        .first()
    )
    print(json.dumps({
        "solicitudes": Solicitud.objects.count(),
        "lista_ms": medir(cliente, "/admin/tramites/solicitud/"),
        "detalle_ms": medir(cliente, f"/admin/tramites/solicitud/{visible}/change/"),
    }))


if __name__ == "__main__":
    main(int(sys.argv[1]))
