"""
When a shared service fails: a database or storage outage answers 503 with
Retry-After and a page that says what was kept, never the generic 500.

Django hands every uncaught exception (from a view or a middleware) to the
500 handler while the exception is still being handled, so the handler can
tell an outage from a bug.
"""

import errno
import logging
import sys

from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.shortcuts import render

log = logging.getLogger(__name__)

REINTENTAR_SEGUNDOS = 30

# Storage that cannot be written (read-only, full, gone) or read.
_ERRORES_DE_ALMACENAMIENTO = {
    errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EACCES, errno.EPERM, errno.ESTALE,
}


def es_caida(error: BaseException | None) -> bool:
    """A failure of the database or of file storage, not of the code."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, OSError) and error.errno in _ERRORES_DE_ALMACENAMIENTO


def servicio_no_disponible(request, *, segundos: int = REINTENTAR_SEGUNDOS):
    """The 503 page. Rendered without the person's session or messages (the
    database that holds them may be the service that is down)."""
    respuesta = render(
        request, "503.html", {"user": AnonymousUser(), "messages": (), "casilla_no_leidas": 0}, status=503
    )
    respuesta["Retry-After"] = str(segundos)
    respuesta["Cache-Control"] = "no-store"
    return respuesta


def error_500(request):
    error = sys.exc_info()[1]
    if es_caida(error):
        log.warning("servicio no disponible (%s): se responde 503", error.__class__.__name__)
        return servicio_no_disponible(request)
    return render(request, "500.html", status=500)
