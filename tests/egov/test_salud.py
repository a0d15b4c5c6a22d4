import socket

import pytest
from django.urls import reverse

from egov import salud


@pytest.fixture
def registro(monkeypatch):
    """The checks the apps registered, plus those a test registers (forgotten afterwards)."""
    monkeypatch.setattr(salud, "_COMPROBACIONES", dict(salud._COMPROBACIONES))
    return salud.comprobacion_registrar


@pytest.mark.django_db
def test_salud_informa_base_de_datos_y_redis(client, settings):
    respuesta = client.get(reverse("salud"))
    assert respuesta.status_code == 200
    datos = respuesta.json()
    assert datos["estado"] == "ok"
    assert datos["base_de_datos"] == "ok"
    assert datos["redis"] == ("ok" if settings.REDIS_URL else "no configurado")
    # The issued documents, registered by their app.
    assert datos["documentos"] == {"estado": "ok", "fallando": 0, "sin_reintento": 0}


@pytest.mark.django_db
def test_algo_que_necesita_una_persona_es_degradado_con_200(client, registro):
    """A load balancer keeps a healthy web host in service; an operator reads why."""
    registro("cola", lambda: {"estado": "degradado", "atascados": 3})
    respuesta = client.get(reverse("salud"))
    assert respuesta.status_code == 200
    assert respuesta.json()["estado"] == "degradado"
    assert respuesta.json()["cola"] == {"estado": "degradado", "atascados": 3}


@pytest.mark.django_db
def test_una_comprobacion_que_falla_no_tumba_la_respuesta(client, registro):
    def rota():
        raise RuntimeError("sin datos")

    registro("rota", rota)
    respuesta = client.get(reverse("salud"))
    assert respuesta.status_code == 200
    assert respuesta.json()["estado"] == "degradado"
    assert respuesta.json()["rota"] == {"estado": "error: RuntimeError"}


@pytest.mark.django_db
def test_sin_redis_responde_503(client, settings, registro):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        puerto = s.getsockname()[1]  # nobody listens there once closed
    settings.REDIS_URL = f"redis://127.0.0.1:{puerto}/0"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}
    }
    llamadas = []
    registro("cola", lambda: llamadas.append(1) or {"estado": "ok"})
    respuesta = client.get(reverse("salud"))
    assert respuesta.status_code == 503
    assert respuesta.json()["estado"] == "error"
    assert respuesta.json()["redis"].startswith("error")
    assert llamadas == []  # the apps' checks wait until the shared services answer
