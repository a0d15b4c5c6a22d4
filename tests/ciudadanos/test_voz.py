"""One voice: every account page, message and email a citizen can meet speaks
to them with «tú», as the rest of the portal does. The pages are rendered as a
citizen reaches them (anonymous and logged in, with and without errors, and the
notices after each step); the emails are rendered from every template."""

import html
import re
from pathlib import Path

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from tests import factories

pytestmark = pytest.mark.django_db

# Forms of address that say «usted» (or speak to nobody), as allauth's and
# Django's Spanish translations do.
USTED = [
    r"\busted(es)?\b",
    r"\bUd\.",
    r"\b[Ss]us? (contraseña|cuenta|correo|dirección|direcciones|código|códigos|navegador|carpeta"
    r"|aplicación|usuario|identidad|perfil|verificación|otra información)",
    r"\b(Introduzca|Introdúzcalo|Ingrese|Regístrese|Confirme|Verifique|Escanee|Utilice|Siga"
    r"|Haga|Póngase|Compruebe|Revise|Elija|Escriba|Inicie|Solicite|Contacte|Contáctenos"
    r"|Asegúrese|Guarde|Pulse|Ignore|Tome|emita|escriba)\b",
    r"\bUse (su|una|un)\b",
    r"\bHa (olvidado|iniciado|cerrado|confirmado|decidido|sido usted)\b",
    r"¿Olvidó",
    r"\bPor favor\b",
    r"\bvete\b",
    r"\b[Ll]e (hemos|enviaremos|pedimos|permitirá)\b",
    r"¿(Seguro que desea|Está seguro|Ya tiene\b)",
    r"\bdesea\b",
    r"\bEstá (a punto|recibiendo)\b",
    r"\b[Nn]o (puede|tiene) (eliminar|añadir|activar|desconectar|ninguna)\b",
    r"\bPuede (ignorar|guardar|registrarse)\b",
    r"\b[Ss]i (no )?(tiene|ha|ve|reconoce) ",
    r"\bSea paciente\b",
]
PATRON_USTED = re.compile("|".join(f"(?:{p})" for p in USTED))

TEMPLATES = Path(settings.BASE_DIR) / "templates"
CARPETAS_DE_CORREO = [
    "account/email",
    "mfa/email",
    "ciudadanos/correo",
    "tramites/avisos",
    "transparencia/correo",
]
CORREOS_DE_ALLAUTH = [
    "account/email/account_already_exists",
    "account/email/email_changed",
    "account/email/email_confirm",
    "account/email/email_confirmation",
    "account/email/email_confirmation_signup",
    "account/email/email_deleted",
    "account/email/password_changed",
    "account/email/password_reset",
    "account/email/password_reset_key",
    "account/email/password_set",
    "account/email/unknown_account",
    "mfa/email/recovery_codes_generated",
    "mfa/email/totp_activated",
    "mfa/email/totp_deactivated",
]
CLAVE_NUEVA = "Tortuga-Violeta-Marzo-83"


def texto_visible(contenido: str) -> str:
    """The page as read: tags dropped, but attributes a person meets
    (placeholders, alternative text, titles, aria labels) kept."""
    atributos = re.findall(r'(?:placeholder|alt|title|aria-label|value)="([^"]*)"', contenido)
    sin_scripts = re.sub(r"<(script|style)\b.*?</\1>", " ", contenido, flags=re.S)
    texto = re.sub(r"<[^>]+>", " ", sin_scripts)
    return html.unescape(" ".join([texto, *atributos]))


def hallazgos(nombre: str, contenido: str) -> list[str]:
    texto = " ".join(texto_visible(contenido).split())
    return [
        f"{nombre}: «{texto[max(0, m.start() - 40):m.end() + 40]}»"
        for m in PATRON_USTED.finditer(texto)
    ]


