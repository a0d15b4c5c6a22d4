"""Mis empresas: adding a company by RUC (checked with python-stdnum, then
with SUNAT through the local PIDE stand-in), the first representative
confirmed and any later one waiting, confirmations, rejections and
invitations by email, each with a message and harmless when sent twice."""

import datetime
import re
import socket

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from ciudadanos import empresas
from ciudadanos.models import ConsultaPide, Empresa, EstadoRepresentacion, Representacion
from egov.models import Mensaje
from tests.fixtures import persona

pytestmark = pytest.mark.django_db

AGREGAR = "/cuenta/empresas/agregar/"
ANDES = "20600000013"  # COMERCIAL LOS ANDES S.A.C., ACTIVO, HABIDO
RIMAC = "20600000021"  # INVERSIONES RIMAC E.I.R.L., BAJA DE OFICIO
SELVA = "20600000030"  # TRANSPORTES SELVA S.R.L., ACTIVO, NO HABIDO
INEXISTENTE = "20600000048"  # SUNAT has no such taxpayer
LENTA = "20600000056"  # SUNAT answers after 3 s
CAIDA = "20600000064"  # SUNAT answers 503


@pytest.fixture
def pide(usar_pide):
    return usar_pide


@pytest.fixture
def pide_caido(usar_pide):
    """PIDE configured, but nothing listens at its address: connections are refused."""
    with socket.socket() as libre:
        libre.bind(("127.0.0.1", 0))
        puerto = libre.getsockname()[1]
    usar_pide.PIDE_URL = f"http://127.0.0.1:{puerto}"
    return usar_pide


def entrar(web, usuario):
    web.force_login(usuario)
    return web


def avisos(respuesta) -> list[str]:
    return [str(m) for m in respuesta.context["messages"]] if respuesta.context else []


def test_un_ruc_con_digito_verificador_errado_se_rechaza_sin_consultar_ni_guardar(web, ciudadano, pide):
    entrar(web, ciudadano)
    respuesta = web.post(AGREGAR, {"ruc": "20600000014"})
    assert respuesta.status_code == 400
    texto = respuesta.content.decode()
    assert "su último dígito no corresponde" in texto
    assert 'value="20600000014"' in texto  # what was typed stays
    assert not Empresa.objects.exists() and not Representacion.objects.exists()
    assert not ConsultaPide.objects.exists()  # SUNAT is not even asked


def test_un_ruc_10_se_explica_y_no_se_agrega(web, ciudadano, pide):
    entrar(web, ciudadano)
    respuesta = web.post(AGREGAR, {"ruc": "10101174102"})
    assert respuesta.status_code == 400
    assert "empieza con 20" in respuesta.content.decode()
    assert not Empresa.objects.exists()


def test_una_empresa_activa_queda_verificada_y_su_primer_representante_confirmado(web, ciudadano, pide):
    entrar(web, ciudadano)
    respuesta = web.post(AGREGAR, {"ruc": f" {ANDES} "}, follow=True)
    assert respuesta.status_code == 200
    empresa = Empresa.objects.get(ruc=ANDES)
    assert empresa.razon_social == "COMERCIAL LOS ANDES S.A.C."
    assert empresa.verificada_en is not None and empresa.domicilio_fiscal
    representacion = Representacion.objects.get(empresa=empresa, usuario=ciudadano)
    assert representacion.estado == EstadoRepresentacion.CONFIRMADA
    assert any("Ya puedes presentar trámites a su nombre" in m for m in avisos(respuesta))
    assert "COMERCIAL LOS ANDES S.A.C." in respuesta.content.decode()
    consulta = ConsultaPide.objects.get()
    assert (consulta.servicio, consulta.documento, consulta.titular, consulta.origen, consulta.resultado) == (
        "sunat", ANDES, ciudadano, "ciudadano", "encontrado")
    assert consulta.motivo == "Agregar una empresa que representas"
    # Sent twice (a double click): one company, one representation, an informative message.
    otra = web.post(AGREGAR, {"ruc": ANDES}, follow=True)
    assert any("Ya tenías agregada" in m for m in avisos(otra))
    assert Representacion.objects.count() == 1


