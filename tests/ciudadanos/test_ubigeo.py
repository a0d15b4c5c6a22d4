"""The ubigeo catalog behind the address selects, and its JSON endpoint."""

import unicodedata
from collections import Counter

import pytest

from ciudadanos import ubigeo


def _sin_tildes(texto):
    descompuesto = unicodedata.normalize("NFKD", texto)
    return "".join(c for c in descompuesto if not unicodedata.combining(c)).upper()


def test_cantidades_del_peru():
    cat = ubigeo.catalogo()
    assert len(cat.departamentos) == 25  # 24 departments and the Constitutional Province of Callao
    assert len(cat.provincias) == 196
    assert 1880 <= len(cat.distritos) <= 1900
    assert len(ubigeo.departamentos()) == 25
    assert sum(len(ubigeo.provincias(d.codigo)) for d in ubigeo.departamentos()) == 196
    assert sum(len(ubigeo.distritos(p)) for p in ubigeo.catalogo().provincias) == len(cat.distritos)


@pytest.mark.parametrize(
    "inei, nombre, reniec, provincia, departamento",
    [
        ("150101", "Lima", "140101", "Lima", "Lima"),
        ("070101", "Callao", "240101", "Callao", "Callao"),
        ("150122", "Miraflores", "140115", "Lima", "Lima"),
        ("080101", "Cusco", "070101", "Cusco", "Cusco"),
        ("040101", "Arequipa", "040101", "Arequipa", "Arequipa"),
    ],
)
def test_codigos_conocidos(inei, nombre, reniec, provincia, departamento):
    lugar = ubigeo.distrito(inei)
    assert lugar.nombre == nombre
    assert lugar.codigo_reniec == reniec
    ubicacion = ubigeo.ubicacion(inei)
    assert ubicacion["distrito"] == lugar
    assert ubicacion["provincia"].nombre == provincia
    assert ubicacion["departamento"].nombre == departamento


def test_callao_tiene_codigos_distintos_en_inei_y_reniec():
    cat = ubigeo.catalogo()
    assert cat.departamentos["07"].nombre == "Callao"
    assert cat.departamentos["07"].codigo_reniec == "24"
    assert cat.departamentos["15"].nombre == "Lima"
    assert cat.departamentos["15"].codigo_reniec == "14"


@pytest.mark.parametrize("codigo", ["", None, "999999", "1501", "15", "090708", "090712", "abcdef"])
def test_codigo_que_no_es_distrito(codigo):
    assert ubigeo.ubicacion(codigo) is None
    if codigo:
        assert ubigeo.distrito(codigo) is None


def test_los_distritos_listados_dos_veces_en_el_paquete_tienen_un_solo_codigo():
    nombres = {d.nombre for d in ubigeo.distritos("0907")}
    assert {"Huaribamba", "Salcabamba"} <= nombres
    assert Counter(d.nombre for d in ubigeo.distritos("0907"))["Huaribamba"] == 1
    assert Counter(d.nombre for d in ubigeo.distritos("0907"))["Salcabamba"] == 1


def test_cada_distrito_esta_dentro_de_su_provincia_y_departamento():
    cat = ubigeo.catalogo()
    for codigo, lugar in cat.distritos.items():
        assert lugar.codigo == codigo
        assert len(codigo) == 6 and codigo.isdigit()
        assert codigo[:4] in cat.provincias, codigo
        assert codigo[:2] in cat.departamentos, codigo
    for codigo in cat.provincias:
        assert len(codigo) == 4 and codigo[:2] in cat.departamentos
        assert ubigeo.distritos(codigo), f"la provincia {codigo} no tiene distritos"


def test_codigos_reniec_unicos_y_del_departamento_correcto():
    cat = ubigeo.catalogo()
    reniec = [d.codigo_reniec for d in cat.distritos.values() if d.codigo_reniec]
    repetidos = [c for c, n in Counter(reniec).items() if n > 1]
    assert repetidos == []
    # Districts created after RENIEC's list have none; they are few.
    assert len(reniec) >= 1830
    for codigo, lugar in cat.distritos.items():
        if lugar.codigo_reniec:
            assert len(lugar.codigo_reniec) == 6
            # Matching by name never crosses a department boundary.
            assert lugar.codigo_reniec[:2] == cat.departamentos[codigo[:2]].codigo_reniec, codigo
    deps = [d.codigo_reniec for d in cat.departamentos.values()]
    assert None not in deps and len(set(deps)) == 25


def test_departamentos_en_orden_alfabetico_sin_importar_tildes():
    nombres = [d.nombre for d in ubigeo.departamentos()]
    assert nombres == sorted(nombres, key=_sin_tildes)
    # "Áncash" among the A's, not after "Z" as a plain sort would put it.
    assert nombres[:3] == ["Amazonas", "Áncash", "Apurímac"]
    assert nombres[-1] == "Ucayali"


def test_provincias_y_distritos_en_orden_alfabetico():
    provincias = [p.nombre for p in ubigeo.provincias("15")]
    assert provincias == sorted(provincias, key=_sin_tildes)
    distritos = [d.nombre for d in ubigeo.distritos("1501")]
    assert distritos == sorted(distritos, key=_sin_tildes)
    assert len(distritos) == 43  # the 43 districts of Lima Metropolitana


# --- JSON endpoint for the selects -------------------------------------------------------


def test_provincias_de_lima_en_json(client):
    respuesta = client.get("/ubigeo/15/")
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"].startswith("application/json")
    lugares = respuesta.json()["lugares"]
    nombres = [lugar["nombre"] for lugar in lugares]
    assert "Huaral" in nombres
    assert {"codigo": "1501", "nombre": "Lima"} in lugares
    assert len(lugares) == 10
    assert all(lugar["codigo"].startswith("15") for lugar in lugares)
    assert "Callao" not in nombres
    assert "public" in respuesta["Cache-Control"]


def test_distritos_de_la_provincia_de_lima_en_json(client):
    respuesta = client.get("/ubigeo/1501/")
    assert respuesta.status_code == 200
    lugares = respuesta.json()["lugares"]
    assert {"codigo": "150122", "nombre": "Miraflores"} in lugares
    assert len(lugares) == 43
    assert all(lugar["codigo"].startswith("1501") for lugar in lugares)


@pytest.mark.parametrize("codigo", ["99", "00", "9999", "1599", "150122", "1", "abc", "lima"])
def test_codigo_desconocido_da_404(client, codigo):
    assert client.get(f"/ubigeo/{codigo}/").status_code == 404


def test_solo_lectura(client):
    assert client.post("/ubigeo/15/").status_code == 405
