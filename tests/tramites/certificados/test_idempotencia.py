"""Running a job twice changes nothing the second time: issuing a
certificate, the sweeper of pending documents, the daily reminders."""

import hashlib

import pytest
import time_machine
from django.utils import timezone

from ciudadanos.models import Notificacion
from egov import tasks as egov_tasks
from egov.documentos import documentos_pendientes_reencolar
from egov.models import EnvioUnico
from tests.fixtures import (
    DOMICILIO,
    aprobar,
    certificado_de,
    en_lima,
    presentar,
    resolutor,
    servidor_de,
)
from tramites import services, tasks
from tramites.models import (
    CargoPresentacion,
    Certificado,
    EstadoDocumento,
    Evento,
    Solicitud,
    TipoEvento,
)

from .conftest import archivos_bajo


@pytest.fixture
def publicadas(monkeypatch):
    """What is handed to the broker after each commit, as (task, kwargs); the
    tasks still run (eagerly) as they would on a worker."""
    from egov import tareas

    registro = []
    original = tareas.publicar

    def espia(tarea, kwargs):
        registro.append((tarea.name, kwargs))
        return original(tarea, kwargs)

    monkeypatch.setattr(tareas, "publicar", espia)
    return registro


def leer(documento) -> bytes:
    with documento.archivo.open("rb") as archivo:
        return archivo.read()


@pytest.mark.django_db
def test_emitir_dos_veces_deja_un_certificado_con_los_mismos_bytes(catalogo, ciudadano, al_confirmar):
    with al_confirmar():
        solicitud = presentar(ciudadano, DOMICILIO)
    solicitud = aprobar(solicitud, nota="Conforme.")  # its task not run: pending
    certificado = certificado_de(solicitud)
    assert certificado.estado == EstadoDocumento.PENDIENTE
    assert archivos_bajo("documentos/certificados") == []

    with al_confirmar():
        assert services.certificado_emitir(certificado_id=certificado.pk) == "emitido"
    certificado.refresh_from_db()
    nombre, huella, datos = certificado.archivo.name, certificado.sha256, leer(certificado)
    assert hashlib.sha256(datos).hexdigest() == huella

    # Again through the service, and as the task a retry or a duplicate message would run.
    with al_confirmar():
        assert services.certificado_emitir(certificado_id=certificado.pk) == "omitido"
        assert tasks.certificado_emitir.apply(kwargs={"documento_id": certificado.pk}).get() == "omitido"

    certificado.refresh_from_db()
    assert certificado.estado == EstadoDocumento.EMITIDO
    assert (certificado.archivo.name, certificado.sha256, certificado.intentos) == (nombre, huella, 1)
    assert leer(certificado) == datos
    assert len(archivos_bajo("documentos/certificados")) == 1
    assert Certificado.objects.filter(solicitud=solicitud).count() == 1
    assert Evento.objects.filter(solicitud=solicitud, tipo=TipoEvento.DOCUMENTO_EMITIDO).count() == 1
    # Issued minutes after the approval, whose notice is unread and announces it: no notice of its own.
    assert Notificacion.objects.filter(usuario=ciudadano, asunto__contains="documento está listo").count() == 0
    assert Notificacion.objects.filter(usuario=ciudadano, cuerpo__contains="estará listo en unos minutos").count() == 1


@pytest.mark.django_db
def test_aprobar_dos_veces_no_crea_otro_certificado(catalogo, ciudadano, al_confirmar):
    with al_confirmar():
        solicitud = presentar(ciudadano, DOMICILIO)
    servidor = resolutor(solicitud)
    with al_confirmar():
        solicitud = aprobar(solicitud, servidor=servidor)
    with pytest.raises(services.TransicionNoPermitida):
        services.solicitud_aprobar(solicitud=solicitud, servidor=servidor)
    assert Certificado.objects.filter(solicitud=solicitud).count() == 1
    assert len(archivos_bajo("documentos/certificados")) == 1


