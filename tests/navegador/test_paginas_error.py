"""The error pages a citizen can meet, in a real browser with axe-core: the
404 page (anonymous and logged in) leads to «Mis trámites», and the 429 page
of the complaint follow-up says what was limited and where to go back."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.navegador


def test_la_pagina_404_sin_barreras_lleva_a_mis_tramites(
    page, servidor, ciudadano_con_perfil, iniciar_sesion, revisar_accesibilidad
):
    page.goto(f"{servidor}/mis-tramites/EXP-2026-999999/")  # private: the login first
    expect(page).to_have_url(f"{servidor}/cuenta/login/?next=/mis-tramites/EXP-2026-999999/")
    respuesta = page.goto(f"{servidor}/no-existe/")
    assert respuesta.status == 404
    expect(page.get_by_role("link", name="Ir a Mis trámites")).to_be_visible()
    revisar_accesibilidad(page, "404 sin sesión")

    iniciar_sesion(page, ciudadano_con_perfil.email)
    respuesta = page.goto(f"{servidor}/mis-tramites/EXP-2026-999999/")
    assert respuesta.status == 404
    page.get_by_role("link", name="Ir a Mis trámites").click()
    expect(page).to_have_url(f"{servidor}/mis-tramites/")


def test_la_pagina_429_sin_barreras_dice_que_se_limito(page, servidor, catalogo, revisar_accesibilidad):
    page.goto(f"{servidor}/libro-de-reclamaciones/seguimiento/")
    for _ in range(25):
        page.get_by_label("Código del reclamo").fill("LR-2026-000001")
        page.get_by_label("Número de documento de quien reclamó").fill("40000000")
        page.get_by_role("button", name="Consultar").click()
        if page.get_by_text("Hubo demasiadas consultas de reclamos").count():
            break
    expect(page.get_by_text("Hubo demasiadas consultas de reclamos desde esta conexión.")).to_be_visible()
    revisar_accesibilidad(page, "429 del seguimiento de reclamos")
    page.get_by_role("link", name="Volver a consultar un reclamo").click()
    expect(page).to_have_url(f"{servidor}/libro-de-reclamaciones/seguimiento/")
