"""One account per identity document, even when two registrations with the same
DNI arrive at the same moment (real PostgreSQL, two connections)."""

import threading

import pytest
from django.db import connection

from ciudadanos import services
from ciudadanos.models import Perfil
from tests.factories import UsuarioFactory

DATOS = {
    "tipo_documento": "DNI",
    "numero_documento": "10117410",
    "digito_verificacion": "2",
    "nombres": "Ch'aska",
    "apellido_paterno": "Quispe",
    "apellido_materno": "",
    "fecha_nacimiento": __import__("datetime").date(1990, 3, 27),
    "telefono": "+51987654321",
    "direccion": "Av. Grau 100",
    "ubigeo": "150101",
}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_dos_registros_simultaneos_con_el_mismo_dni_solo_uno_gana():
    usuarios = [UsuarioFactory(), UsuarioFactory()]
    barrera = threading.Barrier(len(usuarios))
    resultados = []

    def registrar(usuario):
        try:
            barrera.wait(timeout=10)
            services.perfil_guardar(usuario=usuario, datos=DATOS)
            resultados.append("ok")
        except services.DocumentoYaRegistrado as error:
            resultados.append(error.messages[0])
        finally:
            connection.close()

    hilos = [threading.Thread(target=registrar, args=(u,)) for u in usuarios]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join(timeout=30)

    assert sorted(resultados, key=len)[0] == "ok"
    assert resultados.count("ok") == 1
    rechazo = next(r for r in resultados if r != "ok")
    assert "Ya existe una cuenta con ese documento" in rechazo
    assert Perfil.objects.filter(numero_documento="10117410").count() == 1
