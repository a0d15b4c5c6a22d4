"""The consent to be notified in the casilla electrónica (Ley 31736): the
text, date, IP and identity level are stored on acceptance; withdrawing
keeps the row as evidence; accepting again is a new row; the pages need a
login and show each citizen only their own."""

import pytest
from django.utils import timezone

from ciudadanos import canales
from ciudadanos.models import CanalAviso, ConsentimientoNotificacion, NivelIngreso, TipoCanal
from ciudadanos.niveles import SESION_NIVEL
from tests.factories import UsuarioFactory

pytestmark = pytest.mark.django_db

AVISOS = "/cuenta/avisos/"
CONSENTIMIENTO = "/cuenta/avisos/consentimiento/"
RETIRAR = "/cuenta/avisos/consentimiento/retirar/"


@pytest.fixture
def usuario():
    return UsuarioFactory()


def entrar(client, usuario, nivel=None):
    client.force_login(usuario)
    if nivel is not None:
        sesion = client.session
        sesion[SESION_NIVEL] = int(nivel)
        sesion.save()
    return client


def test_aceptar_guarda_el_texto_la_fecha_la_ip_y_el_nivel_de_ingreso(client, usuario):
    entrar(client, usuario, nivel=NivelIngreso.IDGOBPE_DOS_FACTORES)
    pagina = client.get(CONSENTIMIENTO).content.decode()
    assert "Ley N.° 31736" in pagina  # the whole text is shown before accepting
    assert 'name="acepto"' in pagina

    antes = timezone.now()
    respuesta = client.post(CONSENTIMIENTO, {"acepto": "on"}, REMOTE_ADDR="203.0.113.7", follow=True)
    assert respuesta.redirect_chain[-1][0] == AVISOS
    texto = respuesta.content.decode()
    assert "Aceptaste la notificación electrónica" in texto
    assert "Aceptada" in texto and "Ver el texto que aceptaste" in texto

    consentimiento = ConsentimientoNotificacion.objects.get(usuario=usuario)
    assert consentimiento.texto == canales.consentimiento_texto()
    assert consentimiento.version == canales.CONSENTIMIENTO_VERSION
    assert consentimiento.ip == "203.0.113.7"
    assert consentimiento.nivel_ingreso == NivelIngreso.IDGOBPE_DOS_FACTORES
    assert antes <= consentimiento.aceptado_en <= timezone.now()
    assert consentimiento.retirado_en is None


def test_con_la_clave_del_portal_queda_el_nivel_1(client, usuario):
    entrar(client, usuario)
    client.post(CONSENTIMIENTO, {"acepto": "on"})
    assert ConsentimientoNotificacion.objects.get(usuario=usuario).nivel_ingreso == NivelIngreso.CLAVE


def test_sin_marcar_la_casilla_no_se_acepta_y_se_explica(client, usuario):
    entrar(client, usuario)
    respuesta = client.post(CONSENTIMIENTO, {})
    assert respuesta.status_code == 400
    texto = respuesta.content.decode()
    assert "Hay un problema" in texto and 'href="#id_acepto"' in texto
    assert "Marca la casilla para aceptar" in texto
    assert not ConsentimientoNotificacion.objects.exists()


def test_el_texto_aceptado_se_puede_volver_a_leer(client, usuario):
    canales.consentimiento_aceptar(usuario=usuario, ip="198.51.100.4", nivel_ingreso=NivelIngreso.CLAVE_Y_CODIGO)
    ConsentimientoNotificacion.objects.filter(usuario=usuario).update(texto="Texto de la versión anterior.")
    entrar(client, usuario)
    pagina = client.get(CONSENTIMIENTO).content.decode()
    assert "El texto que aceptaste" in pagina
    assert "Texto de la versión anterior." in pagina  # the text accepted, not today's
    assert "Contraseña del portal y código de tu aplicación" in pagina
    assert 'name="acepto"' not in pagina


def test_retirar_pide_confirmacion_explica_las_consecuencias_y_conserva_la_fila(client, usuario):
    canales.consentimiento_aceptar(usuario=usuario, ip="198.51.100.4", nivel_ingreso=1)
    entrar(client, usuario)
    pagina = client.get(RETIRAR).content.decode()
    assert "¿Retirar tu consentimiento a la notificación electrónica?" in pagina
    assert "ya no se depositarán en tu casilla" in pagina
    assert "en tu domicilio, lo que puede tardar más" in pagina
    assert "Dejarás de recibir los avisos" in pagina
    assert canales.consentimiento_vigente(usuario_id=usuario.pk) is not None  # GET changes nothing

    respuesta = client.post(RETIRAR, REMOTE_ADDR="192.0.2.55", follow=True)
    texto = respuesta.content.decode()
    assert "Retiraste tu consentimiento" in texto
    assert "No aceptada" in texto
    consentimiento = ConsentimientoNotificacion.objects.get(usuario=usuario)
    assert consentimiento.retirado_en is not None and consentimiento.retiro_ip == "192.0.2.55"
    assert consentimiento.ip == "198.51.100.4"  # the acceptance's evidence stays
    assert canales.consentimiento_vigente(usuario_id=usuario.pk) is None


