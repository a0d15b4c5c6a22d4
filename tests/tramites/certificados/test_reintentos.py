"""When the file storage fails for a while: the sweeper keeps trying each
certificate and receipt at growing intervals (5, 10, 20, 40, 80, then every
120 minutes) and issues it once storage works again; after 24 hours of
failures it stops, and the office (admin and daily digest) and /salud/ say so
until a servant retries it."""

import datetime
import errno
import hashlib

import pytest
import time_machine
from django.core.files.storage import FileSystemStorage
from django.test import Client

from ciudadanos.models import Notificacion
from egov.documentos import documentos_pendientes_reencolar
from tests.fixtures import (
    DOMICILIO,
    INFORMACION,
    aprobar,
    certificado_de,
    en_lima,
    persona,
    presentar,
    servidor_de,
)
from tramites import services
from tramites.models import CargoPresentacion, EstadoDocumento, Evento, TipoEvento
from tramites.roles import JEFE_DE_OFICINA

from .conftest import archivos_bajo

pytestmark = pytest.mark.django_db

INICIO = en_lima(2026, 3, 2, 9, 0)  # a Monday
MINUTO = datetime.timedelta(minutes=1)
LISTA_CERTIFICADOS = "/admin/tramites/certificado/"
BANDEJA = "/admin/tramites/solicitud/"


class AlmacenIntermitente(FileSystemStorage):
    """The private file storage, read-only while `caido` is set (a full disk,
    a remount, an object store that is down)."""

    caido = False

    def _save(self, name, content):
        if AlmacenIntermitente.caido:
            raise OSError(errno.EROFS, "Read-only file system", name)
        return super()._save(name, content)

    def delete(self, name):
        if AlmacenIntermitente.caido:
            raise OSError(errno.EROFS, "Read-only file system", name)
        return super().delete(name)


@pytest.fixture
def almacen(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": f"{__name__}.AlmacenIntermitente",
            "OPTIONS": {"location": settings.MEDIA_ROOT, "base_url": settings.MEDIA_URL},
        },
    }
    AlmacenIntermitente.caido = False
    yield AlmacenIntermitente
    AlmacenIntermitente.caido = False


def fresco(documento):
    return type(documento).objects.get(pk=documento.pk)


def barrer(al_confirmar):
    """One beat tick of the sweeper; what it enqueues runs (eagerly) after the commit."""
    with al_confirmar():
        return documentos_pendientes_reencolar()


def minutos_desde(inicio, momento) -> int:
    return round((momento - inicio).total_seconds() / 60)


