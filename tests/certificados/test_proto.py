import time, io
import pytest
from tests.certificados.conftest import *
from egov.tareas import _publicar
from ciudadanos.tasks import correo_enviar

def test_proto(redis_propio):
    redis_propio.arrancar()
    c = redis_propio.cliente()
    with broker_en(redis_propio.url):
        def pub():
            t0=time.monotonic(); _publicar(correo_enviar, {"asunto":"a","texto":"b","para":["x@example.pe"]}); return round(time.monotonic()-t0,2), c.llen("default") if redis_propio.proceso else None
        print("up", pub())
        redis_propio.detener()
        print("down", pub(), pub())
        redis_propio.arrancar()
        print("up again", pub(), pub())
        redis_propio.detener(); redis_propio.arrancar()
        print("restart", pub(), pub())
