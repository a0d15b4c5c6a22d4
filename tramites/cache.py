"""
Cached pages and fragments, and the version keys that invalidate them.

* The public catalog pages are cached whole for anonymous visitors, under the
  catalog's version, which any change to a procedure, office, question or
  required document bumps (tramites/signals.py).
* A citizen's "Mis trámites" and request pages cache their content under the
  citizen's version, which every write to one of their requests bumps (the
  services do it after commit), so a citizen never sees a stale page.
"""

import time
import uuid

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

DURACION = 60 * 60


def _version(clave: str) -> str:
    return cache.get_or_set(clave, lambda: uuid.uuid4().hex, None)


# The catalog's version is also kept a few seconds in each process: a change
# to the catalog reaches every public page within that time.
_CATALOGO_LOCAL = {"version": None, "hasta": 0.0}
CATALOGO_SEGUNDOS_LOCAL = 5


def version_catalogo() -> str:
    ahora = time.monotonic()
    if _CATALOGO_LOCAL["version"] is None or ahora >= _CATALOGO_LOCAL["hasta"]:
        _CATALOGO_LOCAL.update(version=_version("v:catalogo"), hasta=ahora + CATALOGO_SEGUNDOS_LOCAL)
    return _CATALOGO_LOCAL["version"]


def catalogo_invalidar() -> None:
    cache.set("v:catalogo", uuid.uuid4().hex, None)
    _CATALOGO_LOCAL["version"] = None


def version_ciudadano(usuario_id: int) -> str:
    return _version(f"v:ciudadano:{usuario_id}")


def ciudadano_invalidar(usuario_id: int) -> None:
    """After the current transaction commits (right away outside one)."""
    transaction.on_commit(lambda: cache.set(f"v:ciudadano:{usuario_id}", uuid.uuid4().hex, None))


def _anonimo_sin_estado(request) -> bool:
    # No session and no pending messages: the page is the same for everyone.
    return (
        request.method == "GET"
        and "sessionid" not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def pagina_publica(vista):
    """Caches a public page whole for anonymous visitors."""

    def envoltura(request, *args, **kwargs):
        if not _anonimo_sin_estado(request):
            return vista(request, *args, **kwargs)
        clave = f"pagina:{version_catalogo()}:{request.get_full_path()}"
        guardada = cache.get(clave)
        if guardada is not None:
            contenido, estado = guardada
            respuesta = HttpResponse(contenido, status=estado)
        else:
            respuesta = vista(request, *args, **kwargs)
            if respuesta.status_code in (200, 404) and not respuesta.cookies:
                cache.set(clave, (respuesta.content, respuesta.status_code), DURACION)
        patch_vary_headers(respuesta, ("Cookie",))
        return respuesta

    envoltura.__name__ = vista.__name__
    envoltura.__doc__ = vista.__doc__
    return envoltura


def fragmento_de_ciudadano(request, clave: str, construir) -> str:
    """A piece of a citizen's page, rendered again when their version changes.
    The version, the fragment and the header's unread count are read in one
    round trip."""
    from ciudadanos.services import clave_no_leidas

    usuario_id = request.user.pk
    clave_version = f"v:ciudadano:{usuario_id}"
    clave = f"frag:{usuario_id}:{clave}"
    clave_casilla = clave_no_leidas(usuario_id)
    leidos = cache.get_many([clave_version, clave, clave_casilla])
    if clave_casilla in leidos:
        request.casilla_no_leidas = leidos[clave_casilla]
    version = leidos.get(clave_version)
    guardado = leidos.get(clave)
    if version is not None and guardado is not None and guardado[0] == version:
        return guardado[1]
    if version is None:
        version = _version(clave_version)
    html = construir()
    cache.set(clave, (version, html), DURACION)
    return html
