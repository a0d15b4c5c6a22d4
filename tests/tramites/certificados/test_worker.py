"""Certificates made by a real Celery worker process (queues default and pdf)
against Redis, and what happens when things break: the broker goes down, a
worker is killed in the middle of a certificate. Every certificate is issued
exactly once."""

import datetime
import hashlib
import logging
import os
import re
import signal
import time

import pytest
import redis
from django.conf import settings

from ciudadanos.models import Notificacion
from egov.documentos import documentos_pendientes_reencolar
from egov.mensajes import mensajes_pendientes_reencolar
from egov.models import EstadoMensaje, Mensaje
from tests.fixtures import (
    DOMICILIO,
    INFORMACION,
    LICENCIA,
    ORGANIZACIONES,
    aprobar,
    certificado_de,
    esperar,
    persona,
    presentar,
)
from tests.procesos import broker_en
from tramites.models import (
    CargoPresentacion,
    Certificado,
    Estado,
    EstadoDocumento,
    Evento,
    TipoEvento,
)

from .conftest import archivos_bajo, contenido, firma_validar

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# A resolution long enough that rendering it takes seconds (~65 pages): the
# test can kill the worker while it is at it.
RESOLUCION_LARGA = " ".join(
    f"Considerando {i}: que el expediente cumple los requisitos del TUPA vigente." for i in range(3500)
)


def emitidos(modelo, pks) -> bool:
    return modelo.objects.filter(pk__in=pks, estado=EstadoDocumento.EMITIDO).count() == len(pks)


def esperar_emitidos(trabajador, modelo, pks, segundos=60):
    if not esperar(lambda: emitidos(modelo, pks), segundos, paso=0.2):
        estados = list(modelo.objects.filter(pk__in=pks).values_list("pk", "estado", "error"))
        pytest.fail(f"No se emitieron {estados}. Log del worker:\n{trabajador.salida()[-4000:]}")


RECIBIDO = r"Task tramites\.tasks\.certificado_emitir\[[-0-9a-f]+\] received"
TERMINADO = r"Task tramites\.tasks\.certificado_emitir\[[-0-9a-f]+\] succeeded"


def veces(trabajador, patron) -> int:
    return len(re.findall(patron, trabajador.salida()))


def esperar_en_log(trabajador, patron, n=1, segundos=60, paso=0.1):
    if not esperar(lambda: veces(trabajador, patron) >= n, segundos, paso=paso):
        pytest.fail(f"El worker no registró «{patron}» {n} veces:\n{trabajador.salida()[-4000:]}")


def un_documento_por_solicitud(solicitudes):
    """Exactly one certificate per request: one file each (and no other
    file), EMITIDO, one "document issued" event and one notice each."""
    certificados = [certificado_de(s) for s in solicitudes]
    archivos = archivos_bajo("documentos/certificados")
    assert len(archivos) == len(solicitudes), archivos
    assert sorted(str(p.relative_to(settings.MEDIA_ROOT)) for p in archivos) == sorted(
        c.archivo.name for c in certificados
    )
    for solicitud, certificado in zip(solicitudes, certificados, strict=True):
        assert certificado.estado == EstadoDocumento.EMITIDO
        assert certificado.error == ""
        datos = (settings.MEDIA_ROOT / certificado.archivo.name).read_bytes()
        assert hashlib.sha256(datos).hexdigest() == certificado.sha256
        assert Evento.objects.filter(solicitud=solicitud, tipo=TipoEvento.DOCUMENTO_EMITIDO).count() == 1
        # Issued while the approval's notice (which announces it) is unread: no notice of its own.
        avisos = Notificacion.objects.filter(usuario=solicitud.ciudadano, referencia=f"solicitud:{solicitud.pk}")
        assert not avisos.filter(asunto__contains="tu documento está listo").exists()
        assert avisos.filter(cuerpo__contains="estará listo en unos minutos").count() == 1
    return certificados


