"""The real client reads PIDE's published answers (recorded in respuestas/)
and builds the published request."""

import json
from pathlib import Path

import pytest

from ciudadanos.pide import contrato

RESPUESTAS = Path(__file__).with_name("respuestas")


def respuesta(nombre):
    return json.loads((RESPUESTAS / f"{nombre}.json").read_text(encoding="utf-8"))


def test_reniec_encontrado_da_nombres_y_apellidos():
    persona = contrato.persona_leer("40000001", respuesta("reniec_encontrado"))
    assert persona == contrato.Persona("40000001", "ROSA ELENA", "QUISPE", "HUAMAN")


def test_reniec_no_encontrado():
    with pytest.raises(contrato.NoEncontradoEnFuente):
        contrato.persona_leer("49999990", respuesta("reniec_no_encontrado"))


@pytest.mark.parametrize("nombre, vencida", [("reniec_credenciales", False), ("reniec_clave_vencida", True)])
def test_reniec_credenciales_de_la_entidad(nombre, vencida):
    with pytest.raises(contrato.CredencialesRechazadas) as error:
        contrato.persona_leer("40000001", respuesta(nombre))
    assert error.value.vencida is vencida


@pytest.mark.parametrize("datos", [{}, {"consultarResponse": {}}, {"consultarResponse": {"return": {
    "coResultado": "0000"}}}, {"consultarResponse": {"return": {"coResultado": "9999"}}}, [], None])
def test_reniec_respuesta_de_otro_formato(datos):
    with pytest.raises(contrato.RespuestaInvalida):
        contrato.persona_leer("40000001", datos)


def test_reniec_cuerpo_publicado():
    assert contrato.reniec_cuerpo(dni="40000001", usuario_dni="40000000", ruc_entidad="20131370998",
                                  clave="x") == {"PIDE": {"nuDniConsulta": "40000001", "nuDniUsuario": "40000000",
                                                          "nuRucUsuario": "20131370998", "password": "x"}}


def test_sunat_encontrado():
    contribuyente = contrato.contribuyente_leer("20600000030", respuesta("sunat_encontrado"))
    assert contribuyente == contrato.Contribuyente(
        ruc="20600000030", razon_social="TRANSPORTES SELVA S.R.L.", estado="ACTIVO", condicion="NO HABIDO",
        domicilio_fiscal="CAL. PUTUMAYO 455 - IQUITOS - MAYNAS - LORETO",
    )


def test_sunat_no_encontrado():
    with pytest.raises(contrato.NoEncontradoEnFuente):
        contrato.contribuyente_leer("20600000048", respuesta("sunat_no_encontrado"))


def test_sunat_respuesta_de_otro_formato():
    with pytest.raises(contrato.RespuestaInvalida):
        contrato.contribuyente_leer("20600000048", {"otra": 1})


def test_el_simulado_responde_con_los_mismos_nombres_de_campo():
    """The stand-in's fixture uses the field names the client reads."""
    datos = json.loads((Path(contrato.__file__).parents[2] / "tools/pide_simulado/datos.json").read_text())
    persona = datos["personas"]["40000001"]
    assert {contrato.RENIEC_NOMBRES, contrato.RENIEC_APELLIDO_PATERNO, contrato.RENIEC_APELLIDO_MATERNO} <= set(persona)
    empresa = datos["contribuyentes"]["20600000013"]
    assert {contrato.SUNAT_RUC, contrato.SUNAT_RAZON_SOCIAL, contrato.SUNAT_ESTADO, contrato.SUNAT_CONDICION,
            *contrato.SUNAT_DOMICILIO, *contrato.SUNAT_LUGAR} <= set(empresa)
