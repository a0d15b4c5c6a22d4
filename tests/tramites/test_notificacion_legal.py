"""A notice with legal effect from start to end: an observation is deposited
in the casilla, alerted at once by email and by SMS to the verified phone, the
email bounces and the SMS arrives (the providers' receipts), the citizen opens
it, and the signed constancia de notificación states exactly the times the
database holds; /verificar/ accepts its code and its file.

The email provider here is a small backend that gives each email an id, as
django-anymail's do (the receipts name messages by it); the SMS goes through
the development adapter (SMS_URL file://)."""

import io
import itertools

import pytest
import time_machine
from anymail.message import AnymailRecipientStatus, AnymailStatus
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from ciudadanos.models import CanalAviso, CategoriaAviso, Notificacion, TipoCanal
from egov.entregas import recibo_registrar
from egov.models import EstadoEntrega, EstadoMensaje, Mensaje
from tests.fixtures import DOMICILIO, NOMBRE_COMPLETO, NOMBRES, en_lima, presentar, servidor_de
from tramites import services
from tramites.certificados.selectors import enmascarar_nombre
from tramites.constancias.models import ConstanciaNotificacion
from tramites.constancias.services import enmascarar_correo
from tramites.models import Observacion

pytestmark = pytest.mark.django_db

TELEFONO = "+51987654321"
_ids = itertools.count(1)


class CorreoConId(EmailBackend):
    """Django's in-memory outbox, with the provider's id on each message as
    django-anymail sets it (`anymail_status.message_id`)."""

    def send_messages(self, messages):
        for mensaje in messages:
            estado = AnymailStatus()
            identificador = f"correo-prueba-{next(_ids)}"
            estado.set_recipient_status(
                {d: AnymailRecipientStatus(message_id=identificador, status="sent") for d in mensaje.to}
            )
            mensaje.anymail_status = estado
        return super().send_messages(messages)


@pytest.fixture
def proveedores(settings, tmp_path):
    settings.EMAIL_BACKEND = f"{__name__}.CorreoConId"
    settings.SMS_URL = f"file://{tmp_path / 'sms'}"
    settings.NOTIFICACION_EFECTO = "deposito"


def hora(momento) -> str:
    """A time as the constancia and the pages print it (Lima)."""
    return timezone.localtime(momento).strftime("%d/%m/%Y %H:%M:%S")


def telefono_verificado(usuario, numero=TELEFONO):
    return CanalAviso.objects.create(usuario=usuario, tipo=TipoCanal.SMS, destino=numero, verificado_en=timezone.now())


def observar(solicitud, capturar, mensaje="Adjunta el recibo de luz del último mes."):
    """Observes the request as the resolving office does; the alerts go out
    after the commit, as in a real request."""
    with capturar(execute=True):
        services.solicitud_observar(solicitud=solicitud, servidor=servidor_de("SGPV", "jefe"), mensaje=mensaje)
    return Notificacion.objects.filter(usuario=solicitud.ciudadano, categoria=CategoriaAviso.LEGAL).latest("pk")


def alertas(notificacion):
    return {m.canal: m for m in Mensaje.objects.filter(referencia=f"notificacion:{notificacion.pk}")}


def texto_pdf(contenido: bytes) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(contenido)).pages).split())


def descargar(web, url) -> bytes:
    """The constancia's PDF: the first request prepares it (the page says so),
    the next one, once the PDF task ran after the commit, gets the file."""
    respuesta = web.get(url)
    if respuesta.status_code == 202:
        assert "Estamos preparando tu constancia" in respuesta.content.decode()
        respuesta = web.get(url)
    assert respuesta.status_code == 200, respuesta.content[:300]
    assert respuesta["Content-Type"] == "application/pdf"
    return b"".join(respuesta.streaming_content)


