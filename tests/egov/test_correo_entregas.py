"""Email alerts through a transactional provider, against the local Postmark
stand-in (a process of its own, tools/correo_simulado): the outbox keeps the
provider's message id, and the provider's webhook, posted to the live portal,
records what became of each alert: delivered, bounced, marked as spam. The
webhook is authenticated by its shared secret, idempotent and replay-safe; a
bounce marks the citizen's email as failing and a later delivery clears it."""

import datetime
import json
import urllib.error
import urllib.request
import uuid

import pytest
from django.utils.dateparse import parse_datetime

from ciudadanos.canales import canales_fallando
from ciudadanos.models import CanalAviso, TipoCanal
from egov import mensajes
from egov.models import EstadoEntrega, EstadoMensaje, Mensaje, ReciboEntrega
from tests.factories import UsuarioFactory
from tests.fixtures import esperar
from tests.procesos import ProveedorCorreo

pytestmark = pytest.mark.django_db(transaction=True)

WEBHOOK = "/webhooks/correo/postmark/tracking/"


@pytest.fixture(scope="module")
def proveedor(tmp_path_factory, live_server):
    proceso = ProveedorCorreo(tmp_path_factory.mktemp("correo"), webhook=live_server.url + WEBHOOK).arrancar()
    yield proceso
    proceso.detener()


@pytest.fixture
def postmark(settings, proveedor):
    """The portal sends its email through the stand-in, as EMAIL_PROVEEDOR=postmark does."""
    for nombre, valor in proveedor.ajustes().items():
        setattr(settings, nombre, valor)
    return proveedor


def alerta(para: str, asunto="Tienes una notificación en tu casilla") -> Mensaje:
    """An alert through the outbox (sent at once: no transaction is open)."""
    mensaje = mensajes.correo_registrar(
        para=[para], asunto=asunto, texto="Ingresa a tu casilla electrónica para leerla.",
        html="<p>Ingresa a tu casilla electrónica para leerla.</p>",
    )
    mensaje.refresh_from_db()
    assert mensaje.estado == EstadoMensaje.ENVIADO, mensaje.error
    return mensaje


def entrega_de(mensaje: Mensaje, estado: str, segundos=30) -> Mensaje:
    """The message once its delivery state is `estado` (the webhook is posted after a pause)."""
    assert esperar(lambda: Mensaje.objects.filter(pk=mensaje.pk, entrega=estado).exists(), segundos), (
        f"el mensaje quedó en {Mensaje.objects.get(pk=mensaje.pk).entrega!r}, no {estado!r}"
    )
    return Mensaje.objects.get(pk=mensaje.pk)


def canal_correo(usuario) -> CanalAviso:
    return CanalAviso.objects.get(usuario=usuario, tipo=TipoCanal.CORREO)


def respuestas(mensaje_en_proveedor: dict) -> list:
    return [webhook["Respuesta"] for webhook in mensaje_en_proveedor["Webhooks"]]


def test_la_alerta_sale_por_el_proveedor_y_guarda_su_identificador(postmark):
    mensaje = alerta("vecina@ejemplo.pe", asunto="Tu solicitud fue observada")

    recibido = postmark.mensaje(mensaje.proveedor_id)
    assert recibido is not None, f"el proveedor no tiene un mensaje {mensaje.proveedor_id!r}"
    assert str(uuid.UUID(mensaje.proveedor_id)) == mensaje.proveedor_id
    assert recibido["To"] == "vecina@ejemplo.pe"
    assert recibido["Subject"] == "Tu solicitud fue observada"
    assert recibido["TextBody"] == "Ingresa a tu casilla electrónica para leerla."
    assert recibido["HtmlBody"] == "<p>Ingresa a tu casilla electrónica para leerla.</p>"
    assert "no-responder@" in recibido["From"]
    assert respuestas(postmark.despachado(mensaje.proveedor_id)) == [200]  # its receipt reached the portal


def test_la_entrega_queda_con_la_hora_del_proveedor(postmark):
    usuario = UsuarioFactory(email="rosa@ejemplo.pe")
    mensaje = entrega_de(alerta(usuario.email), EstadoEntrega.ENTREGADO)

    webhook = postmark.despachado(mensaje.proveedor_id)["Webhooks"][0]["Cuerpo"]
    assert webhook["RecordType"] == "Delivery"
    assert mensaje.entrega_en == parse_datetime(webhook["DeliveredAt"])
    assert "250" in mensaje.entrega_detalle
    recibo = ReciboEntrega.objects.get(mensaje=mensaje)
    assert (recibo.estado, recibo.ocurrido_en) == (EstadoEntrega.ENTREGADO, mensaje.entrega_en)
    assert canales_fallando(usuario=usuario) == []