def test_el_barrido_reintenta_cada_vez_mas_espaciado_y_emite_cuando_vuelve_el_almacenamiento(
    catalogo, ciudadano, almacen, al_confirmar
):
    with time_machine.travel(INICIO, tick=False) as reloj:
        with al_confirmar():
            aprobable = presentar(ciudadano, DOMICILIO)  # its documents stored while storage works
        almacen.caido = True
        with al_confirmar():
            aprobada = aprobar(aprobable, nota="Conforme.")
        with al_confirmar():
            # A request without attachments can be filed: its receipt fails.
            otra = presentar(persona(numero_documento="46000001"), INFORMACION)
        certificado, cargo = certificado_de(aprobada), CargoPresentacion.objects.get(solicitud=otra)
        for documento in (certificado, cargo):
            documento = fresco(documento)
            assert documento.estado == EstadoDocumento.FALLIDO
            assert "Read-only file system" in documento.error
            assert (documento.rondas, documento.intentos) == (1, 1)
        assert archivos_bajo("documentos/certificados") == []
        assert len(archivos_bajo("documentos/cargos")) == 1  # the first request's, stored before

        # Beat ticks every minute; storage comes back after 3 hours.
        rondas = {certificado.pk: [], cargo.pk: []}
        emitidos = {}
        for minuto in range(1, 300):
            reloj.shift(MINUTO)
            if minuto == 180:
                almacen.caido = False
            antes = {d.pk: fresco(d).rondas for d in (certificado, cargo)}
            barrer(al_confirmar)
            for documento in (certificado, cargo):
                ahora = fresco(documento)
                if ahora.rondas != antes[documento.pk]:
                    rondas[documento.pk].append(minuto)
                if ahora.estado == EstadoDocumento.EMITIDO and documento.pk not in emitidos:
                    emitidos[documento.pk] = minuto
            if len(emitidos) == 2:
                break

    # Rounds after 5, 10, 20, 40 and 80 minutes, then every 120: the round
    # due at 155 + 120 finds storage back.
    for documento in (certificado, cargo):
        assert rondas[documento.pk] == [5, 15, 35, 75, 155]
        assert emitidos[documento.pk] == 275
        documento = fresco(documento)
        assert (documento.rondas, documento.intentos) == (6, 7)
        assert documento.error == "" and documento.proximo_intento_en is None
        with documento.archivo.open("rb") as archivo:
            assert hashlib.sha256(archivo.read()).hexdigest() == documento.sha256
    assert len(archivos_bajo("documentos/certificados")) == 1
    assert len(archivos_bajo("documentos/cargos")) == 2
    assert Evento.objects.filter(solicitud=aprobada, tipo=TipoEvento.DOCUMENTO_EMITIDO).count() == 1
    assert Notificacion.objects.filter(usuario=ciudadano, asunto__contains="documento está listo").count() == 1


def en_el_panel(servidor):
    cliente = Client()
    cliente.force_login(servidor)
    return cliente


