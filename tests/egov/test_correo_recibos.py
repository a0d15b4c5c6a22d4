"""What each kind of event of the email provider does to an alert's
delivery state (egov/entregas_correo.py), as django-anymail hands it over
after checking the webhook's secret: delivered, bounced, complained, rejected
and failed are receipts; opens, clicks and delays say nothing final."""

import datetime

import pytest
import time_machine
from anymail.signals import AnymailTrackingEvent, EventType, tracking
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from django.utils import timezone

from egov.entregas_correo import detalle_del_evento
from egov.models import EstadoEntrega, EstadoMensaje, Mensaje, ReciboEntrega

pytestmark = pytest.mark.django_db

MOMENTO = datetime.datetime(2026, 11, 30, 15, 4, 5, tzinfo=datetime.UTC)


@pytest.fixture
def enviado():
    return Mensaje.objects.create(
        canal=Mensaje.Canal.CORREO, para="vecina@ejemplo.pe", asunto="Aviso", texto="Hola.",
        estado=EstadoMensaje.ENVIADO, proveedor_id="b7bc2f4a-e38e-4336-af7d-e6c392c2f817",
    )


def llega(event_type, *, message_id="b7bc2f4a-e38e-4336-af7d-e6c392c2f817", timestamp=MOMENTO, **campos):
    evento = AnymailTrackingEvent(event_type=event_type, message_id=message_id, timestamp=timestamp, **campos)
    tracking.send(sender=PostmarkTrackingWebhookView, event=evento, esp_name="Postmark")


@pytest.mark.parametrize(
    ("tipo", "estado"),
    [
        (EventType.DELIVERED, EstadoEntrega.ENTREGADO),
        (EventType.BOUNCED, EstadoEntrega.REBOTADO),
        (EventType.COMPLAINED, EstadoEntrega.QUEJA),
        (EventType.REJECTED, EstadoEntrega.FALLIDO),
        (EventType.FAILED, EstadoEntrega.FALLIDO),
    ],
)
def test_cada_evento_final_es_un_recibo(enviado, tipo, estado):
    llega(tipo)

    enviado.refresh_from_db()
    assert (enviado.entrega, enviado.entrega_en) == (estado, MOMENTO)
    assert list(ReciboEntrega.objects.values_list("estado", "ocurrido_en")) == [(estado, MOMENTO)]


@pytest.mark.parametrize(
    "tipo",
    [EventType.OPENED, EventType.CLICKED, EventType.QUEUED, EventType.DEFERRED, EventType.SENT, EventType.UNKNOWN],
)
def test_aperturas_clics_y_demoras_no_cambian_la_entrega(enviado, tipo):
    llega(tipo)

    enviado.refresh_from_db()
    assert enviado.entrega == EstadoEntrega.SIN_CONFIRMAR
    assert not ReciboEntrega.objects.exists()


def test_sin_hora_del_proveedor_vale_la_hora_de_llegada(enviado):
    with time_machine.travel(MOMENTO, tick=False):
        llega(EventType.DELIVERED, timestamp=None)

    enviado.refresh_from_db()
    assert enviado.entrega_en == MOMENTO


def test_una_hora_sin_zona_se_toma_como_utc(enviado):
    llega(EventType.BOUNCED, timestamp=timezone.make_naive(MOMENTO, datetime.UTC))

    enviado.refresh_from_db()
    assert enviado.entrega_en == MOMENTO


def test_el_detalle_junta_la_descripcion_y_la_respuesta_del_servidor(enviado):
    llega(
        EventType.BOUNCED,
        description="The server was unable to deliver your message.\n",
        mta_response="smtp;550 5.1.1   user unknown",
    )

    enviado.refresh_from_db()
    assert enviado.entrega_detalle == "The server was unable to deliver your message. — smtp;550 5.1.1 user unknown"
    assert ReciboEntrega.objects.get().detalle == enviado.entrega_detalle


def test_el_detalle_no_pasa_de_300_caracteres_ni_repite_lo_mismo():
    largo = AnymailTrackingEvent(event_type=EventType.BOUNCED, description="x" * 500, mta_response="y")
    igual = AnymailTrackingEvent(event_type=EventType.BOUNCED, description="Mailbox full", mta_response="Mailbox full")
    assert len(detalle_del_evento(largo)) == 300
    assert detalle_del_evento(igual) == "Mailbox full"


def test_un_mensaje_desconocido_o_sin_identificador_no_registra_nada(enviado):
    llega(EventType.BOUNCED, message_id="00000000-0000-0000-0000-000000000000")
    llega(EventType.BOUNCED, message_id=None)

    enviado.refresh_from_db()
    assert enviado.entrega == EstadoEntrega.SIN_CONFIRMAR
    assert not ReciboEntrega.objects.exists()


def test_un_recibo_de_correo_no_toca_un_sms_con_el_mismo_identificador(enviado):
    sms = Mensaje.objects.create(
        canal=Mensaje.Canal.SMS, para="+51987654321", texto="Aviso", estado=EstadoMensaje.ENVIADO,
        proveedor_id=enviado.proveedor_id,
    )
    llega(EventType.BOUNCED)

    sms.refresh_from_db()
    enviado.refresh_from_db()
    assert sms.entrega == EstadoEntrega.SIN_CONFIRMAR
    assert enviado.entrega == EstadoEntrega.REBOTADO


@pytest.mark.django_db
def test_solo_existe_el_webhook_del_proveedor_configurado(client, settings):
    """No webhook listens while the portal sends by SMTP (it would have no
    secret), none of another provider, and no inbound mail at all."""
    cuerpo = {"RecordType": "Delivery", "MessageID": "x", "Recipient": "a@b.pe", "DeliveredAt": "2026-12-01T10:00:00Z"}
    settings.EMAIL_PROVEEDOR = ""
    assert client.post("/webhooks/correo/postmark/tracking/", cuerpo, content_type="application/json").status_code == 404
    settings.EMAIL_PROVEEDOR = "postmark"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "postmark:secreto"}
    assert client.post("/webhooks/correo/mailgun/tracking/", cuerpo, content_type="application/json").status_code == 404
    assert client.post("/webhooks/correo/postmark/inbound/", cuerpo, content_type="application/json").status_code == 404
    # The configured one exists, and refuses a caller without its secret.
    assert client.post("/webhooks/correo/postmark/tracking/", cuerpo, content_type="application/json").status_code == 400
