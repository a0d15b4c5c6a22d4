"""What /salud/ reports beyond the database and Redis. Apps that depend on
egov (never the reverse) register a check here from their AppConfig.ready().

A check returns a dict with at least "estado": "ok", or "degradado" when the
service works but something needs a person (the web host stays in the load
balancer: /salud/ still answers 200)."""

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

Comprobacion = Callable[[], dict]
_COMPROBACIONES: dict[str, Comprobacion] = {}


def comprobacion_registrar(nombre: str, funcion: Comprobacion) -> Comprobacion:
    _COMPROBACIONES[nombre] = funcion
    return funcion


def comprobaciones_ejecutar() -> dict[str, dict]:
    """Every registered check by name. A check that fails reports an error
    and counts as degraded: it never takes the whole answer down."""
    resultado = {}
    for nombre, funcion in _COMPROBACIONES.items():
        try:
            resultado[nombre] = funcion()
        except Exception as error:  # noqa: BLE001 - reported, not raised
            log.warning("falló la comprobación de salud %s", nombre, exc_info=True)
            resultado[nombre] = {"estado": f"error: {error.__class__.__name__}"}
    return resultado
