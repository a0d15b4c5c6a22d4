from django.conf import settings
from django.core.cache import cache


def ip_cliente(request) -> str:
    """The client's address: REMOTE_ADDR, or the address the trusted proxies
    saw (X-Forwarded-For, counted from the right) when there are proxies."""
    saltos = settings.TRUSTED_PROXY_COUNT
    if saltos:
        cadena = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(cadena) >= saltos:
            return cadena[-saltos]
    return request.META.get("REMOTE_ADDR", "")


def intentos_superados(clave: str, *, maximo: int, segundos: int, contar: bool = True) -> bool:
    """A counter in the cache for rate limits: counts one attempt (unless
    `contar` is false) and says whether more than `maximo` happened within
    `segundos` of the first."""
    if contar:
        cache.add(clave, 0, segundos)
        return cache.incr(clave) > maximo
    return (cache.get(clave) or 0) > maximo
