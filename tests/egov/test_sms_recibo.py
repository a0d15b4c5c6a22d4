"""The SMS provider's delivery-receipt endpoint at its edges: it does not
exist without a shared secret, takes only small signed POSTs, says 400 to a
body it cannot read, and a receipt that arrives while the portal is still
storing the SMS's id waits for it instead of being lost as "unknown"."""

import json
import threading
import time
from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from egov.models import EstadoEntrega, EstadoMensaje, Mensaje, ReciboEntrega
from egov.webhooks import firma_calcular
from tests.fixtures import esperar

RECIBO = "/webhooks/sms/recibo/"
NUMERO = "+51987000111"


def campos(**cambios) -> dict:
    return {
        "msisdn": "51987000111", "to": "MDVE", "messageId": "0A1B2C3D4E5F6071", "status": "delivered",
        "err-code": "0", "message-timestamp": "2026-03-02 15:04:05", "client-ref": "", **cambios,
    }


def firmado(client, cuerpo: bytes, *, tipo="application/x-www-form-urlencoded", secreto=None):
    from django.conf import settings

    marca = int(time.time())
    firma = firma_calcular(secreto=secreto or settings.SMS_RECIBO_SECRETO, marca=marca, cuerpo=cuerpo)
    return client.post(RECIBO, data=cuerpo, content_type=tipo, headers={"X-Firma": f"t={marca},v1={firma}"})


@pytest.mark.django_db
def test_sin_secreto_compartido_el_recibo_no_existe(client, settings):
    settings.SMS_RECIBO_SECRETO = ""
    assert client.post(RECIBO, data=urlencode(campos()), content_type="application/x-www-form-urlencoded"
                       ).status_code == 404
    assert client.get(RECIBO).status_code == 404


@pytest.mark.django_db
def test_solo_acepta_post(client):
    respuesta = client.get(RECIBO)
    assert respuesta.status_code == 405 and respuesta["Allow"] == "POST"


@pytest.mark.django_db
@pytest.mark.parametrize("cuerpo", [
    urlencode(campos(messageId="")),
    urlencode({k: v for k, v in campos().items() if k != "status"}),
    urlencode(campos(status="entregado")),
    urlencode(campos(**{"message-timestamp": "ayer"})),
    "no es un formulario ni JSON \xff",
])
def test_un_cuerpo_que_no_es_un_recibo_es_400(client, cuerpo):
    respuesta = firmado(client, cuerpo.encode("latin-1"))
    assert respuesta.status_code == 400
    assert "messageId, status y message-timestamp" in respuesta.content.decode()


@pytest.mark.django_db
def test_un_json_que_no_es_un_objeto_es_400(client):
    assert firmado(client, b"[1, 2]", tipo="application/json").status_code == 400


@pytest.mark.django_db
def test_un_cuerpo_grande_se_rechaza_sin_leerlo(client):
    cuerpo = urlencode(campos(relleno="x" * 5000)).encode()
    assert firmado(client, cuerpo).status_code == 413


@pytest.mark.django_db
def test_una_firma_mal_escrita_es_401(client):
    cuerpo = urlencode(campos()).encode()
    for cabecera in ("", "v1=abc", "t=ayer,v1=abc", f"t={int(time.time())}"):
        respuesta = client.post(RECIBO, data=cuerpo, content_type="application/x-www-form-urlencoded",
                                headers={"X-Firma": cabecera})
        assert respuesta.status_code == 401, cabecera


@pytest.mark.django_db(transaction=True)
def test_un_recibo_que_llega_mientras_se_guarda_el_envio_espera_y_se_registra():
    """The provider may report before the send's transaction has stored the
    SMS's id: the receipt waits for that transaction, then finds the SMS."""
    mensaje = Mensaje.objects.create(canal=Mensaje.Canal.SMS, para=NUMERO, asunto="Aviso", texto="Aviso")
    cuerpo = urlencode(campos(messageId="ID-EN-CURSO", **{"client-ref": str(mensaje.pk)})).encode()
    respuestas = []

    def proveedor_informa():
        try:
            respuestas.append(firmado(Client(), cuerpo))
        finally:
            connection.close()

    with transaction.atomic():  # the outbox's send: the row is locked until its id is stored
        Mensaje.objects.select_for_update().get(pk=mensaje.pk)
        hilo = threading.Thread(target=proveedor_informa)
        hilo.start()
        assert esperar(_alguien_espera_un_bloqueo, 10), f"el recibo no esperó: {respuestas[0].content!r}"
        Mensaje.objects.filter(pk=mensaje.pk).update(
            estado=EstadoMensaje.ENVIADO, proveedor_id="ID-EN-CURSO", enviado_en=timezone.now(),
        )
    hilo.join(30)

    assert respuestas[0].status_code == 200 and respuestas[0].content == b"registrado"
    mensaje.refresh_from_db()
    assert mensaje.entrega == EstadoEntrega.ENTREGADO
    assert ReciboEntrega.objects.filter(mensaje=mensaje).count() == 1


def _alguien_espera_un_bloqueo() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db
def test_un_recibo_en_json_tambien_se_entiende(client):
    mensaje = Mensaje.objects.create(
        canal=Mensaje.Canal.SMS, para=NUMERO, asunto="Aviso", texto="Aviso", estado=EstadoMensaje.ENVIADO,
        proveedor_id="0A1B2C3D4E5F6071",
    )
    cuerpo = json.dumps(campos(status="rejected", **{"err-code": "6", "message-timestamp": "2026-03-02T10:04:05-05:00"}))

    respuesta = firmado(client, cuerpo.encode(), tipo="application/json")

    assert respuesta.content == b"registrado"
    mensaje.refresh_from_db()
    assert mensaje.entrega == EstadoEntrega.FALLIDO
    assert mensaje.entrega_detalle == "rejected (err-code 6: el operador lo rechazó como spam)"
    assert timezone.localtime(mensaje.entrega_en).strftime("%Y-%m-%d %H:%M:%S") == "2026-03-02 10:04:05"