def test_una_empresa_de_baja_se_rechaza_con_su_estado(web, ciudadano, pide):
    entrar(web, ciudadano)
    respuesta = web.post(AGREGAR, {"ruc": RIMAC})
    assert respuesta.status_code == 400
    texto = respuesta.content.decode()
    assert "BAJA DE OFICIO" in texto and "empresa activa" in texto
    assert not Empresa.objects.exists() and not Representacion.objects.exists()
    assert ConsultaPide.objects.get().resultado == "encontrado"  # the lookup itself is recorded


def test_una_empresa_no_habida_se_acepta_con_una_advertencia(web, ciudadano, pide):
    entrar(web, ciudadano)
    respuesta = web.post(AGREGAR, {"ruc": SELVA}, follow=True)
    assert respuesta.status_code == 200
    assert any("NO HABIDA" in m for m in avisos(respuesta))
    empresa = Empresa.objects.get(ruc=SELVA)
    assert empresa.condicion == "NO HABIDO" and empresa.verificada_en is not None
    assert Representacion.objects.get(empresa=empresa).confirmada


def test_un_ruc_que_sunat_no_conoce_pide_revisarlo(web, ciudadano, pide):
    entrar(web, ciudadano)
    respuesta = web.post(AGREGAR, {"ruc": INEXISTENTE})
    assert respuesta.status_code == 400
    assert "SUNAT no tiene un contribuyente" in respuesta.content.decode()
    assert not Empresa.objects.exists()
    assert ConsultaPide.objects.get().resultado == "no_encontrado"


def test_con_pide_caido_el_ciudadano_escribe_la_razon_social_y_queda_sin_verificar(web, ciudadano, pide_caido):
    entrar(web, ciudadano)
    primera = web.post(AGREGAR, {"ruc": ANDES})
    assert primera.status_code == 400
    texto = primera.content.decode()
    assert "SUNAT no responde" in texto and 'name="razon_social"' in texto
    assert f'value="{ANDES}"' in texto
    assert not Empresa.objects.exists()
    assert ConsultaPide.objects.get().resultado == "no_disponible"

    sin_nombre = web.post(AGREGAR, {"ruc": ANDES, "razon_social": ""})
    assert sin_nombre.status_code == 400
    assert not Empresa.objects.exists()

    respuesta = web.post(AGREGAR, {"ruc": ANDES, "razon_social": "Comercial Los Andes S.A.C."}, follow=True)
    assert respuesta.status_code == 200
    empresa = Empresa.objects.get(ruc=ANDES)
    assert empresa.razon_social == "Comercial Los Andes S.A.C." and empresa.verificada_en is None
    assert Representacion.objects.get(empresa=empresa).confirmada
    assert any("sin verificar" in m for m in avisos(respuesta))


@pytest.mark.parametrize("ruc, caso", [(LENTA, "lenta"), (CAIDA, "caida")])
def test_sunat_lenta_o_caida_no_detiene_al_ciudadano(web, ciudadano, pide, ruc, caso):
    """A SUNAT answer slower than PIDE_TIMEOUT (2 s) or a 503: the citizen is
    asked for the business name instead of waiting, and the lookup is recorded
    as not available."""
    entrar(web, ciudadano)
    primera = web.post(AGREGAR, {"ruc": ruc})
    assert primera.status_code == 400
    assert "SUNAT no responde" in primera.content.decode()
    assert ConsultaPide.objects.get().resultado == "no_disponible"
    web.post(AGREGAR, {"ruc": ruc, "razon_social": f"Empresa {caso} S.A.C."})
    empresa = Empresa.objects.get(ruc=ruc)
    assert empresa.verificada_en is None
    assert Representacion.objects.get(empresa=empresa, usuario=ciudadano).confirmada


