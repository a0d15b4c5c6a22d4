"""Account flows through HTTP, as a citizen or a civil servant goes through them:
signup, email confirmation, login, logout, password reset, rate limits, and the
admin behind two-factor authentication."""

import datetime
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from ciudadanos.models import Perfil, Usuario
from tests import factories

pytestmark = pytest.mark.django_db

CLAVE_NUEVA = "Tortuga-Violeta-Marzo-83"
SECRETO_TOTP = "JBSWY3DPEHPK3PXP"
# The <title> of the admin's index page (the site's menu also links to the admin).
ADMIN_INICIO = "<title>Inicio | Panel de gestión</title>"

PERFIL_VALIDO = {
    "tipo_documento": "DNI",
    "numero_documento": "10117410-2",
    "nombres": "María José",
    "apellido_paterno": "Pérez-Albela",
    "apellido_materno": "Ccori",
    "fecha_nacimiento_0": "27",
    "fecha_nacimiento_1": "3",
    "fecha_nacimiento_2": "1990",
    "telefono": "987 654 321",
    "direccion": "Av. Larco 123",
    "departamento": "15",
    "provincia": "1501",
    "distrito": "150122",
    "accion": "guardar",
}


def usuario_en_sesion(client):
    """The id of the logged-in user, or None: what Django's session says, not
    what a page happens to show."""
    valor = client.session.get("_auth_user_id")
    return int(valor) if valor else None


def enlace(cuerpo, patron):
    encontrado = re.search(rf"http://testserver({patron})", cuerpo)
    assert encontrado, f"no hay enlace {patron} en:\n{cuerpo}"
    return encontrado.group(1)


def registrarse(client, al_confirmar, email, clave=CLAVE_NUEVA):
    with al_confirmar():
        return client.post(
            "/cuenta/signup/", {"email": email, "password1": clave, "password2": clave}
        )


def iniciar_sesion(client, email, clave=factories.CLAVE, siguiente=""):
    url = "/cuenta/login/" + (f"?next={siguiente}" if siguiente else "")
    return client.post(url, {"login": email, "password": clave})


# --- Signup, confirmation, profile, logout -------------------------------------------


def test_registro_confirmacion_perfil_y_salida(client, mailoutbox, al_confirmar):
    respuesta = registrarse(client, al_confirmar, "nueva.vecina@example.pe")
    assert respuesta.status_code == 302
    assert respuesta["Location"] == "/cuenta/confirm-email/"
    usuario = Usuario.objects.get(email="nueva.vecina@example.pe")
    assert usuario.check_password(CLAVE_NUEVA)
    assert not EmailAddress.objects.get(user=usuario).verified
    # Signing up does not log in: the email must be confirmed first.
    assert usuario_en_sesion(client) is None

    # The verification email went out through the Celery task, after commit.
    assert len(mailoutbox) == 1
    correo = mailoutbox[0]
    assert correo.to == ["nueva.vecina@example.pe"]
    link = enlace(correo.body, r"/cuenta/confirm-email/[^/\s]+/")

    # Opening the link shows a page with a button; it does not confirm by itself
    # (mail scanners follow links).
    pagina = client.get(link)
    assert pagina.status_code == 200
    contenido = pagina.content.decode()
    # The button posts to the confirmation URL (allauth re-signs the key, so it
    # may carry a newer timestamp than the emailed one).
    accion = re.search(r'<form method="post" action="(/cuenta/confirm-email/[^"/]+/)"', contenido)
    assert accion, contenido
    assert "nueva.vecina@example.pe" in contenido
    assert not EmailAddress.objects.get(user=usuario).verified
    assert usuario_en_sesion(client) is None

    confirmada = client.post(accion.group(1))
    assert confirmada.status_code == 302
    assert EmailAddress.objects.get(user=usuario).verified
    assert usuario_en_sesion(client) == usuario.pk

    # No profile yet: "Mi perfil" sends the citizen to complete it.
    perfil = client.get("/cuenta/perfil/")
    assert perfil.status_code == 302
    assert perfil["Location"] == "/cuenta/perfil/editar/"
    assert client.get("/cuenta/perfil/editar/").status_code == 200

    with al_confirmar():
        guardado = client.post("/cuenta/perfil/editar/", PERFIL_VALIDO)
    assert guardado.status_code == 302
    assert guardado["Location"] == "/cuenta/perfil/"
    perfil = Perfil.objects.get(usuario=usuario)
    assert (perfil.numero_documento, perfil.digito_verificacion) == ("10117410", "2")
    assert perfil.nombres == "María José"
    assert perfil.telefono == "+51987654321"
    assert perfil.ubigeo == "150122"
    assert perfil.fecha_nacimiento == datetime.date(1990, 3, 27)

    assert len(mailoutbox) == 2
    alerta = mailoutbox[1]
    assert alerta.to == ["nueva.vecina@example.pe"]
    assert alerta.subject == "Completaste tu perfil de identidad"
    assert "Hola, María José" in alerta.body

    pagina = client.get("/cuenta/perfil/")
    assert pagina.status_code == 200
    contenido = pagina.content.decode()
    assert "Completaste tu perfil" in contenido
    assert "María José" in contenido
    assert "Miraflores, Lima, Lima" in contenido

    # Logging out takes a POST: a link or an image cannot log anyone out.
    confirmar_salida = client.get("/cuenta/logout/")
    assert confirmar_salida.status_code == 200
    assert usuario_en_sesion(client) == usuario.pk
    assert client.get("/cuenta/perfil/").status_code == 200

    salida = client.post("/cuenta/logout/")
    assert salida.status_code == 302
    assert usuario_en_sesion(client) is None
    despues = client.get("/cuenta/perfil/")
    assert despues.status_code == 302
    assert despues["Location"].startswith("/cuenta/login/")


