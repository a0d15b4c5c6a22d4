"""The HTTP side of PIDE: timeouts, retries, the circuit breaker and the
short-lived cache of answers. Knows nothing of citizens nor of the lookup
log (that is consultas.py).

- Timeout settings.PIDE_TIMEOUT per attempt. A slow answer is not retried:
  the citizen is waiting, and the request may still be running over there.
- settings.PIDE_REINTENTOS further attempts after a connection error or a 5xx.
- Circuit breaker per service, kept in the Django cache (shared by every
  process): PIDE_CORTE_FALLOS failures in a row open it for
  PIDE_CORTE_SEGUNDOS, during which no request is sent. When it closes, the
  next lookup goes through; one more failure opens it again at once.
- Answers found are cached PIDE_CACHE_SEGUNDOS under a keyed hash of the
  number: the key reveals no DNI or RUC.
"""

import dataclasses
import hashlib
import hmac
import logging

import requests
from django.conf import settings
from django.core.cache import cache

from . import contrato

log = logging.getLogger("ciudadanos.pide")


class NoConfigurado(Exception):
    """PIDE_URL is empty: the portal makes no lookups."""


class CorteAbierto(Exception):
    """The circuit breaker is open: no request was sent."""


class Caido(Exception):
    """No usable answer: connection error, timeout, 5xx, or not the published format."""


def configurado() -> bool:
    return bool(settings.PIDE_URL)


def _clave(servicio: str, parte: str) -> str:
    return f"pide:{servicio}:{parte}"


def clave_cache(servicio: str, numero: str) -> str:
    huella = hmac.new(settings.SECRET_KEY.encode(), f"{servicio}:{numero}".encode(), hashlib.sha256)
    return _clave(servicio, "r:" + huella.hexdigest()[:40])


def corte_abierto(servicio: str) -> bool:
    return bool(cache.get(_clave(servicio, "corte")))


def _fallo_registrar(servicio: str) -> None:
    clave = _clave(servicio, "fallos")
    cache.add(clave, 0, 3600)
    try:
        fallos = cache.incr(clave)
    except ValueError:  # expired between add and incr
        cache.set(clave, 1, 3600)
        fallos = 1
    if fallos >= settings.PIDE_CORTE_FALLOS and not corte_abierto(servicio):
        cache.set(_clave(servicio, "corte"), True, settings.PIDE_CORTE_SEGUNDOS)
        log.warning(
            "PIDE %s: %d fallos seguidos; no se consulta durante %d s (los ciudadanos escriben sus datos)",
            servicio, fallos, settings.PIDE_CORTE_SEGUNDOS,
        )


def _exito_registrar(servicio: str) -> None:
    cache.delete_many([_clave(servicio, "fallos")])


def cache_leer(servicio: str, numero: str, tipo):
    guardado = cache.get(clave_cache(servicio, numero))
    if isinstance(guardado, dict):
        try:
            return tipo(**guardado)
        except TypeError:
            return None
    return None


def _cache_guardar(servicio: str, numero: str, valor) -> None:
    if settings.PIDE_CACHE_SEGUNDOS > 0:
        cache.set(clave_cache(servicio, numero), dataclasses.asdict(valor), settings.PIDE_CACHE_SEGUNDOS)


def _pedir(servicio: str, metodo: str, ruta: str, **argumentos) -> dict:
    """One lookup with its retries. Returns the decoded JSON of a 2xx answer."""
    if not configurado():
        raise NoConfigurado
    if corte_abierto(servicio):
        raise CorteAbierto
    url = settings.PIDE_URL + ruta
    intentos = 1 + max(0, settings.PIDE_REINTENTOS)
    ultimo = None
    for _intento in range(intentos):
        try:
            respuesta = requests.request(
                metodo, url, timeout=settings.PIDE_TIMEOUT,
                headers={"Accept": "application/json"}, **argumentos,
            )
        except requests.ConnectionError as error:
            ultimo = f"sin conexión ({error.__class__.__name__})"
            continue
        except requests.Timeout:
            ultimo = f"no respondió en {settings.PIDE_TIMEOUT:g} s"
            break
        except requests.RequestException as error:
            ultimo = error.__class__.__name__
            break
        if respuesta.status_code >= 500:
            ultimo = f"HTTP {respuesta.status_code}"
            continue
        if respuesta.status_code >= 400:
            ultimo = f"HTTP {respuesta.status_code}"
            break
        try:
            return respuesta.json()
        except ValueError:
            ultimo = "la respuesta no es JSON"
            break
    _fallo_registrar(servicio)
    log.warning("PIDE %s no disponible: %s", servicio, ultimo)
    raise Caido(ultimo)


def persona(dni: str) -> contrato.Persona:
    """RENIEC by DNI. Raises NoEncontradoEnFuente, CredencialesRechazadas,
    NoConfigurado, CorteAbierto or Caido."""
    datos = _pedir(
        "reniec", "POST", contrato.RENIEC_RUTA, params={"out": "json"},
        json=contrato.reniec_cuerpo(
            dni=dni, usuario_dni=settings.PIDE_USUARIO_DNI,
            ruc_entidad=settings.PIDE_RUC_ENTIDAD, clave=settings.PIDE_CLAVE,
        ),
    )
    try:
        resultado = contrato.persona_leer(dni, datos)
    except contrato.CredencialesRechazadas as error:
        _fallo_registrar("reniec")
        if error.vencida:
            log.error(
                "PIDE RENIEC: la clave de la entidad venció (%s). Actualízala con RENIEC y "
                "cambia PIDE_CLAVE; mientras tanto los ciudadanos escriben sus nombres.", error,
            )
        else:
            log.error(
                "PIDE RENIEC rechazó las credenciales de la entidad (%s): revisa PIDE_USUARIO_DNI, "
                "PIDE_RUC_ENTIDAD y PIDE_CLAVE.", error,
            )
        raise
    except contrato.RespuestaInvalida as error:
        _fallo_registrar("reniec")
        log.warning("PIDE RENIEC respondió algo inesperado: %s", error)
        raise Caido(str(error)) from None
    except contrato.NoEncontradoEnFuente:
        _exito_registrar("reniec")
        raise
    _exito_registrar("reniec")
    _cache_guardar("reniec", dni, resultado)
    return resultado


def contribuyente(ruc: str) -> contrato.Contribuyente:
    """SUNAT by RUC. Raises NoEncontradoEnFuente, NoConfigurado, CorteAbierto or Caido."""
    datos = _pedir(
        "sunat", "GET", contrato.SUNAT_RUTA, params={contrato.SUNAT_PARAMETRO_RUC: ruc, "out": "json"},
    )
    try:
        resultado = contrato.contribuyente_leer(ruc, datos)
    except contrato.RespuestaInvalida as error:
        _fallo_registrar("sunat")
        log.warning("PIDE SUNAT respondió algo inesperado: %s", error)
        raise Caido(str(error)) from None
    except contrato.NoEncontradoEnFuente:
        _exito_registrar("sunat")
        raise
    _exito_registrar("sunat")
    _cache_guardar("sunat", ruc, resultado)
    return resultado
