"""The profile with RENIEC and "Uso de mis datos" in a real browser, against
the PIDE stand-in process: names filled by RENIEC shown read-only with an
explanation that opens without JavaScript, and both pages pass axe."""

import pytest
from playwright.sync_api import expect

from tests.navegador.conftest import sin_violaciones_axe
from tests.navegador.test_cuenta import _elegir_miraflores_con_js, _escribir_datos_personales

pytestmark = [pytest.mark.navegador, pytest.mark.redis]


@pytest.mark.parametrize("javascript", [True, False])
def test_nombres_de_reniec_y_uso_de_mis_datos(
    usar_pide, new_context, servidor, ciudadano_sin_perfil, iniciar_sesion, javascript
):
    page = new_context(java_script_enabled=javascript).new_page()
    # axe runs inside the page: only where the page runs scripts.
    revisar = sin_violaciones_axe if javascript else (lambda *_: None)
    iniciar_sesion(page, ciudadano_sin_perfil.email)
    page.goto(f"{servidor}/cuenta/perfil/editar/")
    expect(page.locator("main")).to_contain_text("los tomamos de RENIEC")
    _escribir_datos_personales(page, {
        "numero_documento": "40000001", "nombres": "", "apellido_paterno": "", "apellido_materno": "",
        "dia": "27", "mes": "3", "anio": "1990", "telefono": "987654321", "direccion": "Jr. Junín 456",
    })
    if javascript:
        _elegir_miraflores_con_js(page)
    else:
        page.get_by_label("Departamento").select_option("15")
        page.get_by_role("button", name="Mostrar provincias").click()
        expect(page.get_by_label("Provincia")).to_be_focused()
        page.get_by_label("Provincia").select_option("1501")
        page.get_by_role("button", name="Mostrar distritos").click()
        expect(page.get_by_label("Distrito")).to_be_focused()
        page.get_by_label("Distrito").select_option("150122")
    page.get_by_role("button", name="Guardar mis datos").click()

    expect(page.locator("main")).to_contain_text("Verificamos tus nombres con RENIEC")
    expect(page.locator("main")).to_contain_text("ROSA ELENA")
    explicacion = page.get_by_text("¿Por qué no puedo cambiar esto?")
    explicacion.click()
    expect(page.locator("main")).to_contain_text("corrígelo en RENIEC")
    revisar(page, "perfil con nombres de RENIEC")

    page.get_by_role("link", name="Editar mis datos").click()
    expect(page.get_by_label("Nombres", exact=True)).to_be_disabled()
    revisar(page, "edición con nombres verificados")

    page.goto(f"{servidor}/cuenta/perfil/")
    page.get_by_role("link", name="Uso de mis datos").click()
    fila = page.locator("tbody tr")
    expect(fila).to_have_count(1)
    expect(fila).to_contain_text("Consulta a RENIEC de tus nombres por tu DNI")
    expect(fila).to_contain_text("Tú")
    expect(fila).to_contain_text("Completar tu perfil")
    revisar(page, "uso de mis datos")
