"""The back office pages beyond the inbox, in a real browser with axe-core
(no violation of any impact): the lists and pages of certificates,
resolutions and complaints, as a head of office sees them."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.factories import PerfilFactory, UsuarioFactory
from tests.fixtures import aprobar
from tests.navegador.conftest import (
    SECRETO_TOTP,
    en_otro_hilo,
    entrar_al_panel,
    sin_violaciones_axe,
)
from tramites import services
from tramites.models import Oficina
from tramites.roles import JEFE_DE_OFICINA
from transparencia import services as transparencia_services
from transparencia.forms import ReclamoForm

pytestmark = pytest.mark.navegador


def _reclamo_contra(oficina):
    form = ReclamoForm({
        "nombres": "Herminia", "apellidos": "Ccahuana Llacsa", "tipo_documento": "DNI",
        "numero_documento": "46027315", "domicilio": "Jr. Las Orquídeas 877", "correo": "herminia@example.pe",
        "telefono": "", "oficina": str(oficina.pk), "fecha_hechos": "", "hechos": "Nadie me atendió.",
        "pedido": "Que me atiendan por escrito.",
    })
    assert form.is_valid(), form.errors
    return transparencia_services.reclamo_registrar(datos=form.cleaned_data)


def test_certificados_resoluciones_y_reclamos_en_el_panel_sin_barreras(
    new_context, servidor, presentar_constancia, ciudadano_con_perfil,
):
    jefe = UsuarioFactory(is_staff=True, cargo="Subgerente")
    PerfilFactory(usuario=jefe, nombres="Julio", apellido_paterno="Zegarra")
    jefe.groups.add(Group.objects.get(name=JEFE_DE_OFICINA))
    sgpv = Oficina.objects.get(sigla="SGPV")
    sgpv.personal.add(jefe)
    TOTP.activate(jefe, SECRETO_TOTP)

    aprobada = presentar_constancia(ciudadano_con_perfil)
    en_otro_hilo(aprobar, aprobada, nota="Conforme.", servidor=jefe)
    denegada = presentar_constancia(PerfilFactory(nombres="Wilmer", apellido_paterno="Condori").usuario)

    def denegar():
        services.solicitud_tomar(solicitud=denegada, servidor=jefe)
        services.solicitud_denegar(solicitud=denegada, servidor=jefe, motivo="El recibo no está a su nombre.")

    en_otro_hilo(denegar)
    reclamo = en_otro_hilo(_reclamo_contra, sgpv)

    panel = new_context(viewport={"width": 1280, "height": 800}).new_page()
    entrar_al_panel(panel, servidor, jefe.email)
    for lista, dato, nombre in [
        ("/admin/tramites/certificado/", aprobada.expediente, "certificados"),
        ("/admin/tramites/resolucion/", denegada.expediente, "resoluciones"),
        ("/admin/transparencia/reclamo/", reclamo.codigo, "reclamos"),
        ("/admin/transparencia/hojareclamo/", reclamo.codigo, "hojas de reclamo"),
    ]:
        panel.goto(f"{servidor}{lista}")
        expect(panel.locator("#result_list")).to_contain_text(dato)
        sin_violaciones_axe(panel, f"lista de {nombre}")
        panel.locator("#result_list tbody tr th a").first.click()
        expect(panel).to_have_url(re.compile(rf"{lista}\d+/change/"))
        expect(panel.locator("main h1")).to_be_visible()
        sin_violaciones_axe(panel, f"página de {nombre}")
