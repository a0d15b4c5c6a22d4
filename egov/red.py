from django.conf import settings


def ip_cliente(request) -> str:
    """The client's address: REMOTE_ADDR, or the address the trusted proxies
    saw (X-Forwarded-For, counted from the right) when there are proxies."""
    saltos = settings.TRUSTED_PROXY_COUNT
    if saltos:
        cadena = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(cadena) >= saltos:
            return cadena[-saltos]
    return request.META.get("REMOTE_ADDR", "")