def test_el_patron_reconoce_el_usted_de_allauth():
    for frase in (
        "¿Ha olvidado su contraseña?",
        "Ha iniciado sesión exitosamente como ana@example.pe.",
        "Introduzca una dirección de correo electrónico válida.",
        "Por favor, confirme su dirección de correo electrónico",
        "Para confirmar que esto es correcto, vete a http://x/",
        "¿Ya tiene una cuenta? Por favor inicie sesión.",
        "Su contraseña no puede ser completamente numérica.",
    ):
        assert PATRON_USTED.search(frase), frase
    for frase in (
        "¿Olvidaste tu contraseña?",
        "Iniciaste sesión.",
        "Escribe un correo electrónico válido, como nombre@ejemplo.pe.",
        "Crear cuenta",
        "El plazo de su expediente",  # third person, not a form of address
    ):
        assert not PATRON_USTED.search(frase), frase


# --- Pages and notices -------------------------------------------------------------------


def _paginas_anonimas(client, ciudadano):
    paginas = {}

    def ver(nombre, respuesta):
        paginas[nombre] = respuesta.content.decode()

    ver("login", client.get("/cuenta/login/"))
    ver("login, correo no válido", client.post("/cuenta/login/", {"login": "ana@", "password": ""}))
    ver("login, clave errada", client.post("/cuenta/login/", {"login": ciudadano.email, "password": "x"}))
    ver("signup", client.get("/cuenta/signup/"))
    ver("signup, errores", client.post(
        "/cuenta/signup/", {"email": "ana@", "password1": "1234", "password2": "4321"}
    ))
    ver("signup, claves distintas", client.post(
        "/cuenta/signup/",
        {"email": "ana@example.pe", "password1": CLAVE_NUEVA, "password2": CLAVE_NUEVA + "x"},
    ))
    ver("verificación enviada", client.get("/cuenta/confirm-email/"))
    ver("restablecer", client.get("/cuenta/password/reset/"))
    ver("restablecer, error", client.post("/cuenta/password/reset/", {"email": "ana@"}))
    ver("restablecer, enviado", client.post(
        "/cuenta/password/reset/", {"email": ciudadano.email}, follow=True
    ))
    ver("restablecer, enlace errado", client.get("/cuenta/password/reset/key/zz-set-password/", follow=True))
    clave = f"{user_pk_to_url_str(ciudadano)}-{default_token_generator.make_token(ciudadano)}"
    formulario = client.get(f"/cuenta/password/reset/key/{clave}/", follow=True)
    ver("nueva clave", formulario)
    ver("nueva clave, errores", client.post(
        formulario.redirect_chain[-1][0] if formulario.redirect_chain else f"/cuenta/password/reset/key/{clave}/",
        {"password1": "1234", "password2": "4321"},
    ))
    ver("nueva clave, hecha", client.get("/cuenta/password/reset/key/done/"))
    ver("cuenta inactiva", client.get("/cuenta/inactive/"))
    ver("confirmar correo, enlace errado", client.get("/cuenta/confirm-email/no-vale/"))
    nueva = factories.UsuarioFactory(correo_verificado=False)
    direccion = EmailAddress.objects.get_or_create(
        user=nueva, email=nueva.email, defaults={"verified": False, "primary": True}
    )[0]
    enlace = f"/cuenta/confirm-email/{EmailConfirmationHMAC(direccion).key}/"
    ver("confirmar correo", client.get(enlace))
    ver("correo confirmado (aviso)", client.post(enlace, follow=True))
    ver("salir, página", client.get("/cuenta/logout/"))
    limite = RequestFactory().get("/cuenta/login/")
    limite.user = nueva
    paginas["límite de intentos"] = render_to_string("429.html", request=limite)
    return paginas


