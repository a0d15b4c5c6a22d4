"""SMS alerts through a provider, against the local SMS provider stand-in (a
process of its own, tools/sms_simulado): the outbox keeps the provider's
message id, a refused send is a failed try with the provider's reason, and
the provider's delivery receipts, posted to the live portal, record what
became of each SMS. The receipt is authenticated by its signature with the
shared secret, idempotent and replay-safe; a failed SMS marks the citizen's
phone as failing."""

import datetime
from urllib.parse import parse_qs

import pytest
from django.conf import settings as ajustes
from django.utils import timezone

from ciudadanos.canales import canales_fallando
from ciudadanos.models import CanalAviso, TipoCanal
from egov import sms
from egov.models import EstadoEntrega, EstadoMensaje, Mensaje, ReciboEntrega
from tests.factories import UsuarioFactory
from tests.fixtures import esperar
from tests.procesos import ProveedorSms, puerto_libre

pytestmark = pytest.mark.django_db(transaction=True)

RECIBO = "/webhooks/sms/recibo/"
NUMERO = "+51987000111"


@pytest.fixture(scope="module")
def proveedor(tmp_path_factory):
    proceso = ProveedorSms(tmp_path_factory.mktemp("sms"), secreto_recibo=ajustes.SMS_RECIBO_SECRETO).arrancar()
    yield proceso
    proceso.detener()


@pytest.fixture
def sms_proveedor(settings, proveedor, live_server):
    """The portal sends its SMS through the stand-in, which posts receipts to the live portal."""
    settings.SMS_URL = proveedor.sms_url()
    settings.SITE_URL = live_server.url
    return proveedor


def enviar(numero=NUMERO, texto="MDVE: tienes una notificacion en tu casilla") -> Mensaje:
    """An SMS through the outbox, sent at once at any hour (its deadline is
    near, so quiet hours do not hold it; no transaction is open)."""
    mensaje = sms.sms_registrar(numero=numero, texto=texto, plazo_vence_en=timezone.now())
    mensaje.refresh_from_db()
    return mensaje


def enviado(numero=NUMERO, **opciones) -> Mensaje:
    mensaje = enviar(numero, **opciones)
    assert mensaje.estado == EstadoMensaje.ENVIADO, mensaje.error
    return mensaje


def entrega_de(mensaje: Mensaje, estado: str, segundos=30) -> Mensaje:
    """The SMS once its delivery state is `estado` (the receipt comes after a pause)."""
    assert esperar(lambda: Mensaje.objects.filter(pk=mensaje.pk, entrega=estado).exists(), segundos), (
        f"el SMS quedó en {Mensaje.objects.get(pk=mensaje.pk).entrega!r}, no {estado!r}"
    )
    return Mensaje.objects.get(pk=mensaje.pk)


def respuestas(mensaje_en_proveedor: dict) -> list:
    return [recibo["respuesta"] for recibo in mensaje_en_proveedor["recibos"]]


def sin_recibos(mensaje: Mensaje) -> bool:
    mensaje.refresh_from_db()
    return mensaje.entrega == EstadoEntrega.SIN_CONFIRMAR and not ReciboEntrega.objects.filter(mensaje=mensaje).exists()


# --- Sending ------------------------------------------------------------------------------------


def test_el_sms_sale_por_el_proveedor_y_guarda_su_identificador(settings, sms_proveedor, live_server):
    mensaje = enviado(texto="MDVE: tienes una notificación en tu casilla")

    recibido = sms_proveedor.mensaje(mensaje.proveedor_id)
    assert recibido is not None, f"el proveedor no tiene un SMS {mensaje.proveedor_id!r}"
    assert recibido["to"] == "51987000111"  # digits with the country code, no "+"
    assert recibido["from"] == settings.SMS_REMITENTE
    assert recibido["text"] == "MDVE: tienes una notificacion en tu casilla"
    assert recibido["client-ref"] == str(mensaje.pk)
    assert recibido["callback"] == live_server.url + RECIBO


def test_con_credenciales_equivocadas_es_un_intento_fallido_que_dice_por_que(settings, sms_proveedor):
    settings.SMS_URL = sms_proveedor.sms_url(secreto="secreto-viejo")
    antes = len(sms_proveedor.mensajes())

    mensaje = enviar()

    assert (mensaje.estado, mensaje.intentos, mensaje.proveedor_id) == (EstadoMensaje.PENDIENTE, 1, "")
    assert mensaje.proximo_intento_en is not None  # the outbox tries again later
    assert "status 4" in mensaje.error and "Bad Credentials" in mensaje.error
    assert "secreto-viejo" not in mensaje.error
    assert len(sms_proveedor.mensajes()) == antes


def test_un_numero_que_el_proveedor_rechaza_es_un_intento_fallido(sms_proveedor):
    mensaje = enviar(ProveedorSms.RECHAZO)

    assert (mensaje.estado, mensaje.intentos) == (EstadoMensaje.PENDIENTE, 1)
    assert "rechazó el envío (status 7)" in mensaje.error and "Number barred" in mensaje.error


def test_con_el_proveedor_caido_es_un_intento_fallido(settings, sms_proveedor):
    settings.SMS_URL = f"http://{ProveedorSms.CLAVE}:{ProveedorSms.SECRETO}@127.0.0.1:{puerto_libre()}/sms/json"

    mensaje = enviar()

    assert (mensaje.estado, mensaje.intentos) == (EstadoMensaje.PENDIENTE, 1)
    assert "no se pudo conectar con el proveedor de SMS" in mensaje.error
    assert ProveedorSms.SECRETO not in mensaje.error


