"""«Notificaciones y avisos» in a real browser: a citizen accepts electronic
notification, registers a phone, reads the code from the SMS outbox, types
a wrong code and then the right one, and chooses which alerts go by SMS
with the keyboard alone. axe-core finds no violation on any of the pages,
with or without errors on them."""

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from playwright.sync_api import expect

from ciudadanos import canales
from ciudadanos.models import CanalAviso, NivelIngreso, TipoCanal
from egov.models import Mensaje
from tests.factories import PerfilFactory
from tests.fixtures import esperar
from tests.navegador.conftest import sin_violaciones_axe

pytestmark = pytest.mark.navegador

NUMERO = "+51987654321"
# The code SMS as it is sent (GSM-7: "código" goes without its accent).
_CODIGO = re.compile(r"(\d{6}) es tu c[oó]digo")


def _codigo_en_archivos(numero: str) -> str | None:
    """The code in the newest SMS written under SMS_URL's folder (the file
    adapter of development) to `numero`."""
    carpeta = Path(urlparse(settings.SMS_URL).path)
    if not carpeta.is_dir():
        return None
    archivos = sorted(
        (a for a in carpeta.glob("*.txt") if a.is_file()), key=lambda a: (a.stat().st_mtime_ns, a.name), reverse=True
    )
    for archivo in archivos:
        contenido = archivo.read_text(errors="replace")
        encontrado = _CODIGO.search(contenido)
        if encontrado and numero[3:] in contenido:
            return encontrado.group(1)
    return None


def _codigo_en_la_fila(numero: str) -> str | None:
    """The code in the outbox's row, while its text is there (it is erased
    once sent)."""
    mensaje = Mensaje.objects.filter(canal=Mensaje.Canal.SMS, para=numero).order_by("-pk").first()
    encontrado = _CODIGO.search(mensaje.texto) if mensaje else None
    return encontrado.group(1) if encontrado else None


def codigo_recibido(numero: str = NUMERO) -> str:
    codigo = esperar(lambda: _codigo_en_archivos(numero) or _codigo_en_la_fila(numero), segundos=10)
    assert codigo, f"no hay un SMS con el código para {numero}"
    return codigo


def _enfoque(page) -> str:
    """What has the focus: its tag, and its name or text."""
    return page.evaluate(
        "() => { const e = document.activeElement; "
        "return e.tagName.toLowerCase() + ':' + (e.getAttribute('name') || e.textContent.trim()); }"
    )


def _orden_con_tab(page, destinos, maximo=60):
    """Presses Tab from the start of the page and returns the order in which
    the focus reaches each of `destinos` (each one visible when reached)."""
    page.locator("body").focus()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    vistos = []
    for _vez in range(maximo):
        page.keyboard.press("Tab")
        actual = _enfoque(page)
        if actual in destinos and actual not in vistos:
            assert page.evaluate("() => { const r = document.activeElement.getBoundingClientRect();"
                                 " return r.width > 0 && r.height > 0; }"), f"{actual} recibe el foco sin verse"
            vistos.append(actual)
        if len(vistos) == len(destinos):
            break
    return vistos


