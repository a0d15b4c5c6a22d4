"""The outbox: every email is a row written with the work that causes it,
sent once by a task after commit, retried with growing pauses when the mail
server refuses, re-enqueued by the sweeper when its task was lost, and shown
and retried in the admin when it is no longer retried by itself."""

import datetime

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from egov import mensajes, tareas
from egov import tasks as egov_tasks
from egov.models import EstadoMensaje, Mensaje
from tests.fixtures import servidor_de

pytestmark = pytest.mark.django_db

CORREO_CAIDO = "tests.egov.test_mensajes.ServidorQueRechaza"


class ServidorQueRechaza(BaseEmailBackend):
    """A mail server that refuses every message (configured by EMAIL_BACKEND)."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("el servidor de correo no responde")


@pytest.fixture
def publicadas(monkeypatch):
    """The tasks handed to the broker (what the sweeper enqueued)."""
    lista = []
    original = tareas.publicar
    monkeypatch.setattr(tareas, "publicar", lambda tarea, kwargs: lista.append(kwargs) or original(tarea, kwargs))
    return lista


def registrar(asunto="Aviso", **opciones):
    return mensajes.correo_registrar(para=["vecina@example.pe"], asunto=asunto, texto="Hola.", **opciones)


def test_el_correo_sale_despues_del_commit_y_una_sola_vez(al_confirmar, mailoutbox):
    with al_confirmar():
        mensaje = registrar("Bienvenida", html="<p>Hola.</p>")
        assert mailoutbox == []  # not before the commit
    assert [(m.subject, m.to) for m in mailoutbox] == [("Bienvenida", ["vecina@example.pe"])]
    assert mailoutbox[0].alternatives[0][1] == "text/html"
    mensaje.refresh_from_db()
    assert mensaje.estado == EstadoMensaje.ENVIADO and mensaje.intentos == 1 and mensaje.enviado_en
    # A second delivery of the same task (acks_late, a duplicate) sends nothing.
    assert egov_tasks.mensaje_enviar.apply(kwargs={"mensaje_id": mensaje.pk}).get() == "omitido"
    assert len(mailoutbox) == 1


def test_si_el_trabajo_se_deshace_no_hay_mensaje(al_confirmar, mailoutbox):
    with al_confirmar(), pytest.raises(RuntimeError), transaction.atomic():
        registrar("No debe salir")
        raise RuntimeError("la operación falló")
    assert not Mensaje.objects.exists() and mailoutbox == []


def test_sin_destinatario_no_se_registra_nada():
    assert mensajes.correo_registrar(para=["", "  "], asunto="x", texto="y") is None
    assert not Mensaje.objects.exists()


def test_varios_destinatarios_reciben_un_solo_correo(al_confirmar, mailoutbox):
    with al_confirmar():
        mensajes.correo_registrar(para=["jefa@entidad.gob.pe", "jefe@entidad.gob.pe"], asunto="Resumen", texto=".")
    assert [m.to for m in mailoutbox] == [["jefa@entidad.gob.pe", "jefe@entidad.gob.pe"]]


def test_el_contenido_reservado_se_borra_al_enviarse(al_confirmar, mailoutbox):
    with al_confirmar():
        mensaje = mensajes.correo_registrar(
            para=["vecina@example.pe"], asunto="Confirma tu correo", texto="Enlace: https://x/confirmar/abc123/",
            html="<a href='https://x/confirmar/abc123/'>confirmar</a>", reservado=True,
        )
    assert "abc123" in mailoutbox[0].body  # the citizen gets the link…
    mensaje.refresh_from_db()
    assert mensaje.texto == "" and mensaje.html == ""  # …the table does not keep it


def test_el_servidor_de_correo_rechaza_y_se_reintenta_con_pausas_crecientes(settings, al_confirmar, mailoutbox):
    settings.EMAIL_BACKEND = CORREO_CAIDO
    inicio = timezone.now().replace(microsecond=0)
    with time_machine.travel(inicio, tick=False) as reloj:
        with al_confirmar():
            mensaje = registrar("Tu solicitud fue aprobada")
        pausas = []
        for _intento in range(mensajes.MENSAJE_INTENTOS_MAX - 1):
            mensaje.refresh_from_db()
            assert mensaje.estado == EstadoMensaje.PENDIENTE
            assert "ConnectionRefusedError: el servidor de correo no responde" in mensaje.error
            pausas.append(int((mensaje.proximo_intento_en - timezone.now()).total_seconds() // 60))
            # Before its time, neither the sweeper nor a stray delivery tries again.
            reloj.move_to(mensaje.proximo_intento_en - datetime.timedelta(seconds=1))
            with al_confirmar():
                assert mensajes.mensajes_pendientes_reencolar() == 0
            assert egov_tasks.mensaje_enviar.apply(kwargs={"mensaje_id": mensaje.pk}).get() == "omitido"
            reloj.move_to(mensaje.proximo_intento_en)
            with al_confirmar():
                assert mensajes.mensajes_pendientes_reencolar() == 1
        assert pausas == [1, 2, 4, 8, 16, 32, 60, 60, 60]
        mensaje.refresh_from_db()
        # Out of tries: it waits for a person, and /salud/ says so.
        assert mensaje.estado == EstadoMensaje.FALLIDO and mensaje.intentos == mensajes.MENSAJE_INTENTOS_MAX
        assert mensaje.proximo_intento_en is None
        with al_confirmar():
            assert mensajes.mensajes_pendientes_reencolar() == 0
        assert mensajes.mensajes_salud() == {"estado": "degradado", "sin_enviar": 1, "atrasados": 0}
    assert mailoutbox == []


def test_el_barrido_reencola_solo_lo_que_se_perdio(al_confirmar, mailoutbox, publicadas):
    with al_confirmar():
        enviado = registrar("enviado")
    perdido = registrar("perdido")  # its task never reached the broker
    registrar("reciente")  # its task may still be on its way
    agotado = registrar("agotado")
    hace_diez = timezone.now() - datetime.timedelta(minutes=10)
    Mensaje.objects.filter(pk__in=[enviado.pk, perdido.pk, agotado.pk]).update(creado_en=hace_diez)
    Mensaje.objects.filter(pk=agotado.pk).update(estado=EstadoMensaje.FALLIDO)
    mailoutbox.clear()
    publicadas.clear()

    with al_confirmar():
        assert mensajes.mensajes_pendientes_reencolar() == 1
    assert publicadas == [{"mensaje_id": perdido.pk}]
    assert [m.subject for m in mailoutbox] == ["perdido"]

    publicadas.clear()
    with al_confirmar():
        assert egov_tasks.mensajes_pendientes_reencolar.apply().get() == 0
    assert publicadas == [] and len(mailoutbox) == 1
    estados = dict(Mensaje.objects.values_list("asunto", "estado"))
    assert estados == {"enviado": EstadoMensaje.ENVIADO, "perdido": EstadoMensaje.ENVIADO,
                       "reciente": EstadoMensaje.PENDIENTE, "agotado": EstadoMensaje.FALLIDO}


def test_la_salud_avisa_de_mensajes_atrasados_mas_de_una_hora():
    registrar("atrasado")
    assert mensajes.mensajes_salud()["estado"] == "ok"
    Mensaje.objects.update(creado_en=timezone.now() - datetime.timedelta(hours=2))
    assert mensajes.mensajes_salud() == {"estado": "degradado", "sin_enviar": 0, "atrasados": 1}


def test_el_operador_ve_el_error_y_reintenta_desde_el_admin(settings, admin_de, al_confirmar, mailoutbox, catalogo):
    settings.EMAIL_BACKEND = CORREO_CAIDO
    with al_confirmar():
        fallido = registrar("Tu certificado está listo")
        reservado = registrar("Restablece tu contraseña", reservado=True)
    Mensaje.objects.update(estado=EstadoMensaje.FALLIDO, proximo_intento_en=None)
    operador = admin_de(servidor_de(superusuario=True))

    lista = operador.get("/admin/egov/mensaje/?estado=fallido")
    assert lista.status_code == 200
    pagina = lista.content.decode()
    assert "Tu certificado está listo" in pagina and "No se pudo enviar" in pagina
    detalle = operador.get(f"/admin/egov/mensaje/{fallido.pk}/change/").content.decode()
    assert "ConnectionRefusedError: el servidor de correo no responde" in detalle and "Hola." in detalle
    # A message with a one-time link never shows its body, even unsent.
    assert "Hola." not in operador.get(f"/admin/egov/mensaje/{reservado.pk}/change/").content.decode()

    # A servant of an office sees nothing of it.
    jefa = admin_de(servidor_de("SG", "jefe"))
    assert jefa.get("/admin/egov/mensaje/").status_code == 403

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the mail server is back
    with al_confirmar():
        respuesta = operador.post("/admin/egov/mensaje/", {
            "action": "reintentar", "_selected_action": [str(fallido.pk), str(reservado.pk)], "index": "0",
        }, follow=True)
    assert "Enviados a la cola de nuevo: 2." in respuesta.content.decode()
    assert sorted(m.subject for m in mailoutbox) == ["Restablece tu contraseña", "Tu certificado está listo"]
    assert set(Mensaje.objects.values_list("estado", flat=True)) == {EstadoMensaje.ENVIADO}
