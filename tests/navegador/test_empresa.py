"""Filing for a company in a real browser: from the profile to "Mis empresas",
a RUC with a wrong check digit, then the company SUNAT knows (through the
local PIDE stand-in); a licencia de funcionamiento started "a nombre de" the
company, one question per page, filed; Mis trámites shows it with the
company's name and the request page names the company as the applicant.
axe-core runs on every new page, errors included."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tramites.models import Solicitud

pytestmark = pytest.mark.navegador

ANDES = "COMERCIAL LOS ANDES S.A.C."
LICENCIA = "licencia-de-funcionamiento-riesgo-bajo"


def _continuar(page):
    page.get_by_role("button", name="Guardar y continuar").click()


def test_agregar_una_empresa_y_presentar_una_licencia_a_su_nombre(
    new_context, servidor, catalogo, usar_pide, ciudadano_con_perfil, iniciar_sesion, archivo_pdf,
    revisar_accesibilidad,
):
    page = new_context().new_page()
    iniciar_sesion(page, ciudadano_con_perfil.email)

    # From the profile to Mis empresas.
    page.goto(f"{servidor}/cuenta/perfil/")
    page.get_by_role("navigation", name="Mi cuenta").get_by_role("link", name="Mis empresas").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mis empresas")
    expect(page.get_by_text("Aún no has agregado ninguna empresa.")).to_be_visible()
    revisar_accesibilidad(page, "Mis empresas, vacía")
    page.get_by_role("link", name="Agregar una empresa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agregar una empresa")
    revisar_accesibilidad(page, "agregar una empresa")

    # A wrong check digit: the error summary links to the field, what was typed stays.
    ruc = page.get_by_label("RUC de la empresa")
    ruc.fill("20600000014")
    page.get_by_role("button", name="Agregar empresa").click()
    expect(page).to_have_title(re.compile(r"^Error:"))
    resumen = page.locator("[data-resumen-errores]")
    expect(resumen).to_contain_text("su último dígito no corresponde")
    expect(resumen.get_by_role("link")).to_have_attribute("href", "#id_ruc")
    expect(page.get_by_label("RUC de la empresa")).to_have_value("20600000014")
    revisar_accesibilidad(page, "agregar una empresa, RUC errado")

    page.get_by_label("RUC de la empresa").fill("20600000013")
    page.get_by_role("button", name="Agregar empresa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ANDES)
    expect(page.get_by_role("status")).to_contain_text("Ya puedes presentar trámites a su nombre")
    expect(page.get_by_text("Verificados con SUNAT el")).to_be_visible()
    revisar_accesibilidad(page, "la empresa, con su formulario de invitación")
    page.get_by_role("link", name="Mis empresas").first.click()
    expect(page.get_by_role("row", name=re.compile(ANDES))).to_contain_text("Confirmada")
    revisar_accesibilidad(page, "Mis empresas, con una empresa")

    # The licencia, a nombre de the company: the choice comes first.
    page.goto(f"{servidor}/tramites/{LICENCIA}/")
    page.get_by_role("button", name="Iniciar trámite").first.click()
    grupo = page.get_by_role("group", name="¿A nombre de quién presentas este trámite?")
    expect(grupo.get_by_role("radio")).to_have_count(2)
    revisar_accesibilidad(page, "iniciar: a nombre de quién")
    page.get_by_role("button", name="Iniciar trámite").click()
    expect(page.locator("[data-resumen-errores]")).to_contain_text("Elige si presentas el trámite para ti")
    revisar_accesibilidad(page, "iniciar: sin elegir")
    page.get_by_label(f"A nombre de {ANDES} (RUC 20600000013)").check()
    page.get_by_role("button", name="Iniciar trámite").click()

    expect(page.get_by_label("Número de RUC del negocio")).to_have_value("20600000013")
    _continuar(page)
    page.get_by_label("Nombre comercial").fill("Bodega Los Andes")
    _continuar(page)
    page.get_by_label("Bodega").check()
    _continuar(page)
    page.get_by_label("Dirección del establecimiento").fill("Av. Los Próceres 456")
    _continuar(page)
    page.get_by_label("Área del establecimiento en m²").fill("45")
    _continuar(page)
    _continuar(page)  # the phone comes from the profile
    page.get_by_label("Declaración jurada de condiciones de seguridad").set_input_files(
        archivo_pdf("condiciones-seguridad.pdf"))
    _continuar(page)
    fecha = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("Banco de la Nación (agencia o agente)").check()
    page.get_by_label("Número de operación").fill("20261130")
    fechas = page.get_by_role("group", name="Fecha de pago")
    fechas.get_by_label("Día").fill(str(fecha.day))
    fechas.get_by_label("Mes").fill(str(fecha.month))
    fechas.get_by_label("Año").fill(str(fecha.year))
    page.get_by_label("Monto pagado (S/)").fill("98.50")
    _continuar(page)

    # The review names the company as the applicant, and the choice can be changed from there.
    expect(page.get_by_role("heading", level=1)).to_have_text("Revisa tu solicitud antes de enviarla")
    expect(page.locator("main")).to_contain_text(f"{ANDES} (RUC 20600000013)")
    expect(page.get_by_role("heading", name="Presentada por")).to_be_visible()
    page.get_by_role("link", name="Cambiar a nombre de quién presentas").click()
    expect(page.get_by_label(f"A nombre de {ANDES} (RUC 20600000013)")).to_be_checked()
    revisar_accesibilidad(page, "paso: a nombre de quién")
    _continuar(page)
    page.get_by_label(re.compile(r"^Declaro bajo juramento")).check()
    page.get_by_role("button", name="Aceptar y enviar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Solicitud (aprobada|presentada)"))

    solicitud = Solicitud.objects.get(tramite__slug=LICENCIA)
    assert solicitud.empresa.ruc == "20600000013"
    page.get_by_role("link", name="Ir a Mis trámites").click()
    fila = page.get_by_role("row", name=re.compile(solicitud.expediente))
    expect(fila).to_contain_text(f"A nombre de {ANDES}")
    fila.get_by_role("link", name=solicitud.expediente, exact=True).click()
    resumen = page.locator("dl.lista-resumen").first
    expect(resumen.locator("div", has_text="Solicitante").locator("dd")).to_have_text(f"{ANDES} (RUC 20600000013)")
    expect(resumen.locator("div", has_text="Presentada por").locator("dd")).to_have_text("Rosa Huamán Ccori (tú)")
    revisar_accesibilidad(page, "la solicitud a nombre de la empresa")
