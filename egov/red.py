import logging

from django.conf import settings
from django.core.cache import cache

from .cache_redis import CacheNoDisponible

log = logging.getLogger(__name__)


def ip_cliente(request) -> str:
    """The client's address: REMOTE_ADDR, or the address the trusted proxies
    saw (X-Forwarded-For, counted from the right) when there are proxies."""
    saltos = settings.TRUSTED_PROXY_COUNT
    if saltos:
        cadena = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(cadena) >= saltos:
            return cadena[-saltos]
    return request.META.get("REMOTE_ADDR", "")


class LimiteNoDisponible(Exception):
    """A rate limiter that fails closed could not count (Redis is down): the
    view answers 503 with Retry-After."""


def _sin_contador(clave: str, *, cerrar: bool) -> bool:
    if cerrar:
        raise LimiteNoDisponible(clave)
    log.warning("límite de intentos «%s» sin contar mientras Redis no responde: se permite", clave.split(":", 1)[0])
    return False


def intentos_superados(
    clave: str, *, maximo: int, segundos: int, contar: bool = True, cerrar_sin_cache: bool = False
) -> bool:
    """A counter in the cache for rate limits: counts one attempt (unless
    `contar` is false) and says whether more than `maximo` happened within
    `segundos` of the first.

    Without Redis nothing can be counted. A limiter fails open (allows, with a
    log line) by default; with `cerrar_sin_cache` it raises LimiteNoDisponible
    so the view answers 503 — for limits that are the only guard against
    enumerating something guessable."""
    try:
        if contar:
            cache.add(clave, 0, segundos)
            return cache.incr(clave) > maximo
        valor = cache.get(clave)
        if valor is None and not getattr(cache, "disponible", lambda: True)():
            raise CacheNoDisponible(clave)
        return (valor or 0) > maximo
    except CacheNoDisponible:
        return _sin_contador(clave, cerrar=cerrar_sin_cache)
    except ValueError:
        # The key expired between add and incr: a new window starts.
        return False