@pytest.mark.django_db
def test_el_cargo_emitido_dos_veces_es_el_mismo(catalogo, ciudadano, al_confirmar):
    with al_confirmar():
        solicitud = presentar(ciudadano, DOMICILIO)
    cargo = CargoPresentacion.objects.get(solicitud=solicitud)
    datos = leer(cargo)
    assert services.cargo_emitir(cargo_id=cargo.pk) == "omitido"
    cargo.refresh_from_db()
    assert leer(cargo) == datos and cargo.intentos == 1
    assert len(archivos_bajo("documentos/cargos")) == 1
    # Filing the same draft again (a double click) makes no second receipt.
    with al_confirmar():
        services.solicitud_presentar(solicitud=solicitud, ciudadano=ciudadano, declaracion_jurada=True)
    assert CargoPresentacion.objects.filter(solicitud=solicitud).count() == 1


@pytest.mark.django_db
def test_el_barrido_reencola_solo_lo_pendiente_y_dos_pasadas_no_duplican(
    catalogo, ciudadano, otro_ciudadano, al_confirmar, publicadas
):
    # One request with both documents issued…
    with al_confirmar():
        emitida = aprobar(presentar(ciudadano, DOMICILIO))
    # …and one whose certificate and receipt were never enqueued (callbacks not run).
    pendiente = aprobar(presentar(otro_ciudadano, DOMICILIO))
    assert certificado_de(emitida).estado == EstadoDocumento.EMITIDO
    assert certificado_de(pendiente).estado == EstadoDocumento.PENDIENTE
    publicadas.clear()

    # Younger than the configured minutes: left alone (its task may still be in the queue).
    with al_confirmar():
        assert documentos_pendientes_reencolar() == {"certificado": 0, "cargopresentacion": 0, "hojareclamo": 0, "resolucion": 0, "constancianotificacion": 0}
    assert publicadas == []

    with al_confirmar():
        assert documentos_pendientes_reencolar(minutos=0) == {"certificado": 1, "cargopresentacion": 1, "hojareclamo": 0, "resolucion": 0, "constancianotificacion": 0}
    documentos = [(n, k) for n, k in publicadas if n.startswith("tramites.")]
    assert sorted(documentos) == sorted([
        ("tramites.tasks.certificado_emitir", {"documento_id": certificado_de(pendiente).pk}),
        ("tramites.tasks.cargo_emitir", {"documento_id": Solicitud.objects.get(pk=pendiente.pk).cargo.pk}),
    ])
    assert certificado_de(pendiente).estado == EstadoDocumento.EMITIDO

    publicadas.clear()
    with al_confirmar():
        assert documentos_pendientes_reencolar(minutos=0) == {"certificado": 0, "cargopresentacion": 0, "hojareclamo": 0, "resolucion": 0, "constancianotificacion": 0}
        assert egov_tasks.documentos_pendientes_reencolar.apply().get() == {"certificado": 0, "cargopresentacion": 0, "hojareclamo": 0, "resolucion": 0, "constancianotificacion": 0}
    assert publicadas == []
    assert len(archivos_bajo("documentos/certificados")) == 2
    assert len(archivos_bajo("documentos/cargos")) == 2


# --- Daily reminders -----------------------------------------------------------------------------

# Monday 2 March 2026: observed with 2 business days to correct it (until
# Wednesday 4); the reminder goes on Tuesday 3, the business day before.
LUNES = en_lima(2026, 3, 2, 10)
MARTES = en_lima(2026, 3, 3, 7, 0)


