"""The citizen account journey in a real browser: sign up, confirm the email,
complete the profile (with and without JavaScript), log out and in, plus the
accessibility, small-screen, keyboard and page-weight checks."""

import re

import pytest
from playwright.sync_api import Error as ErrorPlaywright
from playwright.sync_api import expect

from tests.factories import CLAVE, UsuarioFactory

pytestmark = pytest.mark.navegador

# Valid data for the profile (the DNI's check digit is 2).
DATOS = {
    "numero_documento": "10117410-2",
    "nombres": "Ch'aska María",
    "apellido_paterno": "Quispe",
    "apellido_materno": "Mamani",
    "dia": "27",
    "mes": "3",
    "anio": "1990",
    "telefono": "987654321",
    "direccion": "Av. José Larco 345, dpto. 201",
}


def _escribir_datos_personales(page, datos=DATOS):
    """Fills everything but the three place selects, by label as a person would."""
    page.get_by_label("DNI", exact=True).check()
    page.get_by_label("Número de documento").fill(datos["numero_documento"])
    page.get_by_label("Nombres", exact=True).fill(datos["nombres"])
    page.get_by_label("Primer apellido").fill(datos["apellido_paterno"])
    page.get_by_label("Segundo apellido (si tienes)").fill(datos["apellido_materno"])
    page.get_by_label("Día").fill(datos["dia"])
    page.get_by_label("Mes").fill(datos["mes"])
    page.get_by_label("Año").fill(datos["anio"])
    page.get_by_label("Celular").fill(datos["telefono"])
    page.get_by_label("Dirección").fill(datos["direccion"])


def _datos_personales_conservados(page, datos=DATOS):
    expect(page.get_by_label("DNI", exact=True)).to_be_checked()
    expect(page.get_by_label("Número de documento")).to_have_value(datos["numero_documento"])
    expect(page.get_by_label("Nombres", exact=True)).to_have_value(datos["nombres"])
    expect(page.get_by_label("Primer apellido")).to_have_value(datos["apellido_paterno"])
    expect(page.get_by_label("Segundo apellido (si tienes)")).to_have_value(
        datos["apellido_materno"]
    )
    expect(page.get_by_label("Día")).to_have_value(datos["dia"])
    expect(page.get_by_label("Mes")).to_have_value(datos["mes"])
    expect(page.get_by_label("Año")).to_have_value(datos["anio"])
    expect(page.get_by_label("Celular")).to_have_value(datos["telefono"])
    expect(page.get_by_label("Dirección")).to_have_value(datos["direccion"])


def _elegir_miraflores_con_js(page):
    """Department -> province -> district, each list filled by portal.js."""
    departamento = page.get_by_label("Departamento")
    provincia = page.get_by_label("Provincia")
    distrito = page.get_by_label("Distrito")
    departamento.select_option("15")
    expect(provincia.locator("option[value='1501']")).to_be_attached()
    provincia.select_option("1501")
    expect(distrito.locator("option[value='150122']")).to_be_attached()
    distrito.select_option("150122")
    expect(distrito).to_have_value("150122")
    expect(distrito.locator("option:checked")).to_have_text("Miraflores")