def test_un_segundo_representante_espera_hasta_que_el_primero_lo_confirme(web, ciudadano, pide):
    client = Client()
    entrar(web, ciudadano)
    web.post(AGREGAR, {"ruc": ANDES})
    empresa = Empresa.objects.get(ruc=ANDES)
    segundo = persona(nombres="Pedro", apellido_paterno="Quispe", numero_documento="40000004")
    client.force_login(segundo)
    respuesta = client.post(AGREGAR, {"ruc": ANDES}, follow=True)
    assert any("Otra persona ya la representa" in m for m in avisos(respuesta))
    pendiente = Representacion.objects.get(empresa=empresa, usuario=segundo)
    assert pendiente.estado == EstadoRepresentacion.PENDIENTE
    # The confirmed representative is told by email, with the page to decide.
    aviso = Mensaje.objects.get(referencia=f"empresa:{empresa.pk}")
    assert aviso.para == ciudadano.email and f"/cuenta/empresas/{empresa.pk}/" in aviso.texto
    # The pending one sees their status, not the other representatives nor the buttons.
    propia = client.get(f"/cuenta/empresas/{empresa.pk}/").content.decode()
    assert "Pendiente de confirmación" in propia and ciudadano.email not in propia
    url = f"/cuenta/empresas/{empresa.pk}/representantes/{pendiente.pk}/confirmar/"
    assert client.post(url).status_code == 404  # nobody confirms themself

    pagina = web.get(f"/cuenta/empresas/{empresa.pk}/").content.decode()
    assert segundo.email in pagina and url in pagina
    confirmada = web.post(url, follow=True)
    assert any("Confirmaste a Pedro Quispe" in m for m in avisos(confirmada))
    pendiente.refresh_from_db()
    assert pendiente.confirmada and pendiente.confirmada_por == ciudadano
    otra_vez = web.post(url, follow=True)
    assert any("ya estaba confirmado" in m for m in avisos(otra_vez))


def test_rechazar_un_pedido_lo_borra_y_otro_ciudadano_no_decide_nada(web, ciudadano, otro_ciudadano, pide):
    client = Client()
    entrar(web, ciudadano)
    web.post(AGREGAR, {"ruc": ANDES})
    empresa = Empresa.objects.get(ruc=ANDES)
    client.force_login(otro_ciudadano)
    client.post(AGREGAR, {"ruc": ANDES})
    pendiente = Representacion.objects.get(usuario=otro_ciudadano)
    rechazar = f"/cuenta/empresas/{empresa.pk}/representantes/{pendiente.pk}/rechazar/"
    tercero = persona(nombres="Rosa", apellido_paterno="Flores", numero_documento="40000003")
    client.force_login(tercero)
    assert client.post(rechazar).status_code == 404
    assert client.get(f"/cuenta/empresas/{empresa.pk}/").status_code == 404
    respuesta = web.post(rechazar, follow=True)
    assert any("Rechazaste el pedido" in m for m in avisos(respuesta))
    assert not Representacion.objects.filter(pk=pendiente.pk).exists()
    assert any("ya no estaba pendiente" in m for m in avisos(web.post(rechazar, follow=True)))


def _enlace_de_invitacion(buzon, correo) -> str:
    """The link in the invitation email (the outbox keeps no copy of a body with a one-time link)."""
    mensaje = [m for m in buzon if m.to == [correo]][-1]
    return re.search(r"https?://\S+/cuenta/empresas/invitacion/\S+/", mensaje.body).group(0)