def test_tras_24_horas_de_fallas_se_deja_de_reintentar_y_se_avisa_hasta_que_alguien_reintenta(
    catalogo, ciudadano, almacen, al_confirmar, client, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(INICIO, tick=False) as reloj:
        with al_confirmar():
            solicitud = presentar(ciudadano, DOMICILIO)
        jefe = servidor_de("SGPV", JEFE_DE_OFICINA, nombres="Lucía")  # the office that resolves it
        de_otra_oficina = servidor_de("SGRC", JEFE_DE_OFICINA, nombres="Mario")
        almacen.caido = True
        with al_confirmar():
            solicitud = aprobar(solicitud, nota="Conforme.", servidor=jefe)
        certificado = fresco(certificado_de(solicitud))
        primer_fallo = certificado.primer_fallo_en
        assert certificado.proximo_intento_en == primer_fallo + datetime.timedelta(minutes=5)

        # A passing failure worries nobody.
        assert client.get("/salud/").json()["estado"] == "ok"

        # Straight to each round's due time; a tick one minute earlier does nothing.
        rondas = []
        while (proximo := fresco(certificado).proximo_intento_en) is not None:
            reloj.move_to(proximo - MINUTO)
            assert barrer(al_confirmar) == {"certificado": 0, "cargopresentacion": 0, "hojareclamo": 0, "resolucion": 0, "constancianotificacion": 0}
            reloj.move_to(proximo)
            assert barrer(al_confirmar) == {"certificado": 1, "cargopresentacion": 0, "hojareclamo": 0, "resolucion": 0, "constancianotificacion": 0}
            rondas.append(minutos_desde(primer_fallo, proximo))
            if len(rondas) == 6:
                # Failing for hours, still retried: /salud/ degraded, the host stays in service.
                salud = client.get("/salud/")
                assert salud.status_code == 200
                assert salud.json()["estado"] == "degradado"
                assert salud.json()["documentos"] == {"estado": "degradado", "fallando": 1, "sin_reintento": 0}

        # 5, 10, 20, 40, 80, then every 2 hours; the last try falls on the 24th hour.
        intervalos = [b - a for a, b in zip([0, *rondas], rondas, strict=False)]
        assert intervalos[:6] == [5, 10, 20, 40, 80, 120]
        assert set(intervalos[6:-1]) == {120}
        assert rondas[-1] == 24 * 60
        certificado = fresco(certificado)
        assert certificado.estado == EstadoDocumento.FALLIDO
        assert certificado.rondas == len(rondas) + 1

        # No more automatic tries, not even a day later.
        reloj.shift(datetime.timedelta(days=1))
        assert barrer(al_confirmar) == {"certificado": 0, "cargopresentacion": 0, "hojareclamo": 0, "resolucion": 0, "constancianotificacion": 0}
        assert fresco(certificado).intentos == certificado.intentos

        # /salud/: degraded, 200.
        salud = client.get("/salud/")
        assert salud.status_code == 200
        assert salud.json()["estado"] == "degradado"
        assert salud.json()["documentos"] == {"estado": "degradado", "fallando": 1, "sin_reintento": 1}

        # The office's inbox and documents list say so, with a link to the list of those.
        panel = en_el_panel(jefe)
        aviso = "1 certificado no se pudo generar; 1 ya no se reintenta automáticamente"
        enlace = f'href="{LISTA_CERTIFICADOS}?reintento=atencion"'
        for pagina in (BANDEJA, LISTA_CERTIFICADOS):
            html = panel.get(pagina).content.decode()
            assert aviso in html and enlace in html, pagina
        filtrada = panel.get(LISTA_CERTIFICADOS, {"reintento": "atencion"})
        assert [c.pk for c in filtrada.context["cl"].result_list] == [certificado.pk]
        assert "No: use «Reintentar»" in filtrada.content.decode()
        # Another office's servant is not told about it.
        assert "no se pudo generar" not in en_el_panel(de_otra_oficina).get(BANDEJA).content.decode()

        # The office's daily digest too.
        reloj.move_to(en_lima(2026, 3, 5, 7, 0))
        mailoutbox.clear()
        with al_confirmar():
            services.recordatorios_enviar()
        [resumen] = [m for m in mailoutbox if jefe.email in m.to]
        assert "documentos que no se pudieron generar" in resumen.subject
        assert solicitud.expediente in resumen.body
        assert "ya no se reintenta solo" in resumen.body
        assert "Read-only file system" in resumen.body
        assert f"{LISTA_CERTIFICADOS}?estado__exact=fallido" in resumen.body
        assert not [m for m in mailoutbox if de_otra_oficina.email in m.to]

        # "Reintentar" while storage is still down: a fresh schedule of automatic tries.
        panel = en_el_panel(jefe)  # the next morning, a new session
        with django_capture_on_commit_callbacks(execute=True):
            panel.post(LISTA_CERTIFICADOS, {"action": "reintentar", "_selected_action": [certificado.pk], "index": 0})
        certificado = fresco(certificado)
        assert certificado.estado == EstadoDocumento.FALLIDO
        assert certificado.rondas == 1
        assert certificado.primer_fallo_en == en_lima(2026, 3, 5, 7, 0)
        assert certificado.proximo_intento_en == en_lima(2026, 3, 5, 7, 5)
        assert client.get("/salud/").json()["estado"] == "ok"
        assert "no se pudo generar" not in panel.get(BANDEJA).content.decode()

        # Storage back: the sweeper's next round issues it; nothing is left to tell.
        almacen.caido = False
        reloj.move_to(en_lima(2026, 3, 5, 7, 5))
        assert barrer(al_confirmar) == {"certificado": 1, "cargopresentacion": 0, "hojareclamo": 0, "resolucion": 0, "constancianotificacion": 0}
        certificado = fresco(certificado)
        assert certificado.estado == EstadoDocumento.EMITIDO
        [archivo] = archivos_bajo("documentos/certificados")
        assert hashlib.sha256(archivo.read_bytes()).hexdigest() == certificado.sha256
        assert Evento.objects.filter(solicitud=solicitud, tipo=TipoEvento.DOCUMENTO_EMITIDO).count() == 1
        salud = client.get("/salud/").json()
        assert salud["estado"] == "ok"
        assert salud["documentos"] == {"estado": "ok", "fallando": 0, "sin_reintento": 0}
