"""Logging in with ID GOB.PE against a real OpenID Connect provider (the local
stand-in, tools/idgobpe, a Node process): the first login creates a verified
profile, an existing account is linked only after its password, a procedure
that needs two factors steps a one-factor session up and returns to the same
step, logging out ends both sessions, and a tampered or stale response is
refused with a clear page."""

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from playwright.sync_api import expect

from ciudadanos.models import NivelIdentidad, NivelIngreso, Perfil
from tests.fixtures import DOMICILIO, borrador_completo, persona
from tests.navegador.conftest import sin_violaciones_axe
from tests.procesos import ProveedorIdgobpe
from tramites.models import Evento, Solicitud, TipoEvento, Tramite

MARIA = {"documento": "40000003", "clave": "maria-demo-2026"}  # one_factor only
PEDRO = {"documento": "40000004", "clave": "pedro-demo-2026", "codigo": "246810"}  # two_factor too

pytestmark = pytest.mark.usefixtures("transactional_db", "usar_idgobpe")


def _en_idgobpe(page, identidad, *, codigo=False):
    """The provider's login page, as the citizen fills it."""
    expect(page.get_by_role("heading", name="Ingresar con ID GOB.PE")).to_be_visible()
    page.get_by_label("Número de DNI").fill(identidad["documento"])
    page.get_by_label("Clave").fill(identidad["clave"])
    if codigo:
        page.get_by_label("Código de verificación").fill(identidad["codigo"])
    page.get_by_role("button", name="Ingresar").click()


def _boton_idgobpe(page, servidor):
    page.goto(f"{servidor}/cuenta/login/")
    page.get_by_role("button", name="Ingresar con ID GOB.PE").click()


def _pedro_vinculado():
    usuario = persona(numero_documento=PEDRO["documento"], nombres="PEDRO PABLO", apellido_paterno="RAMOS",
                      apellido_materno="CHAVEZ", direccion="Jr. Junín 456", ubigeo="150122")
    SocialAccount.objects.create(user=usuario, provider="idgobpe", uid=PEDRO["documento"], extra_data={})
    return usuario


def _sin_sesion(page):
    expect(page.get_by_role("link", name="Iniciar sesión", exact=True).first).to_be_visible()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_have_count(0)


# --- 1. First login: a new account with the verified identity ----------------------------------


def test_primer_ingreso_crea_cuenta_con_identidad_verificada(page, servidor):
    page.goto(f"{servidor}/cuenta/signup/")
    expect(page.get_by_role("button", name="Ingresar con ID GOB.PE")).to_be_visible()
    page.goto(f"{servidor}/cuenta/login/")
    sin_violaciones_axe(page, "iniciar sesión con el botón de ID GOB.PE")
    page.get_by_role("button", name="Ingresar con ID GOB.PE").click()
    _en_idgobpe(page, MARIA)

    # Back in the portal with an account: the profile asks only what ID GOB.PE does not give.
    expect(page).to_have_url(re.compile(r"/cuenta/perfil/editar/"))
    documento = page.get_by_label("Número de documento")
    expect(documento).to_have_value("40000003")
    expect(documento).to_be_disabled()
    expect(page.get_by_label("Nombres", exact=True)).to_have_value("MARIA LUISA")
    expect(page.get_by_label("Nombres", exact=True)).to_be_disabled()
    expect(page.get_by_label("Primer apellido")).to_have_value("FLORES")
    expect(page.get_by_label("Celular")).to_have_value("987000003")
    page.get_by_label("Día").fill("5")
    page.get_by_label("Mes").fill("8")
    page.get_by_label("Año").fill("1985")
    page.get_by_label("Dirección").fill("Av. Los Próceres 120")
    page.get_by_label("Departamento").select_option("15")
    expect(page.get_by_label("Provincia").locator("option[value='1501']")).to_be_attached()
    page.get_by_label("Provincia").select_option("1501")
    expect(page.get_by_label("Distrito").locator("option[value='150122']")).to_be_attached()
    page.get_by_label("Distrito").select_option("150122")
    page.get_by_role("button", name="Guardar mis datos").click()

    expect(page.locator("main")).to_contain_text("Completaste tu perfil")
    expect(page.locator("main")).to_contain_text("FLORES TORRES")
    perfil = Perfil.objects.select_related("usuario").get(numero_documento="40000003")
    assert perfil.nivel_identidad == NivelIdentidad.PROVEEDOR
    assert perfil.datos_reniec_en is not None
    assert perfil.usuario.email == "maria.flores@example.pe"
    assert EmailAddress.objects.get(user=perfil.usuario).verified
    assert not perfil.usuario.has_usable_password()
    assert SocialAccount.objects.get(user=perfil.usuario).uid == "40000003"
    # The login's level, on the profile (one factor: ID GOB.PE's acr "one_factor").
    Perfil.objects.filter(pk=perfil.pk).update(nivel_ingreso=None)
    page.get_by_role("button", name="Cerrar sesión").click()
    page.get_by_role("button", name="Sí, cerrar sesión").click()
    _boton_idgobpe(page, servidor)
    _en_idgobpe(page, MARIA)
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    perfil.refresh_from_db()
    assert perfil.nivel_ingreso == NivelIngreso.IDGOBPE_UN_FACTOR


