"""Texts a citizen reads while filing: about paying (the amount in soles, the
TUPA code to pay with and where to pay, on the procedure's page and on the
payment step), and the example a number question gives, which the question
itself accepts."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from tests.fixtures import DOMICILIO, INFORMACION, LICENCIA, borrador_completo
from tests.tramites.conftest import Pagina, url_paso
from tramites.forms import pregunta_form
from tramites.models import CampoTramite, Tramite

DONDE = [
    "En cualquier agencia o agente del Banco de la Nación.",
    "En línea, en Págalo.pe: eliges «Municipalidad Distrital de Villa Esperanza» como entidad e indicas el código.",
]


def test_el_paso_del_pago_dice_monto_codigo_y_donde_pagar(catalogo, web_ciudadano, ciudadano):
    borrador = borrador_completo(ciudadano, DOMICILIO, pago=False)
    texto = Pagina(web_ciudadano.get(url_paso(borrador, "pago"))).texto()
    assert "El derecho de trámite es S/ 15.00. Paga con el código MDVE-001:" in texto
    for lugar in DONDE:
        assert lugar in texto
    assert "código :" not in texto and "código ." not in texto


def test_la_ficha_dice_con_que_codigo_y_donde_pagar(catalogo, web):
    texto = Pagina(web.get(f"/tramites/{DOMICILIO}/")).texto()
    cuesta = texto[texto.index("Cuánto cuesta"):texto.index("Cuánto demora")]
    assert "S/ 15.00 (0.27 % de la UIT)." in cuesta
    assert "con el código MDVE-001;" in cuesta
    for lugar in DONDE:
        assert lugar in cuesta


def test_un_monto_con_miles_se_escribe_a_la_peruana(catalogo, web):
    Tramite.objects.filter(slug=LICENCIA).update(tasa=Decimal("1234.5"))
    texto = Pagina(web.get(f"/tramites/{LICENCIA}/")).texto()
    assert "S/ 1,234.50 (" in texto


def test_un_tramite_gratuito_no_habla_de_pagos(catalogo, web):
    texto = Pagina(web.get(f"/tramites/{INFORMACION}/")).texto()
    assert "Gratuito." in texto
    assert "Banco de la Nación" not in texto and "código de pago" not in texto.lower()


def test_filtro_soles():
    plantilla = Template("{% load portal %}[{{ a|soles }}][{{ b|soles }}][{{ c|soles }}][{{ d|soles }}]")
    texto = plantilla.render(Context({"a": Decimal("15"), "b": 3.5, "c": None, "d": "98.5"}))
    assert texto == "[S/ 15.00][S/ 3.50][][S/ 98.50]"


# --- The example of a number question ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("minimo", "maximo", "enteros", "pista", "ejemplo"),
    [
        (0, 100, True, "Entre 0 y 100. Por ejemplo: 3.", "3"),
        (1, 100, False, "Entre 1 y 100. Por ejemplo: 85.50.", "85.50"),
        (2000, 2100, True, "Entre 2000 y 2100. Por ejemplo: 2050.", "2050"),
        (0, 10, False, "Entre 0 y 10. Por ejemplo: 5.50.", "5.50"),
        (200, None, False, "200 o más. Por ejemplo: 200.50.", "200.50"),
        (None, None, True, "0 o más. Por ejemplo: 3.", "3"),
    ],
)
def test_el_ejemplo_de_un_numero_cabe_en_la_pregunta(minimo, maximo, enteros, pista, ejemplo):
    campo = CampoTramite(
        nombre="cantidad", etiqueta="¿Cuántos?", tipo="numero", requerido=True,
        minimo=minimo, maximo=maximo, solo_enteros=enteros,
    )
    vacio = pregunta_form(campo)
    assert vacio.fields["cantidad"].help_text == pista
    # What the example shows is a valid answer...
    assert pregunta_form(campo, data={"cantidad": ejemplo}).is_valid()
    # ...and the error for a non-number repeats it.
    form = pregunta_form(campo, data={"cantidad": "muchos"})
    assert form.errors["cantidad"] == [f"Escribe solo un número, por ejemplo {ejemplo}."]
