"""The per-account wait after failed passwords, through allauth's real login
view: four free failures, then a wait that doubles; the same answers for an
address with or without an account; the owner's ways out (a second factor, a
password reset, a servant's "Desbloquear"); simultaneous failures; and a
state that holds across client addresses and without the cache."""

import datetime
import re
import socket
import threading

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test import Client

from ciudadanos.models import BloqueoAcceso
from tests import factories
from tests.conftest import cache_vaciar

pytestmark = pytest.mark.django_db

CLAVE_EQUIVOCADA = "No-es-la-clave-2026"
CLAVE_NUEVA = "Tortuga-Violeta-Marzo-83"
CREDENCIALES_INCORRECTAS = "no son correctas"
TOTP_PASO = "/cuenta/2fa/authenticate/"


def iniciar_sesion(client, email, clave=factories.CLAVE, ip="203.0.113.10"):
    return client.post("/cuenta/login/", {"login": email, "password": clave}, REMOTE_ADDR=ip)


def usuario_en_sesion(client):
    valor = client.session.get("_auth_user_id")
    return int(valor) if valor else None


def texto(respuesta):
    return respuesta.content.decode()


def espera_anunciada(respuesta):
    """The wait the login page announces ("Espera 4 minutos"), or None."""
    encontrado = re.search(r"Espera (\d+) minutos? o", texto(respuesta))
    return int(encontrado.group(1)) if encontrado else None


def fallar(client, email, veces, ip="203.0.113.10"):
    return [iniciar_sesion(client, email, CLAVE_EQUIVOCADA, ip=ip) for _ in range(veces)]


def lo_que_se_ve(respuesta, email):
    """Status and page, without what differs by construction: the CSRF token
    and the address the person typed."""
    pagina = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", texto(respuesta))
    return respuesta.status_code, respuesta.get("Location"), pagina.replace(email, "<correo>")



@pytest.fixture
def reloj():
    """A still clock that the test moves: waits pass without sleeping, and a
    TOTP code stays valid while it is typed."""
    with time_machine.travel(datetime.datetime(2026, 5, 4, 15, 0, tzinfo=datetime.UTC), tick=False) as viaje:
        yield viaje


# --- The progression ---------------------------------------------------------------------


def test_cuatro_fallos_gratis_y_luego_una_espera_que_se_duplica(client, reloj):
    rosa = factories.UsuarioFactory(email="rosa@example.pe")

    for respuesta in fallar(client, "rosa@example.pe", 4):
        assert respuesta.status_code == 200
        assert CREDENCIALES_INCORRECTAS in texto(respuesta)
        assert espera_anunciada(respuesta) is None

    quinto = iniciar_sesion(client, "rosa@example.pe", CLAVE_EQUIVOCADA)
    assert quinto.status_code == 200
    assert espera_anunciada(quinto) == 1
    assert "Espera 1 minuto o" in texto(quinto)

    # While it waits, not even the right password gets in, and trying does not
    # make the wait longer.
    reloj.shift(datetime.timedelta(seconds=59))
    correcta = iniciar_sesion(client, "rosa@example.pe")
    assert correcta.status_code == 200
    assert espera_anunciada(correcta) == 1
    assert usuario_en_sesion(client) is None

    # Each failure after a wait doubles it, up to an hour.
    esperado = 1
    for siguiente in (2, 4, 8, 16, 32, 60, 60):
        reloj.shift(datetime.timedelta(minutes=esperado, seconds=1))
        respuesta = iniciar_sesion(client, "rosa@example.pe", CLAVE_EQUIVOCADA)
        assert respuesta.status_code == 200
        assert espera_anunciada(respuesta) == siguiente
        esperado = siguiente

    # When the wait is over the owner logs in, and that clears the count.
    reloj.shift(datetime.timedelta(minutes=60, seconds=1))
    entrada = iniciar_sesion(client, "rosa@example.pe")
    assert entrada.status_code == 302
    assert usuario_en_sesion(client) == rosa.pk
    client.post("/cuenta/logout/")
    for respuesta in fallar(client, "rosa@example.pe", 4):
        assert CREDENCIALES_INCORRECTAS in texto(respuesta)