# --- 2. An account that already holds the DNI: linked only after its password ----------------


def test_cuenta_existente_se_vincula_solo_tras_su_contrasena(page, servidor, iniciar_sesion):
    usuario = persona(numero_documento=PEDRO["documento"], direccion="Jr. Junín 456", ubigeo="150122")
    _boton_idgobpe(page, servidor)
    _en_idgobpe(page, PEDRO)

    # Not logged in, nothing linked: the page says how to prove the account is theirs.
    expect(page).to_have_url(f"{servidor}/cuenta/idgobpe/vincular/")
    expect(page.locator("main")).to_contain_text("Ya tienes una cuenta en el portal con el DNI 40000004")
    _sin_sesion(page)
    sin_violaciones_axe(page, "vincular: demuestra que la cuenta es tuya")
    assert not SocialAccount.objects.exists()

    page.get_by_role("link", name="Iniciar sesión con mi contraseña").click()
    page.locator("input[name=login]").fill(usuario.email)
    page.locator("input[name=password]").fill("Una-clave-larga-2026")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(f"{servidor}/cuenta/idgobpe/vincular/")
    sin_violaciones_axe(page, "vincular: confirmar")
    page.get_by_role("button", name="Vincular ID GOB.PE").click()
    expect(page.locator("main")).to_contain_text("Vinculamos tu ID GOB.PE")
    assert SocialAccount.objects.get(uid="40000004").user == usuario

    # From now on ID GOB.PE logs into that same account.
    page.get_by_role("button", name="Cerrar sesión").click()
    _sin_sesion(page)
    _boton_idgobpe(page, servidor)  # ID GOB.PE's own session is still open: no password asked
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    expect(page).to_have_url(f"{servidor}/cuenta/perfil/")
    assert Perfil.objects.get(usuario=usuario).nivel_ingreso == NivelIngreso.IDGOBPE_UN_FACTOR


