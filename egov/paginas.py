"""
The page cache every app shares: whole public pages for anonymous visitors,
and pieces of a person's pages, each stored under a *version* that the app
owning the data renews when the data changes.

* `pagina_publica(*parametros, version=...)` stores a page for the query
  parameters it reads, and only when the page answered 200 for exactly those
  values (see the decorator): the number of entries is bounded by what the
  site really has, whatever query strings anyone sends. Error pages are never
  stored.
* `fragmento(...)` stores a piece of a logged-in page under that person's
  version, reading the version, the piece and any extra keys the page needs
  in one round trip.
* Versions live in the cache with a time to live longer than any entry stored
  under them; when one expires, a new one is drawn and the entries are built
  again. A version can also be kept a few seconds in each process
  (`VersionLocal`), for pages read far more often than they change.
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
DURACION_VERSION = 24 * DURACION


def version(clave: str) -> str:
    return cache.get_or_set(clave, lambda: uuid.uuid4().hex, DURACION_VERSION)


def version_renovar(clave: str) -> None:
    cache.set(clave, uuid.uuid4().hex, DURACION_VERSION)


def version_renovar_al_confirmar(clave: str) -> None:
    """After the current transaction commits (right away outside one). Robust:
    a failure is logged and never stops the callbacks registered after it."""
    transaction.on_commit(lambda: version_renovar(clave), robust=True)


class VersionLocal:
    """A version also kept `segundos` in each process: a change reaches every
    page within that time, and most requests skip the round trip."""

    def __init__(self, clave: str, segundos: float = 5):
        self.clave = clave
        self.segundos = segundos
        self._valor = None
        self._hasta = 0.0

    def __call__(self) -> str:
        ahora = time.monotonic()
        if self._valor is None or ahora >= self._hasta:
            self._valor, self._hasta = version(self.clave), ahora + self.segundos
        return self._valor

    def renovar(self) -> None:
        version_renovar(self.clave)
        self._valor = None


def _anonimo_sin_estado(request) -> bool:
    # No session and no pending messages: the page is the same for everyone.
    return (
        request.method == "GET"
        and "sessionid" not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def pagina_publica(*parametros: str, version):
    """Caches a public page whole for anonymous visitors, under `version()`.

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
            clave = f"pagina:{version()}:{request.path}?{urlencode(pedidos)}"
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


def fragmento(clave: str, construir, *, clave_version: str, extras=()) -> tuple[str, dict]:
    """A piece of a page, built again when the version under `clave_version`
    changes. The version, the piece and the `extras` keys are read in one
    round trip; returns the HTML and the extras found."""
    leidos = cache.get_many([clave_version, clave, *extras])
    encontrados = {k: leidos[k] for k in extras if k in leidos}
    actual = leidos.get(clave_version)
    guardado = leidos.get(clave)
    if actual is not None and guardado is not None and guardado[0] == actual:
        return guardado[1], encontrados
    if actual is None:
        actual = version(clave_version)
    html = construir()
    cache.set(clave, (actual, html), DURACION)
    return html, encontrados
