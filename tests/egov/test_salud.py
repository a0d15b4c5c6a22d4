import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_salud_informa_base_de_datos_y_redis(client, settings):
    respuesta = client.get(reverse("salud"))
    assert respuesta.status_code == 200
    datos = respuesta.json()
    assert datos["estado"] == "ok"
    assert datos["base_de_datos"] == "ok"
    assert datos["redis"] == ("ok" if settings.REDIS_URL else "no configurado")
