"""What a citizen reads about paying: the amount in soles, the TUPA code to pay
with and where to pay, on the procedure's page and on the payment step."""

from decimal import Decimal

from django.template import Context, Template

from tests.fixtures import DOMICILIO, INFORMACION, LICENCIA, borrador_completo
from tests.tramites.conftest import Pagina, url_paso
from tramites.models import Tramite

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