def _ver_perfil_completo(page):
    expect(page).to_have_url(re.compile(r"/cuenta/perfil/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mi perfil")
    expect(page.get_by_role("status")).to_contain_text("Completaste tu perfil")
    principal = page.locator("main")
    expect(principal).to_contain_text("DNI 10117410-2")
    expect(principal).to_contain_text("Ch'aska María")
    expect(principal).to_contain_text("Quispe Mamani")
    expect(principal).to_contain_text("27 de marzo de 1990")
    expect(principal).to_contain_text("Miraflores, Lima, Lima")


def _vigilar_consola(page):
    """Collects what the browser reports as broken: script errors, resources
    blocked by the Content-Security-Policy, failed loads (a missing favicon too)."""
    errores = []

    def en_consola(mensaje):
        if mensaje.type == "error":
            errores.append(f"console: {mensaje.text} ({mensaje.location.get('url')})")

    page.on("pageerror", lambda error: errores.append(f"pageerror: {error}"))
    page.on("console", en_consola)
    return errores


def _enlace_de_confirmacion(buzon, para):
    correos = [m for m in buzon if para in m.to]
    assert len(correos) == 1, [m.subject for m in buzon]
    enlaces = re.findall(r"https?://\S+/cuenta/confirm-email/[^/\s]+/", correos[0].body)
    assert enlaces, correos[0].body
    return enlaces[0]


# --- 1. The whole journey, with JavaScript -------------------------------------


def test_registro_confirmacion_perfil_salida_y_entrada(page, servidor, mailoutbox):
    correo = "chaska.quispe@example.pe"
    errores = _vigilar_consola(page)

    page.goto(f"{servidor}/")
    page.locator("#contenido").get_by_role("link", name="Crear cuenta").click()
    expect(page).to_have_url(f"{servidor}/cuenta/signup/")
    page.locator("input[name=email]").fill(correo)
    page.locator("input[name=password1]").fill(CLAVE)
    page.locator("input[name=password2]").fill(CLAVE)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/cuenta/confirm-email/$"))

    # The verification email arrives, with a link that works in this browser.
    enlace = _enlace_de_confirmacion(mailoutbox, correo)
    assert enlace.startswith(servidor), enlace
    page.goto(enlace)
    expect(page.locator("main")).to_contain_text(correo)
    page.locator("main form button[type=submit]").click()

    # Confirming logs in and asks for the profile first.
    expect(page).to_have_url(f"{servidor}/cuenta/perfil/editar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Completa tu perfil")
    # With JavaScript the lists refresh on their own: no "Mostrar ..." buttons.
    expect(page.get_by_role("button", name="Mostrar provincias")).to_be_hidden()
    expect(page.get_by_role("button", name="Mostrar distritos")).to_be_hidden()

    _escribir_datos_personales(page)
    _elegir_miraflores_con_js(page)
    page.get_by_role("button", name="Guardar mis datos").click()
    _ver_perfil_completo(page)

    page.get_by_role("button", name="Cerrar sesión").click()
    expect(page.get_by_role("link", name="Iniciar sesión")).to_be_visible()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_have_count(0)

    page.goto(f"{servidor}/cuenta/login/")
    page.locator("input[name=login]").fill(correo)
    page.locator("input[name=password]").fill(CLAVE)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(f"{servidor}/cuenta/perfil/")
    expect(page.locator("main")).to_contain_text("Miraflores, Lima, Lima")
    assert errores == []


# --- 2. The same profile, without JavaScript -----------------------------------


def test_perfil_sin_javascript_con_botones_mostrar(
    new_context, servidor, ciudadano_sin_perfil, iniciar_sesion
):
    page = new_context(java_script_enabled=False).new_page()
    iniciar_sesion(page, ciudadano_sin_perfil.email)
    page.goto(f"{servidor}/cuenta/perfil/editar/")

    _escribir_datos_personales(page)
    page.get_by_label("Departamento").select_option("15")
    page.get_by_role("button", name="Mostrar provincias").click()

    # The server re-rendered the form: what was typed is still there, no errors yet.
    expect(page.get_by_label("Departamento")).to_have_value("15")
    expect(page.get_by_text("Hay un problema")).to_have_count(0)
    _datos_personales_conservados(page)
    provincia = page.get_by_label("Provincia")
    expect(provincia.locator("option[value='1501']")).to_have_text("Lima")
    expect(provincia).to_be_focused()
    provincia.select_option("1501")
    page.get_by_role("button", name="Mostrar distritos").click()

    _datos_personales_conservados(page)
    expect(page.get_by_label("Departamento")).to_have_value("15")
    expect(page.get_by_label("Provincia")).to_have_value("1501")
    distrito = page.get_by_label("Distrito")
    expect(distrito).to_be_focused()
    distrito.select_option("150122")

    page.get_by_role("button", name="Guardar mis datos").click()
    _ver_perfil_completo(page)


# --- 3. A validation error ----------------------------------------------------


def test_perfil_con_digito_de_verificacion_errado(page, servidor, ciudadano_sin_perfil, iniciar_sesion):
    iniciar_sesion(page, ciudadano_sin_perfil.email)
    page.goto(f"{servidor}/cuenta/perfil/editar/")
    datos = {**DATOS, "numero_documento": "10117410-3"}
    _escribir_datos_personales(page, datos)
    _elegir_miraflores_con_js(page)
    page.get_by_role("button", name="Guardar mis datos").click()

    expect(page).to_have_title(re.compile(r"^Error:"))
    resumen = page.locator("[data-resumen-errores]")
    expect(resumen.get_by_role("heading", name="Hay un problema")).to_be_visible()
    # The summary comes first in the content and takes the focus.
    expect(resumen).to_be_focused()
    assert page.evaluate(
        "() => document.querySelector('main h1').compareDocumentPosition("
        "document.querySelector('[data-resumen-errores]')) & Node.DOCUMENT_POSITION_PRECEDING"
    )
    enlaces = resumen.get_by_role("link")
    expect(enlaces).to_have_count(1)
    expect(enlaces.first).to_have_attribute("href", "#id_numero_documento")

    campo = page.get_by_label("Número de documento")
    error = page.locator("#id_numero_documento_error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Error:")
    expect(campo).to_have_attribute("aria-invalid", "true")
    expect(campo).to_have_attribute("aria-describedby", re.compile(r"id_numero_documento_error"))
    expect(enlaces.first).to_have_text(error.inner_text().replace("Error:", "").strip())

    # Everything else is still as typed, including the chosen place.
    _datos_personales_conservados(page, datos)
    expect(page.get_by_label("Departamento")).to_have_value("15")
    expect(page.get_by_label("Provincia")).to_have_value("1501")
    expect(page.get_by_label("Distrito")).to_have_value("150122")

    # The summary's link takes the person to the field.
    enlaces.first.click()
    expect(campo).to_be_focused()
    campo.fill("10117410-2")
    page.get_by_role("button", name="Guardar mis datos").click()
    _ver_perfil_completo(page)


# --- 4. Accessibility (axe-core) ---------------------------------------------


@pytest.mark.parametrize(
    "ruta",
    ["/", "/cuenta/signup/", "/cuenta/login/", "/accesibilidad/", "/privacidad/"],
)
def test_paginas_publicas_sin_violaciones_axe(page, servidor, revisar_accesibilidad, ruta):
    respuesta = page.goto(f"{servidor}{ruta}")
    assert respuesta.status == 200
    revisar_accesibilidad(page)


def test_formularios_de_cuenta_con_errores_sin_violaciones_axe(
    page, servidor, revisar_accesibilidad, transactional_db
):
    page.goto(f"{servidor}/cuenta/signup/")
    page.locator("input[name=email]").fill("no-es-un-correo")
    page.locator("input[name=password1]").fill("corta")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("Hay un problema")).to_be_visible()
    revisar_accesibilidad(page, "registro con errores")

    page.goto(f"{servidor}/cuenta/login/")
    page.locator("input[name=login]").fill("nadie@example.pe")
    page.locator("input[name=password]").fill("Otra-clave-larga-2026")
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_text("Hay un problema")).to_be_visible()
    revisar_accesibilidad(page, "inicio de sesión con errores")


