"""The rules of the state machine the back office relies on: no decision
before evaluation or after a withdrawal, reasons required, and one winner
when two servants take the same request at once."""

import threading

import pytest
from django.db import connection

from tests.fixtures import INFORMACION, borrador_completo, esperar, fresca, presentar, servidor_de
from tramites import services
from tramites.models import Estado, Evento, Solicitud, TipoEvento

from .conftest import foto, mensajes, url_accion, url_cambio


@pytest.fixture
def jefe(catalogo):
    return servidor_de("SG", "jefe")


def _decisiones(solicitud, jefe):
    yield "aprobar", lambda: services.solicitud_aprobar(solicitud=solicitud, servidor=jefe)
    yield "denegar", lambda: services.solicitud_denegar(solicitud=solicitud, servidor=jefe, motivo="No existe.")


def test_un_borrador_no_se_aprueba_ni_se_deniega(jefe, ciudadano):
    draft = borrador_completo(ciudadano, INFORMACION)
    antes = foto(draft)
    for nombre, hacer in _decisiones(draft, jefe):
        with pytest.raises(services.TransicionNoPermitida, match="Borrador"):
            hacer()
        assert foto(draft) == antes, nombre
    with pytest.raises(services.TransicionNoPermitida):
        services.solicitud_tomar(solicitud=draft, servidor=jefe)
    assert foto(draft) == antes


def test_una_presentada_se_toma_antes_de_decidir(jefe, ciudadano):
    solicitud = presentar(ciudadano, INFORMACION)
    antes = foto(solicitud)
    for nombre, hacer in _decisiones(solicitud, jefe):
        with pytest.raises(services.TransicionNoPermitida, match="«Presentada»"):
            hacer()
        assert foto(solicitud) == antes, nombre
    services.solicitud_tomar(solicitud=solicitud, servidor=jefe)
    services.solicitud_aprobar(solicitud=solicitud, servidor=jefe)
    assert fresca(solicitud).estado == Estado.APROBADA


def test_nada_se_decide_sobre_una_desistida(jefe, ciudadano):
    solicitud = presentar(ciudadano, INFORMACION)
    services.solicitud_tomar(solicitud=solicitud, servidor=jefe)
    services.solicitud_desistir(solicitud=solicitud, ciudadano=ciudadano, motivo="Ya no la necesito.")
    evaluador = servidor_de("SG", "evaluador")
    antes = foto(solicitud)
    assert antes["estado"] == Estado.DESISTIDA
    intentos = [
        *_decisiones(solicitud, jefe),
        ("observar", lambda: services.solicitud_observar(solicitud=solicitud, servidor=jefe, mensaje="x")),
        ("asignar", lambda: services.solicitud_asignar(solicitud=solicitud, servidor=jefe, asignado=evaluador)),
        ("tomar", lambda: services.solicitud_tomar(solicitud=solicitud, servidor=evaluador)),
    ]
    for nombre, hacer in intentos:
        with pytest.raises(services.TransicionNoPermitida):
            hacer()
        assert foto(solicitud) == antes, nombre


@pytest.mark.parametrize("motivo", ["", "   \n "])
def test_denegar_exige_motivo(jefe, ciudadano, motivo):
    solicitud = presentar(ciudadano, INFORMACION)
    services.solicitud_tomar(solicitud=solicitud, servidor=jefe)
    antes = foto(solicitud)
    with pytest.raises(services.TransicionNoPermitida, match="motivo de la denegatoria"):
        services.solicitud_denegar(solicitud=solicitud, servidor=jefe, motivo=motivo)
    assert foto(solicitud) == antes


@pytest.mark.parametrize("mensaje", ["", "  "])
def test_observar_exige_mensaje(jefe, ciudadano, mensaje):
    solicitud = presentar(ciudadano, INFORMACION)
    antes = foto(solicitud)
    with pytest.raises(services.TransicionNoPermitida, match="subsanar"):
        services.solicitud_observar(solicitud=solicitud, servidor=jefe, mensaje=mensaje)
    assert foto(solicitud) == antes


def test_por_el_admin_sin_motivo_ni_mensaje_no_cambia_nada(jefe, ciudadano, admin_de):
    solicitud = presentar(ciudadano, INFORMACION)
    cliente = admin_de(jefe)
    antes = foto(solicitud)
    respuesta = cliente.post(url_accion(solicitud, "observar"), {"mensaje": ""}, follow=True)
    assert "Escribe qué debe subsanar el ciudadano." in mensajes(respuesta)
    assert foto(solicitud) == antes

    services.solicitud_tomar(solicitud=solicitud, servidor=jefe)
    antes = foto(solicitud)
    respuesta = cliente.post(url_accion(solicitud, "denegar"), {"motivo": ""}, follow=True)
    assert respuesta.redirect_chain[-1][0] == url_cambio(solicitud)
    assert "Escribe el motivo de la denegatoria." in mensajes(respuesta)
    assert foto(solicitud) == antes


