"""The portal's own middleware: request bodies bounded before they are read,
private pages never stored by a browser or proxy cache, and the domain's
errors a view did not catch answered as HTTP."""

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers

from .dominio import AccionNoPermitida, NoEncontrado


class CuerpoLimitadoMiddleware:
    """A body larger than PETICION_MAX_BYTES (declared by Content-Length) is
    refused with 413 before a byte of it is read (the server closes the
    connection after the answer). Views that take uploads have their own,
    finer limits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            longitud = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            longitud = 0
        if longitud > settings.PETICION_MAX_BYTES:
            respuesta = render(
                request, "413.html",
                {"max_archivo": settings.ADJUNTO_MAX_BYTES, "max_total": settings.SOLICITUD_ADJUNTOS_MAX_BYTES,
                 "volver": request.path},
                status=413,
            )
            return respuesta
        return self.get_response(request)


class PrivadoSinCacheMiddleware:
    """Every page answered to a logged-in person carries their data (at least
    their name in the header): `Cache-Control: private, no-store` unless the
    view chose its own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        respuesta = self.get_response(request)
        usuario = getattr(request, "user", None)
        if usuario is not None and usuario.is_authenticated:
            if not respuesta.has_header("Cache-Control"):
                patch_cache_control(respuesta, private=True, no_store=True)
            patch_vary_headers(respuesta, ("Cookie",))
        return respuesta


class ErroresDeDominioMiddleware:
    """NoEncontrado is a 404 and AccionNoPermitida a 403 wherever a view lets
    them through (services and selectors know no HTTP)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from . import views

        if isinstance(exception, NoEncontrado):
            return views.error_404(request, exception)
        if isinstance(exception, AccionNoPermitida):
            return views.error_403(request, exception)
        return None