def test_retirar_sin_consentimiento_vigente_no_cambia_nada(client, usuario):
    entrar(client, usuario)
    respuesta = client.post(RETIRAR, follow=True)
    assert "no había nada que retirar" in respuesta.content.decode()
    assert not ConsentimientoNotificacion.objects.exists()


def test_aceptar_de_nuevo_tras_retirar_es_una_fila_nueva(client, usuario):
    entrar(client, usuario)
    client.post(CONSENTIMIENTO, {"acepto": "on"}, REMOTE_ADDR="203.0.113.7")
    client.post(RETIRAR)
    client.post(CONSENTIMIENTO, {"acepto": "on"}, REMOTE_ADDR="203.0.113.8")
    filas = list(ConsentimientoNotificacion.objects.filter(usuario=usuario).order_by("pk"))
    assert len(filas) == 2
    assert filas[0].retirado_en is not None and filas[0].ip == "203.0.113.7"
    assert filas[1].retirado_en is None and filas[1].ip == "203.0.113.8"
    assert canales.consentimiento_vigente(usuario_id=usuario.pk) == filas[1]


def test_aceptar_dos_veces_guarda_solo_la_primera(client, usuario):
    entrar(client, usuario)
    client.post(CONSENTIMIENTO, {"acepto": "on"}, REMOTE_ADDR="203.0.113.7")
    respuesta = client.post(CONSENTIMIENTO, {"acepto": "on"}, REMOTE_ADDR="203.0.113.9", follow=True)
    assert "Ya habías aceptado" in respuesta.content.decode()
    assert ConsentimientoNotificacion.objects.get(usuario=usuario).ip == "203.0.113.7"


def test_tras_aceptar_vuelve_a_la_pagina_del_portal_que_lo_pidio_y_nunca_a_otro_sitio(client, usuario):
    entrar(client, usuario)
    respuesta = client.post(CONSENTIMIENTO, {"acepto": "on", "next": "/mis-tramites/"})
    assert respuesta.url == "/mis-tramites/"
    client.post(RETIRAR)
    respuesta = client.post(CONSENTIMIENTO, {"acepto": "on", "next": "https://ejemplo.invalid/robar"})
    assert respuesta.url == AVISOS


@pytest.mark.parametrize("url", [
    AVISOS, CONSENTIMIENTO, RETIRAR, "/cuenta/avisos/celular/", "/cuenta/avisos/celular/codigo/",
    "/cuenta/avisos/celular/quitar/",
])
def test_las_paginas_piden_iniciar_sesion(client, url):
    respuesta = client.get(url)
    assert respuesta.status_code == 302 and respuesta.url.startswith("/cuenta/login/")


@pytest.mark.parametrize("url", [
    CONSENTIMIENTO, RETIRAR, "/cuenta/avisos/celular/", "/cuenta/avisos/celular/codigo/",
    "/cuenta/avisos/celular/reenviar/", "/cuenta/avisos/celular/quitar/", "/cuenta/avisos/sms/",
])
def test_sin_sesion_ningun_envio_cambia_nada(client, url):
    respuesta = client.post(url, {"acepto": "on", "numero": "987654321", "codigo": "123456"})
    assert respuesta.status_code == 302 and respuesta.url.startswith("/cuenta/login/")
    assert not ConsentimientoNotificacion.objects.exists() and not CanalAviso.objects.exists()


def test_cada_ciudadano_ve_solo_lo_suyo(client, usuario):
    otra = UsuarioFactory(email="vecina@example.pe")
    canales.consentimiento_aceptar(usuario=otra, ip="198.51.100.4", nivel_ingreso=1)
    CanalAviso.objects.create(usuario=otra, tipo=TipoCanal.SMS, destino="+51955123456", verificado_en=timezone.now())
    entrar(client, usuario)

    for url in (AVISOS, CONSENTIMIENTO, "/cuenta/avisos/celular/"):
        pagina = client.get(url).content.decode()
        assert "vecina@example.pe" not in pagina, url
        assert "955 123 456" not in pagina and "955123456" not in pagina, url
    assert "No aceptada" in client.get(AVISOS).content.decode()
    assert 'name="acepto"' in client.get(CONSENTIMIENTO).content.decode()  # not her acceptance
    # Her phone cannot be removed, nor her consent withdrawn, from this account.
    client.post("/cuenta/avisos/celular/quitar/")
    client.post(RETIRAR)
    assert CanalAviso.objects.filter(usuario=otra).exists()
    assert canales.consentimiento_vigente(usuario_id=otra.pk) is not None
