import time, io
import pytest
from tests.certificados.conftest import *
from tramites.models import EstadoDocumento

@pytest.mark.django_db(transaction=True)
def test_proto(catalogo, ciudadano, redis_propio):
    redis_propio.arrancar(); redis_propio.detener()
    with broker_en(redis_propio.url):
        t0=time.monotonic()
        s = presentar(ciudadano, DOMICILIO)
        print("presentar", time.monotonic()-t0)
        t0=time.monotonic()
        s = aprobar(s, nota="x")
        print("aprobar", time.monotonic()-t0)
    c = certificado_de(s)
    print(c.estado)