def test_aceptar_verificar_el_celular_y_elegir_los_avisos_por_sms(new_context, servidor, iniciar_sesion):
    ciudadano = PerfilFactory(consentimiento=False, nombres="Rosa", apellido_paterno="Huamán").usuario
    page = new_context(viewport={"width": 1024, "height": 800}).new_page()
    principal = page.locator("main")
    iniciar_sesion(page, ciudadano.email)

    # --- From the profile to the new page.
    page.goto(f"{servidor}/cuenta/perfil/")
    principal.get_by_role("link", name="Notificaciones y avisos").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notificaciones y avisos")
    expect(page.get_by_role("navigation", name="Mi cuenta").get_by_role("link", name="Notificaciones y avisos")
           ).to_have_attribute("aria-current", "page")
    expect(principal).to_contain_text("No aceptada")
    expect(principal).to_contain_text("No registraste un celular.")
    sin_violaciones_axe(page, "notificaciones y avisos, sin consentimiento ni celular")

    # --- Consent: the whole text, a required checkbox.
    page.get_by_role("link", name="Leer y aceptar la notificación electrónica").click()
    expect(principal).to_contain_text("Ley N.° 31736")
    sin_violaciones_axe(page, "aceptar la notificación electrónica")
    page.get_by_role("button", name="Aceptar").click()
    resumen = page.locator("[data-resumen-errores]")
    expect(resumen).to_be_focused()
    expect(resumen).to_contain_text("Marca la casilla para aceptar")
    sin_violaciones_axe(page, "aceptar sin marcar la casilla")
    resumen.get_by_role("link").click()
    expect(page.get_by_label("He leído el texto y acepto")).to_be_focused()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Aceptar").click()
    expect(principal).to_contain_text("Aceptaste la notificación electrónica")
    expect(principal).to_contain_text("Aceptada")
    vigente = canales.consentimiento_vigente(usuario_id=ciudadano.pk)
    assert vigente is not None and vigente.ip == "127.0.0.1" and vigente.nivel_ingreso == NivelIngreso.CLAVE

    page.get_by_role("link", name="Ver el texto que aceptaste").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("El texto que aceptaste")
    sin_violaciones_axe(page, "el texto aceptado")
    page.get_by_role("link", name="Retirar mi consentimiento").click()
    expect(principal).to_contain_text("en tu domicilio, lo que puede tardar más")
    sin_violaciones_axe(page, "retirar el consentimiento")
    page.get_by_role("link", name="No, mantenerlo").click()

    # --- The phone: an invalid number first, then the right one.
    page.get_by_role("link", name="Agregar un celular").click()
    sin_violaciones_axe(page, "agregar un celular")
    page.get_by_label("Número de celular").fill("887 654 321")
    page.get_by_role("button", name="Enviar el código").click()
    expect(page.locator("[data-resumen-errores]")).to_contain_text("9 cifras que empiezan con 9")
    expect(page.get_by_label("Número de celular")).to_have_value("887 654 321")
    sin_violaciones_axe(page, "un número que no es celular")
    page.get_by_label("Número de celular").fill("987 654 321")
    page.get_by_role("button", name="Enviar el código").click()
    expect(principal).to_contain_text("Te enviamos un código por SMS al +51 987 654 321")
    sin_violaciones_axe(page, "escribir el código")

    codigo = codigo_recibido()
    errado = f"{(int(codigo) + 1) % 1_000_000:06d}"
    page.get_by_label("Código de verificación").fill(errado)
    page.get_by_role("button", name="Verificar mi celular").click()
    expect(page.locator("[data-resumen-errores]")).to_contain_text("te quedan 4 intentos")
    expect(page.get_by_label("Código de verificación")).to_have_value(errado)
    sin_violaciones_axe(page, "un código errado")
    page.get_by_label("Código de verificación").fill(codigo)
    page.get_by_role("button", name="Verificar mi celular").click()
    expect(principal).to_contain_text("Verificamos tu celular +51 987 654 321")
    expect(principal).to_contain_text("Verificado el")
    assert CanalAviso.objects.get(usuario=ciudadano, tipo=TipoCanal.SMS).verificado

    # --- SMS choices, with the keyboard alone, in a sane order.
    sin_violaciones_axe(page, "notificaciones y avisos, con celular verificado")
    destinos = ["a:Cambiar correo electrónico", "a:Cambiar celular", "a:Quitar mi celular",
                "input:sms_recordatorios", "input:sms_novedades", "button:Guardar mis preferencias de SMS"]
    assert _orden_con_tab(page, destinos) == destinos
    # Focus is on the save button: back to the two choices, change both, save.
    page.keyboard.press("Shift+Tab")
    assert _enfoque(page) == "input:sms_novedades"
    page.keyboard.press("Space")
    page.keyboard.press("Shift+Tab")
    assert _enfoque(page) == "input:sms_recordatorios"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert _enfoque(page) == "button:Guardar mis preferencias de SMS"
    page.keyboard.press("Enter")
    expect(principal).to_contain_text("Guardamos qué avisos recibirás por SMS")
    expect(page.get_by_label("Resumen diario de novedades de mis trámites")).to_be_checked()
    expect(page.get_by_label("Recordatorios de plazos que están por vencer")).not_to_be_checked()
    canal = CanalAviso.objects.get(usuario=ciudadano, tipo=TipoCanal.SMS)
    assert (canal.sms_recordatorios, canal.sms_novedades) == (False, True)

    page.get_by_role("link", name="Quitar mi celular").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("¿Quitar tu celular +51 987 654 321?")
    sin_violaciones_axe(page, "quitar el celular")


def test_sin_javascript_se_acepta_y_se_verifica_el_celular(new_context, servidor, iniciar_sesion):
    ciudadano = PerfilFactory(consentimiento=False).usuario
    page = new_context(java_script_enabled=False).new_page()
    principal = page.locator("main")
    iniciar_sesion(page, ciudadano.email)
    page.goto(f"{servidor}/cuenta/avisos/")
    page.get_by_role("link", name="Leer y aceptar la notificación electrónica").click()
    page.get_by_label("He leído el texto y acepto").check()
    page.get_by_role("button", name="Aceptar").click()
    expect(principal).to_contain_text("Aceptaste la notificación electrónica")

    page.get_by_role("link", name="Agregar un celular").click()
    page.get_by_label("Número de celular").fill("+51 987 654 321")
    page.get_by_role("button", name="Enviar el código").click()
    page.get_by_role("button", name="Enviar otro código").click()
    expect(principal).to_contain_text("Te enviamos un código nuevo por SMS al +51 987 654 321")
    page.get_by_label("Código de verificación").fill(codigo_recibido())
    page.get_by_role("button", name="Verificar mi celular").click()
    expect(principal).to_contain_text("Verificamos tu celular +51 987 654 321")
    assert canales.telefono_verificado(usuario=ciudadano).destino == NUMERO