def test_login_antes_de_confirmar_el_correo_no_da_acceso(client, mailoutbox, al_confirmar):
    registrarse(client, al_confirmar, "sin.confirmar@example.pe")
    client.logout()

    with al_confirmar():
        respuesta = iniciar_sesion(client, "sin.confirmar@example.pe", CLAVE_NUEVA)
    assert respuesta.status_code == 302
    assert respuesta["Location"] == "/cuenta/confirm-email/"
    assert usuario_en_sesion(client) is None
    perfil = client.get("/cuenta/perfil/")
    assert perfil.status_code == 302
    assert perfil["Location"].startswith("/cuenta/login/")
    assert client.get("/cuenta/mis-datos/").status_code == 302


def test_login_con_correo_confirmado_entra(client):
    usuario = factories.UsuarioFactory()
    respuesta = iniciar_sesion(client, usuario.email)
    assert respuesta.status_code == 302
    assert usuario_en_sesion(client) == usuario.pk


def test_login_con_correo_en_mayusculas(client):
    usuario = factories.UsuarioFactory(email="rosa@example.pe")
    iniciar_sesion(client, "ROSA@Example.PE")
    assert usuario_en_sesion(client) == usuario.pk


@pytest.mark.parametrize(
    "clave, mensaje",
    [
        ("Corta-1", "La contraseña es demasiado corta. Debe contener por lo menos 10 caracteres."),
        ("password123", "Esta contraseña es demasiado común."),
        ("98127364501", "Esta contraseña es completamente numérica."),
        ("vecina.quispe", "La contraseña se parece demasiado a tus datos personales"),
        ("Vecina.Quispe.2026", "La contraseña se parece demasiado a tus datos personales"),
    ],
)
def test_registro_con_contrasena_debil(client, mailoutbox, al_confirmar, clave, mensaje):
    respuesta = registrarse(client, al_confirmar, "vecina.quispe@example.pe", clave)
    assert respuesta.status_code == 200
    contenido = respuesta.content.decode()
    assert "Hay un problema" in contenido
    assert 'href="#id_password1"' in contenido
    assert mensaje in contenido
    assert not Usuario.objects.exists()
    assert mailoutbox == []


def test_registro_con_contrasenas_distintas(client, mailoutbox, al_confirmar):
    with al_confirmar():
        respuesta = client.post(
            "/cuenta/signup/",
            {"email": "otra@example.pe", "password1": CLAVE_NUEVA, "password2": CLAVE_NUEVA + "x"},
        )
    assert respuesta.status_code == 200
    assert "misma contraseña" in respuesta.content.decode()
    assert not Usuario.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("como_lo_escribe", ["rosa@example.pe", "Rosa@Example.PE"])
def test_registro_con_correo_existente_no_crea_otra_cuenta(
    client, mailoutbox, al_confirmar, como_lo_escribe
):
    duena = factories.UsuarioFactory(email="rosa@example.pe")
    respuesta = registrarse(client, al_confirmar, como_lo_escribe)
    # Same answer as a new signup, so the form does not reveal who has an account...
    assert respuesta.status_code == 302
    assert respuesta["Location"] == "/cuenta/confirm-email/"
    assert Usuario.objects.filter(email__iexact="rosa@example.pe").count() == 1
    assert Usuario.objects.count() == 1
    assert usuario_en_sesion(client) is None
    # ...and the owner's password is untouched.
    duena.refresh_from_db()
    assert duena.check_password(factories.CLAVE)
    # The owner is told by email, with no confirmation link to take over anything.
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["rosa@example.pe"]
    assert "/cuenta/confirm-email/" not in mailoutbox[0].body
    assert "/cuenta/password/reset/" in mailoutbox[0].body


