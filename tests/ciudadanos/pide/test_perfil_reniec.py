"""The profile with RENIEC through the PIDE stand-in: names filled and
verified, typed names never overwritten (the difference goes to the staff),
and a profile that saves whatever PIDE does."""

import time

import pytest

from ciudadanos import services
from ciudadanos.models import ConsultaPide, Perfil
from tests import factories
from tests.ciudadanos.test_perfil import Pagina, datos

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

EDITAR = "/cuenta/perfil/editar/"


@pytest.fixture
def cliente(client, db):
    usuario = factories.UsuarioFactory()
    client.force_login(usuario)
    client.usuario = usuario
    return client


def con_dni(dni, **cambios):
    return datos(numero_documento=dni, **cambios)


def sin_nombres(dni, **cambios):
    return con_dni(dni, nombres="", apellido_paterno="", apellido_materno="", **cambios)


def perfil_de(cliente) -> Perfil:
    return Perfil.objects.get(usuario=cliente.usuario)


def consultas():
    return list(ConsultaPide.objects.order_by("id").values_list("documento", "origen", "resultado", "motivo"))


def test_nombres_en_blanco_se_llenan_desde_reniec_y_quedan_verificados(usar_pide, cliente):
    respuesta = cliente.post(EDITAR, sin_nombres("40000001"), follow=True)
    assert respuesta.status_code == 200
    perfil = perfil_de(cliente)
    assert (perfil.nombres, perfil.apellido_paterno, perfil.apellido_materno) == ("ROSA ELENA", "QUISPE", "HUAMAN")
    assert perfil.datos_reniec_en is not None and perfil.discrepancia_reniec == ""
    assert consultas() == [("40000001", "ciudadano", "encontrado", "Completar tu perfil")]
    contenido = respuesta.content.decode()
    assert "Verificamos tus nombres con RENIEC" in contenido
    assert "¿Por qué no puedo cambiar esto?" in contenido

    # Read-only on the form, with the explanation in a <details> (no JavaScript needed).
    formulario = cliente.get(EDITAR).content.decode()
    pagina = Pagina(formulario)
    assert {"nombres", "apellido_paterno", "apellido_materno"} <= pagina.deshabilitados
    assert "<details" in formulario and "¿Por qué no puedo cambiar esto?" in formulario
    # A forged POST does not change them, and no new lookup is made.
    cliente.post(EDITAR, con_dni("40000001", nombres="Otra", apellido_paterno="Persona", telefono="912345678"))
    perfil.refresh_from_db()
    assert (perfil.nombres, perfil.telefono) == ("ROSA ELENA", "+51912345678")
    assert len(consultas()) == 1


def test_nombres_escritos_iguales_a_reniec_se_conservan_y_se_verifican(usar_pide, cliente):
    cliente.post(EDITAR, con_dni("40000001", nombres="Rosa  Elena", apellido_paterno="Quispe",
                                 apellido_materno="Huamán"))
    perfil = perfil_de(cliente)
    assert (perfil.nombres, perfil.apellido_materno) == ("Rosa Elena", "Huamán")  # as the citizen wrote them
    assert perfil.datos_reniec_en is not None


def test_nombres_distintos_no_se_sobrescriben_y_quedan_para_el_personal(usar_pide, cliente):
    respuesta = cliente.post(EDITAR, con_dni("40000001", nombres="Rosa", apellido_paterno="Quispe",
                                             apellido_materno="Huamán"), follow=True)
    perfil = perfil_de(cliente)
    assert (perfil.nombres, perfil.datos_reniec_en) == ("Rosa", None)
    assert "escrito «Rosa», RENIEC «ROSA ELENA»" in perfil.discrepancia_reniec
    assert "primer apellido" not in perfil.discrepancia_reniec  # only what differs
    contenido = respuesta.content.decode()
    assert "no coinciden con los que registra RENIEC para tu DNI (nombres)" in contenido
    assert "ROSA ELENA" not in contenido  # the citizen is told which name, not RENIEC's value
    # Corrected: verified, and the difference is gone.
    cliente.post(EDITAR, con_dni("40000001", nombres="Rosa Elena", apellido_paterno="Quispe",
                                 apellido_materno="Huamán"))
    perfil.refresh_from_db()
    assert perfil.datos_reniec_en is not None and perfil.discrepancia_reniec == ""


