"""Time to compute every public figure (transparencia) on the benchmark
database, median of 3 runs. Prints one JSON line."""

import json
import statistics
import time

import django

django.setup()

from tramites.models import Solicitud  # noqa: E402
from transparencia.selectors import indicadores_calcular  # noqa: E402

tiempos = []
for _ in range(3):
    inicio = time.perf_counter()
    datos = indicadores_calcular()
    tiempos.append(time.perf_counter() - inicio)
print(json.dumps({"solicitudes": Solicitud.objects.count(), "segundos": statistics.median(tiempos),
                  "presentadas_12_meses": datos["total"]["presentadas"]}))
