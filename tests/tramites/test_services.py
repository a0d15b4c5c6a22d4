"""What filing and following a request does, through the services: numbers,
due dates, observations that pause the clock, who may do what, and the
timeline and email every change leaves."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from ciudadanos.models import Notificacion
from tests import factories
from tests.fixtures import (
    DOMICILIO,
    INFORMACION,
    LICENCIA,
    adjuntar,
    borrador_completo,
    en_lima,
    presentar,
    servidor_de,
)
from tests.tramites.conftest import Archivos
from tramites import services
from tramites.archivos import archivo_revisar
from tramites.models import (
    Adjunto,
    ContadorExpediente,
    Estado,
    Evento,
    Observacion,
    Solicitud,
    TipoEvento,
    Tramite,
)
from tramites.plazos import Calendario

D = datetime.date


def foto(solicitud):
    """Everything a transition could change, read fresh from the database."""
    s = Solicitud.objects.get(pk=solicitud.pk)
    return {
        "estado": s.estado,
        "expediente": s.expediente,
        "fecha_limite": s.fecha_limite,
        "asignado": s.asignado_a_id,
        "respuestas": s.respuestas,
        "decidida_en": s.decidida_en,
        "eventos": list(s.eventos.values_list("tipo", "estado_nuevo", "actor_id")),
        "observaciones": list(s.observaciones.values_list("mensaje", "subsanada_en")),
        "adjuntos": list(s.adjuntos.values_list("uuid", "vigente")),
    }


def eventos(solicitud):
    return list(Evento.objects.filter(solicitud=solicitud).values_list("tipo", flat=True))


# --- Numbering -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_numeros_de_expediente_consecutivos_por_anio(catalogo):
    with time_machine.travel(en_lima(2026, 12, 31, 23, 50), tick=False):
        a = presentar(factories.PerfilFactory().usuario, INFORMACION)
        b = presentar(factories.PerfilFactory().usuario, INFORMACION)
    # The count starts again with the year.
    with time_machine.travel(en_lima(2027, 1, 1, 0, 10), tick=False):
        c = presentar(factories.PerfilFactory().usuario, INFORMACION)
    assert [a.expediente, b.expediente, c.expediente] == [
        "EXP-2026-000001",
        "EXP-2026-000002",
        "EXP-2027-000001",
    ]


@pytest.mark.django_db
def test_hora_de_lima_decide_el_anio_del_expediente(catalogo, ciudadano):
    # 31 December at 21:00 in Lima is already 1 January in UTC.
    with time_machine.travel(en_lima(2026, 12, 31, 21), tick=False):
        solicitud = presentar(ciudadano, INFORMACION)
    assert solicitud.expediente == "EXP-2026-000001"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cincuenta_presentaciones_simultaneas_reciben_numeros_distintos_y_consecutivos(mailoutbox):
    from django.core.management import call_command

    call_command("catalogo_cargar", verbosity=0)
    cuantos = 50
    with time_machine.travel(en_lima(2026, 3, 5, 10), tick=True):
        preparados = []
        for _ in range(cuantos):
            ciudadano = factories.PerfilFactory().usuario
            preparados.append((ciudadano, borrador_completo(ciudadano, INFORMACION)))
        barrera = threading.Barrier(cuantos)
        numeros, errores = [], []

        def presentar_en_hilo(ciudadano, borrador):
            try:
                barrera.wait(timeout=30)
                solicitud = services.solicitud_presentar(
                    solicitud=borrador, ciudadano=ciudadano, declaracion_jurada=True
                )
                numeros.append(solicitud.expediente)
            except Exception as error:  # noqa: BLE001 - reported by the assertion
                errores.append(repr(error))
            finally:
                connection.close()

        hilos = [threading.Thread(target=presentar_en_hilo, args=p) for p in preparados]
        for hilo in hilos:
            hilo.start()
        for hilo in hilos:
            hilo.join(timeout=60)

    assert errores == []
    assert sorted(numeros) == [f"EXP-2026-{n:06d}" for n in range(1, cuantos + 1)]
    assert Solicitud.objects.filter(estado=Estado.PRESENTADA).count() == cuantos
    assert sorted(Solicitud.objects.values_list("expediente", flat=True)) == sorted(numeros)
    assert ContadorExpediente.objects.get(anio=2026).ultimo == cuantos
    assert Evento.objects.filter(tipo=TipoEvento.PRESENTADA).count() == cuantos
    # Each citizen got their own confirmation in their casilla (routine news: no email until the digest).
    assert sorted(Notificacion.objects.values_list("usuario__email", flat=True)) == sorted(
        c.email for c, _b in preparados
    )
    assert mailoutbox == []


# --- Double submission -------------------------------------------------------------------------


@pytest.mark.django_db
def test_presentar_dos_veces_da_una_sola_solicitud_y_un_solo_numero(catalogo, ciudadano, al_confirmar, mailoutbox):
    borrador = borrador_completo(ciudadano, DOMICILIO)
    with al_confirmar():
        primera = services.solicitud_presentar(solicitud=borrador, ciudadano=ciudadano, declaracion_jurada=True)
    with al_confirmar():
        segunda = services.solicitud_presentar(solicitud=borrador, ciudadano=ciudadano, declaracion_jurada=True)
    assert primera.pk == segunda.pk == borrador.pk
    assert primera.expediente == segunda.expediente == f"EXP-{timezone.localdate().year}-000001"
    assert Solicitud.objects.filter(ciudadano=ciudadano).count() == 1
    assert ContadorExpediente.objects.get().ultimo == 1
    assert eventos(borrador) == [TipoEvento.CREADA, TipoEvento.PRESENTADA]
    assert Notificacion.objects.filter(usuario=ciudadano).count() == 1  # one confirmation


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_doble_clic_simultaneo_da_un_solo_expediente(mailoutbox):
    from django.core.management import call_command

    call_command("catalogo_cargar", verbosity=0)
    ciudadano = factories.PerfilFactory().usuario
    borrador = borrador_completo(ciudadano, DOMICILIO)
    barrera = threading.Barrier(2)
    resultados, errores = [], []

    def enviar():
        try:
            barrera.wait(timeout=10)
            solicitud = services.solicitud_presentar(
                solicitud=Solicitud.objects.get(pk=borrador.pk), ciudadano=ciudadano,
                declaracion_jurada=True,
            )
            resultados.append((solicitud.pk, solicitud.expediente))
        except Exception as error:  # noqa: BLE001
            errores.append(repr(error))
        finally:
            connection.close()

    hilos = [threading.Thread(target=enviar) for _ in range(2)]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join(timeout=30)

    assert errores == []
    assert len(resultados) == 2 and resultados[0] == resultados[1]
    assert resultados[0][1].endswith("-000001")
    assert Solicitud.objects.filter(ciudadano=ciudadano).count() == 1
    assert ContadorExpediente.objects.get().ultimo == 1
    assert eventos(borrador).count(TipoEvento.PRESENTADA) == 1
    assert Notificacion.objects.filter(usuario=ciudadano).count() == 1  # one confirmation


# --- Filing ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_presentar_guarda_el_solicitante_la_hora_y_el_plazo(catalogo, ciudadano):
    with time_machine.travel(en_lima(2026, 3, 5, 16, 45), tick=False):
        solicitud = presentar(ciudadano, DOMICILIO)
    solicitud.refresh_from_db()
    assert solicitud.estado == Estado.PRESENTADA
    assert solicitud.declaracion_jurada is True
    assert timezone.localtime(solicitud.presentada_en).strftime("%d/%m/%Y %H:%M") == "05/03/2026 16:45"
    assert solicitud.fecha_limite == D(2026, 3, 12)
    perfil = ciudadano.perfil
    assert solicitud.solicitante["numero_documento"] == perfil.numero_documento
    assert solicitud.solicitante["correo"] == ciudadano.email
    assert solicitud.solicitante["nombre_completo"] == perfil.nombre_completo


@pytest.mark.django_db
def test_aprobacion_automatica_queda_aprobada_al_presentar(catalogo, ciudadano, al_confirmar, mailoutbox):
    borrador = borrador_completo(ciudadano, LICENCIA)
    with al_confirmar():
        solicitud = services.solicitud_presentar(
            solicitud=borrador, ciudadano=ciudadano, declaracion_jurada=True
        )
    solicitud.refresh_from_db()
    assert solicitud.estado == Estado.APROBADA
    assert solicitud.expediente
    assert solicitud.decidida_en is not None
    assert solicitud.fecha_limite is None
    nuevos = list(
        Evento.objects.filter(solicitud=solicitud).exclude(tipo=TipoEvento.CREADA)
        .values_list("tipo", "estado_anterior", "estado_nuevo", "actor_id")
    )
    assert nuevos == [
        (TipoEvento.PRESENTADA, Estado.BORRADOR, Estado.PRESENTADA, ciudadano.pk),
        (TipoEvento.APROBACION_AUTOMATICA, Estado.PRESENTADA, Estado.APROBADA, None),
        # The licence itself, issued by the PDF task once the approval commits.
        (TipoEvento.DOCUMENTO_EMITIDO, Estado.APROBADA, Estado.APROBADA, None),
    ]
    # One moment, one notice: received and approved together, and the
    # document (issued while that notice is unread) announced by it.
    assert [m.subject for m in mailoutbox] == [
        f"{solicitud.expediente}: recibimos tu solicitud y quedó aprobada",
    ]
    # Nothing promises an evaluation deadline for what is already approved.
    recibida = Notificacion.objects.get(usuario=ciudadano, asunto=mailoutbox[0].subject)
    assert "plazo hasta" not in recibida.cuerpo


@pytest.mark.django_db
def test_borrador_incompleto_no_se_presenta_y_dice_que_falta(catalogo, ciudadano, al_confirmar, mailoutbox):
    tramite = Tramite.objects.get(slug=DOMICILIO)
    borrador = services.borrador_iniciar(ciudadano=ciudadano, tramite=tramite)
    services.borrador_responder(solicitud=borrador, respuestas={"direccion": "Jr. Junín 456"})
    with al_confirmar(), pytest.raises(services.SolicitudIncompleta) as error:
        services.solicitud_presentar(solicitud=borrador, ciudadano=ciudadano, declaracion_jurada=True)
    assert error.value.faltantes == [
        ("distrito", "Responde: ¿En qué distrito está esa dirección?"),
        ("tiempo_residencia", "Responde: ¿Cuántos años vives en esa dirección?"),
        ("finalidad", "Responde: ¿Para qué necesitas la constancia?"),
        ("adjuntos", "Adjunta: Recibo de agua o luz"),
        ("pago", "Registra el pago de S/ 15.00."),
    ]
    borrador.refresh_from_db()
    assert borrador.estado == Estado.BORRADOR
    assert borrador.expediente is None
    assert not ContadorExpediente.objects.exists()  # no number is burnt
    assert eventos(borrador) == [TipoEvento.CREADA]
    assert mailoutbox == []


@pytest.mark.django_db
def test_sin_declaracion_jurada_no_se_presenta(catalogo, ciudadano):
    borrador = borrador_completo(ciudadano, DOMICILIO)
    with pytest.raises(services.SolicitudIncompleta) as error:
        services.solicitud_presentar(solicitud=borrador, ciudadano=ciudadano, declaracion_jurada=False)
    assert error.value.faltantes == [
        ("revisar", "Marca la declaración jurada para poder enviar la solicitud.")
    ]
    borrador.refresh_from_db()
    assert borrador.estado == Estado.BORRADOR and borrador.expediente is None


@pytest.mark.django_db
def test_respuesta_guardada_que_ya_no_es_valida_impide_presentar(catalogo, ciudadano):
    borrador = borrador_completo(ciudadano, DOMICILIO, finalidad="Turismo", tiempo_residencia="muchos")
    with pytest.raises(services.SolicitudIncompleta) as error:
        services.solicitud_presentar(solicitud=borrador, ciudadano=ciudadano, declaracion_jurada=True)
    assert [paso for paso, _m in error.value.faltantes] == ["tiempo_residencia", "finalidad"]


@pytest.mark.django_db
def test_pago_con_monto_distinto_a_la_tasa_impide_presentar(catalogo, ciudadano):
    borrador = borrador_completo(ciudadano, DOMICILIO, pago=False)
    services.borrador_pago_registrar(
        solicitud=borrador, canal="bn", numero="12345678", fecha=timezone.localdate(),
        monto=tramite_tasa(DOMICILIO) - 1,
    )
    with pytest.raises(services.SolicitudIncompleta) as error:
        services.solicitud_presentar(solicitud=borrador, ciudadano=ciudadano, declaracion_jurada=True)
    assert error.value.faltantes == [("pago", "Registra el pago de S/ 15.00.")]


def tramite_tasa(slug):
    return Tramite.objects.get(slug=slug).tasa


@pytest.mark.django_db
def test_otro_ciudadano_no_puede_presentar_mi_borrador(catalogo, ciudadano, otro_ciudadano):
    borrador = borrador_completo(ciudadano, DOMICILIO)
    antes = foto(borrador)
    with pytest.raises(services.TransicionNoPermitida):
        services.solicitud_presentar(solicitud=borrador, ciudadano=otro_ciudadano, declaracion_jurada=True)
    assert foto(borrador) == antes
    assert not ContadorExpediente.objects.exists()


@pytest.mark.django_db
def test_iniciar_dos_veces_retoma_el_mismo_borrador(catalogo, ciudadano):
    tramite = Tramite.objects.get(slug=DOMICILIO)
    a = services.borrador_iniciar(ciudadano=ciudadano, tramite=tramite)
    b = services.borrador_iniciar(ciudadano=ciudadano, tramite=tramite)
    assert a.pk == b.pk
    assert Solicitud.objects.filter(ciudadano=ciudadano).count() == 1


@pytest.mark.django_db
def test_una_solicitud_presentada_no_se_puede_modificar(catalogo, ciudadano):
    solicitud = presentar(ciudadano, DOMICILIO)
    antes = foto(solicitud)
    with pytest.raises(services.TransicionNoPermitida):
        services.borrador_responder(solicitud=solicitud, respuestas={"direccion": "Otra"})
    with pytest.raises(services.TransicionNoPermitida):
        adjuntar(solicitud, None)
    with pytest.raises(services.TransicionNoPermitida):
        services.borrador_eliminar(solicitud=solicitud, ciudadano=ciudadano)
    assert foto(solicitud) == antes


# --- Observation, correction and the paused clock -------------------------------------------------


@pytest.fixture
def observada(catalogo, ciudadano, servidor):
    """Filed Monday 2 March 2026 (due Monday 9 March), taken Tuesday 3 and
    observed Thursday 5 March."""
    with time_machine.travel(en_lima(2026, 3, 2, 9), tick=False):
        solicitud = presentar(ciudadano, DOMICILIO)
    with time_machine.travel(en_lima(2026, 3, 3, 9), tick=False):
        services.solicitud_tomar(solicitud=solicitud, servidor=servidor)
    with time_machine.travel(en_lima(2026, 3, 5, 11), tick=False):
        services.solicitud_observar(
            solicitud=solicitud, servidor=servidor, mensaje="El recibo no es legible."
        )
    solicitud.refresh_from_db()
    return solicitud


@pytest.mark.django_db
def test_observar_da_dos_dias_habiles_que_saltan_el_fin_de_semana(observada):
    assert observada.estado == Estado.OBSERVADA
    assert observada.fecha_limite == D(2026, 3, 9)
    observacion = observada.observaciones.get()
    # Observed Thursday 5 March: Friday 6 (1), Monday 9 (2).
    assert observacion.plazo == D(2026, 3, 9)
    assert observacion.mensaje == "El recibo no es legible."


@pytest.mark.django_db
def test_observar_un_viernes_vence_el_martes(catalogo, ciudadano, servidor):
    with time_machine.travel(en_lima(2026, 3, 6, 15), tick=False):
        solicitud = presentar(ciudadano, DOMICILIO)
        observacion = services.solicitud_observar(solicitud=solicitud, servidor=servidor, mensaje="Falta la página 2.")
    assert observacion.plazo == D(2026, 3, 10)


@pytest.mark.django_db
def test_observar_sin_mensaje_no_se_permite(catalogo, ciudadano, servidor):
    solicitud = presentar(ciudadano, DOMICILIO)
    antes = foto(solicitud)
    with pytest.raises(services.TransicionNoPermitida, match="Escribe qué debe subsanar"):
        services.solicitud_observar(solicitud=solicitud, servidor=servidor, mensaje="   ")
    assert foto(solicitud) == antes


@pytest.mark.django_db
def test_subsanar_reanuda_y_corre_la_fecha_limite_por_los_dias_detenidos(observada, ciudadano, al_confirmar, mailoutbox):
    requerido = observada.tramite.adjuntos_requeridos.get()
    anterior = observada.adjuntos.get()
    nuevo = archivo_revisar(Archivos.subido("recibo-nitido.pdf", Archivos.pdf()), max_bytes=10**7)
    with time_machine.travel(en_lima(2026, 3, 9, 17), tick=False), al_confirmar():
        solicitud = services.solicitud_subsanar(
            solicitud=observada, ciudadano=ciudadano,
            respuestas={"direccion": "Jr. Junín 458"},
            archivos=[(requerido, nuevo)], max_total=10**7, nota="Adjunto un recibo legible.",
        )
    solicitud.refresh_from_db()
    assert solicitud.estado == Estado.EN_EVALUACION
    # Paused Friday 6 and Monday 9: the due date moves 2 business days, 9 -> 11 March.
    assert Calendario().entre(D(2026, 3, 5), D(2026, 3, 9)) == 2
    assert solicitud.fecha_limite == D(2026, 3, 11)
    assert solicitud.respuestas["direccion"] == "Jr. Junín 458"
    assert solicitud.respuestas["finalidad"] == "Trabajo"  # other answers kept
    observacion = solicitud.observaciones.get()
    assert timezone.localtime(observacion.subsanada_en).date() == D(2026, 3, 9)
    # The replaced document stays for the record, no longer current.
    anterior.refresh_from_db()
    assert anterior.vigente is False
    assert list(solicitud.adjuntos.filter(vigente=True).values_list("nombre_original", flat=True)) == ["recibo-nitido.pdf"]
    ultimo = solicitud.eventos.last()
    assert (ultimo.tipo, ultimo.actor_id, ultimo.nota) == (TipoEvento.SUBSANADA, ciudadano.pk, "Adjunto un recibo legible.")
    # Routine news: in the casilla now, by email in the day's digest.
    assert asuntos_de(ciudadano)[-1] == f"{solicitud.expediente}: recibimos tu subsanación"
    assert mailoutbox == []


@pytest.mark.django_db
def test_subsanar_el_mismo_dia_no_corre_la_fecha_limite(observada, ciudadano):
    with time_machine.travel(en_lima(2026, 3, 5, 18), tick=False):
        solicitud = services.solicitud_subsanar(solicitud=observada, ciudadano=ciudadano, nota="Ya firmé.")
    assert solicitud.estado == Estado.EN_EVALUACION
    assert solicitud.fecha_limite == D(2026, 3, 9)


@pytest.mark.django_db
def test_subsanar_despues_del_plazo_se_rechaza_y_no_guarda_nada(observada, ciudadano, settings):
    requerido = observada.tramite.adjuntos_requeridos.get()
    nuevo = archivo_revisar(Archivos.subido("tarde.pdf", Archivos.pdf()), max_bytes=10**7)
    antes = foto(observada)
    archivos_antes = sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    # Tuesday 10 March: the deadline was Monday 9.
    with time_machine.travel(en_lima(2026, 3, 10, 8), tick=False):
        with pytest.raises(services.TransicionNoPermitida, match="El plazo para subsanar venció el 09/03/2026"):
            services.solicitud_subsanar(
                solicitud=observada, ciudadano=ciudadano, respuestas={"direccion": "Tarde"},
                archivos=[(requerido, nuevo)], max_total=10**7,
            )
    assert foto(observada) == antes
    assert sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == archivos_antes


@pytest.mark.django_db
def test_no_presentada_cuando_vence_la_observacion(observada, al_confirmar, mailoutbox):
    with time_machine.travel(en_lima(2026, 3, 10, 8), tick=False), al_confirmar():
        services.solicitud_no_presentar(solicitud=observada)
    observada.refresh_from_db()
    assert observada.estado == Estado.NO_PRESENTADA
    evento = observada.eventos.last()
    assert (evento.tipo, evento.actor_id) == (TipoEvento.NO_PRESENTADA, None)
    assert [m.subject for m in mailoutbox] == [f"{observada.expediente}: tu solicitud se considera no presentada"]


# --- Withdrawal ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("hasta", ["presentada", "en_evaluacion", "observada"])
def test_desistir_antes_de_la_decision(catalogo, ciudadano, servidor, hasta, al_confirmar, mailoutbox):
    solicitud = presentar(ciudadano, DOMICILIO)
    if hasta in ("en_evaluacion", "observada"):
        services.solicitud_tomar(solicitud=solicitud, servidor=servidor)
    if hasta == "observada":
        services.solicitud_observar(solicitud=solicitud, servidor=servidor, mensaje="Falta firma.")
    assert Solicitud.objects.get(pk=solicitud.pk).estado == hasta
    with al_confirmar():
        services.solicitud_desistir(solicitud=solicitud, ciudadano=ciudadano, motivo="Ya no lo necesito.")
    solicitud.refresh_from_db()
    assert solicitud.estado == Estado.DESISTIDA
    evento = solicitud.eventos.last()
    assert (evento.tipo, evento.estado_anterior, evento.nota) == (TipoEvento.DESISTIDA, hasta, "Ya no lo necesito.")
    assert asuntos_de(ciudadano)[-1] == f"{solicitud.expediente}: registramos tu desistimiento"
    assert mailoutbox == []  # routine news: in the day's digest


@pytest.mark.django_db
@pytest.mark.parametrize("decision", ["aprobar", "denegar"])
def test_desistir_despues_de_la_decision_se_rechaza(catalogo, ciudadano, servidor, decision):
    solicitud = presentar(ciudadano, DOMICILIO)
    services.solicitud_tomar(solicitud=solicitud, servidor=servidor)
    if decision == "aprobar":
        services.solicitud_aprobar(solicitud=solicitud, servidor=servidor)
    else:
        services.solicitud_denegar(solicitud=solicitud, servidor=servidor, motivo="El domicilio no existe.")
    antes = foto(solicitud)
    with pytest.raises(services.TransicionNoPermitida, match="No se puede hacer esto"):
        services.solicitud_desistir(solicitud=solicitud, ciudadano=ciudadano)
    assert foto(solicitud) == antes


@pytest.mark.django_db
def test_desistir_de_un_borrador_no_se_permite(catalogo, ciudadano):
    borrador = borrador_completo(ciudadano, DOMICILIO)
    antes = foto(borrador)
    with pytest.raises(services.TransicionNoPermitida):
        services.solicitud_desistir(solicitud=borrador, ciudadano=ciudadano)
    assert foto(borrador) == antes


# --- Staff actions and the state machine ------------------------------------------------------------


@pytest.mark.django_db
def test_no_se_aprueba_ni_observa_un_borrador(catalogo, ciudadano, servidor):
    borrador = borrador_completo(ciudadano, DOMICILIO)
    antes = foto(borrador)
    with pytest.raises(services.TransicionNoPermitida):
        services.solicitud_aprobar(solicitud=borrador, servidor=servidor)
    with pytest.raises(services.TransicionNoPermitida):
        services.solicitud_denegar(solicitud=borrador, servidor=servidor, motivo="No.")
    with pytest.raises(services.TransicionNoPermitida):
        services.solicitud_tomar(solicitud=borrador, servidor=servidor)
    with pytest.raises(services.TransicionNoPermitida):
        services.solicitud_observar(solicitud=borrador, servidor=servidor, mensaje="Falta algo.")
    assert foto(borrador) == antes
    assert not Observacion.objects.exists()


@pytest.mark.django_db
def test_no_se_aprueba_sin_evaluar(catalogo, ciudadano, servidor):
    solicitud = presentar(ciudadano, DOMICILIO)
    antes = foto(solicitud)
    with pytest.raises(services.TransicionNoPermitida, match="Presentada"):
        services.solicitud_aprobar(solicitud=solicitud, servidor=servidor)
    assert foto(solicitud) == antes


@pytest.mark.django_db
def test_otro_servidor_no_toma_una_solicitud_ya_tomada(catalogo, ciudadano, servidor):
    solicitud = presentar(ciudadano, DOMICILIO)
    services.solicitud_tomar(solicitud=solicitud, servidor=servidor)
    colega = servidor_de("SGPV", "jefe")
    antes = foto(solicitud)
    with pytest.raises(services.TransicionNoPermitida, match="ya tomó esta solicitud"):
        services.solicitud_tomar(solicitud=solicitud, servidor=colega)
    assert foto(solicitud) == antes


@pytest.fixture
def en_evaluacion(catalogo, ciudadano, servidor):
    solicitud = presentar(ciudadano, DOMICILIO)
    services.solicitud_tomar(solicitud=solicitud, servidor=servidor)
    return Solicitud.objects.get(pk=solicitud.pk)


@pytest.mark.django_db
def test_otro_ciudadano_no_puede_desistir_ni_subsanar(en_evaluacion, servidor, otro_ciudadano, al_confirmar, mailoutbox):
    services.solicitud_observar(solicitud=en_evaluacion, servidor=servidor, mensaje="Falta firma.")
    antes = foto(en_evaluacion)
    with al_confirmar():
        with pytest.raises(services.TransicionNoPermitida, match="No tienes permiso"):
            services.solicitud_desistir(solicitud=en_evaluacion, ciudadano=otro_ciudadano)
        with pytest.raises(services.TransicionNoPermitida, match="No tienes permiso"):
            services.solicitud_subsanar(
                solicitud=en_evaluacion, ciudadano=otro_ciudadano, respuestas={"direccion": "Av. Falsa 123"}
            )
    assert foto(en_evaluacion) == antes
    assert mailoutbox == []


@pytest.mark.django_db
def test_un_ciudadano_no_puede_hacer_lo_que_hace_el_personal(en_evaluacion, ciudadano, otro_ciudadano):
    antes = foto(en_evaluacion)
    for quien in (ciudadano, otro_ciudadano):
        with pytest.raises(services.TransicionNoPermitida, match="No tienes permiso"):
            services.solicitud_aprobar(solicitud=en_evaluacion, servidor=quien)
        with pytest.raises(services.TransicionNoPermitida, match="No tienes permiso"):
            services.solicitud_denegar(solicitud=en_evaluacion, servidor=quien, motivo="No.")
        with pytest.raises(services.TransicionNoPermitida, match="No tienes permiso"):
            services.solicitud_observar(solicitud=en_evaluacion, servidor=quien, mensaje="Falta algo.")
    assert foto(en_evaluacion) == antes
    assert not Observacion.objects.exists()


@pytest.mark.django_db
def test_personal_de_otra_oficina_o_sin_is_staff_no_decide(en_evaluacion, catalogo):
    ajeno = servidor_de("SGRC", "jefe")  # Registro Civil: nothing to do with this procedure
    sin_staff = factories.UsuarioFactory(is_staff=False)
    from tramites.models import Oficina

    Oficina.objects.get(sigla="SGPV").personal.add(sin_staff)  # in the office, but not staff
    antes = foto(en_evaluacion)
    for quien in (ajeno, sin_staff):
        with pytest.raises(services.TransicionNoPermitida):
            services.solicitud_aprobar(solicitud=en_evaluacion, servidor=quien)
        with pytest.raises(services.TransicionNoPermitida):
            services.solicitud_observar(solicitud=en_evaluacion, servidor=quien, mensaje="Falta algo.")
    assert foto(en_evaluacion) == antes


@pytest.mark.django_db
def test_el_personal_no_desiste_por_el_ciudadano(en_evaluacion, servidor):
    antes = foto(en_evaluacion)
    with pytest.raises(services.TransicionNoPermitida):
        services.solicitud_desistir(solicitud=en_evaluacion, ciudadano=servidor)
    assert foto(en_evaluacion) == antes


@pytest.mark.django_db
def test_la_oficina_que_recibe_observa_pero_no_decide(catalogo, ciudadano):
    solicitud = presentar(ciudadano, DOMICILIO)
    mesa_de_partes = servidor_de("MPA", "jefe")
    with pytest.raises(services.TransicionNoPermitida):
        services.solicitud_tomar(solicitud=solicitud, servidor=mesa_de_partes)
    solicitud.refresh_from_db()
    assert (solicitud.estado, solicitud.asignado_a_id) == (Estado.PRESENTADA, None)
    services.solicitud_observar(solicitud=solicitud, servidor=mesa_de_partes, mensaje="Falta el recibo.")
    solicitud.refresh_from_db()
    assert solicitud.estado == Estado.OBSERVADA


# --- Every transition: one event, one notice; one email after commit if it has legal effect -------------


def asuntos_de(usuario) -> list[str]:
    return list(Notificacion.objects.filter(usuario=usuario).order_by("pk").values_list("asunto", flat=True))


@pytest.mark.django_db
def test_cada_transicion_deja_un_evento_y_un_aviso_y_las_legales_un_correo_despues_del_commit(
    catalogo, ciudadano, servidor, al_confirmar, mailoutbox
):
    borrador = borrador_completo(ciudadano, DOMICILIO)
    pasos = [
        ("presentar", lambda s: services.solicitud_presentar(solicitud=s, ciudadano=ciudadano, declaracion_jurada=True),
         TipoEvento.PRESENTADA, Estado.PRESENTADA, ciudadano, "recibimos tu solicitud"),
        ("tomar", lambda s: services.solicitud_tomar(solicitud=s, servidor=servidor),
         TipoEvento.TOMADA, Estado.EN_EVALUACION, servidor, "tu solicitud está en evaluación"),
        ("observar", lambda s: services.solicitud_observar(solicitud=s, servidor=servidor, mensaje="Recibo ilegible."),
         TipoEvento.OBSERVADA, Estado.OBSERVADA, servidor, "tu solicitud tiene una observación"),
        ("subsanar", lambda s: services.solicitud_subsanar(solicitud=s, ciudadano=ciudadano, nota="Va legible."),
         TipoEvento.SUBSANADA, Estado.EN_EVALUACION, ciudadano, "recibimos tu subsanación"),
        ("aprobar", lambda s: services.solicitud_aprobar(solicitud=s, servidor=servidor, nota="Conforme."),
         TipoEvento.APROBADA, Estado.APROBADA, servidor, "tu solicitud fue aprobada"),
    ]
    for nombre, accion, tipo, estado, actor, asunto in pasos:
        antes = Evento.objects.filter(solicitud=borrador).count()
        with al_confirmar():
            accion(Solicitud.objects.get(pk=borrador.pk))
            assert mailoutbox == [], f"{nombre}: el correo salió antes del commit"
        solicitud = Solicitud.objects.get(pk=borrador.pk)
        assert solicitud.estado == estado, nombre
        evento = Evento.objects.filter(solicitud=borrador, pk__gt=0).order_by("id")[antes]
        assert (evento.tipo, evento.estado_nuevo, evento.actor_id) == (tipo, estado, actor.pk), nombre
        # Approving also issues the certificate (its own event and notice).
        extra = 1 if nombre == "aprobar" else 0
        assert Evento.objects.filter(solicitud=borrador).count() == antes + 1 + extra, nombre
        # ...announced by the approval's notice while it is unread: one notice.
        aviso = Notificacion.objects.filter(usuario=ciudadano, asunto=f"{solicitud.expediente}: {asunto}").get()
        assert asuntos_de(ciudadano)[-1] == aviso.asunto, nombre
        if nombre not in ("observar", "aprobar"):
            assert mailoutbox == [], f"{nombre}: una novedad espera el resumen del día"
            continue
        assert len(mailoutbox) == 1, nombre
        correo = mailoutbox[0]
        mailoutbox.clear()
        assert correo.to == [ciudadano.email]
        assert correo.subject == aviso.asunto
        # The email is an alert; the notice itself waits in the casilla with a link to the request.
        assert aviso.get_absolute_url() in correo.body
        assert aviso.enlace == f"/mis-tramites/{solicitud.expediente}/"
    assert solicitud.decidida_en is not None


@pytest.mark.django_db
def test_denegar_explica_el_motivo_y_el_recurso(en_evaluacion, servidor, al_confirmar, mailoutbox):
    with al_confirmar():
        services.solicitud_denegar(solicitud=en_evaluacion, servidor=servidor, motivo="La dirección no existe.")
    en_evaluacion.refresh_from_db()
    assert en_evaluacion.estado == Estado.DENEGADA
    (correo,) = mailoutbox
    aviso = Notificacion.objects.get(usuario=en_evaluacion.ciudadano, asunto=correo.subject)
    assert "La dirección no existe." in aviso.cuerpo
    assert "15 días hábiles" in aviso.cuerpo


@pytest.mark.django_db
def test_sin_commit_no_sale_ningun_correo(catalogo, ciudadano, mailoutbox):
    presentar(ciudadano, DOMICILIO)
    # The test's transaction never commits: the notice waits for a commit.
    assert mailoutbox == []


@pytest.mark.django_db
def test_un_error_al_presentar_no_deja_evento_ni_correo_ni_gasta_numero(
    catalogo, ciudadano, al_confirmar, mailoutbox, monkeypatch
):
    borrador = borrador_completo(ciudadano, DOMICILIO)

    def falla(*args, **kwargs):
        raise RuntimeError("se cayó el disco")

    # The casilla fails while the filing is being recorded (the number is taken by then).
    from ciudadanos import services as ciudadanos_services

    monkeypatch.setattr(ciudadanos_services, "aviso_depositar", falla)
    with al_confirmar(), pytest.raises(RuntimeError):
        services.solicitud_presentar(solicitud=borrador, ciudadano=ciudadano, declaracion_jurada=True)
    borrador.refresh_from_db()
    assert borrador.estado == Estado.BORRADOR
    assert eventos(borrador) == [TipoEvento.CREADA]
    assert mailoutbox == []
    assert borrador.expediente is None
    assert not ContadorExpediente.objects.exists()
    assert Adjunto.objects.filter(solicitud=borrador).count() == 1


@pytest.mark.django_db
def test_el_aviso_de_presentacion_dice_el_expediente_y_la_fecha_limite(catalogo, ciudadano, al_confirmar, mailoutbox):
    with time_machine.travel(en_lima(2026, 7, 24, 9, 15), tick=False), al_confirmar():
        solicitud = presentar(ciudadano, DOMICILIO)
    assert mailoutbox == []  # routine news: listed in the day's digest
    aviso = Notificacion.objects.get(usuario=ciudadano, asunto=f"{solicitud.expediente}: recibimos tu solicitud")
    assert "Obtener la constancia de domicilio" in aviso.cuerpo
    assert "Presentaste tu solicitud el 24/07/2026 09:15." in aviso.cuerpo
    assert "La entidad tiene plazo hasta el 04/08/2026 para responderte." in aviso.cuerpo


@pytest.mark.django_db
def test_subsanar_con_documentos_que_superan_el_total_no_guarda_ninguno(catalogo, ciudadano, settings):
    solicitud = presentar(ciudadano, "constancia-de-posesion")
    services.solicitud_observar(
        solicitud=solicitud, servidor=servidor_de("SGOPC", "jefe"), mensaje="Los planos no se leen."
    )
    plano, acta = solicitud.tramite.adjuntos_requeridos.all()
    nuevos = [
        (plano, archivo_revisar(Archivos.subido("plano.png", Archivos.png(300, 300)), max_bytes=10**7)),
        (acta, archivo_revisar(Archivos.subido("acta.png", Archivos.png(300, 300)), max_bytes=10**7)),
    ]
    vigentes = sum(a.tamano for a in solicitud.adjuntos.all())
    antes = foto(solicitud)
    archivos_antes = sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    # Room for the first new file, not for both.
    limite = vigentes - plano_tamano(solicitud, plano) + len(nuevos[0][1].contenido) + 10
    with pytest.raises(services.LimiteAdjuntosExcedido):
        services.solicitud_subsanar(
            solicitud=solicitud, ciudadano=ciudadano, respuestas={"servicio": "Ambos"},
            archivos=nuevos, max_total=limite,
        )
    assert foto(solicitud) == antes
    assert sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == archivos_antes


def plano_tamano(solicitud, requerido):
    return solicitud.adjuntos.get(requerido=requerido).tamano