@pytest.mark.parametrize("dni, resultado", [("49999992", "no_disponible"), ("49999991", "no_disponible")])
def test_pide_caido_o_lento_el_ciudadano_escribe_sus_nombres(usar_pide, cliente, dni, resultado):
    inicio = time.monotonic()
    respuesta = cliente.post(EDITAR, sin_nombres(dni))
    assert time.monotonic() - inicio < 2.9
    assert respuesta.status_code == 400
    pagina = Pagina(respuesta.content.decode())
    assert "No pudimos consultar tus nombres en RENIEC" in " ".join(t for _h, t in pagina.resumen)
    assert pagina.valores["numero_documento"] == dni and pagina.valores["direccion"] == "Av. Larco 123"
    assert not Perfil.objects.filter(usuario=cliente.usuario).exists()

    respuesta = cliente.post(EDITAR, con_dni(dni), follow=True)
    perfil = perfil_de(cliente)
    assert (perfil.nombres, perfil.datos_reniec_en) == ("María José", None)
    assert "RENIEC no respondió en este momento" in respuesta.content.decode()
    assert [c[2] for c in consultas()] == [resultado, resultado]


def test_reniec_no_encuentra_el_dni(usar_pide, cliente):
    respuesta = cliente.post(EDITAR, sin_nombres("49999990"))
    assert respuesta.status_code == 400
    pagina = Pagina(respuesta.content.decode())
    assert [(h, t) for h, t in pagina.resumen if "RENIEC" in t] == [
        ("#id_numero_documento", "RENIEC no tiene registrado ese DNI. Revisa el número: son las 8 cifras de tu DNI.")
    ]
    respuesta = cliente.post(EDITAR, con_dni("49999990"), follow=True)
    assert perfil_de(cliente).datos_reniec_en is None
    assert "RENIEC no encontró tu DNI" in respuesta.content.decode()


@pytest.mark.parametrize("clave", ["otra", "clave-vencida"])
def test_credenciales_de_la_entidad_rechazadas_no_impiden_guardar(usar_pide, cliente, clave):
    usar_pide.PIDE_CLAVE = clave
    cliente.post(EDITAR, con_dni("40000001"))
    assert perfil_de(cliente).datos_reniec_en is None
    assert [c[2] for c in consultas()] == ["rechazada"]


def test_corte_abierto_no_consulta(usar_pide, cliente, pide_simulado_proceso):
    usar_pide.PIDE_CORTE_FALLOS = 1
    usar_pide.PIDE_REINTENTOS = 0
    otro = factories.UsuarioFactory()
    with pytest.raises(services.NombresRequeridos):
        services.perfil_guardar_con_reniec(usuario=otro, datos={**_limpios("49999992"), "nombres": ""})
    antes = len(pide_simulado_proceso.peticiones())
    cliente.post(EDITAR, con_dni("40000001"))
    assert perfil_de(cliente).datos_reniec_en is None
    assert len(pide_simulado_proceso.peticiones()) == antes
    assert consultas()[-1][2] == "no_disponible"


def _limpios(dni):
    import datetime

    return {"tipo_documento": "DNI", "numero_documento": dni, "digito_verificacion": "", "nombres": "María",
            "apellido_paterno": "Pérez", "apellido_materno": "", "fecha_nacimiento": datetime.date(1990, 3, 27),
            "telefono": "+51987654321", "direccion": "Av. Larco 123", "ubigeo": "150122"}


def test_carne_de_extranjeria_no_se_consulta_y_pide_los_nombres(usar_pide, cliente):
    respuesta = cliente.post(EDITAR, datos(tipo_documento="CE", numero_documento="001234567", nombres=""))
    assert respuesta.status_code == 400
    assert "Ingresa tus nombres como figuran en tu documento." in respuesta.content.decode()
    assert consultas() == []


def test_dni_de_otra_cuenta_no_se_consulta(usar_pide, cliente):
    factories.PerfilFactory(numero_documento="40000002")
    respuesta = cliente.post(EDITAR, sin_nombres("40000002"))
    assert respuesta.status_code == 400
    assert "Ya existe una cuenta con ese documento" in respuesta.content.decode()
    assert consultas() == []  # nobody learns the names behind someone else's DNI


def test_limite_diario_de_consultas_desde_el_perfil(usar_pide, cliente):
    for _ in range(services.RENIEC_CONSULTAS_DIARIAS):
        cliente.post(EDITAR, con_dni("49999990"))
    assert len(consultas()) == services.RENIEC_CONSULTAS_DIARIAS
    respuesta = cliente.post(EDITAR, sin_nombres("40000003"))
    assert respuesta.status_code == 400  # types the names instead
    assert len(consultas()) == services.RENIEC_CONSULTAS_DIARIAS


def test_sin_pide_todo_sigue_como_antes(settings, cliente):
    settings.PIDE_URL = ""
    respuesta = cliente.post(EDITAR, sin_nombres("40000001"))
    assert respuesta.status_code == 400
    assert "Ingresa tus nombres como figuran en tu documento." in respuesta.content.decode()
    assert consultas() == []