@pytest.mark.django_db
def test_los_recordatorios_dos_veces_el_mismo_dia_no_se_duplican(catalogo, ciudadano, otro_ciudadano, mailoutbox, al_confirmar):
    with time_machine.travel(LUNES, tick=False):
        with al_confirmar():
            observada = presentar(ciudadano, DOMICILIO)
            servidor = resolutor(observada)
            colega = servidor_de("SGPV", "jefe", nombres="Mario")
            services.solicitud_tomar(solicitud=observada, servidor=servidor)
            observacion = services.solicitud_observar(
                solicitud=observada, servidor=servidor, mensaje="Adjunte un recibo legible."
            )
            por_vencer = presentar(otro_ciudadano, DOMICILIO)
    assert str(observacion.plazo) == "2026-03-04"
    # The office's request is due on Wednesday: in the digest of requests due in 2 business days.
    Solicitud.objects.filter(pk=por_vencer.pk).update(fecha_limite=observacion.plazo)

    with time_machine.travel(MARTES, tick=False):
        mailoutbox.clear()
        avisos_antes = Notificacion.objects.filter(usuario=ciudadano).count()
        with al_confirmar():
            primero = services.recordatorios_enviar()
        with al_confirmar():
            segundo = services.recordatorios_enviar()
        with al_confirmar():
            tercero = tasks.recordatorios_enviar.apply().get()

    assert primero == {"ciudadanos": 1, "oficinas": 1}
    assert segundo == tercero == {"ciudadanos": 0, "oficinas": 0}
    # One notice in the casilla…
    recordatorios = Notificacion.objects.filter(usuario=ciudadano, asunto__contains="mañana vence el plazo")
    assert recordatorios.count() == 1
    assert Notificacion.objects.filter(usuario=ciudadano).count() == avisos_antes + 1
    recordatorio = recordatorios.get()
    assert recordatorio.enlace == observada.get_absolute_url()
    assert "04/03/2026" in recordatorio.cuerpo and "Adjunte un recibo legible." in recordatorio.cuerpo
    # …one email alert to the citizen, one digest to the office's staff.
    al_ciudadano = [m for m in mailoutbox if m.to == [ciudadano.email]]
    assert [m.subject for m in al_ciudadano] == [recordatorio.asunto]
    resumenes = [m for m in mailoutbox if "vencidas o por vencer" in m.subject]
    assert len(resumenes) == 1
    assert sorted(resumenes[0].to) == sorted([servidor.email, colega.email])
    assert por_vencer.expediente in resumenes[0].body
    assert len(mailoutbox) == 2
    assert EnvioUnico.objects.count() == 2

    # The next day brings nothing new for the citizen (the deadline is today, not tomorrow).
    with time_machine.travel(en_lima(2026, 3, 4, 7), tick=False):
        with al_confirmar():
            assert services.recordatorios_enviar()["ciudadanos"] == 0


@pytest.mark.django_db
def test_un_fallo_despues_de_guardar_el_pdf_no_deja_archivos_huerfanos(catalogo, ciudadano, al_confirmar, monkeypatch):
    """The PDF is stored before the row commits: if anything fails after it (the
    notice, the event, the commit), the row rolls back and the stored file must
    go too, or each retry leaves another copy of the citizen's data behind."""
    with al_confirmar():
        solicitud = presentar(ciudadano, DOMICILIO)
    certificado = certificado_de(aprobar(solicitud))
    cargo = Solicitud.objects.get(pk=solicitud.pk).cargo
    CargoPresentacion.objects.filter(pk=cargo.pk).update(estado=EstadoDocumento.PENDIENTE)
    for archivo in archivos_bajo("documentos/cargos"):
        archivo.unlink()

    def falla(*args, **kwargs):
        raise RuntimeError("la base de datos se cayó")

    # What issuing does after storing the PDF fails: the citizen's notice (the
    # certificate) and the refresh of their pages (the receipt).
    from ciudadanos import services as ciudadanos_services
    from tramites import cache

    # The approval's notice was read: the certificate gets a notice of its own.
    Notificacion.objects.filter(usuario=solicitud.ciudadano).update(leida_en=timezone.now())
    with monkeypatch.context() as parche:
        parche.setattr(ciudadanos_services, "aviso_depositar", falla)
        parche.setattr(cache, "ciudadano_invalidar", falla)
        with pytest.raises(RuntimeError):
            services.certificado_emitir(certificado_id=certificado.pk)
        with pytest.raises(RuntimeError):
            services.cargo_emitir(cargo_id=cargo.pk)
    certificado.refresh_from_db()
    cargo.refresh_from_db()
    assert (certificado.estado, cargo.estado) == (EstadoDocumento.FALLIDO, EstadoDocumento.FALLIDO)
    assert "la base de datos se cayó" in certificado.error
    assert archivos_bajo("documentos") == []

    # The retry issues them, with one file each.
    assert services.certificado_emitir(certificado_id=certificado.pk) == "emitido"
    assert services.cargo_emitir(cargo_id=cargo.pk) == "emitido"
    assert len(archivos_bajo("documentos/certificados")) == 1
    assert len(archivos_bajo("documentos/cargos")) == 1