@pytest.fixture
def broker_de_pruebas():
    """The test settings' broker (Redis database 14), emptied before and after."""
    cliente = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    cliente.flushdb()
    with broker_en(settings.CELERY_BROKER_URL):
        yield cliente
    cliente.flushdb()


def test_un_worker_real_emite_el_certificado_y_el_ciudadano_lo_descarga(
    catalogo, ciudadano, worker, broker_de_pruebas, client
):
    trabajador = worker(settings.CELERY_BROKER_URL)  # it boots while the request is filed
    solicitud = presentar(ciudadano, DOMICILIO)
    solicitud = aprobar(solicitud, nota="Se verificó el domicilio declarado.")
    assert solicitud.estado == Estado.APROBADA
    certificado = certificado_de(solicitud)
    trabajador.listo()

    esperar_emitidos(trabajador, Certificado, [certificado.pk])
    esperar_emitidos(trabajador, CargoPresentacion, [solicitud.cargo.pk])
    un_documento_por_solicitud([solicitud])
    assert "tramites.tasks.certificado_emitir" in trabajador.salida()

    client.force_login(ciudadano)
    respuesta = client.get(f"/mis-tramites/{solicitud.expediente}/certificado.pdf")
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "application/pdf"
    assert respuesta["Content-Disposition"].startswith("attachment;")
    assert f"certificado-{solicitud.expediente}.pdf" in respuesta["Content-Disposition"]
    pdf = contenido(respuesta)
    assert pdf.startswith(b"%PDF-")
    certificado.refresh_from_db()
    assert hashlib.sha256(pdf).hexdigest() == certificado.sha256
    assert firma_validar(pdf).bottom_line

    # The alerts of the casilla went out from the worker too (as email files).
    assert esperar(lambda: not Mensaje.objects.exclude(estado=EstadoMensaje.ENVIADO).exists(), 30)


def test_con_el_broker_caido_se_aprueba_igual_y_el_barrido_emite_todo_una_vez(
    catalogo, redis_propio, worker, caplog
):
    caplog.set_level(logging.WARNING, logger="egov.tareas")
    redis_propio.arrancar()
    redis_propio.detener()  # the broker goes down

    with broker_en(redis_propio.url):
        solicitudes = []
        inicio = time.monotonic()
        for i, slug in enumerate([DOMICILIO, LICENCIA, ORGANIZACIONES]):
            ciudadano = persona(numero_documento=f"4100000{i}")
            # Filing and approving work: the broker outage reaches no caller…
            solicitudes.append(aprobar(presentar(ciudadano, slug), nota="Aprobado."))
        assert all(s.estado == Estado.APROBADA for s in solicitudes)
        # …nor holds it: each task gets one connection attempt, not kombu's
        # seconds of retries (which made each filing or approval take ~18 s).
        assert time.monotonic() - inicio < 10
        # …and the documents wait, pending, in the database.
        certificados = [certificado_de(s) for s in solicitudes]
        cargos = [s.cargo for s in solicitudes]
        assert {c.estado for c in certificados + cargos} == {EstadoDocumento.PENDIENTE}
        assert archivos_bajo("documentos") == []
        fallidos = [r for r in caplog.records if r.name == "egov.tareas"]
        assert any("certificado_emitir" in r.getMessage() for r in fallidos)

        redis_propio.arrancar()  # the broker is back (empty: it kept nothing)
        trabajador = worker(redis_propio.url).listo()
        # The sweeper (beat) enqueues again what is pending; twice in a row, as
        # two beat ticks close together would: some documents get two messages.
        primero = documentos_pendientes_reencolar(minutos=0)
        assert primero == {"certificado": 3, "cargopresentacion": 3, "hojareclamo": 0, "resolucion": 0, "constancianotificacion": 0}
        segundo = documentos_pendientes_reencolar(minutos=0)
        # The alerts lost in the outage are enqueued again by the outbox sweeper:
        # one per approval (filing and taking are routine news, for the digest).
        assert mensajes_pendientes_reencolar(espera=datetime.timedelta(0)) >= 3

        pks = [c.pk for c in certificados]
        esperar_emitidos(trabajador, Certificado, pks)
        esperar_emitidos(trabajador, CargoPresentacion, [c.pk for c in cargos])
        # Every message was consumed, the duplicates too (they found the document issued).
        mensajes = primero["certificado"] + segundo["certificado"]
        esperar_en_log(trabajador, TERMINADO, n=mensajes)
        assert veces(trabajador, TERMINADO) == mensajes
        assert esperar(lambda: redis_propio.cliente().llen("pdf") == 0, 10)

        un_documento_por_solicitud(solicitudes)
        assert len(archivos_bajo("documentos/cargos")) == 3
        assert esperar(
            lambda: not Mensaje.objects.exclude(estado=EstadoMensaje.ENVIADO).exists(), 30
        ), trabajador.salida()[-3000:]


