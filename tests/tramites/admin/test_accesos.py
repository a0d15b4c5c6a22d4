"""Ley 29733: each time a servant opens a request in the admin it is
recorded, and the citizen sees which office and role opened it, and when,
but not who."""

import time_machine
from django.test import Client

from tests.fixtures import INFORMACION, en_lima, presentar, servidor_de
from tramites.models import AccesoExpediente

from .conftest import url_accion, url_cambio

MI_SOLICITUD = "/mis-tramites/{}/"


def test_abrir_la_ficha_registra_el_acceso_y_el_ciudadano_lo_ve_sin_nombres(
    catalogo, ciudadano, admin_de, al_confirmar
):
    solicitud = presentar(ciudadano, INFORMACION)
    # In SG (resolves) and SGPV (unrelated to this procedure), with two roles.
    servidor = servidor_de("SG,SGPV", "jefe", "evaluador", nombres="Evaristo", apellido="Zegarrundo")
    web = Client()
    web.force_login(ciudadano)
    pagina = web.get(MI_SOLICITUD.format(solicitud.expediente)).content.decode()
    assert "Nadie del personal ha abierto tu expediente todavía." in pagina

    with time_machine.travel(en_lima(2026, 3, 10, 9, 30), tick=False), al_confirmar():
        assert admin_de(servidor).get(url_cambio(solicitud)).status_code == 200

    acceso = AccesoExpediente.objects.get(solicitud=solicitud)
    assert acceso.usuario == servidor
    assert acceso.oficina == "Secretaría General"
    assert acceso.rol == "Evaluador, Jefe de oficina"

    respuesta = web.get(MI_SOLICITUD.format(solicitud.expediente))
    assert respuesta.status_code == 200
    pagina = respuesta.content.decode()
    seccion = pagina.split("Quién revisó mi expediente", 1)[1]
    assert "<td>10/03/2026 09:30</td><td>Secretaría General</td><td>Evaluador, Jefe de oficina</td>" in seccion
    assert "Participación Vecinal" not in seccion
    for dato in (servidor.email, "Evaristo", "Zegarrundo", servidor.get_full_name()):
        assert dato not in pagina


def test_cada_apertura_cuenta_y_las_acciones_no(catalogo, ciudadano, admin_de):
    solicitud = presentar(ciudadano, INFORMACION)
    mesa = servidor_de("MPA", "mesa")
    cliente = admin_de(mesa)
    cliente.get(url_cambio(solicitud))
    cliente.get(url_cambio(solicitud))
    # A POST (an action, or the change form) is not an opening.
    cliente.post(url_accion(solicitud, "observar"), {"mensaje": ""})
    cliente.post(url_cambio(solicitud), {})
    assert list(AccesoExpediente.objects.values_list("oficina", "rol")) == [
        ("Mesa de Partes y Archivo", "Mesa de partes")
    ] * 2


def test_el_superusuario_queda_registrado_con_su_rol(catalogo, ciudadano, admin_de):
    solicitud = presentar(ciudadano, INFORMACION)
    admin_de(servidor_de(None, superusuario=True)).get(url_cambio(solicitud))
    acceso = AccesoExpediente.objects.get(solicitud=solicitud)
    assert (acceso.oficina, acceso.rol) == ("Secretaría General", "Administrador del sistema")