def test_cuenta_existente_se_vincula_con_un_enlace_a_su_correo(page, servidor, new_context):
    usuario = persona(numero_documento=MARIA["documento"], direccion="Jr. Junín 456", ubigeo="150122")
    _boton_idgobpe(page, servidor)
    _en_idgobpe(page, MARIA)
    expect(page).to_have_url(f"{servidor}/cuenta/idgobpe/vincular/")
    page.get_by_role("button", name="Enviarme un enlace por correo").click()
    expect(page.locator("main")).to_contain_text("Te enviamos un enlace al correo de tu cuenta")
    correo = next(m for m in mail.outbox if m.to == [usuario.email] and "ID GOB.PE" in m.subject)
    enlace = re.search(r"http://\S+/cuenta/idgobpe/vincular/correo/\S+/", correo.body)[0]
    assert not SocialAccount.objects.exists()

    # Opened in another browser it links nothing: the ID GOB.PE login waits in this one.
    otro = new_context().new_page()
    otro.goto(enlace)
    expect(otro.get_by_role("alert")).to_contain_text("en el mismo navegador")

    page.goto(enlace)  # a GET only asks (mail scanners open links)
    sin_violaciones_axe(page, "vincular por correo")
    assert not SocialAccount.objects.exists()
    page.get_by_role("button", name="Vincular ID GOB.PE").click()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Vinculamos tu ID GOB.PE")
    assert SocialAccount.objects.get(uid=MARIA["documento"]).user == usuario
    assert Perfil.objects.get(usuario=usuario).nivel_ingreso == NivelIngreso.IDGOBPE_UN_FACTOR


# --- 3. Step-up: a procedure that needs two factors --------------------------------------------


def test_tramite_con_dos_factores_pide_subir_y_vuelve_al_mismo_paso(page, servidor, catalogo):
    Tramite.objects.filter(slug=DOMICILIO).update(nivel_ingreso_minimo=NivelIngreso.IDGOBPE_DOS_FACTORES)
    usuario = _pedro_vinculado()
    borrador = borrador_completo(usuario, DOMICILIO)
    page.goto(f"{servidor}/tramites/{DOMICILIO}/")
    expect(page.locator("main")).to_contain_text("Para este trámite debes ingresar con ID GOB.PE con dos factores.")

    _boton_idgobpe(page, servidor)
    _en_idgobpe(page, PEDRO)  # one factor: no code asked
    revisar = f"{servidor}/tramites/{DOMICILIO}/solicitar/{borrador.uuid}/revisar/"
    page.goto(revisar)
    page.get_by_label(re.compile("Declaro bajo juramento")).check()
    page.get_by_role("button", name="Aceptar y enviar").click()

    expect(page).to_have_url(re.compile(r"/cuenta/nivel/\?nivel=4"))
    expect(page.locator("main")).to_contain_text("Para este trámite debes ingresar con ID GOB.PE con dos factores.")
    expect(page.locator("main")).to_contain_text("ID GOB.PE con un factor")
    sin_violaciones_axe(page, "confirmar identidad para continuar")
    assert Solicitud.objects.get(pk=borrador.pk).estado == "borrador"
    page.get_by_role("button", name="Ingresar con ID GOB.PE con dos factores").click()
    _en_idgobpe(page, PEDRO, codigo=True)  # ID GOB.PE asks again, now with the code

    # Back on the same step, with everything as it was.
    expect(page).to_have_url(revisar)
    expect(page.locator("main")).to_contain_text("Jr. Junín")  # answers kept
    page.get_by_label(re.compile("Declaro bajo juramento")).check()
    page.get_by_role("button", name="Aceptar y enviar").click()
    expect(page).to_have_url(re.compile(r"/confirmacion/"))
    solicitud = Solicitud.objects.get(pk=borrador.pk)
    assert solicitud.nivel_ingreso == NivelIngreso.IDGOBPE_DOS_FACTORES
    presentada = Evento.objects.get(solicitud=solicitud, tipo=TipoEvento.PRESENTADA)
    assert "ID GOB.PE con dos factores" in presentada.nota
    assert Perfil.objects.get(usuario=usuario).nivel_ingreso == NivelIngreso.IDGOBPE_DOS_FACTORES


# --- 4. Logging out ends both sessions ---------------------------------------------------------


def test_cerrar_sesion_cierra_tambien_la_de_idgobpe(page, servidor):
    _pedro_vinculado()
    _boton_idgobpe(page, servidor)
    _en_idgobpe(page, PEDRO)
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()

    page.get_by_role("button", name="Cerrar sesión").click()
    expect(page.get_by_role("heading", name="Cerrar sesión en ID GOB.PE")).to_be_visible()
    page.get_by_role("button", name="Sí, cerrar sesión").click()
    expect(page).to_have_url(f"{servidor}/")
    _sin_sesion(page)

    # ID GOB.PE asks for the password again: its session ended too.
    _boton_idgobpe(page, servidor)
    expect(page.get_by_label("Clave")).to_be_visible()