# --- Delivery receipts --------------------------------------------------------------------------


def test_la_entrega_queda_con_la_hora_del_proveedor(sms_proveedor):
    mensaje = entrega_de(enviado(), EstadoEntrega.ENTREGADO)

    en_proveedor = sms_proveedor.despachado(mensaje.proveedor_id)
    assert respuestas(en_proveedor) == [200]
    campos = parse_qs(en_proveedor["recibos"][0]["cuerpo"])
    momento = datetime.datetime.fromisoformat(campos["message-timestamp"][0]).replace(tzinfo=datetime.UTC)
    assert mensaje.entrega_en == momento
    recibo = ReciboEntrega.objects.get(mensaje=mensaje)
    assert (recibo.estado, recibo.ocurrido_en, recibo.detalle) == (EstadoEntrega.ENTREGADO, momento, "delivered")


def test_un_sms_fallido_marca_el_celular_del_ciudadano_como_fallando(sms_proveedor):
    usuario = UsuarioFactory()
    canal = CanalAviso.objects.create(
        usuario=usuario, tipo=TipoCanal.SMS, destino=ProveedorSms.FALLA, verificado_en=timezone.now(),
    )

    mensaje = entrega_de(enviado(ProveedorSms.FALLA), EstadoEntrega.FALLIDO)

    assert mensaje.entrega_detalle == "failed (err-code 12: destino inalcanzable)"
    canal.refresh_from_db()
    assert (canal.falla, canal.falla_en) == (EstadoEntrega.FALLIDO, mensaje.entrega_en)
    assert "destino inalcanzable" in canal.falla_detalle
    assert canales_fallando(usuario=usuario) == [canal]


def test_un_recibo_repetido_se_registra_una_vez(sms_proveedor):
    mensaje = enviado(ProveedorSms.DUPLICADO)

    en_proveedor = sms_proveedor.despachado(mensaje.proveedor_id)
    assert respuestas(en_proveedor) == [200, 200]  # the provider stops retrying both times
    assert en_proveedor["recibos"][0]["cuerpo"] == en_proveedor["recibos"][1]["cuerpo"]
    mensaje.refresh_from_db()
    assert mensaje.entrega == EstadoEntrega.ENTREGADO
    assert ReciboEntrega.objects.filter(mensaje=mensaje).count() == 1
    # Posted once more, unchanged (same signature, still recent): nothing new either.
    assert sms_proveedor.repetir(mensaje.proveedor_id) == [200, 200]
    assert ReciboEntrega.objects.filter(mensaje=mensaje).count() == 1


def test_un_recibo_firmado_con_otro_secreto_o_sin_firma_no_cuenta(sms_proveedor):
    mensaje = enviado(ProveedorSms.SIN_RECIBO)

    assert sms_proveedor.recibo(mensaje.proveedor_id, "failed", secreto="otro-secreto") == 401
    assert sms_proveedor.recibo(mensaje.proveedor_id, "failed", secreto="") == 401
    assert sin_recibos(mensaje)
    # The same receipt with the shared secret counts.
    assert sms_proveedor.recibo(mensaje.proveedor_id, "failed", **{"err-code": "2"}) == 200
    mensaje.refresh_from_db()
    assert mensaje.entrega == EstadoEntrega.FALLIDO
    assert mensaje.entrega_detalle == "failed (err-code 2: celular apagado o sin cobertura)"


def test_un_recibo_firmado_hace_mas_de_cinco_minutos_se_rechaza(sms_proveedor):
    mensaje = enviado(ProveedorSms.SIN_RECIBO)

    assert sms_proveedor.recibo(mensaje.proveedor_id, "delivered", antiguedad=6 * 60) == 401
    assert sin_recibos(mensaje)
    assert sms_proveedor.recibo(mensaje.proveedor_id, "delivered", antiguedad=60) == 200  # a slow network
    assert entrega_de(mensaje, EstadoEntrega.ENTREGADO)


def test_el_recibo_de_un_sms_que_el_portal_no_envio_no_registra_nada(sms_proveedor, live_server):
    # Another application on the same provider account, with its receipts sent here.
    respuesta = sms_proveedor.enviar({
        "from": "OTRA", "to": "51987000999", "text": "Tu pedido llegó", "callback": live_server.url + RECIBO,
    })
    ajeno = respuesta["messages"][0]["message-id"]

    assert respuestas(sms_proveedor.despachado(ajeno)) == [200]  # answered so the provider stops retrying
    assert not ReciboEntrega.objects.exists()
    assert not Mensaje.objects.filter(proveedor_id=ajeno).exists()


def test_aceptado_o_en_cola_no_es_una_entrega(sms_proveedor):
    mensaje = enviado(ProveedorSms.SIN_RECIBO)

    assert sms_proveedor.recibo(mensaje.proveedor_id, "accepted") == 200
    assert sms_proveedor.recibo(mensaje.proveedor_id, "buffered", formato="json") == 200
    assert sin_recibos(mensaje)
    assert sms_proveedor.recibo(mensaje.proveedor_id, "expired", formato="json") == 200
    mensaje.refresh_from_db()
    assert (mensaje.entrega, mensaje.entrega_detalle) == (EstadoEntrega.FALLIDO, "expired")
