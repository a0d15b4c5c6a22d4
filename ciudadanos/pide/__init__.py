"""Other entities' data through PIDE, the State's interoperability platform
(D.Leg. 1246: the citizen is not asked again for what another entity holds).

    from ciudadanos import pide
    persona = pide.persona_consultar(dni=..., titular=..., origen=..., motivo=...)

Every lookup is recorded as one ConsultaPide row, the citizen reads it in
"Uso de mis datos": found, not found, rejected, unavailable (also when the
circuit breaker kept the request from being sent) and cache hits
(en_cache=True). With PIDE_URL empty the portal makes no lookup and records
none: NoDisponible at once. The HTTP side (timeouts, retries, breaker,
cache) is cliente.py; the published contract is contrato.py.
"""

from ..models import ConsultaPide, OrigenConsulta, ResultadoConsulta, ServicioPide
from . import cliente, contrato
from .contrato import Contribuyente, Persona

__all__ = [
    "Contribuyente", "NoDisponible", "NoEncontrado", "Persona", "configurado",
    "contribuyente_consultar", "disponible", "persona_consultar",
]


class NoEncontrado(Exception):
    """The entity answered: it has no record of that DNI or RUC."""


class NoDisponible(Exception):
    """No answer to use: PIDE not configured, down, slow, circuit open, or the
    entity's credentials rejected. The citizen types the data instead."""


def configurado() -> bool:
    return cliente.configurado()


def disponible(servicio: str) -> bool:
    """Whether a lookup would be attempted now (configured, circuit closed)."""
    return cliente.configurado() and not cliente.corte_abierto(servicio)


def _registrar(*, servicio, documento, titular, origen, motivo, solicitada_por, referencia, resultado,
               en_cache=False) -> ConsultaPide:
    if origen not in OrigenConsulta.values:
        raise ValueError(f"Origen de consulta desconocido: {origen}")
    return ConsultaPide.objects.create(
        servicio=servicio, documento=documento, titular=titular, origen=origen,
        solicitada_por=solicitada_por, motivo=str(motivo)[:200], referencia=referencia[:60],
        resultado=resultado, en_cache=en_cache,
    )


def _consultar(servicio, numero, tipo, funcion, *, titular, origen, motivo, solicitada_por, referencia):
    comun = {
        "servicio": servicio, "documento": numero, "titular": titular, "origen": origen,
        "motivo": motivo, "solicitada_por": solicitada_por, "referencia": referencia,
    }
    if not cliente.configurado():
        raise NoDisponible("PIDE no está configurado")
    guardado = cliente.cache_leer(servicio, numero, tipo)
    if guardado is not None:
        _registrar(**comun, resultado=ResultadoConsulta.ENCONTRADO, en_cache=True)
        return guardado
    try:
        resultado = funcion(numero)
    except contrato.NoEncontradoEnFuente:
        _registrar(**comun, resultado=ResultadoConsulta.NO_ENCONTRADO)
        raise NoEncontrado(numero) from None
    except contrato.CredencialesRechazadas as error:
        _registrar(**comun, resultado=ResultadoConsulta.RECHAZADA)
        raise NoDisponible(str(error)) from None
    except (cliente.CorteAbierto, cliente.Caido) as error:
        _registrar(**comun, resultado=ResultadoConsulta.NO_DISPONIBLE)
        raise NoDisponible(str(error) or error.__class__.__name__) from None
    except cliente.NoConfigurado:  # pragma: no cover - checked above
        raise NoDisponible("PIDE no está configurado") from None
    _registrar(**comun, resultado=ResultadoConsulta.ENCONTRADO)
    return resultado


def persona_consultar(*, dni: str, titular, origen: str, motivo: str, solicitada_por=None,
                      referencia: str = "") -> Persona:
    """RENIEC's names for a DNI. Raises NoEncontrado or NoDisponible."""
    return _consultar(
        ServicioPide.RENIEC, str(dni), Persona, cliente.persona, titular=titular, origen=origen,
        motivo=motivo, solicitada_por=solicitada_por, referencia=referencia,
    )


def contribuyente_consultar(*, ruc: str, titular, origen: str, motivo: str, solicitada_por=None,
                            referencia: str = "") -> Contribuyente:
    """SUNAT's main data for a RUC. Raises NoEncontrado or NoDisponible."""
    return _consultar(
        ServicioPide.SUNAT, str(ruc), Contribuyente, cliente.contribuyente, titular=titular,
        origen=origen, motivo=motivo, solicitada_por=solicitada_por, referencia=referencia,
    )
