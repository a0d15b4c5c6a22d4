"""The casilla electrónica: every notice about a request is deposited there
with a link to it. A notice with legal effect (an observation, a decision)
and a deadline reminder are alerted by exactly one email after the commit;
routine news waits for the day's digest, one email for all of it. Opening a
notice records the reading once, in the request's timeline too."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from ciudadanos import alertas as alertas_ciudadanos
from ciudadanos import services as ciudadanos_services
from ciudadanos.models import CategoriaAviso, Notificacion
from egov import tasks as egov_tasks
from egov.models import EstadoMensaje, Mensaje
from tests.fixtures import DOMICILIO, INFORMACION, en_lima, presentar, resolutor
from tramites import services
from tramites.models import Evento, TipoEvento


def contador(respuesta):
    """The unread count in the header (None when there is none)."""
    encontrado = re.search(r'<span class="contador">(\d+)<span class="oculto"> sin leer</span>', respuesta.content.decode())
    return int(encontrado.group(1)) if encontrado else None


def asuntos(usuario):
    return list(Notificacion.objects.filter(usuario=usuario).order_by("id").values_list("asunto", flat=True))


@pytest.fixture
def recorrido(catalogo, ciudadano, al_confirmar, mailoutbox):
    """One request filed, taken, observed, reminded, corrected, approved and
    its certificate issued; another one denied. Returns both."""
    with time_machine.travel(en_lima(2026, 3, 2, 10), tick=False):
        with al_confirmar():
            aprobada = presentar(ciudadano, DOMICILIO)
        servidor = resolutor(aprobada)
        with al_confirmar():
            services.solicitud_tomar(solicitud=aprobada, servidor=servidor)
        with al_confirmar():
            services.solicitud_observar(solicitud=aprobada, servidor=servidor, mensaje="Adjunte un recibo legible.")
    with time_machine.travel(en_lima(2026, 3, 3, 7), tick=False), al_confirmar():
        assert services.recordatorios_enviar()["ciudadanos"] == 1
    with time_machine.travel(en_lima(2026, 3, 3, 9), tick=False):
        with al_confirmar():
            services.solicitud_subsanar(solicitud=aprobada, ciudadano=ciudadano, nota="Ya lo adjunté.")
        with al_confirmar():
            aprobada = services.solicitud_aprobar(solicitud=aprobada, servidor=servidor, nota="Conforme.")
        with al_confirmar():
            denegada = presentar(ciudadano, INFORMACION)
        jefe_sg = resolutor(denegada)
        with al_confirmar():
            services.solicitud_tomar(solicitud=denegada, servidor=jefe_sg)
        with al_confirmar():
            services.solicitud_denegar(solicitud=denegada, servidor=jefe_sg, motivo="La información no existe.")
    return aprobada, denegada


@pytest.mark.django_db
def test_cada_aviso_llega_a_la_casilla_con_su_enlace_y_un_correo_o_el_resumen(
    recorrido, ciudadano, mailoutbox, al_confirmar
):
    aprobada, denegada = recorrido
    exp_a, exp_d = aprobada.expediente, denegada.expediente
    assert asuntos(ciudadano) == [
        f"{exp_a}: recibimos tu solicitud",
        f"{exp_a}: tu solicitud está en evaluación",
        f"{exp_a}: tu solicitud tiene una observación",
        f"{exp_a}: mañana vence el plazo para subsanar",
        f"{exp_a}: recibimos tu subsanación",
        f"{exp_a}: tu solicitud fue aprobada",  # it announces the certificate: no notice of its own while unread
        f"{exp_d}: recibimos tu solicitud",
        f"{exp_d}: tu solicitud está en evaluación",
        f"{exp_d}: tu solicitud fue denegada",
    ]
    notificaciones = list(Notificacion.objects.filter(usuario=ciudadano).order_by("id"))
    al_momento = [n for n in notificaciones if n.asunto.endswith(
        ("tiene una observación", "mañana vence el plazo para subsanar", "fue aprobada", "fue denegada"))]
    rutina = [n for n in notificaciones if n not in al_momento]
    for notificacion in notificaciones:
        solicitud = aprobada if notificacion.asunto.startswith(exp_a) else denegada
        assert notificacion.enlace == f"/mis-tramites/{solicitud.expediente}/"
        assert notificacion.referencia == f"solicitud:{solicitud.pk}"
        assert notificacion.leida_en is None
        alertas = list(Mensaje.objects.filter(referencia=f"notificacion:{notificacion.pk}"))
        if notificacion in al_momento:
            assert [(a.canal, a.estado, a.intentos) for a in alertas] == [("correo", EstadoMensaje.ENVIADO, 1)]
        else:
            assert alertas == [] and notificacion.alertada_en is None  # waits for the digest

    # Exactly one email alert per notice with legal effect or reminder, to the citizen, pointing at the casilla.
    assert len(mailoutbox) == len(al_momento) == 4
    for correo, notificacion in zip(mailoutbox, al_momento, strict=True):
        assert correo.to == [ciudadano.email]
        assert correo.subject == notificacion.asunto
        assert f"{settings.SITE_URL}/casilla/{notificacion.pk}/" in correo.body
        # Only an alert: what the notice says is read in the casilla.
        assert "Adjunte un recibo legible." not in correo.body
        assert "La información no existe." not in correo.body
    observacion = next(n for n in notificaciones if "observación" in n.asunto)
    assert "Adjunte un recibo legible." in observacion.cuerpo
    denegacion = next(n for n in notificaciones if "denegada" in n.asunto)
    assert "La información no existe." in denegacion.cuerpo

    # The routine news of both requests: one digest email that lists each.
    mailoutbox.clear()
    with al_confirmar():
        assert alertas_ciudadanos.resumenes_enviar() == {"ciudadanos": 1, "novedades": len(rutina)}
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [ciudadano.email]
    for notificacion in rutina:
        assert notificacion.asunto in mailoutbox[0].body
        assert f"{settings.SITE_URL}/casilla/{notificacion.pk}/" in mailoutbox[0].body


@pytest.mark.django_db
def test_el_correo_de_alerta_sale_solo_despues_del_commit(catalogo, ciudadano, mailoutbox, django_capture_on_commit_callbacks):
    solicitud = presentar(ciudadano, DOMICILIO)
    with django_capture_on_commit_callbacks(execute=False) as pendientes:
        services.solicitud_observar(solicitud=solicitud, servidor=resolutor(solicitud), mensaje="Falta el recibo.")
        assert Notificacion.objects.filter(usuario=ciudadano).count() == 2
    assert mailoutbox == []  # the transaction has not committed
    for callback in pendientes:
        callback()
    assert [m.subject for m in mailoutbox] == [f"{solicitud.expediente}: tu solicitud tiene una observación"]


@pytest.mark.django_db(transaction=True)  # commits as in production: the header of the notice's own page counts it read
def test_abrir_un_aviso_registra_la_lectura_una_vez(recorrido, ciudadano, otro_ciudadano, web):
    aprobada, _denegada = recorrido
    total = Notificacion.objects.filter(usuario=ciudadano).count()
    aviso = Notificacion.objects.get(usuario=ciudadano, asunto__endswith="tu solicitud fue aprobada")

    web.force_login(ciudadano)
    casilla = web.get("/casilla/")
    assert casilla.status_code == 200
    assert contador(casilla) == total
    assert f'href="/casilla/{aviso.pk}/"' in casilla.content.decode()
    # Unread ones are marked once each, not prefixed.
    assert casilla.content.decode().count('<span class="marca-sin-leer">sin leer</span>') == total
    assert "Nueva:" not in casilla.content.decode()

    primera = web.get(f"/casilla/{aviso.pk}/")
    assert primera.status_code == 200
    assert "Registramos que abriste esta notificación." in primera.content.decode()
    assert f'href="{aprobada.get_absolute_url()}"' in primera.content.decode()
    assert "Conforme." in primera.content.decode()
    aviso.refresh_from_db()
    leida = aviso.leida_en
    assert leida is not None
    assert contador(primera) == total - 1

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        segunda = web.get(f"/casilla/{aviso.pk}/")
    assert segunda.status_code == 200
    assert "Registramos que abriste" not in segunda.content.decode()
    aviso.refresh_from_db()
    assert aviso.leida_en == leida
    assert contador(web.get("/casilla/")) == total - 1

    # The reading is in the request's timeline, once.
    assert Evento.objects.filter(solicitud=aprobada, tipo=TipoEvento.NOTIFICACION_LEIDA).count() == 1
    detalle = web.get(aprobada.get_absolute_url()).content.decode()
    assert detalle.count("Notificación leída") == 1
    assert f"«{aviso.asunto}», leída el {timezone.localtime(leida):%d/%m/%Y %H:%M}" in detalle

    # Nobody else opens it (nor marks it read), and anonymous users go to log in.
    otro = Notificacion.objects.get(usuario=ciudadano, asunto__endswith="tu solicitud fue denegada")
    web.force_login(otro_ciudadano)
    assert web.get(f"/casilla/{otro.pk}/").status_code == 404
    assert web.get(f"/casilla/{aviso.pk}/").status_code == 404
    assert contador(web.get("/casilla/")) is None
    anonimo = Client().get(f"/casilla/{otro.pk}/")
    assert anonimo.status_code == 302 and anonimo["Location"].startswith("/cuenta/login/")
    otro.refresh_from_db()
    assert otro.leida_en is None


@pytest.mark.django_db
def test_la_alerta_es_idempotente(catalogo, ciudadano, mailoutbox):
    aviso = ciudadanos_services.aviso_depositar(
        usuario=ciudadano, asunto="EXP-2026-000009: prueba", cuerpo="Texto.", enlace="/mis-tramites/",
        categoria=CategoriaAviso.LEGAL,
    )  # its alert task not run (no commit), but the alert is in the outbox
    assert mailoutbox == []
    alerta = Mensaje.objects.get(referencia=f"notificacion:{aviso.pk}")
    assert alerta.estado == EstadoMensaje.PENDIENTE and alerta.para == ciudadano.email
    assert egov_tasks.mensaje_enviar.apply(kwargs={"mensaje_id": alerta.pk}).get() == "enviado"
    assert egov_tasks.mensaje_enviar.apply(kwargs={"mensaje_id": alerta.pk}).get() == "omitido"
    assert len(mailoutbox) == 1
    alerta.refresh_from_db()
    assert alerta.intentos == 1 and alerta.enviado_en is not None


@pytest.mark.django_db
def test_un_ciudadano_desactivado_recibe_el_aviso_en_la_casilla_pero_no_el_correo(catalogo, ciudadano, mailoutbox):
    ciudadano.is_active = False
    ciudadano.save(update_fields=["is_active"])
    aviso = ciudadanos_services.aviso_depositar(usuario=ciudadano, asunto="prueba", cuerpo=".", enlace="/",
                                                categoria=CategoriaAviso.LEGAL)
    assert Notificacion.objects.filter(pk=aviso.pk).exists()
    assert not Mensaje.objects.filter(referencia=f"notificacion:{aviso.pk}").exists()
