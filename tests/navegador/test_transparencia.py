"""Transparency and participation in a real browser: the figures page with its
SVG chart (role="img" and a title) and the same data in a table; the Libro de
Reclamaciones journey (file, see the code, follow it up with the code and the
document); the rating page. axe-core runs on every page, errors included."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import UsuarioFactory
from tests.navegador.conftest import DOMICILIO, en_otro_hilo
from tramites import services
from tramites.models import Oficina, Solicitud
from tramites.roles import JEFE_DE_OFICINA
from transparencia.models import Reclamo, Valoracion

pytestmark = pytest.mark.navegador

TITULO_GRAFICO = "Solicitudes presentadas y decididas por mes"


@pytest.fixture
def jefe_sgpv(catalogo):
    """Head of the office that resolves the address certificate."""
    from django.contrib.auth.models import Group

    usuario = UsuarioFactory(is_staff=True, segundo_factor=True)
    Oficina.objects.get(sigla="SGPV").personal.add(usuario)
    usuario.groups.add(Group.objects.get(name=JEFE_DE_OFICINA))
    return usuario


@pytest.fixture
def denegada(presentar_constancia, ciudadano_con_perfil, jefe_sgpv):
    """A filed address certificate, taken and denied (a decision that issues no PDF)."""
    solicitud = presentar_constancia(ciudadano_con_perfil)

    def decidir():
        services.solicitud_tomar(solicitud=solicitud, servidor=jefe_sgpv)
        services.solicitud_denegar(solicitud=solicitud, servidor=jefe_sgpv, motivo="El recibo no es legible.")

    en_otro_hilo(decidir)
    return Solicitud.objects.get(pk=solicitud.pk)


def _celdas(fila):
    return [c.strip() for c in fila.locator("th, td").all_inner_texts()]


# --- The figures ----------------------------------------------------------------------------------


def test_pagina_de_transparencia_con_cifras_grafico_y_tabla(page, servidor, denegada, revisar_accesibilidad):
    respuesta = page.goto(f"{servidor}/transparencia/")
    assert respuesta.status == 200
    expect(page.get_by_role("heading", level=1, name="Transparencia: cómo atendemos")).to_be_visible()

    tarjetas = page.locator("ul.indicadores")
    expect(tarjetas.locator("li", has=page.get_by_role("heading", name="Presentadas", exact=True))
           .locator(".indicador")).to_have_text("1")
    expect(tarjetas.locator("li", has=page.get_by_role("heading", name="Decididas", exact=True))
           .locator(".indicador")).to_have_text("1")
    expect(tarjetas.get_by_text("0 aprobadas, 1 denegadas (0 por silencio positivo)")).to_be_visible()

    # The chart: an image with a title as its accessible name.
    grafico = page.get_by_role("img", name=TITULO_GRAFICO)
    expect(grafico).to_be_visible()
    expect(grafico.locator("title").first).to_have_text(TITULO_GRAFICO)
    barras = grafico.locator("rect")
    expect(barras).to_have_count(24)  # 12 months x (filed, decided)

    # The same data in a table: the last month has the request, filed and decided.
    tabla = page.get_by_role("table", name="Datos por mes")
    expect(tabla).to_be_visible()
    filas = tabla.locator("tbody tr")
    expect(filas).to_have_count(12)
    ultima = _celdas(filas.nth(11))
    assert ultima[1:6] == ["1", "1", "0", "1", "0"]
    # Each bar's value is the table's: filed and decided, month by month.
    valores = [t.rsplit(": ", 1)[1] for t in grafico.locator("rect > title").all_text_contents()]
    tabla_valores = []
    for i in range(12):
        celdas = _celdas(filas.nth(i))
        tabla_valores += [celdas[1], celdas[2]]
    assert valores == tabla_valores

    revisar_accesibilidad(page, "/transparencia/")

    page.get_by_role("table", name="Indicadores por trámite, últimos 12 meses").get_by_role(
        "link", name="Obtener la constancia de domicilio"
    ).click()
    expect(page).to_have_url(f"{servidor}/transparencia/{DOMICILIO}/")
    expect(page.get_by_role("heading", level=1, name="Obtener la constancia de domicilio")).to_be_visible()
    expect(page.get_by_role("img", name="Obtener la constancia de domicilio: presentadas y decididas por mes")).to_be_visible()
    expect(page.get_by_role("table", name="Datos por mes")).to_be_visible()
    revisar_accesibilidad(page, f"/transparencia/{DOMICILIO}/")


def test_datos_abiertos_sin_violaciones_axe(page, servidor, catalogo, revisar_accesibilidad):
    respuesta = page.goto(f"{servidor}/datos-abiertos/")
    assert respuesta.status == 200
    expect(page.get_by_role("heading", level=1, name="Datos abiertos")).to_be_visible()
    expect(page.get_by_text("CC BY 4.0", exact=False)).to_be_visible()
    revisar_accesibilidad(page, "/datos-abiertos/")


# --- Libro de Reclamaciones -----------------------------------------------------------------------


def test_reclamo_registrar_y_consultar(page, servidor, catalogo, revisar_accesibilidad, mailoutbox):
    page.goto(f"{servidor}/libro-de-reclamaciones/")
    expect(page.get_by_role("heading", level=1, name="Libro de Reclamaciones")).to_be_visible()
    revisar_accesibilidad(page, "Libro de Reclamaciones, vacío")

    # Sent empty: the error summary, and the page still passes axe.
    page.get_by_role("button", name="Registrar reclamo").click()
    expect(page).to_have_title(re.compile(r"^Error:"))
    resumen = page.locator("[data-resumen-errores]")
    expect(resumen.get_by_role("heading", name="Hay un problema")).to_be_visible()
    expect(resumen.get_by_role("link", name="Escribe tus nombres.")).to_be_visible()
    revisar_accesibilidad(page, "Libro de Reclamaciones, con errores")

    # A wrong check digit is explained next to the field.
    page.get_by_label("Nombres").fill("Herminia")
    page.get_by_label("Apellidos").fill("Ccahuana Llacsa")
    page.get_by_label("DNI", exact=True).check()
    page.get_by_label("Número de documento").fill("10117410-5")
    page.get_by_label("Domicilio").fill("Jr. Las Orquídeas 877")
    page.get_by_label("Correo electrónico").fill("herminia@example.pe")
    page.get_by_label("Teléfono (opcional)").fill("944 123 987")
    page.get_by_label("Oficina involucrada (opcional)").select_option(label="Mesa de Partes y Archivo")
    page.get_by_label("¿Qué pasó?").fill("Fui tres veces a mesa de partes y nadie me atendió.")
    page.get_by_label("¿Qué pides a la entidad?").fill("Que me atiendan.")
    page.get_by_role("button", name="Registrar reclamo").click()
    expect(page.locator("[data-resumen-errores]").get_by_role("link")).to_have_text(
        re.compile("^El dígito de verificación no corresponde a ese DNI")
    )
    revisar_accesibilidad(page, "Libro de Reclamaciones, DNI errado")

    page.get_by_label("Número de documento").fill("10117410-2")
    page.get_by_role("button", name="Registrar reclamo").click()

    # Registered: the code, where the copy went, and the way to follow it up.
    expect(page).to_have_url(f"{servidor}/libro-de-reclamaciones/registrado/")
    expect(page.get_by_role("heading", level=1, name="Reclamo registrado")).to_be_visible()
    reclamo = Reclamo.objects.get()
    assert re.fullmatch(r"LR-\d{4}-000001", reclamo.codigo)
    expect(page.locator(".panel-confirmacion__cuerpo strong")).to_have_text(reclamo.codigo)
    expect(page.get_by_text("Enviamos una copia a herminia@example.pe")).to_be_visible()
    revisar_accesibilidad(page, "reclamo registrado")
    assert [m.to for m in mailoutbox] == [["herminia@example.pe"]]
    assert reclamo.hoja.listo  # the signed sheet, issued by the task
    assert reclamo.oficina.sigla == "MPA"

    page.get_by_role("link", name="Consultar mi reclamo").click()
    expect(page).to_have_url(f"{servidor}/libro-de-reclamaciones/seguimiento/")
    revisar_accesibilidad(page, "seguimiento, vacío")

    # A wrong document: the same answer as an unknown code.
    page.get_by_label("Código del reclamo").fill(reclamo.codigo)
    page.get_by_label("Número de documento de quien reclamó").fill("40000000")
    page.get_by_role("button", name="Consultar").click()
    expect(page.locator("[data-resumen-errores]")).to_contain_text(
        "No encontramos un reclamo con ese código y ese documento. Revisa ambos datos."
    )
    expect(page.get_by_text("Plazo de respuesta")).to_have_count(0)
    revisar_accesibilidad(page, "seguimiento, no encontrado")

    page.get_by_label("Código del reclamo").fill(reclamo.codigo.lower())
    page.get_by_label("Número de documento de quien reclamó").fill("10117410")
    page.get_by_role("button", name="Consultar").click()
    expect(page.locator(".lista-resumen")).to_contain_text(reclamo.codigo)
    expect(page.locator(".etiqueta-estado")).to_have_text("Registrado")
    expect(page.get_by_text(f"{reclamo.fecha_limite:%d/%m/%Y}")).to_be_visible()
    # The signed sheet, downloadable once the code and document matched.
    with page.expect_download() as descarga:
        page.get_by_role("link", name="Descargar la hoja de tu reclamo (PDF firmado)").click()
    assert Path(descarga.value.path()).read_bytes().startswith(b"%PDF-")
    revisar_accesibilidad(page, "seguimiento, encontrado")


# --- Rating ---------------------------------------------------------------------------------------


def test_calificar_la_atencion(page, servidor, denegada, ciudadano_con_perfil, iniciar_sesion,
                               revisar_accesibilidad):
    iniciar_sesion(page, ciudadano_con_perfil.email)
    page.goto(f"{servidor}/mis-tramites/{denegada.expediente}/valorar/")
    expect(page.get_by_role("heading", level=1, name="Califica la atención que recibiste")).to_be_visible()
    revisar_accesibilidad(page, "calificar, vacío")

    page.get_by_role("button", name="Enviar calificación").click()
    expect(page).to_have_title(re.compile(r"^Error:"))
    expect(page.locator("[data-resumen-errores]")).to_contain_text("Elige una calificación del 1 al 5.")
    revisar_accesibilidad(page, "calificar, con errores")

    page.get_by_label("4 — Buena").check()
    page.get_by_label("¿Qué podemos mejorar? (opcional)").fill("Explicar mejor qué recibo sirve.")
    page.get_by_role("button", name="Enviar calificación").click()
    expect(page).to_have_url(f"{servidor}/mis-tramites/{denegada.expediente}/")
    expect(page.get_by_text("Gracias: tu calificación nos ayuda a mejorar.")).to_be_visible()
    valoracion = Valoracion.objects.get()
    assert (valoracion.solicitud_id, valoracion.puntaje) == (denegada.pk, 4)