def test_fallos_separados_por_mas_de_un_dia_no_se_suman(client, reloj):
    factories.UsuarioFactory(email="rosa@example.pe")
    fallar(client, "rosa@example.pe", 4)
    reloj.shift(datetime.timedelta(hours=24, minutes=1))
    for respuesta in fallar(client, "rosa@example.pe", 4):
        assert espera_anunciada(respuesta) is None
    assert espera_anunciada(iniciar_sesion(client, "rosa@example.pe", CLAVE_EQUIVOCADA)) == 1


def test_el_aviso_de_espera_es_un_resumen_de_errores_con_el_enlace_para_restablecer(client, reloj):
    factories.UsuarioFactory(email="rosa@example.pe")
    respuesta = fallar(client, "rosa@example.pe", 5)[-1]
    pagina = texto(respuesta)
    assert "<title>Error:" in pagina
    resumen = re.search(r'<div class="resumen-errores" role="alert".*?</div>', pagina, re.S)
    assert resumen, pagina
    assert "Hay un problema" in resumen.group(0)
    assert "Hubo demasiados intentos fallidos de iniciar sesión con este correo." in resumen.group(0)
    assert '<a href="/cuenta/password/reset/">restablece tu contraseña</a>' in resumen.group(0)
    # The address stays in the form, ready for the next try.
    assert 'value="rosa@example.pe"' in pagina


# --- What an attacker can learn -------------------------------------------------------------


def test_un_correo_sin_cuenta_responde_igual_que_uno_con_cuenta(reloj):
    factories.UsuarioFactory(email="rosa@example.pe")
    con_cuenta, sin_cuenta = Client(), Client()
    for intento in [CLAVE_EQUIVOCADA] * 6 + [factories.CLAVE]:
        a = iniciar_sesion(con_cuenta, "rosa@example.pe", intento, ip="203.0.113.1")
        b = iniciar_sesion(sin_cuenta, "nadie@example.pe", intento, ip="203.0.113.2")
        assert lo_que_se_ve(a, "rosa@example.pe") == lo_que_se_ve(b, "nadie@example.pe")
    assert espera_anunciada(b) == 1


def test_con_segundo_factor_una_clave_equivocada_en_espera_responde_como_sin_el(reloj):
    factories.UsuarioFactory(email="rosa@example.pe")
    factories.UsuarioFactory(email="servidora@example.pe", is_staff=True, segundo_factor=True)
    sin_totp, con_totp = Client(), Client()

    def ambos():
        a = iniciar_sesion(sin_totp, "rosa@example.pe", CLAVE_EQUIVOCADA, ip="203.0.113.1")
        b = iniciar_sesion(con_totp, "servidora@example.pe", CLAVE_EQUIVOCADA, ip="203.0.113.2")
        assert lo_que_se_ve(a, "rosa@example.pe") == lo_que_se_ve(b, "servidora@example.pe")
        return espera_anunciada(b)

    assert [ambos() for _ in range(5)] == [None, None, None, None, 1]
    # During the wait the answers stay alike: the attempts did not count for
    # either account, so the next failure after the wait starts 2 minutes.
    assert [ambos() for _ in range(3)] == [1, 1, 1]
    reloj.shift(datetime.timedelta(minutes=1, seconds=1))
    assert ambos() == 2


# --- The owner's ways out ------------------------------------------------------------------------


def test_con_segundo_factor_la_clave_correcta_pasa_al_codigo_aun_en_espera(client, reloj):
    servidora = factories.UsuarioFactory(is_staff=True, segundo_factor=True)
    assert espera_anunciada(fallar(client, servidora.email, 5)[-1]) == 1

    clave = iniciar_sesion(client, servidora.email)
    assert clave.status_code == 302
    assert clave["Location"] == TOTP_PASO
    assert usuario_en_sesion(client) is None

    # A wrong code does not log in.
    codigo = factories.codigo_totp()
    equivocado = f"{(int(codigo) + 1) % 1_000_000:06d}"
    rechazado = client.post(TOTP_PASO, {"code": equivocado}, REMOTE_ADDR="203.0.113.10")
    assert rechazado.status_code == 200
    assert usuario_en_sesion(client) is None

    aceptado = client.post(TOTP_PASO, {"code": codigo}, REMOTE_ADDR="203.0.113.10")
    assert aceptado.status_code == 302
    assert usuario_en_sesion(client) == servidora.pk

    # The complete login cleared the count.
    client.post("/cuenta/logout/")
    assert espera_anunciada(iniciar_sesion(client, servidora.email, CLAVE_EQUIVOCADA)) is None


