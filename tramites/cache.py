"""
Cached pages and fragments, and the version keys that invalidate them.

* The public catalog pages are cached whole for anonymous visitors, under the
  catalog's version, which any change to a procedure, office, question or
  required document bumps (tramites/signals.py). A page is stored only for
  the query parameters it reads, with the values it served (see
  `pagina_publica`): the number of entries is bounded by the catalog itself,
  whatever query strings anyone sends. Error pages are never stored.
* A citizen's "Mis trámites" and request pages cache their content under the
  citizen's version, which every write to one of their requests bumps (the
  services do it after commit), so a citizen never sees a stale page.
"""

import functools
import time
import uuid
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

DURACION = 60 * 60
# A version outlives every entry stored under it; when it expires, a new one
# is drawn and the entries are simply built again.
DURACION_VERSION = 24 * DURACION


def _version(clave: str) -> str:
    return cache.get_or_set(clave, lambda: uuid.uuid4().hex, DURACION_VERSION)


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
    cache.set("v:catalogo", uuid.uuid4().hex, DURACION_VERSION)
    _CATALOGO_LOCAL["version"] = None


def version_ciudadano(usuario_id: int) -> str:
    return _version(f"v:ciudadano:{usuario_id}")


def ciudadano_invalidar(usuario_id: int) -> None:
    """After the current transaction commits (right away outside one). Robust:
    a failure is logged and never stops the callbacks registered after it."""
    transaction.on_commit(
        lambda: cache.set(f"v:ciudadano:{usuario_id}", uuid.uuid4().hex, DURACION_VERSION), robust=True
    )


def _anonimo_sin_estado(request) -> bool:
    # No session and no pending messages: the page is the same for everyone.
    return (
        request.method == "GET"
        and "sessionid" not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def pagina_publica(*parametros: str):
    """Caches a public page whole for anonymous visitors.

    The entry is keyed by the path and by the values of `parametros`, the
    query parameters the page reads (any other parameter is ignored). It is
    stored only when the page answered 200 for exactly those values: a view
    that normalised or refused one of them (a search text, an unknown office,
    page "02") sets `respuesta.parametros_canonicos` to the values it served,
    or to None to never store it."""

    def decorador(vista):
        @functools.wraps(vista)
        def envoltura(request, *args, **kwargs):
            if not _anonimo_sin_estado(request):
                return vista(request, *args, **kwargs)
            pedidos = {p: request.GET.get(p, "") for p in parametros}
            clave = f"pagina:{version_catalogo()}:{request.path}?{urlencode(pedidos)}"
            guardada = cache.get(clave)
            if guardada is not None:
                respuesta = HttpResponse(guardada)
            else:
                respuesta = vista(request, *args, **kwargs)
                canonicos = getattr(respuesta, "parametros_canonicos", {p: "" for p in parametros})
                if respuesta.status_code == 200 and not respuesta.cookies and canonicos == pedidos:
                    cache.set(clave, respuesta.content, DURACION)
            patch_vary_headers(respuesta, ("Cookie",))
            return respuesta

        return envoltura

    return decorador


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
