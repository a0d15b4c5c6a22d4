"""The pages this hardening added, in a real browser with axe-core: the start
button of a procedure (used with the keyboard only), the page that explains a
body over the limit, the upload form when storage refuses files, and the
503 page of an outage."""

import re

import pytest
from django.test import RequestFactory
from playwright.sync_api import expect

from tests.navegador.conftest import DOMICILIO
from tramites.models import Solicitud

pytestmark = pytest.mark.navegador


def test_iniciar_un_tramite_con_el_teclado(
    page, servidor, catalogo, ciudadano_con_perfil, iniciar_sesion, revisar_accesibilidad
):
    iniciar_sesion(page, ciudadano_con_perfil.email)
    # A shared link to the start address creates nothing: it shows the button.
    page.goto(f"{servidor}/tramites/{DOMICILIO}/solicitar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Obtener la constancia de domicilio")
    assert not Solicitud.objects.exists()
    revisar_accesibilidad(page, "inicio de un trámite")
    boton = page.get_by_role("button", name="Iniciar trámite")
    for _ in range(40):
        page.keyboard.press("Tab")
        if boton.evaluate("b => b === document.activeElement"):
            break
    else:
        pytest.fail("«Iniciar trámite» no se alcanza con Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/solicitar/[0-9a-f-]{36}/direccion/$"))
    assert Solicitud.objects.count() == 1


def test_un_envio_demasiado_grande_se_explica(
    page, servidor, catalogo, settings, revisar_accesibilidad
):
    settings.PETICION_MAX_BYTES = 2000
    page.goto(f"{servidor}/libro-de-reclamaciones/")
    page.get_by_label("¿Qué pasó?").fill("Largo relato. " * 200)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Los archivos pesan demasiado")
    expect(page.locator("main")).to_contain_text("No guardamos nada de este envío")
    revisar_accesibilidad(page, "envío demasiado grande")
    page.get_by_role("link", name="Volver a la página").click()
    expect(page).to_have_url(f"{servidor}/libro-de-reclamaciones/")


def test_el_almacenamiento_caido_se_dice_en_el_formulario(
    page, servidor, catalogo, ciudadano_con_perfil, iniciar_sesion, revisar_accesibilidad,
    archivo_pdf, settings,
):
    from tramites import services
    from tramites.models import Tramite

    tramite = Tramite.objects.get(slug=DOMICILIO)
    borrador = services.borrador_iniciar(ciudadano=ciudadano_con_perfil, tramite=tramite)
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "tests.egov.test_fallas.AlmacenSoloLectura",
        "OPTIONS": {"location": settings.MEDIA_ROOT},
    }}
    iniciar_sesion(page, ciudadano_con_perfil.email)
    page.goto(f"{servidor}/tramites/{DOMICILIO}/solicitar/{borrador.uuid}/adjuntos/")
    page.locator("input[type=file]").first.set_input_files(archivo_pdf())
    page.locator("main form button[type=submit]").last.click()
    resumen = page.get_by_role("alert")
    expect(resumen).to_contain_text("nuestro almacenamiento de archivos no responde")
    revisar_accesibilidad(page, "almacenamiento caído")


def test_la_pagina_de_servicio_no_disponible(page, servidor, transactional_db, revisar_accesibilidad):
    from egov.errores import servicio_no_disponible

    html = servicio_no_disponible(RequestFactory().get("/tramites/")).content.decode()
    page.goto(f"{servidor}/accesibilidad/")  # its stylesheet and origin
    page.set_content(html)
    expect(page.get_by_role("heading", level=1)).to_have_text("El servicio no está disponible por unos momentos")
    revisar_accesibilidad(page, "servicio no disponible")
