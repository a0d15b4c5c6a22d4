"""A citizen whose request is denied opens it and finds, first, the reason,
the signed resolution to download and the last day to appeal (and the page
passes axe)."""

import re

from django.contrib.auth.models import Group
from django.utils import dateformat, translation
from playwright.sync_api import expect

from tests.factories import PerfilFactory, UsuarioFactory
from tests.navegador.conftest import en_otro_hilo
from tramites import services
from tramites.models import EstadoDocumento, Solicitud
from tramites.resoluciones.models import Resolucion
from tramites.roles import EVALUADOR

MOTIVO = "El recibo de luz está a nombre de otra dirección: no acredita el domicilio declarado."


def _denegar(solicitud_id):
    """The evaluator of the resolving office takes the request and denies it;
    the resolution's task runs after the commit, as a worker would."""
    solicitud = Solicitud.objects.select_related("tramite__oficina_resolucion").get(pk=solicitud_id)
    evaluadora = UsuarioFactory(is_staff=True, segundo_factor=True)
    PerfilFactory(usuario=evaluadora, nombres="Maribel", apellido_paterno="Ttito")
    evaluadora.groups.add(Group.objects.get(name=EVALUADOR))
    solicitud.tramite.oficina_resolucion.personal.add(evaluadora)
    services.solicitud_tomar(solicitud=solicitud, servidor=evaluadora)
    services.solicitud_denegar(solicitud=solicitud, servidor=evaluadora, motivo=MOTIVO)


def test_la_ciudadana_ve_el_motivo_la_resolucion_y_hasta_cuando_apelar(
    page, servidor, ciudadano_con_perfil, presentar_constancia, iniciar_sesion, revisar_accesibilidad,
):
    solicitud = presentar_constancia(ciudadano_con_perfil)
    expediente = solicitud.expediente
    en_otro_hilo(_denegar, solicitud.pk)
    resolucion = Resolucion.objects.get(solicitud=solicitud)
    assert resolucion.estado == EstadoDocumento.EMITIDO, resolucion.error
    with translation.override("es-pe"):
        hasta = dateformat.format(resolucion.recurso_hasta, r"j \d\e F \d\e Y")

    iniciar_sesion(page, ciudadano_con_perfil.email)
    page.goto(f"{servidor}/mis-tramites/")
    fila = page.get_by_role("row", name=re.compile(expediente))
    expect(fila).to_contain_text("Denegada")
    fila.get_by_role("link", name=expediente, exact=True).click()
    expect(page).to_have_url(f"{servidor}/mis-tramites/{expediente}/")

    decision = page.locator("#decision")
    expect(decision.get_by_role("heading", name="Tu solicitud fue denegada")).to_be_visible()
    expect(decision).to_contain_text(MOTIVO)
    expect(decision).to_contain_text(f"Puedes presentar un recurso hasta el {hasta}.")
    expect(decision).to_contain_text("Reconsideración")
    expect(decision).to_contain_text("Apelación")
    expect(decision).to_contain_text("mesa de partes")
    # The decision comes before everything else on the page.
    primero = page.locator("main h2").first
    expect(primero).to_have_text("Tu solicitud fue denegada")
    revisar_accesibilidad(page, "solicitud denegada")

    with page.expect_download() as descarga:
        decision.get_by_role("link", name="Descargar la resolución firmada (PDF)").click()
    archivo = descarga.value
    assert archivo.suggested_filename == f"resolucion-{expediente}.pdf"
    with open(archivo.path(), "rb") as pdf:
        assert pdf.read() == resolucion.archivo.open("rb").read()