def _paginas_con_sesion(client, ciudadano):
    paginas = {}

    def ver(nombre, respuesta):
        paginas[nombre] = respuesta.content.decode()

    ver("entrar (aviso)", client.post(
        "/cuenta/login/", {"login": ciudadano.email, "password": factories.CLAVE}, follow=True
    ))
    ver("correo", client.get("/cuenta/email/"))
    ver("correo, error", client.post("/cuenta/email/", {"action_add": "", "email": "ana@"}))
    ver("correo, cambio pedido (aviso)", client.post(
        "/cuenta/email/", {"action_add": "", "email": "nuevo.correo@example.pe"}, follow=True
    ))
    ver("cambiar clave", client.get("/cuenta/password/change/"))
    ver("cambiar clave, errores", client.post(
        "/cuenta/password/change/", {"oldpassword": "x", "password1": "1234", "password2": "4321"}
    ))
    ver("restablecer con sesión", client.get("/cuenta/password/reset/"))
    ver("confirmar acceso", client.get("/cuenta/reauthenticate/"))
    ver("confirmar acceso, error", client.post("/cuenta/reauthenticate/", {"password": "x"}))
    ver("dos pasos", client.get("/cuenta/2fa/"))
    ver("activar app", client.get("/cuenta/2fa/totp/activate/"))
    ver("activar app, error", client.post("/cuenta/2fa/totp/activate/", {"code": "123456"}))
    ver("cambiar clave, hecho (aviso)", client.post(
        "/cuenta/password/change/",
        {"oldpassword": factories.CLAVE, "password1": CLAVE_NUEVA, "password2": CLAVE_NUEVA},
        follow=True,
    ))
    ver("clave ya puesta", client.get("/cuenta/password/set/", follow=True))
    client.post("/cuenta/logout/")
    ver("salir (aviso)", client.get("/cuenta/login/"))
    return paginas


def _paginas_con_segundo_factor(client, ciudadano):
    paginas = {}

    def ver(nombre, respuesta):
        paginas[nombre] = respuesta.content.decode()

    TOTP.activate(ciudadano, "JBSWY3DPEHPK3PXP")
    RecoveryCodes.activate(ciudadano)
    client.post("/cuenta/login/", {"login": ciudadano.email, "password": factories.CLAVE})
    ver("segundo factor", client.get("/cuenta/2fa/authenticate/"))
    ver("segundo factor, error", client.post("/cuenta/2fa/authenticate/", {"code": "000000"}))
    codigo = RecoveryCodes(ciudadano.authenticator_set.get(type="recovery_codes")).get_unused_codes()[0]
    ver("entrar con código (aviso)", client.post(
        "/cuenta/2fa/authenticate/", {"code": codigo}, follow=True
    ))
    ver("dos pasos, activa", client.get("/cuenta/2fa/"))
    ver("códigos", client.get("/cuenta/2fa/recovery-codes/"))
    ver("códigos, generar", client.get("/cuenta/2fa/recovery-codes/generate/"))
    ver("códigos, generados (aviso)", client.post("/cuenta/2fa/recovery-codes/generate/", follow=True))
    ver("desactivar app", client.get("/cuenta/2fa/totp/deactivate/"))
    ver("confirmar acceso con código", client.get("/cuenta/2fa/reauthenticate/"))
    ver("confirmar acceso con código, error", client.post("/cuenta/2fa/reauthenticate/", {"code": "1"}))
    ver("confirmar acceso, alternativas", client.get("/cuenta/reauthenticate/"))
    ver("desactivada (aviso)", client.post("/cuenta/2fa/totp/deactivate/", follow=True))
    return paginas


@pytest.fixture
def paginas(client, ciudadano):
    otra = factories.UsuarioFactory()
    return {
        **_paginas_anonimas(client, ciudadano),
        **_paginas_con_sesion(client, ciudadano),
        **_paginas_con_segundo_factor(client.__class__(), otra),
    }


def test_las_paginas_de_cuenta_tutean(paginas):
    encontrados = [h for nombre, contenido in paginas.items() for h in hallazgos(nombre, contenido)]
    assert not encontrados, "\n".join(encontrados)