def test_con_segundo_factor_la_clave_correcta_sin_el_codigo_no_levanta_la_espera(client, reloj):
    servidora = factories.UsuarioFactory(is_staff=True, segundo_factor=True)
    fallar(client, servidora.email, 5)
    assert iniciar_sesion(client, servidora.email)["Location"] == TOTP_PASO
    # Abandoned at the code: the address still waits.
    otro = Client()
    assert espera_anunciada(iniciar_sesion(otro, servidora.email, CLAVE_EQUIVOCADA)) == 1


def test_los_codigos_equivocados_hacen_esperar_a_la_cuenta_desde_cualquier_conexion(client, reloj):
    """Someone who has the password guesses codes from many addresses: after
    four wrong codes the account's code step waits, wherever they come from,
    and not even the right code gets in until the wait is over."""
    servidora = factories.UsuarioFactory(is_staff=True, segundo_factor=True)
    codigo = factories.codigo_totp()
    equivocado = f"{(int(codigo) + 1) % 1_000_000:06d}"
    for n in range(5):
        intruso = Client()
        ip = f"198.51.100.{n + 1}"
        assert iniciar_sesion(intruso, servidora.email, ip=ip)["Location"] == TOTP_PASO
        respuesta = intruso.post(TOTP_PASO, {"code": equivocado}, REMOTE_ADDR=ip)
        assert respuesta.status_code == 200
        assert usuario_en_sesion(intruso) is None
    assert "Demasiados códigos equivocados. Espera 1 minuto" in texto(respuesta)

    # The right code, from yet another address, waits too.
    otro = Client()
    iniciar_sesion(otro, servidora.email, ip="198.51.100.99")
    en_espera = otro.post(TOTP_PASO, {"code": codigo}, REMOTE_ADDR="198.51.100.99")
    assert "Demasiados códigos equivocados. Espera 1 minuto" in texto(en_espera)
    assert usuario_en_sesion(otro) is None
    # The wait over, the owner gets in, and that clears the count.
    reloj.shift(datetime.timedelta(minutes=1, seconds=1))
    iniciar_sesion(client, servidora.email)
    assert client.post(TOTP_PASO, {"code": factories.codigo_totp()}, REMOTE_ADDR="203.0.113.10").status_code == 302
    assert usuario_en_sesion(client) == servidora.pk
    assert not BloqueoAcceso.objects.exists()


def _enlace_de_restablecimiento(correo):
    encontrado = re.search(r"http://testserver(/cuenta/password/reset/key/[^/\s]+/)", correo.body)
    assert encontrado, correo.body
    return encontrado.group(1)


def test_restablecer_la_contrasena_levanta_la_espera(client, mailoutbox, al_confirmar, reloj):
    rosa = factories.UsuarioFactory(email="rosa@example.pe")
    fallar(client, "rosa@example.pe", 6)

    with al_confirmar():
        client.post("/cuenta/password/reset/", {"email": "rosa@example.pe"})
    abierto = client.get(_enlace_de_restablecimiento(mailoutbox[-1]), follow=True)
    formulario = abierto.redirect_chain[-1][0]
    with al_confirmar():
        cambiado = client.post(formulario, {"password1": CLAVE_NUEVA, "password2": CLAVE_NUEVA})
    assert cambiado.status_code == 302

    # Well within the 2 minutes the sixth failure started.
    entrada = iniciar_sesion(client, "rosa@example.pe", CLAVE_NUEVA)
    assert entrada.status_code == 302
    assert usuario_en_sesion(client) == rosa.pk


def test_el_personal_de_cuentas_ve_y_levanta_una_espera(client, reloj):
    rosa = factories.UsuarioFactory(email="rosa@example.pe")
    fallar(Client(), "rosa@example.pe", 5)
    factories.UsuarioFactory(email="pedro@example.pe")
    fallar(Client(), "pedro@example.pe", 5, ip="203.0.113.20")

    servidora = factories.UsuarioFactory(is_staff=True, segundo_factor=True)
    servidora.user_permissions.add(Permission.objects.get(codename="change_usuario"))
    client.force_login(servidora)
    lista = client.get("/admin/ciudadanos/bloqueoacceso/", {"q": " Rosa@Example.pe "})
    assert lista.status_code == 200
    assert "1 bloqueo de inicio de sesión" in texto(lista)
    fila = BloqueoAcceso.objects.get(pk=lista.context["cl"].result_list[0].pk)

    hecho = client.post(
        "/admin/ciudadanos/bloqueoacceso/",
        {"action": "desbloquear", "_selected_action": [fila.pk]},
        follow=True,
    )
    assert "Se desbloqueó 1 correo." in texto(hecho)

    rosa_cliente = Client()
    assert iniciar_sesion(rosa_cliente, "rosa@example.pe").status_code == 302
    assert usuario_en_sesion(rosa_cliente) == rosa.pk
    # Only the chosen address was cleared.
    assert espera_anunciada(iniciar_sesion(Client(), "pedro@example.pe", ip="203.0.113.20")) == 1


