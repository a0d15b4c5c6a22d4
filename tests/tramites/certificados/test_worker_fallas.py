"""Failures seen by a real worker. A worker killed after it stored a
certificate's PDF and before its transaction committed: the row rolled back,
the file stayed; the next attempt stores the PDF under the same name, so the
citizen's data is on disk once, in the file the row names. And a document
that keeps failing: the task's quick retries are one round of the sweeper's
schedule, and the sweeper stays away while they run."""

import datetime
import hashlib
import re

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from egov.documentos import documentos_pendientes_reencolar
from tests.fixtures import INFORMACION, aprobar, certificado_de, esperar, presentar
from tests.procesos import broker_en
from tramites.models import CargoPresentacion, Certificado, EstadoDocumento

from .conftest import archivos_bajo
from .test_worker import esperar_emitidos, esperar_en_log, un_documento_por_solicitud, veces

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def esperando_un_bloqueo(otra) -> bool:
    """Whether some backend of the test database is waiting for a lock."""
    with otra.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_un_worker_matado_entre_el_pdf_y_el_commit_no_deja_una_segunda_copia(
    catalogo, ciudadano, redis_propio, worker
):
    redis_propio.arrancar()
    with broker_en(redis_propio.url):
        # Filed and approved with no worker running: the tasks wait in Redis.
        solicitud = aprobar(presentar(ciudadano, INFORMACION), nota="Se entrega la información.")
        certificado = certificado_de(solicitud)

        # After storing the PDF, issuing inserts the "document issued" event:
        # with the events table locked elsewhere the worker waits right there,
        # its file written and its transaction open.
        otra = psycopg2.connect(**connection.get_connection_params())
        try:
            with otra.cursor() as cursor:
                cursor.execute("LOCK TABLE tramites_evento IN ACCESS EXCLUSIVE MODE")
            primero = worker(redis_propio.url).listo()
            esperar_emitidos(primero, CargoPresentacion, [solicitud.cargo.pk])
            assert esperar(
                lambda: archivos_bajo("documentos/certificados") and esperando_un_bloqueo(otra), 60
            ), primero.salida()[-3000:]
            primero.matar()
        finally:
            otra.rollback()
            otra.close()

        # The killed attempt's file is there, and no row names it.
        [huerfano] = archivos_bajo("documentos/certificados")
        certificado.refresh_from_db()
        assert certificado.estado == EstadoDocumento.PENDIENTE and not certificado.archivo.name

        segundo = worker(redis_propio.url).listo()
        assert documentos_pendientes_reencolar(minutos=0) == {"certificado": 1, "cargopresentacion": 0, "hojareclamo": 0, "resolucion": 0, "constancianotificacion": 0}
        esperar_emitidos(segundo, Certificado, [certificado.pk])

    [certificado] = un_documento_por_solicitud([solicitud])
    [archivo] = archivos_bajo("documentos/certificados")
    assert archivo == huerfano  # the same name, written again by the attempt that committed
    # A name of its own that nobody can guess: the row's id and 128 random bits.
    assert re.fullmatch(rf"{certificado.pk}-[0-9a-f]{{32}}\.pdf", archivo.name)
    assert str(archivo.relative_to(settings.MEDIA_ROOT)) == certificado.archivo.name
    assert hashlib.sha256(archivo.read_bytes()).hexdigest() == certificado.sha256
    assert certificado.intentos == 1


def test_los_reintentos_rapidos_de_la_tarea_son_una_sola_ronda_y_el_barrido_no_se_cruza(
    catalogo, ciudadano, redis_propio, worker, settings, tmp_path
):
    # The worker cannot sign: the key it is given is not there.
    settings.CERT_SIGNING_P12 = str(tmp_path / "no-existe.p12")
    redis_propio.arrancar()
    with broker_en(redis_propio.url):
        trabajador = worker(redis_propio.url).listo()
        solicitud = aprobar(presentar(ciudadano, INFORMACION), nota="Se entrega la información.")
        certificado = certificado_de(solicitud)

        def intentos() -> int:
            # A beat tick each time: while the task retries, the sweeper enqueues nothing.
            assert documentos_pendientes_reencolar() == {"certificado": 0, "cargopresentacion": 0, "hojareclamo": 0, "resolucion": 0, "constancianotificacion": 0}
            return Certificado.objects.get(pk=certificado.pk).intentos

        assert esperar(lambda: intentos() >= 4, 120, paso=0.5), trabajador.salida()[-4000:]
        esperar_en_log(trabajador, r"Task tramites\.tasks\.certificado_emitir\[[-0-9a-f]+\] raised unexpected")

    certificado = Certificado.objects.get(pk=certificado.pk)
    assert certificado.estado == EstadoDocumento.FALLIDO
    assert "No existe el certificado de firma" in certificado.error
    # The delivery and its 3 quick retries: 4 attempts, one round.
    assert (certificado.intentos, certificado.rondas) == (4, 1)
    assert veces(trabajador, r"Task tramites\.tasks\.certificado_emitir\[[-0-9a-f]+\] retry") == 3
    # The sweeper's next round comes 5 minutes after the last quick retry.
    espera = certificado.proximo_intento_en - timezone.now()
    assert datetime.timedelta(minutes=4) < espera <= datetime.timedelta(minutes=5)
    assert documentos_pendientes_reencolar() == {"certificado": 0, "cargopresentacion": 0, "hojareclamo": 0, "resolucion": 0, "constancianotificacion": 0}