def test_los_avisos_despues_de_cada_paso_tutean(paginas):
    avisos = {
        "entrar (aviso)": "Iniciaste sesión",
        "salir (aviso)": "Cerraste sesión",
        "correo confirmado (aviso)": "Confirmaste",
        "cambiar clave, hecho (aviso)": "Cambiaste tu contraseña",
    }
    for nombre, texto in avisos.items():
        assert texto in paginas[nombre], nombre


def test_crear_cuenta_se_llama_igual_en_todas_partes(paginas):
    registro = paginas["signup"]
    assert "<title>Crear cuenta –" in " ".join(registro.split())
    assert re.search(r"<h1>\s*Crear cuenta\s*</h1>", registro)
    assert re.search(r"<button[^>]*>\s*Crear cuenta\s*</button>", registro)
    assert re.search(r'<a href="/cuenta/signup/">\s*[^<]*crea una cuenta|Crear cuenta', paginas["login"])


def test_una_sola_mensaje_por_campo_en_el_resumen(paginas):
    for nombre, contenido in paginas.items():
        resumen = re.search(r'<ul class="resumen-errores__lista">(.*?)</ul>', contenido, re.S)
        if not resumen:
            continue
        destinos = re.findall(r'<a href="#([^"]+)"', resumen.group(1))
        assert len(destinos) == len(set(destinos)), (nombre, destinos)


def test_sin_placeholders_que_repiten_la_etiqueta(paginas):
    for nombre, contenido in paginas.items():
        assert "placeholder=" not in contenido, nombre


def test_el_orden_de_tabulacion_del_login(paginas):
    login = paginas["login"]
    formulario = login[login.index('action="/cuenta/login/"'):]
    correo = formulario.index('name="login"')
    clave = formulario.index('name="password"')
    olvido = formulario.index("¿Olvidaste tu contraseña?")
    boton = formulario.index('type="submit"')
    assert correo < clave < olvido < boton


# --- Emails ------------------------------------------------------------------------------


def _contexto_de_correo(usuario):
    return {
        "user": usuario,
        "usuario": usuario,
        "email": usuario.email,
        "from_email": "antes@example.pe",
        "to_email": "despues@example.pe",
        "deleted_email": "viejo@example.pe",
        "activate_url": "https://tramites.example.pe/cuenta/confirm-email/abc/",
        "password_reset_url": "https://tramites.example.pe/cuenta/password/reset/key/1-abc/",
        "signup_url": "https://tramites.example.pe/cuenta/signup/",
        "code": "ABC123",
        "ip": "203.0.113.9",
        "user_agent": "Firefox",
        "timestamp": "1 de marzo de 2026",
        "current_site": type("Sitio", (), {"name": "example.com", "domain": "example.com"})(),
        "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
        "ENTIDAD_CORREO_CONTACTO": settings.ENTIDAD_CORREO_CONTACTO,
        "SITE_URL": settings.SITE_URL,
    }


def _plantillas_de_correo():
    for carpeta in CARPETAS_DE_CORREO:
        for ruta in sorted((TEMPLATES / carpeta).glob("*.txt")):
            yield f"{carpeta}/{ruta.name}"
    for prefijo in CORREOS_DE_ALLAUTH:
        yield f"{prefijo}_subject.txt"
        yield f"{prefijo}_message.txt"


def test_los_correos_tutean(ciudadano):
    contexto = _contexto_de_correo(ciudadano)
    encontrados = []
    with translation.override(settings.LANGUAGE_CODE):
        for plantilla in sorted(set(_plantillas_de_correo())):
            encontrados += hallazgos(plantilla, render_to_string(plantilla, contexto))
    assert not encontrados, "\n".join(encontrados)


@pytest.mark.parametrize("prefijo", CORREOS_DE_ALLAUTH)
def test_los_correos_de_cuenta_nombran_a_la_entidad(ciudadano, prefijo):
    contexto = _contexto_de_correo(ciudadano)
    with translation.override(settings.LANGUAGE_CODE):
        cuerpo = render_to_string(f"{prefijo}_message.txt", contexto)
    assert settings.ENTIDAD_NOMBRE in cuerpo
    assert "example.com" not in cuerpo