# --- Rate limit on failed logins from one connection ---------------------------------------
# The per-account wait after failed passwords is in test_bloqueo.py.


def test_demasiados_intentos_fallidos_desde_una_conexion(client):
    rosa = factories.UsuarioFactory(email="rosa@example.pe")

    # Ten wrong passwords a minute from one address, whatever the accounts...
    for n in range(10):
        fallido = iniciar_sesion(client, f"persona{n}@example.pe", "no-es-la-clave-1")
        assert fallido.status_code == 200
        assert "no son correctas" in fallido.content.decode()

    # ...and that connection is stopped, even with the right password.
    bloqueado = iniciar_sesion(client, "rosa@example.pe")
    assert bloqueado.status_code == 429
    assert "Demasiados intentos" in bloqueado.content.decode()
    assert usuario_en_sesion(client) is None

    # Another connection logs in to the same account.
    otra_conexion = Client(REMOTE_ADDR="203.0.113.5")
    iniciar_sesion(otra_conexion, "rosa@example.pe")
    assert usuario_en_sesion(otra_conexion) == rosa.pk

    # A minute later the first connection may try again.
    with time_machine.travel(datetime.timedelta(minutes=1, seconds=1)):
        despues = iniciar_sesion(client, "rosa@example.pe")
    assert despues.status_code == 302
    assert usuario_en_sesion(client) == rosa.pk


def test_un_login_correcto_no_borra_los_fallos_de_la_conexion(client):
    factories.UsuarioFactory(email="rosa@example.pe")
    for n in range(9):
        iniciar_sesion(client, f"persona{n}@example.pe", "no-es-la-clave-1")
    iniciar_sesion(client, "rosa@example.pe")
    client.post("/cuenta/logout/")
    assert iniciar_sesion(client, "persona9@example.pe", "no-es-la-clave-1").status_code == 200
    assert iniciar_sesion(client, "persona10@example.pe", "no-es-la-clave-1").status_code == 429


# --- Password reset ----------------------------------------------------------------------


def test_restablecer_contrasena_por_correo(client, mailoutbox, al_confirmar):
    usuario = factories.UsuarioFactory(email="rosa@example.pe")

    with al_confirmar():
        pedido = client.post("/cuenta/password/reset/", {"email": "rosa@example.pe"})
    assert pedido.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["rosa@example.pe"]
    link = enlace(mailoutbox[0].body, r"/cuenta/password/reset/key/[^/\s]+/")

    # allauth moves the key from the URL to the session before showing the form.
    abierto = client.get(link, follow=True)
    assert abierto.status_code == 200
    formulario = abierto.redirect_chain[-1][0] if abierto.redirect_chain else link
    assert 'name="password1"' in abierto.content.decode()

    cambiado = client.post(formulario, {"password1": CLAVE_NUEVA, "password2": CLAVE_NUEVA})
    assert cambiado.status_code == 302
    usuario.refresh_from_db()
    assert usuario.check_password(CLAVE_NUEVA)
    assert not usuario.check_password(factories.CLAVE)

    client.logout()
    iniciar_sesion(client, "rosa@example.pe", factories.CLAVE)
    assert usuario_en_sesion(client) is None
    iniciar_sesion(client, "rosa@example.pe", CLAVE_NUEVA)
    assert usuario_en_sesion(client) == usuario.pk

    # The link works once.
    client.post("/cuenta/logout/")
    otra_vez = client.get(link, follow=True)
    assert 'name="password1"' not in otra_vez.content.decode()


def test_restablecer_con_contrasena_debil_no_cambia_nada(client, mailoutbox, al_confirmar):
    usuario = factories.UsuarioFactory(email="rosa@example.pe")
    with al_confirmar():
        client.post("/cuenta/password/reset/", {"email": "rosa@example.pe"})
    link = enlace(mailoutbox[0].body, r"/cuenta/password/reset/key/[^/\s]+/")
    abierto = client.get(link, follow=True)
    formulario = abierto.redirect_chain[-1][0]
    respuesta = client.post(formulario, {"password1": "password123", "password2": "password123"})
    assert respuesta.status_code == 200
    assert "Esta contraseña es demasiado común." in respuesta.content.decode()
    usuario.refresh_from_db()
    assert usuario.check_password(factories.CLAVE)


def test_restablecer_para_correo_sin_cuenta_no_lo_revela(client, mailoutbox, al_confirmar):
    factories.UsuarioFactory(email="rosa@example.pe")
    with al_confirmar():
        respuesta = client.post("/cuenta/password/reset/", {"email": "nadie@example.pe"})
    # Same page as for a real account.
    assert respuesta.status_code == 302
    assert respuesta["Location"] == "/cuenta/password/reset/done/"
    assert all("/cuenta/password/reset/key/" not in m.body for m in mailoutbox)