def test_un_rebote_marca_el_correo_del_ciudadano_como_fallando(postmark):
    usuario = UsuarioFactory(email="rebota+ana@ejemplo.pe")
    mensaje = entrega_de(alerta(usuario.email), EstadoEntrega.REBOTADO)

    webhook = postmark.despachado(mensaje.proveedor_id)["Webhooks"][0]["Cuerpo"]
    assert (webhook["RecordType"], webhook["Type"]) == ("Bounce", "HardBounce")
    assert mensaje.entrega_en == parse_datetime(webhook["BouncedAt"])
    assert "el buzón no existe" in mensaje.entrega_detalle
    canal = canal_correo(usuario)
    assert canal.falla == EstadoEntrega.REBOTADO
    assert canal.falla_en == mensaje.entrega_en
    assert "el buzón no existe" in canal.falla_detalle
    assert canales_fallando(usuario=usuario) == [canal]


def test_una_entrega_posterior_a_la_misma_direccion_quita_la_falla(postmark):
    usuario = UsuarioFactory(email="luis@ejemplo.pe")
    primero = entrega_de(alerta(usuario.email), EstadoEntrega.ENTREGADO)
    # The receiving server accepted it, then bounced it (an asynchronous bounce).
    assert postmark.evento(primero.proveedor_id, "Bounce") == 200
    primero.refresh_from_db()
    assert primero.entrega == EstadoEntrega.REBOTADO
    assert canal_correo(usuario).falla == EstadoEntrega.REBOTADO

    segundo = entrega_de(alerta(usuario.email), EstadoEntrega.ENTREGADO)

    canal = canal_correo(usuario)
    assert (canal.falla, canal.falla_detalle, canal.falla_en) == ("", "", None)
    assert canales_fallando(usuario=usuario) == []
    primero.refresh_from_db()
    assert primero.entrega == EstadoEntrega.REBOTADO  # each alert keeps its own fate
    assert segundo.entrega_en > primero.entrega_en


def test_marcado_como_no_deseado_queda_como_queja(postmark):
    usuario = UsuarioFactory(email="queja+carmen@ejemplo.pe")
    mensaje = alerta(usuario.email)

    webhooks = postmark.despachado(mensaje.proveedor_id)["Webhooks"]
    assert [w["Cuerpo"]["RecordType"] for w in webhooks] == ["Delivery", "SpamComplaint"]
    assert respuestas({"Webhooks": webhooks}) == [200, 200]
    mensaje.refresh_from_db()
    assert mensaje.entrega == EstadoEntrega.QUEJA
    assert mensaje.entrega_en == parse_datetime(webhooks[1]["Cuerpo"]["BouncedAt"])
    assert list(ReciboEntrega.objects.filter(mensaje=mensaje).values_list("estado", flat=True)) == [
        EstadoEntrega.ENTREGADO, EstadoEntrega.QUEJA,
    ]
    assert canal_correo(usuario).falla == EstadoEntrega.QUEJA


def test_un_webhook_repetido_deja_un_solo_recibo(postmark):
    mensaje = alerta("duplicado+jose@ejemplo.pe")

    en_proveedor = postmark.despachado(mensaje.proveedor_id)
    assert respuestas(en_proveedor) == [200, 200]
    assert en_proveedor["Webhooks"][0]["Cuerpo"] == en_proveedor["Webhooks"][1]["Cuerpo"]
    assert ReciboEntrega.objects.filter(mensaje=mensaje).count() == 1
    mensaje.refresh_from_db()
    assert mensaje.entrega == EstadoEntrega.ENTREGADO


def test_un_recibo_antiguo_no_deshace_uno_mas_reciente(postmark):
    mensaje = entrega_de(alerta("marta@ejemplo.pe"), EstadoEntrega.ENTREGADO)
    entregado_en = mensaje.entrega_en
    assert postmark.evento(mensaje.proveedor_id, "Bounce") == 200
    mensaje.refresh_from_db()
    rebotado_en = mensaje.entrega_en
    assert mensaje.entrega == EstadoEntrega.REBOTADO and rebotado_en > entregado_en

    # Someone replays every webhook of the message: the same receipts, nothing new.
    assert postmark.repetir(mensaje.proveedor_id) == [200, 200]
    assert ReciboEntrega.objects.filter(mensaje=mensaje).count() == 2
    # A receipt that happened before the bounce arrives late: kept as evidence, state unchanged.
    tarde = entregado_en - datetime.timedelta(minutes=3)
    assert postmark.evento(mensaje.proveedor_id, "Delivery", en=tarde) == 200

    assert ReciboEntrega.objects.filter(mensaje=mensaje).count() == 3
    assert ReciboEntrega.objects.filter(mensaje=mensaje, ocurrido_en=tarde).exists()
    mensaje.refresh_from_db()
    assert (mensaje.entrega, mensaje.entrega_en) == (EstadoEntrega.REBOTADO, rebotado_en)