def test_por_el_admin_tomar_una_ya_tomada_nombra_a_quien_la_tomo(jefe, ciudadano, admin_de):
    solicitud = presentar(ciudadano, INFORMACION)
    primero = servidor_de("SG", "evaluador")
    services.solicitud_tomar(solicitud=solicitud, servidor=primero)
    antes = foto(solicitud)
    respuesta = admin_de(servidor_de("SG", "evaluador")).post(url_accion(solicitud, "tomar"), follow=True)
    assert f"{primero.email} ya tomó esta solicitud." in mensajes(respuesta)
    assert foto(solicitud) == antes


# --- Two servants at once (real PostgreSQL row locks) ---------------------------------------


def _a_la_vez(funciones):
    """Runs the functions in threads that start together; each thread closes
    its own database connection."""
    barrera = threading.Barrier(len(funciones))
    resultados = [None] * len(funciones)

    def correr(i, funcion):
        try:
            barrera.wait(timeout=10)
            resultados[i] = ("ok", funcion())
        except Exception as error:  # noqa: BLE001 - reported back to the test
            resultados[i] = ("error", error)
        finally:
            connection.close()

    hilos = [threading.Thread(target=correr, args=(i, f)) for i, f in enumerate(funciones)]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join(timeout=30)
    assert not any(h.is_alive() for h in hilos)
    return resultados


def otra_transaccion_espera_un_bloqueo() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


@pytest.fixture
def bloqueo_lento(monkeypatch):
    """Whoever locks the row first keeps it a moment, so the other one really
    waits on the lock (and then reads the row as the first one left it)."""

    from tramites import transiciones

    original = transiciones.solicitud_invalidar

    primera = []

    def lento(solicitud):
        original(solicitud)
        if not primera and threading.current_thread() is not threading.main_thread():
            # The first servant (a thread of _a_la_vez) to take the lock keeps it
            # until the other one's transaction is waiting on it: they really collide.
            primera.append(solicitud.pk)
            assert esperar(otra_transaccion_espera_un_bloqueo, 10)

    # Called by transiciones.bloquear right after it takes the row lock.
    monkeypatch.setattr(transiciones, "solicitud_invalidar", lento)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_dos_servidores_toman_la_misma_a_la_vez(catalogo, ciudadano, bloqueo_lento):
    solicitud = presentar(ciudadano, INFORMACION)
    ana = servidor_de("SG", "evaluador")
    beto = servidor_de("SG", "evaluador")

    def tomar(servidor):
        return lambda: services.solicitud_tomar(
            solicitud=Solicitud.objects.get(pk=solicitud.pk), servidor=servidor
        )

    resultados = _a_la_vez([tomar(ana), tomar(beto)])
    ganadores = [i for i, (tipo, _valor) in enumerate(resultados) if tipo == "ok"]
    assert len(ganadores) == 1, resultados
    ganador, perdedor = ([ana, beto][i] for i in (ganadores[0], 1 - ganadores[0]))
    tipo, error = resultados[1 - ganadores[0]]
    assert isinstance(error, services.TransicionNoPermitida), error
    assert str(error) == f"{ganador.email} ya tomó esta solicitud."

    final = fresca(solicitud)
    assert (final.estado, final.asignado_a_id) == (Estado.EN_EVALUACION, ganador.pk)
    tomadas = Evento.objects.filter(solicitud=solicitud, tipo=TipoEvento.TOMADA)
    assert [e.actor_id for e in tomadas] == [ganador.pk]
    assert perdedor.pk != ganador.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_por_el_admin_quien_pierde_ve_quien_la_tomo(catalogo, ciudadano, admin_de, bloqueo_lento):
    solicitud = presentar(ciudadano, INFORMACION)
    servidores = [servidor_de("SG", "evaluador"), servidor_de("SG", "evaluador")]
    clientes = [admin_de(s) for s in servidores]

    # Only the POSTs run in threads (a template render in a thread would mix
    # the test client's captured contexts); each then reads its page.
    resultados = _a_la_vez([lambda c=c: c.post(url_accion(solicitud, "tomar")) for c in clientes])
    assert [r[0] for r in resultados] == ["ok", "ok"], resultados
    assert all(r[1].status_code == 302 for r in resultados)
    assert all(r[1]["Location"] == url_cambio(solicitud) for r in resultados)

    final = fresca(solicitud)
    assert final.estado == Estado.EN_EVALUACION
    ganador = servidores.index(final.asignado_a)
    vistos = [mensajes(c.get(url_cambio(solicitud))) for c in clientes]
    assert vistos[ganador] == [f"Tomaste el expediente {solicitud.expediente}."]
    assert vistos[1 - ganador] == [f"{servidores[ganador].email} ya tomó esta solicitud."]
    assert Evento.objects.filter(solicitud=solicitud, tipo=TipoEvento.TOMADA).count() == 1