# --- The admin: staff only, and only with two-factor authentication --------------------


def test_anonimo_en_el_admin_va_al_login_del_portal(client):
    respuesta = client.get("/admin/", follow=True)
    assert respuesta.status_code == 200
    final = urlsplit(respuesta.redirect_chain[-1][0])
    assert final.path == "/cuenta/login/"
    assert parse_qs(final.query)["next"] == ["/admin/"]


def test_el_login_propio_del_admin_no_acepta_contrasena(client):
    """Django's admin login form would skip the second factor: it only redirects."""
    staff = factories.UsuarioFactory(is_staff=True, is_superuser=True)
    TOTP.activate(staff, SECRETO_TOTP)
    respuesta = client.post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": factories.CLAVE}
    )
    assert respuesta.status_code == 302
    assert respuesta["Location"].startswith("/cuenta/login/")
    assert usuario_en_sesion(client) is None


def test_staff_sin_doble_factor_es_enviado_a_activarlo(client):
    staff = factories.UsuarioFactory(is_staff=True, is_superuser=True)
    iniciar_sesion(client, staff.email)
    assert usuario_en_sesion(client) == staff.pk

    for url in ("/admin/", "/admin/ciudadanos/usuario/"):
        respuesta = client.get(url)
        assert respuesta.status_code == 302
        assert respuesta["Location"] == reverse("mfa_activate_totp")

    siguiente = client.get("/admin/", follow=True)
    assert "necesitas activar la verificación en dos pasos" in siguiente.content.decode()
    assert ADMIN_INICIO not in siguiente.content.decode()


def test_usuario_que_no_es_staff_no_entra_al_admin(client):
    usuario = factories.UsuarioFactory()
    TOTP.activate(usuario, SECRETO_TOTP)
    client.force_login(usuario)
    respuesta = client.get("/admin/", follow=True)
    assert respuesta.status_code == 403
    assert "Panel de gestión" not in respuesta.content.decode()
    assert client.get("/admin/ciudadanos/usuario/", follow=True).status_code == 403


def _codigo_totp(desfase=0):
    return format_hotp_value(hotp_value(SECRETO_TOTP, int(time.time()) // 30 + desfase))


@pytest.fixture
def reloj_quieto():
    # A TOTP code lives 30 seconds: keep the clock still so the code computed
    # here is the one the server expects.
    with time_machine.travel(time.time(), tick=False):
        yield


def test_staff_con_totp_entra_al_admin_con_el_codigo(client, reloj_quieto):
    staff = factories.UsuarioFactory(is_staff=True, is_superuser=True)
    TOTP.activate(staff, SECRETO_TOTP)

    respuesta = iniciar_sesion(client, staff.email, siguiente="/admin/")
    assert respuesta.status_code == 302
    assert respuesta["Location"] == "/cuenta/2fa/authenticate/"
    # The password alone is not a login yet.
    assert usuario_en_sesion(client) is None
    assert client.get("/admin/").status_code == 302
    assert 'name="code"' in client.get("/cuenta/2fa/authenticate/").content.decode()

    codigo = client.post("/cuenta/2fa/authenticate/", {"code": _codigo_totp()})
    assert codigo.status_code == 302
    assert codigo["Location"] == "/admin/"
    assert usuario_en_sesion(client) == staff.pk
    panel = client.get("/admin/")
    assert panel.status_code == 200
    assert ADMIN_INICIO in panel.content.decode()


@pytest.mark.parametrize("caso", ["otro_numero", "vacio", "de_hace_un_minuto", "de_otro_secreto"])
def test_staff_con_totp_y_codigo_equivocado_no_entra(client, reloj_quieto, caso):
    staff = factories.UsuarioFactory(is_staff=True, is_superuser=True)
    TOTP.activate(staff, SECRETO_TOTP)
    correcto = _codigo_totp()
    equivocado = {
        "otro_numero": f"{(int(correcto) + 1) % 1_000_000:06d}",
        "vacio": "",
        "de_hace_un_minuto": _codigo_totp(-2),
        "de_otro_secreto": format_hotp_value(
            hotp_value("KRSXG5CTMVRXEZLU", int(time.time()) // 30)
        ),
    }[caso]
    if equivocado == correcto:  # vanishingly unlikely, but then it is not wrong
        pytest.fail("el código equivocado coincidió con el correcto")

    iniciar_sesion(client, staff.email, siguiente="/admin/")
    respuesta = client.post("/cuenta/2fa/authenticate/", {"code": equivocado})
    assert respuesta.status_code == 200
    assert usuario_en_sesion(client) is None
    panel = client.get("/admin/")
    assert panel.status_code == 302
    assert panel["Location"].startswith("/admin/login/")