def test_sin_recibo_del_proveedor_la_entrega_queda_sin_confirmar(postmark):
    mensaje = alerta("sin-recibo+pedro@ejemplo.pe")

    assert postmark.despachado(mensaje.proveedor_id)["Webhooks"] == []
    mensaje.refresh_from_db()
    assert mensaje.entrega == EstadoEntrega.SIN_CONFIRMAR
    assert not ReciboEntrega.objects.exists()


def test_un_webhook_con_otro_secreto_se_rechaza_y_no_registra_nada(postmark, settings, live_server):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "postmark:otro-secreto"}
    mensaje = alerta("teresa@ejemplo.pe")

    en_proveedor = postmark.despachado(mensaje.proveedor_id)
    assert respuestas(en_proveedor) == [400]
    # Nor without credentials at all.
    pedido = urllib.request.Request(
        live_server.url + WEBHOOK, data=json.dumps(en_proveedor["Webhooks"][0]["Cuerpo"]).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(pedido, timeout=30)  # noqa: S310 - the live test server
    assert error.value.code == 400
    mensaje.refresh_from_db()
    assert mensaje.entrega == EstadoEntrega.SIN_CONFIRMAR
    assert not ReciboEntrega.objects.exists()

    # With the secret both sides share, the very same webhook is recorded.
    settings.ANYMAIL = postmark.ajustes()["ANYMAIL"]
    assert postmark.repetir(mensaje.proveedor_id) == [200]
    mensaje.refresh_from_db()
    assert mensaje.entrega == EstadoEntrega.ENTREGADO


def test_un_recibo_de_un_mensaje_desconocido_se_acepta_sin_registrar_nada(postmark):
    # Another application sending through the same provider account.
    estado, respuesta = postmark.enviar({
        "From": "otro-sistema@villaesperanza.gob.pe", "To": "alguien@ejemplo.pe", "Subject": "Boletín",
        "TextBody": "Hola.",
    })
    assert (estado, respuesta["ErrorCode"]) == (200, 0)

    assert respuestas(postmark.despachado(respuesta["MessageID"])) == [200]
    assert not ReciboEntrega.objects.exists()


def test_un_token_equivocado_deja_el_mensaje_para_reintentar(postmark, settings):
    settings.ANYMAIL = postmark.ajustes(POSTMARK_SERVER_TOKEN="token-equivocado")["ANYMAIL"]
    antes = len(postmark.mensajes())
    mensaje = mensajes.correo_registrar(para=["vecina@ejemplo.pe"], asunto="Aviso", texto="Hola.")

    mensaje.refresh_from_db()
    assert mensaje.estado == EstadoMensaje.PENDIENTE and mensaje.intentos == 1
    assert mensaje.proximo_intento_en is not None
    assert "401" in mensaje.error and "token" in mensaje.error.lower()
    assert mensaje.proveedor_id == ""
    assert len(postmark.mensajes()) == antes
    estado, respuesta = postmark.enviar({"From": "a@b.pe", "To": "c@d.pe", "TextBody": "x"}, token="")
    assert (estado, respuesta["ErrorCode"]) == (401, 10)


def test_varios_destinatarios_un_envio_y_un_recibo_por_cada_uno(postmark):
    mensaje = mensajes.correo_registrar(
        para=["jefa@villaesperanza.gob.pe", "jefe@villaesperanza.gob.pe"], asunto="Resumen", texto="Hola.",
    )
    mensaje.refresh_from_db()

    en_proveedor = postmark.despachado(mensaje.proveedor_id)
    assert en_proveedor["Destinatarios"] == ["jefa@villaesperanza.gob.pe", "jefe@villaesperanza.gob.pe"]
    assert respuestas(en_proveedor) == [200, 200]
    assert ReciboEntrega.objects.filter(mensaje=mensaje, estado=EstadoEntrega.ENTREGADO).count() == 2


def test_las_credenciales_del_webhook_pueden_ir_en_su_url(tmp_path, settings, live_server):
    """Postmark's settings page takes the webhook as https://usuario:clave@portal/...:
    the same HTTP Basic reaches the portal."""
    usuario, clave = ProveedorCorreo.WEBHOOK_AUTH.split(":")
    url = live_server.url.replace("://", f"://{usuario}:{clave}@", 1) + WEBHOOK
    proceso = ProveedorCorreo(tmp_path, webhook=url, webhook_auth="").arrancar()
    try:
        for nombre, valor in proceso.ajustes().items():
            setattr(settings, nombre, valor)
        mensaje = entrega_de(alerta("sofia@ejemplo.pe"), EstadoEntrega.ENTREGADO)
    finally:
        proceso.detener()
    assert f"{usuario}:{clave}" not in proceso.log()  # the stand-in does not print the secret
    assert ReciboEntrega.objects.filter(mensaje=mensaje).count() == 1