def test_perfil_sin_violaciones_axe(
    page, servidor, ciudadano_sin_perfil, iniciar_sesion, revisar_accesibilidad
):
    iniciar_sesion(page, ciudadano_sin_perfil.email)

    page.goto(f"{servidor}/cuenta/perfil/editar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Completa tu perfil")
    revisar_accesibilidad(page, "perfil por completar, vacío")

    page.get_by_role("button", name="Guardar mis datos").click()
    expect(page.get_by_text("Hay un problema")).to_be_visible()
    revisar_accesibilidad(page, "perfil por completar, con errores")

    _escribir_datos_personales(page)
    _elegir_miraflores_con_js(page)
    page.get_by_role("button", name="Guardar mis datos").click()
    _ver_perfil_completo(page)
    revisar_accesibilidad(page, "mi perfil")

    page.get_by_role("link", name="Editar mis datos").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Editar mis datos")
    expect(page.get_by_label("Distrito")).to_have_value("150122")
    revisar_accesibilidad(page, "editar mis datos")


def _confirmar_acceso(page, destino, revisar_accesibilidad=None):
    """allauth asks for the password again before two-factor settings, even
    right after logging in."""
    expect(page).to_have_url(re.compile(r"/cuenta/reauthenticate/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmar acceso")
    if revisar_accesibilidad:
        revisar_accesibilidad(page, "confirmar acceso")
    page.get_by_label("Contraseña").fill(CLAVE)
    page.get_by_role("button", name="Confirmar").click()
    expect(page).to_have_url(destino)


def test_activar_verificacion_en_dos_pasos_sin_violaciones_axe(
    page, servidor, ciudadano_sin_perfil, iniciar_sesion, revisar_accesibilidad
):
    iniciar_sesion(page, ciudadano_sin_perfil.email)
    page.goto(f"{servidor}/cuenta/2fa/totp/activate/")
    _confirmar_acceso(page, f"{servidor}/cuenta/2fa/totp/activate/", revisar_accesibilidad)
    expect(page.locator("main img.qr")).to_be_visible()
    revisar_accesibilidad(page, "activar aplicación de autenticación")

    # A wrong code: the error is announced and still accessible.
    page.locator("input[name=code]").fill("123456")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("Hay un problema")).to_be_visible()
    revisar_accesibilidad(page, "activar aplicación de autenticación, código errado")


