"""A stored answer is checked again when the request is filed (the catalog
may have changed since it was typed). That check runs without building a
form, and it must agree with the question's form field: whatever the page
accepts is accepted at filing, whatever the page refuses is refused."""

import pytest
from django.core.exceptions import ValidationError

from tramites.declaraciones import TipoCampo, respuesta_serializar, respuesta_validar
from tramites.forms import campo_formulario
from tramites.models import CampoTramite

pytestmark = pytest.mark.django_db

ESCRITOS = {
    TipoCampo.TEXTO: ["Jr. Junín 456", "", "x" * 201, "a\x00b"],
    TipoCampo.TEXTO_LARGO: ["Actas de 2025.", "", "x" * 5001],
    TipoCampo.NUMERO: ["3", "0", "-1", "2.5", "150", "100", "85.50", "1e3", "cuatro", "", "NaN"],
    TipoCampo.FECHA: [["27", "3", "2026"], ["31", "2", "2026"], ["", "", ""], ["1", "1", "99"]],
    TipoCampo.SI_NO: ["si", "no", "quizá", ""],
    TipoCampo.DISTRITO: ["150101", "150143", "040101", "999999", ""],
    TipoCampo.EMAIL: ["entrega@example.pe", "no-es-correo", ""],
    TipoCampo.TELEFONO: ["987654321", "+51987654321", "12", ""],
}


def _acepta_el_formulario(campo, escrito):
    try:
        return True, respuesta_serializar(campo_formulario(campo).clean(escrito))
    except ValidationError:
        return False, None


def test_la_validacion_sin_formulario_coincide_con_la_del_formulario(catalogo):
    comparados = 0
    for campo in CampoTramite.objects.all():
        escritos = ESCRITOS.get(campo.tipo, []) + (
            [*campo.lista_opciones, "otra cosa", ""] if campo.tipo == TipoCampo.OPCION else []
        )
        for escrito in escritos:
            acepta, guardado = _acepta_el_formulario(campo, escrito)
            if acepta:
                respuesta_validar(campo, guardado)  # what the page stored passes at filing
            elif not isinstance(escrito, list):
                with pytest.raises(ValidationError):  # what the page refuses is refused at filing
                    respuesta_validar(campo, escrito)
            comparados += 1
    assert comparados > 60


def test_un_rango_cambiado_en_el_catalogo_se_nota_al_presentar(catalogo):
    campo = CampoTramite.objects.filter(tipo=TipoCampo.NUMERO, maximo__isnull=False).first()
    respuesta_validar(campo, "3")
    campo.maximo = 2
    with pytest.raises(ValidationError, match="igual o menor que 2"):
        respuesta_validar(campo, "3")