def test_sin_permiso_sobre_cuentas_no_se_ven_las_esperas(client):
    servidora = factories.UsuarioFactory(is_staff=True, segundo_factor=True)
    client.force_login(servidora)
    assert client.get("/admin/ciudadanos/bloqueoacceso/").status_code == 403
    assert "bloqueoacceso" not in texto(client.get("/admin/"))


# --- Where the state lives ------------------------------------------------------------------


def test_la_espera_vale_desde_cualquier_direccion(reloj):
    factories.UsuarioFactory(email="rosa@example.pe")
    for n in range(5):
        ultima = iniciar_sesion(Client(), "rosa@example.pe", CLAVE_EQUIVOCADA, ip=f"198.51.100.{n}")
    assert espera_anunciada(ultima) == 1
    otra = Client()
    respuesta = iniciar_sesion(otra, "rosa@example.pe", ip="192.0.2.77")
    assert espera_anunciada(respuesta) == 1
    assert usuario_en_sesion(otra) is None


def test_la_espera_sigue_si_la_cache_se_vacia(client, reloj):
    factories.UsuarioFactory(email="rosa@example.pe")
    fallar(client, "rosa@example.pe", 5)
    cache_vaciar()  # Redis restarted, or evicted everything
    respuesta = iniciar_sesion(client, "rosa@example.pe")
    assert espera_anunciada(respuesta) == 1
    assert usuario_en_sesion(client) is None


def _puerto_sin_nadie():
    with socket.socket() as enchufe:
        enchufe.bind(("127.0.0.1", 0))
        return enchufe.getsockname()[1]


def test_la_espera_funciona_con_redis_caido(client, settings, reloj):
    """With the portal's cache backend pointed at a Redis that does not answer,
    failures still count, the wait still holds, and the owner gets in after it."""
    rosa = factories.UsuarioFactory(email="rosa@example.pe")
    settings.CACHES = {
        "default": {
            "BACKEND": "egov.cache_redis.RedisCacheRapida",
            "LOCATION": f"redis://127.0.0.1:{_puerto_sin_nadie()}/0",
        }
    }
    cache.set("prueba", 1)
    assert cache.get("prueba") is None  # nothing is kept: Redis is really out of reach

    respuestas = fallar(client, "rosa@example.pe", 5)
    assert [espera_anunciada(r) for r in respuestas] == [None, None, None, None, 1]
    correcta = iniciar_sesion(client, "rosa@example.pe")
    assert correcta.status_code == 200
    assert espera_anunciada(correcta) == 1
    assert usuario_en_sesion(client) is None

    reloj.shift(datetime.timedelta(minutes=1, seconds=1))
    assert iniciar_sesion(client, "rosa@example.pe").status_code == 302
    assert usuario_en_sesion(client) == rosa.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fallos_simultaneos_cuentan_todos():
    """Four wrong passwords at the same moment, from four addresses, are the
    four free failures (none of them starts a wait, whatever their order): the
    next one, alone, must be the fifth. A lost count would let it pass."""
    factories.UsuarioFactory(email="rosa@example.pe")
    simultaneos = 4
    barrera = threading.Barrier(simultaneos)
    estados = []

    def intentar(n):
        try:
            cliente = Client()
            barrera.wait(timeout=10)
            respuesta = iniciar_sesion(cliente, "rosa@example.pe", CLAVE_EQUIVOCADA, ip=f"198.51.100.{n}")
            estados.append((respuesta.status_code, espera_anunciada(respuesta)))
        finally:
            connection.close()

    hilos = [threading.Thread(target=intentar, args=(n,)) for n in range(simultaneos)]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join(timeout=30)

    assert estados == [(200, None)] * simultaneos
    quinto = iniciar_sesion(Client(), "rosa@example.pe", CLAVE_EQUIVOCADA, ip="192.0.2.77")
    assert espera_anunciada(quinto) == 1