def test_personal_sin_doble_factor_va_a_activarlo(page, servidor, transactional_db, iniciar_sesion):
    personal = UsuarioFactory(is_staff=True)
    iniciar_sesion(page, personal.email)
    page.goto(f"{servidor}/admin/")
    expect(page.get_by_role("alert")).to_contain_text("Para entrar al panel de gestión")
    _confirmar_acceso(page, f"{servidor}/cuenta/2fa/totp/activate/")
    expect(page.locator("main img.qr")).to_be_visible()


# --- 5. Small screens: no horizontal scrolling at 320 px ------------------------


def _sin_desplazamiento_horizontal(page, descripcion):
    ancho = page.evaluate("() => document.documentElement.scrollWidth")
    assert ancho <= 320, (
        f"{descripcion}: la página mide {ancho}px de ancho en una pantalla de 320px"
    )


def test_sin_desplazamiento_horizontal_a_320px(new_context, servidor, ciudadano_sin_perfil, iniciar_sesion):
    page = new_context(viewport={"width": 320, "height": 640}).new_page()

    page.goto(f"{servidor}/")
    _sin_desplazamiento_horizontal(page, "inicio")
    page.goto(f"{servidor}/cuenta/signup/")
    _sin_desplazamiento_horizontal(page, "registro")

    iniciar_sesion(page, ciudadano_sin_perfil.email)
    page.goto(f"{servidor}/cuenta/perfil/editar/")
    _sin_desplazamiento_horizontal(page, "perfil por completar")
    page.get_by_role("button", name="Guardar mis datos").click()
    expect(page.get_by_text("Hay un problema")).to_be_visible()
    _sin_desplazamiento_horizontal(page, "perfil con errores")


# --- 6. Keyboard: the skip link ------------------------------------------------


def test_primer_tab_enfoca_el_enlace_para_saltar_al_contenido(page, servidor):
    page.goto(f"{servidor}/")
    page.keyboard.press("Tab")
    salto = page.get_by_role("link", name="Saltar al contenido principal")
    expect(salto).to_be_focused()
    expect(salto).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{servidor}/#contenido")
    expect(page.locator("#contenido")).to_be_focused()


# --- 7. Page weight ------------------------------------------------------------


def test_inicio_pesa_menos_de_100_kb(page, servidor):
    respuestas = []
    page.on("response", lambda respuesta: respuestas.append(respuesta))
    page.goto(f"{servidor}/")
    page.wait_for_load_state("networkidle")

    tamanos = []
    for respuesta in respuestas:
        try:
            tamanos.append((respuesta.url, len(respuesta.body())))
        except ErrorPlaywright:  # redirects have no body
            tamanos.append((respuesta.url, 0))
    total = sum(tamano for _, tamano in tamanos)
    assert any(url.endswith(".css") for url, _ in tamanos), tamanos
    assert any(url.endswith(".js") for url, _ in tamanos), tamanos
    assert total < 100 * 1024, f"la página de inicio pesa {total} bytes: {tamanos}"