def test_una_invitacion_por_correo_confirma_a_quien_inicia_sesion_con_ese_correo(web, ciudadano, pide, mailoutbox):
    client = Client()
    entrar(web, ciudadano)
    web.post(AGREGAR, {"ruc": ANDES})
    empresa = Empresa.objects.get(ruc=ANDES)
    mal = web.post(f"/cuenta/empresas/{empresa.pk}/invitar/", {"correo": "no-es-un-correo"})
    assert mal.status_code == 400 and "Escribe un correo válido" in mal.content.decode()
    respuesta = web.post(f"/cuenta/empresas/{empresa.pk}/invitar/", {"correo": "Gerencia@Andes.pe"}, follow=True)
    assert any("Enviamos la invitación a Gerencia@Andes.pe" in m for m in avisos(respuesta))
    ruta = _enlace_de_invitacion(mailoutbox, "gerencia@andes.pe").split("://", 1)[1].split("/", 1)[1]
    ruta = "/" + ruta

    intruso = persona(nombres="Rosa", apellido_paterno="Flores", numero_documento="40000003")
    client.force_login(intruso)
    ajena = client.post(ruta)
    assert ajena.status_code == 400 and "se envió a otro correo" in ajena.content.decode()
    assert not Representacion.objects.filter(usuario=intruso).exists()

    invitada = persona(nombres="María", apellido_paterno="Torres", numero_documento="40000001")
    invitada.email = "gerencia@andes.pe"
    invitada.save()
    client.force_login(invitada)
    pagina = client.get(ruta)
    assert pagina.status_code == 200 and "COMERCIAL LOS ANDES S.A.C." in pagina.content.decode()
    aceptada = client.post(ruta, follow=True)
    assert any("Aceptaste la invitación" in m for m in avisos(aceptada))
    representacion = Representacion.objects.get(usuario=invitada)
    assert representacion.confirmada and representacion.invitada_por == ciudadano
    assert any("Ya representabas" in m for m in avisos(client.post(ruta, follow=True)))

    danado = client.get(ruta[:-5] + "xxxx/")
    assert danado.status_code == 400 and "fue modificado" in danado.content.decode()


def test_solo_un_representante_confirmado_invita(client, ciudadano, otro_ciudadano, pide):
    client.force_login(ciudadano)
    client.post(AGREGAR, {"ruc": ANDES})
    empresa = Empresa.objects.get(ruc=ANDES)
    client.force_login(otro_ciudadano)
    client.post(AGREGAR, {"ruc": ANDES})
    antes = Mensaje.objects.count()
    assert client.post(f"/cuenta/empresas/{empresa.pk}/invitar/", {"correo": "x@y.pe"}).status_code == 404
    assert Mensaje.objects.count() == antes


def test_la_invitacion_vence(ciudadano, otro_ciudadano):
    empresa = Empresa.objects.create(ruc=ANDES, razon_social="COMERCIAL LOS ANDES S.A.C.")
    Representacion.objects.create(empresa=empresa, usuario=ciudadano, estado=EstadoRepresentacion.CONFIRMADA)
    enlaces = []
    empresas.invitacion_enviar(empresa=empresa, por=ciudadano, correo=otro_ciudadano.email,
                               enlace=lambda token: enlaces.append(token) or token)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=empresas.INVITACION_DIAS + 1)):
        with pytest.raises(empresas.InvitacionInvalida, match="venció"):
            empresas.invitacion_leer(token=enlaces[0], usuario=otro_ciudadano)


def test_descargar_mis_datos_incluye_las_empresas_que_represento(web, ciudadano, otro_ciudadano):
    empresa = Empresa.objects.create(ruc=ANDES, razon_social="COMERCIAL LOS ANDES S.A.C.")
    Representacion.objects.create(empresa=empresa, usuario=ciudadano, estado=EstadoRepresentacion.CONFIRMADA,
                                  confirmada_en=timezone.now())
    Representacion.objects.create(empresa=empresa, usuario=otro_ciudadano)
    entrar(web, ciudadano)
    datos = web.get("/cuenta/mis-datos/").json()
    assert [(e["ruc"], e["razon_social"], e["representacion"]) for e in datos["empresas"]] == [
        (ANDES, "COMERCIAL LOS ANDES S.A.C.", "Confirmada")]
    entrar(web, otro_ciudadano)
    assert web.get("/cuenta/mis-datos/").json()["empresas"][0]["representacion"] == "Pendiente de confirmación"
