"""Failing channels and SMS choices: a bounced email or a failed SMS shows on
«Notificaciones y avisos» and in the casilla, and is told at the next login
once; the SMS choices saved on the page decide which alerts
ciudadanos.alertas sends by SMS; staff read consents and channels in the
admin, never a code."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from ciudadanos import alertas, canales, telefono
from ciudadanos.models import CanalAviso, CategoriaAviso, TipoCanal
from ciudadanos.services import aviso_depositar
from egov.entregas import recibo_registrar
from egov.models import EstadoEntrega, Mensaje
from tests.fixtures import persona, servidor_de

pytestmark = pytest.mark.django_db

AVISOS = "/cuenta/avisos/"
NUMERO = "+51987654321"


@pytest.fixture
def ciudadano_con_celular(ciudadano):
    """A citizen (with a profile and consent) whose phone is verified."""
    CanalAviso.objects.create(usuario=ciudadano, tipo=TipoCanal.SMS, destino=NUMERO, verificado_en=timezone.now())
    return ciudadano


def depositar(usuario, categoria=CategoriaAviso.LEGAL, **kwargs):
    return aviso_depositar(
        usuario=usuario, asunto="Tu solicitud fue observada", cuerpo="Sube el recibo.", enlace="/mis-tramites/",
        referencia="solicitud:1", categoria=categoria, **kwargs,
    )


def alertas_de(notificacion, canal):
    return Mensaje.objects.filter(referencia=alertas.referencia_de(notificacion), canal=canal)


def recibo(mensaje, estado, proveedor_id, detalle="", ocurrido_en=None):
    """The provider accepted the message (its id) and later reports on it."""
    Mensaje.objects.filter(pk=mensaje.pk).update(proveedor_id=proveedor_id, estado="enviado", enviado_en=timezone.now())
    return recibo_registrar(
        canal=mensaje.canal, proveedor_id=proveedor_id, estado=estado, detalle=detalle, ocurrido_en=ocurrido_en
    )


def ingresar(client, usuario):
    """Logs in through the login form, as the citizen does (the notice of a
    failing channel is given there)."""
    respuesta = client.post(
        "/cuenta/login/", {"login": usuario.email, "password": "Una-clave-larga-2026"}, follow=True
    )
    assert respuesta.context["user"].is_authenticated
    return [str(m) for m in respuesta.context["messages"]]


# --- Failing channels ---------------------------------------------------------------------------


def test_un_correo_que_rebota_se_ve_en_avisos_y_en_la_casilla(client, ciudadano):
    correo = alertas_de(depositar(ciudadano), Mensaje.Canal.CORREO).get()
    assert recibo(correo, EstadoEntrega.REBOTADO, "pm-1", detalle="550 mailbox unavailable") == "registrado"

    client.force_login(ciudadano)
    avisos = client.get(AVISOS).content.decode()
    assert "No te llegan los avisos" in avisos
    assert "el correo rebotó: la dirección no existe o no recibe mensajes" in avisos
    casilla = client.get("/casilla/").content.decode()
    assert "Hay un canal por el que no te llegan los avisos" in casilla
    assert f"No pudimos avisarte por tu correo electrónico ({ciudadano.email})" in casilla
    assert 'href="/cuenta/avisos/"' in casilla


def test_un_correo_marcado_como_spam_dice_por_que(client, ciudadano):
    recibo(alertas_de(depositar(ciudadano), Mensaje.Canal.CORREO).get(), EstadoEntrega.QUEJA, "pm-2")
    client.force_login(ciudadano)
    assert "se marcó como correo no deseado (spam)" in client.get(AVISOS).content.decode()


def test_al_ingresar_se_avisa_una_sola_vez_del_canal_que_falla(ciudadano_con_celular):
    notificacion = depositar(ciudadano_con_celular)
    recibo(alertas_de(notificacion, Mensaje.Canal.SMS).get(), EstadoEntrega.FALLIDO, "sms-1")

    mensajes = ingresar(Client(), ciudadano_con_celular)
    avisos = [m for m in mensajes if "No pudimos avisarte" in m]
    assert len(avisos) == 1
    assert "por tu celular (+51 987 654 321): el SMS no se pudo entregar" in avisos[0]
    assert '<a href="/cuenta/avisos/">Notificaciones y avisos</a>' in avisos[0]

    assert not [m for m in ingresar(Client(), ciudadano_con_celular) if "No pudimos avisarte" in m]
    # Still failing on the page until an alert reaches it again.
    cliente = Client()
    cliente.force_login(ciudadano_con_celular)
    assert "el SMS no se pudo entregar" in cliente.get(AVISOS).content.decode()


def test_una_falla_nueva_se_avisa_en_el_siguiente_ingreso(ciudadano_con_celular):
    ahora = timezone.now()
    primera = depositar(ciudadano_con_celular)
    recibo(alertas_de(primera, Mensaje.Canal.SMS).get(), EstadoEntrega.FALLIDO, "sms-1", ocurrido_en=ahora)
    ingresar(Client(), ciudadano_con_celular)
    segunda = depositar(ciudadano_con_celular)
    recibo(alertas_de(segunda, Mensaje.Canal.SMS).get(), EstadoEntrega.FALLIDO, "sms-2",
           ocurrido_en=timezone.now() + datetime.timedelta(minutes=1))
    assert [m for m in ingresar(Client(), ciudadano_con_celular) if "No pudimos avisarte por tu celular" in m]


def test_un_aviso_que_llega_quita_la_falla(client, ciudadano):
    ahora = timezone.now()
    recibo(alertas_de(depositar(ciudadano), Mensaje.Canal.CORREO).get(), EstadoEntrega.REBOTADO, "pm-1",
           ocurrido_en=ahora)
    recibo(alertas_de(depositar(ciudadano), Mensaje.Canal.CORREO).get(), EstadoEntrega.ENTREGADO, "pm-2",
           ocurrido_en=ahora + datetime.timedelta(minutes=5))
    client.force_login(ciudadano)
    assert "No te llegan los avisos" not in client.get(AVISOS).content.decode()
    assert "Hay un canal por el que no te llegan" not in client.get("/casilla/").content.decode()
    assert not [m for m in ingresar(Client(), ciudadano) if "No pudimos avisarte" in m]


def test_la_falla_de_un_correo_que_ya_se_cambio_no_se_avisa(client, ciudadano):
    recibo(alertas_de(depositar(ciudadano), Mensaje.Canal.CORREO).get(), EstadoEntrega.REBOTADO, "pm-1")
    EmailAddress.objects.filter(user=ciudadano).update(email="nuevo@example.pe")
    ciudadano.email = "nuevo@example.pe"
    ciudadano.save(update_fields=["email"])
    assert canales.canales_fallando(usuario=ciudadano) == []
    client.force_login(ciudadano)
    assert "Hay un canal por el que no te llegan" not in client.get("/casilla/").content.decode()


def test_cambiar_el_numero_que_falla_quita_la_falla(client, ciudadano_con_celular):
    recibo(alertas_de(depositar(ciudadano_con_celular), Mensaje.Canal.SMS).get(), EstadoEntrega.FALLIDO, "sms-1")
    assert canales.canales_fallando(usuario=ciudadano_con_celular)
    telefono.telefono_codigo_enviar(usuario=ciudadano_con_celular, numero="912 345 678")
    assert canales.canales_fallando(usuario=ciudadano_con_celular) == []
    client.force_login(ciudadano_con_celular)
    pagina = client.get(AVISOS).content.decode()
    assert "No te llegan los avisos" not in pagina and "Pendiente de verificación" in pagina


# --- SMS choices -----------------------------------------------------------------------------------


def test_las_preferencias_de_sms_se_guardan_y_se_muestran(client, ciudadano_con_celular):
    client.force_login(ciudadano_con_celular)
    pagina = client.get(AVISOS).content.decode()
    assert "Los avisos de notificaciones con efectos legales te llegan siempre por todos tus canales" in pagina
    assert 'name="sms_recordatorios" id="id_sms_recordatorios" checked' in pagina  # the default

    respuesta = client.post("/cuenta/avisos/sms/", {"sms_novedades": "on"}, follow=True)
    assert "Guardamos qué avisos recibirás por SMS" in respuesta.content.decode()
    canal = CanalAviso.objects.get(usuario=ciudadano_con_celular, tipo=TipoCanal.SMS)
    assert (canal.sms_recordatorios, canal.sms_novedades) == (False, True)
    pagina = respuesta.content.decode()
    assert 'name="sms_novedades" id="id_sms_novedades" checked' in pagina
    assert 'name="sms_recordatorios" id="id_sms_recordatorios" checked' not in pagina


def test_sin_recordatorios_por_sms_un_recordatorio_llega_solo_por_correo(client, ciudadano_con_celular):
    client.force_login(ciudadano_con_celular)
    client.post("/cuenta/avisos/sms/", {})
    plazo = timezone.now() + datetime.timedelta(days=1)
    recordatorio = depositar(ciudadano_con_celular, categoria=CategoriaAviso.RECORDATORIO, plazo_vence_en=plazo)
    assert alertas_de(recordatorio, Mensaje.Canal.CORREO).count() == 1
    assert not alertas_de(recordatorio, Mensaje.Canal.SMS).exists()
    # A notice with legal effect goes by SMS all the same.
    assert alertas_de(depositar(ciudadano_con_celular), Mensaje.Canal.SMS).count() == 1

    client.post("/cuenta/avisos/sms/", {"sms_recordatorios": "on"})
    otro = depositar(ciudadano_con_celular, categoria=CategoriaAviso.RECORDATORIO, plazo_vence_en=plazo)
    assert alertas_de(otro, Mensaje.Canal.SMS).get().para == NUMERO


def test_el_resumen_diario_va_por_sms_solo_si_se_eligio(client, ciudadano_con_celular):
    client.force_login(ciudadano_con_celular)
    depositar(ciudadano_con_celular, categoria=CategoriaAviso.NOVEDAD)
    alertas.resumen_enviar(usuario_id=ciudadano_con_celular.pk)
    assert not Mensaje.objects.filter(canal=Mensaje.Canal.SMS).exists()

    client.post("/cuenta/avisos/sms/", {"sms_novedades": "on", "sms_recordatorios": "on"})
    depositar(ciudadano_con_celular, categoria=CategoriaAviso.NOVEDAD)
    alertas.resumen_enviar(usuario_id=ciudadano_con_celular.pk)
    assert Mensaje.objects.get(canal=Mensaje.Canal.SMS).para == NUMERO


def test_un_celular_sin_verificar_no_recibe_avisos_aunque_los_eligiera(ciudadano):
    telefono.telefono_codigo_enviar(usuario=ciudadano, numero=NUMERO)
    enviados = Mensaje.objects.filter(canal=Mensaje.Canal.SMS).count()  # the code
    depositar(ciudadano)
    assert Mensaje.objects.filter(canal=Mensaje.Canal.SMS).count() == enviados


def test_sin_celular_no_hay_preferencias_que_guardar(client):
    sin_celular = persona(nombres="Pedro")
    client.force_login(sin_celular)
    pagina = client.get(AVISOS).content.decode()
    assert "No registraste un celular" in pagina and "Agregar un celular" in pagina
    assert 'name="sms_recordatorios"' not in pagina
    respuesta = client.post("/cuenta/avisos/sms/", {"sms_novedades": "on"}, follow=True)
    assert "Primero agrega tu celular" in respuesta.content.decode()
    assert not CanalAviso.objects.filter(usuario=sin_celular).exists()


# --- Admin ----------------------------------------------------------------------------------------


def test_el_personal_lee_el_consentimiento_y_los_canales_sin_el_codigo(admin_de, ciudadano):
    operador = admin_de(servidor_de(superusuario=True))
    consentimiento = canales.consentimiento_vigente(usuario_id=ciudadano.pk)
    telefono.telefono_codigo_enviar(usuario=ciudadano, numero=NUMERO)
    canal = CanalAviso.objects.get(usuario=ciudadano, tipo=TipoCanal.SMS)

    lista = operador.get("/admin/ciudadanos/consentimientonotificacion/").content.decode()
    assert ciudadano.email in lista
    assert "/admin/ciudadanos/consentimientonotificacion/add/" not in lista
    pagina = operador.get(f"/admin/ciudadanos/consentimientonotificacion/{consentimiento.pk}/change/").content.decode()
    assert consentimiento.ip in pagina and "Ley N.° 31736" in pagina
    assert 'name="_save"' not in pagina  # read only

    lista = operador.get("/admin/ciudadanos/canalaviso/").content.decode()
    assert NUMERO in lista and 'alt="True"' not in lista and 'alt="False"' not in lista
    pagina = operador.get(f"/admin/ciudadanos/canalaviso/{canal.pk}/change/").content.decode()
    assert NUMERO in pagina and 'name="_save"' not in pagina
    assert canal.codigo_hash and canal.codigo_hash not in pagina
    codigo = Mensaje.objects.get(canal=Mensaje.Canal.SMS).texto.split(": ", 1)[1][:6]
    assert codigo not in pagina