def test_notificacion_legal_de_punta_a_punta(catalogo, ciudadano, proveedores, web,
                                           django_capture_on_commit_callbacks):
    telefono_verificado(ciudadano)
    with time_machine.travel(en_lima(2026, 7, 24, 10, 0), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            solicitud = presentar(ciudadano, DOMICILIO)
        mail.outbox.clear()  # routine news of the filing waits for the digest anyway
        aviso = observar(solicitud, django_capture_on_commit_callbacks)

    # Deposited with legal effect and the observation's term, alerted by both channels.
    observacion = Observacion.objects.get(solicitud=solicitud)
    assert timezone.localtime(aviso.plazo_vence_en).date() == observacion.plazo
    assert hora(aviso.plazo_vence_en).endswith("23:59:59")
    enviadas = alertas(aviso)
    assert set(enviadas) == {Mensaje.Canal.CORREO, Mensaje.Canal.SMS}
    assert [m.to for m in mail.outbox] == [[ciudadano.email]]
    assert enviadas["sms"].para == TELEFONO and enviadas["sms"].estado == EstadoMensaje.ENVIADO
    assert enviadas["correo"].proveedor_id and enviadas["sms"].proveedor_id

    # The email bounces; the SMS arrives (the providers' receipts, minutes later).
    rebote, entrega = en_lima(2026, 7, 24, 10, 2), en_lima(2026, 7, 24, 10, 1)
    assert recibo_registrar(canal="correo", proveedor_id=enviadas["correo"].proveedor_id,
                            estado=EstadoEntrega.REBOTADO, ocurrido_en=rebote, detalle="550 buzón inexistente") == "registrado"
    assert recibo_registrar(canal="sms", proveedor_id=enviadas["sms"].proveedor_id,
                            estado=EstadoEntrega.ENTREGADO, ocurrido_en=entrega) == "registrado"

    # The citizen opens it on Monday.
    web.force_login(ciudadano)
    with time_machine.travel(en_lima(2026, 7, 27, 9, 41).replace(second=7), tick=False):
        assert web.get(aviso.get_absolute_url()).status_code == 200
    aviso.refresh_from_db()
    assert hora(aviso.leida_en) == "27/07/2026 09:41:07"

    # The constancia, from the request's page.
    pagina = web.get(solicitud.get_absolute_url()).content.decode()
    assert "Notificaciones" in pagina and aviso.asunto in pagina
    url = f"/mis-tramites/{solicitud.expediente}/notificaciones/{aviso.pk}/constancia/"
    with time_machine.travel(en_lima(2026, 7, 27, 9, 45), tick=False):
        pdf = descargar(web, url)
    constancia = ConstanciaNotificacion.objects.get(notificacion=aviso)
    assert b"/ByteRange" in pdf  # signed
    texto = texto_pdf(pdf)
    enviadas = alertas(aviso)
    for momento in (aviso.depositada_en, aviso.leida_en, aviso.plazo_vence_en, enviadas["correo"].creado_en,
                    enviadas["correo"].enviado_en, enviadas["sms"].enviado_en, rebote, entrega):
        assert hora(momento) in texto, f"{hora(momento)} no figura en la constancia:\n{texto}"
    assert "Rebotado" in texto and "Entregado" in texto
    assert enmascarar_correo(ciudadano.email) in texto.replace(" ", "")  # the address, masked
    assert ciudadano.email not in texto.replace(" ", "")
    assert "+51 9** *** 321" in texto and TELEFONO not in texto
    assert "24/07/2026" in texto  # the legal date, by deposit
    assert constancia.codigo_legible in texto
    assert solicitud.expediente in texto

    # Asking again while nothing changed gives the same constancia.
    assert descargar(web, url) == pdf
    assert ConstanciaNotificacion.objects.filter(notificacion=aviso).count() == 1

    # /verificar/ accepts its code and its file.
    web.logout()
    verificada = web.get(f"/verificar/{constancia.codigo_legible}/")
    assert verificada.status_code == 200
    contenido = verificada.content.decode()
    assert "Constancia de notificación válida" in contenido
    assert solicitud.expediente in contenido and "27/07/2026 09:41:07" in contenido
    assert escape(enmascarar_nombre(NOMBRE_COMPLETO)) in contenido and "DNI ****1236" in contenido
    assert NOMBRES not in contenido
    subida = web.post("/verificar/", {"archivo": SimpleUploadedFile("constancia.pdf", pdf, "application/pdf")})
    assert subida.status_code == 200
    assert f"idéntico al documento emitido para el expediente {solicitud.expediente}" in subida.content.decode()


def test_un_recibo_nuevo_hace_una_constancia_nueva_y_la_anterior_sigue_valida(
    catalogo, ciudadano, proveedores, web, django_capture_on_commit_callbacks
):
    with time_machine.travel(en_lima(2026, 7, 24, 10, 0), tick=False):
        solicitud = presentar(ciudadano, DOMICILIO)
        aviso = observar(solicitud, django_capture_on_commit_callbacks)
    web.force_login(ciudadano)
    url = f"/mis-tramites/{solicitud.expediente}/notificaciones/{aviso.pk}/constancia/"
    primera = texto_pdf(descargar(web, url))
    assert "Sin abrir" in primera

    recibo_registrar(canal="correo", proveedor_id=alertas(aviso)["correo"].proveedor_id,
                     estado=EstadoEntrega.ENTREGADO, ocurrido_en=en_lima(2026, 7, 24, 10, 3))
    segunda = texto_pdf(descargar(web, url))
    assert "24/07/2026 10:03:00" in segunda and "24/07/2026 10:03:00" not in primera
    antigua, nueva = ConstanciaNotificacion.objects.filter(notificacion=aviso).order_by("pk")
    assert antigua.codigo != nueva.codigo and antigua.huella_datos != nueva.huella_datos
    for constancia in (antigua, nueva):
        assert web.get(f"/verificar/{constancia.codigo}/").status_code == 200
