"""From filing to the document the procedure promises, in real browsers: a
citizen files a constancia de domicilio, the head of the office (with a name
and a position) approves it in the panel, and the citizen downloads a
CONSTANCIA DE DOMICILIO that states the address and district it certifies and
who signs it, by name and position, never by email address."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.factories import PerfilFactory, UsuarioFactory
from tests.fixtures import esperar
from tests.navegador.conftest import SECRETO_TOTP, decidir, entrar_al_panel
from tests.tramites.certificados.conftest import texto_pdf
from tramites.models import Certificado, EstadoDocumento, Oficina
from tramites.roles import JEFE_DE_OFICINA

pytestmark = pytest.mark.navegador


def test_del_expediente_a_la_constancia_que_dice_lo_que_certifica(
    new_context, servidor, presentar_constancia, ciudadano_con_perfil, iniciar_sesion,
):
    jefe = UsuarioFactory(is_staff=True, cargo="Subgerente")
    PerfilFactory(usuario=jefe, nombres="Julio", apellido_paterno="Zegarra", apellido_materno="Ríos")
    jefe.groups.add(Group.objects.get(name=JEFE_DE_OFICINA))
    Oficina.objects.get(sigla="SGPV").personal.add(jefe)
    TOTP.activate(jefe, SECRETO_TOTP)

    # --- The citizen files (Jr. Junín 456, Miraflores).
    solicitud = presentar_constancia(ciudadano_con_perfil)
    expediente = solicitud.expediente

    # --- The head of the office takes it and approves it in the panel.
    admin = new_context(viewport={"width": 1280, "height": 800}).new_page()
    entrar_al_panel(admin, servidor, jefe.email)
    admin.goto(f"{servidor}/admin/tramites/solicitud/")
    admin.locator("#result_list").get_by_role("link", name=expediente).click()
    decidir(admin, "Tomar (asignármela)")
    expect(admin.get_by_role("region", name="Decisión").get_by_role("radio", name="Aprobar")).to_be_visible()
    decidir(admin, "Aprobar", **{"Nota para el ciudadano (opcional)": "Domicilio verificado en campo."})
    expect(admin.locator(".messagelist")).to_contain_text(f"Aprobaste el expediente {expediente}.")

    assert esperar(lambda: Certificado.objects.filter(
        solicitud=solicitud, estado=EstadoDocumento.EMITIDO).exists())

    # --- The citizen downloads it from their request's page.
    page = new_context().new_page()
    iniciar_sesion(page, ciudadano_con_perfil.email)
    page.goto(f"{servidor}/mis-tramites/{expediente}/")
    with page.expect_download() as descarga:
        page.get_by_role("link", name=re.compile(r"^Descargar certificado")).click()
    with open(descarga.value.path(), "rb") as archivo:
        texto = " ".join(texto_pdf(archivo.read()).split())

    assert texto.index("CONSTANCIA DE DOMICILIO") < texto.index(expediente)
    assert "HACE CONSTAR que Rosa Huamán Ccori, identificado(a) con DNI" in texto
    assert "domicilia en Jr. Junín 456, distrito de Miraflores (Lima)" in texto
    assert "Domicilio verificado en campo." in texto
    assert "Julio Zegarra Ríos — Subgerente, Subgerencia de Participación Vecinal" in texto
    assert jefe.email not in texto and "@" not in texto