def test_un_worker_muerto_en_pleno_certificado_lo_devuelve_a_la_cola(catalogo, ciudadano, redis_propio, worker):
    """Prefork: the pool process running the certificate is killed (SIGKILL).
    acks_late + reject_on_worker_lost put the message back in the queue, and
    the worker's next pool process issues it: once."""
    redis_propio.arrancar()
    with broker_en(redis_propio.url):
        trabajador = worker(redis_propio.url, pool="prefork").listo()
        solicitud = presentar(ciudadano, INFORMACION)
        esperar_emitidos(trabajador, CargoPresentacion, [solicitud.cargo.pk])
        [hijo] = trabajador.hijos()

        solicitud = aprobar(solicitud, nota=RESOLUCION_LARGA)
        certificado = certificado_de(solicitud)
        esperar_en_log(trabajador, RECIBIDO, paso=0.01)
        os.kill(hijo, signal.SIGKILL)
        certificado.refresh_from_db()
        assert certificado.estado == EstadoDocumento.PENDIENTE, "el certificado terminó antes de matar al worker"

        esperar_emitidos(trabajador, Certificado, [certificado.pk])
        salida = trabajador.salida()
        assert "WorkerLostError" in salida or "SIGKILL" in salida, salida[-3000:]
        # The row commits before the worker logs the task's end: wait for the line.
        esperar_en_log(trabajador, TERMINADO)
        # The same message came back (received twice) and ran to the end once.
        assert esperar(lambda: veces(trabajador, RECIBIDO) == 2, 10), trabajador.salida()[-4000:]
        assert veces(trabajador, TERMINADO) == 1
        [certificado] = un_documento_por_solicitud([solicitud])
        assert certificado.intentos == 1


def test_un_worker_matado_y_uno_nuevo_el_barrido_emite_el_certificado_una_vez(
    catalogo, ciudadano, redis_propio, worker
):
    """The whole worker is killed (SIGKILL) while it renders a certificate: its
    message stays unacknowledged in Redis (for the visibility timeout, an
    hour). A new worker and the sweeper issue the certificate, once."""
    redis_propio.arrancar()
    with broker_en(redis_propio.url):
        primero = worker(redis_propio.url).listo()
        solicitud = presentar(ciudadano, INFORMACION)
        esperar_emitidos(primero, CargoPresentacion, [solicitud.cargo.pk])

        solicitud = aprobar(solicitud, nota=RESOLUCION_LARGA)
        certificado = certificado_de(solicitud)
        esperar_en_log(primero, RECIBIDO, paso=0.01)
        primero.matar()
        certificado.refresh_from_db()
        assert certificado.estado == EstadoDocumento.PENDIENTE, "el certificado terminó antes de matar al worker"
        assert archivos_bajo("documentos/certificados") == []

        segundo = worker(redis_propio.url).listo()
        assert documentos_pendientes_reencolar(minutos=0) == {"certificado": 1, "cargopresentacion": 0, "hojareclamo": 0, "resolucion": 0, "constancianotificacion": 0}
        esperar_emitidos(segundo, Certificado, [certificado.pk])
        [certificado] = un_documento_por_solicitud([solicitud])
        assert certificado.intentos == 1