# --- 5. Tampered or stale responses: refused with a clear page ---------------------------------


def _regreso_capturado(page, servidor, identidad=MARIA):
    """Logs in at ID GOB.PE and returns the callback address it sends the
    browser back to, without following it (the same browser's cookies)."""
    _boton_idgobpe(page, servidor)
    expect(page.get_by_label("Número de DNI")).to_be_visible()
    envio = page.request.post(
        f"{page.url.split('?')[0]}/ingresar", form={"documento": identidad["documento"], "clave": identidad["clave"]},
        max_redirects=0,
    )
    assert envio.status in (302, 303), envio.text()
    reanudar = page.request.get(urljoin(page.url, envio.headers["location"]), max_redirects=0)
    assert reanudar.status in (302, 303), reanudar.text()
    regreso = reanudar.headers["location"]
    assert "/cuenta/oidc/idgobpe/login/callback/" in regreso and "code=" in regreso
    return regreso


def _con_parametro(url, nombre, valor):
    partes = urlsplit(url)
    consulta = dict(parse_qsl(partes.query))
    consulta[nombre] = valor
    return urlunsplit(partes._replace(query=urlencode(consulta)))


def _rechazado(page, texto):
    expect(page.get_by_role("heading", name="No pudimos completar tu ingreso con ID GOB.PE")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(texto)
    expect(page.get_by_role("link", name="Volver a Iniciar sesión")).to_be_visible()
    _sin_sesion(page)
    assert not SocialAccount.objects.exists()


def test_state_alterado_se_rechaza(page, servidor):
    regreso = _regreso_capturado(page, servidor)
    respuesta = page.goto(_con_parametro(regreso, "state", "otro-valor"))
    assert respuesta.status == 400
    _rechazado(page, "«state» no coincide")
    sin_violaciones_axe(page, "ingreso rechazado")


def test_nonce_distinto_se_rechaza(page, servidor):
    # The authorization request leaves the portal with a nonce; here it reaches ID GOB.PE with another.
    page.goto(f"{servidor}/cuenta/login/")
    csrf = page.locator("section.idgobpe input[name=csrfmiddlewaretoken]").get_attribute("value")
    inicio = page.request.post(
        f"{servidor}/cuenta/oidc/idgobpe/login/", form={"csrfmiddlewaretoken": csrf}, max_redirects=0,
    )
    assert inicio.status == 302, inicio.text()
    page.goto(_con_parametro(inicio.headers["location"], "nonce", "un-nonce-ajeno"))
    _en_idgobpe(page, MARIA)
    _rechazado(page, "«nonce» no coincide")


def test_codigo_vencido_se_rechaza(page, servidor):
    regreso = _regreso_capturado(page, servidor)
    # An authorization code lives CODIGO_TTL seconds at the provider: wait it out.
    page.wait_for_timeout((ProveedorIdgobpe.CODIGO_TTL + 1.5) * 1000)
    page.goto(regreso)
    _rechazado(page, "venció o ya se usó")


def test_emisor_desconocido_se_rechaza(page, servidor):
    regreso = _regreso_capturado(page, servidor)
    page.goto(_con_parametro(regreso, "iss", "https://idp.otra-entidad.example"))
    _rechazado(page, "emisor que el portal no conoce")


def test_idgobpe_caido_se_explica(page, servidor, settings):
    page.goto(f"{servidor}/cuenta/login/")
    settings.IDGOBPE_SERVER_URL = "http://127.0.0.1:9"  # nothing listens there
    page.get_by_role("button", name="Ingresar con ID GOB.PE").click()
    expect(page.get_by_role("alert")).to_contain_text("ID GOB.PE no responde")
    _sin_sesion(page)
