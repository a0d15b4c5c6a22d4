"""«Mis trámites» on a 320 px phone: each request is a stacked row that says
what to do now, with its link; nothing scrolls sideways, and axe-core finds
no barrier. The casilla and a request's page fit the same width."""

import pytest
from playwright.sync_api import expect

from tests.fixtures import aprobar
from tests.navegador.conftest import en_otro_hilo
from tramites import services
from tramites.models import Tramite

pytestmark = pytest.mark.navegador


def _sin_desplazamiento_lateral(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_mis_tramites_en_un_telefono_de_320_px(
    new_context, servidor, presentar_constancia, ciudadano_con_perfil, iniciar_sesion, revisar_accesibilidad,
):
    aprobada = presentar_constancia(ciudadano_con_perfil)
    en_otro_hilo(aprobar, aprobada, nota="Conforme.")
    en_espera = presentar_constancia(ciudadano_con_perfil)
    tramite = Tramite.objects.get(slug="certificado-de-numeracion")
    borrador = en_otro_hilo(services.borrador_iniciar, ciudadano=ciudadano_con_perfil, tramite=tramite)

    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    iniciar_sesion(page, ciudadano_con_perfil.email)
    page.goto(f"{servidor}/mis-tramites/")
    lista = page.locator("table.mis-tramites")
    fila_aprobada = lista.locator("tr", has_text=aprobada.expediente)
    expect(fila_aprobada.get_by_role("link", name="Califica la atención")).to_be_visible()
    expect(fila_aprobada.get_by_role("link", name="Descarga tu constancia de domicilio")).to_be_visible()
    expect(lista.locator("tr", has_text=en_espera.expediente)).to_contain_text("Esperando la evaluación")
    expect(lista.get_by_role("link", name="Completa y envía tu solicitud")).to_have_attribute(
        "href", f"/borradores/{borrador.uuid}/"
    )
    assert _sin_desplazamiento_lateral(page)
    revisar_accesibilidad(page, "Mis trámites a 320 px")

    fila_aprobada.get_by_role("link", name=aprobada.expediente, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(aprobada.expediente)
    assert _sin_desplazamiento_lateral(page)
    revisar_accesibilidad(page, "detalle de la solicitud a 320 px")

    page.goto(f"{servidor}/casilla/")
    assert _sin_desplazamiento_lateral(page)
    revisar_accesibilidad(page, "casilla a 320 px")
