"""
The portal's Redis cache: Django's, made fast and tolerant of a Redis outage.

* One redis-py client per connection pool (the stock client builds a new
  `redis.Redis` object for every operation, which costs more than the round
  trip itself on a busy page).
* Redis is an optimisation, not a source of truth: when it does not answer,
  every operation answers as an empty cache that keeps nothing would (a read
  misses, a write is dropped, `add` succeeds), logged once per outage, and
  Redis is not tried again for a few seconds, so a page pays at most one
  connection attempt. `incr` is the exception: a counter cannot be faked, so
  it raises `CacheNoDisponible` and each rate limiter decides (egov/red.py).
* Writes lost during an outage (a citizen's page version, the catalog's
  version, a deleted unread count) would leave stale pages behind once Redis
  is back. So every key carries the cache's *generation*, a counter in Redis
  that any process which saw an outage increments when Redis answers again:
  every key written before is left behind at once. Processes read the
  generation every few seconds.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Seconds without trying Redis after it failed.
ESPERA_TRAS_FALLO = 5.0
# Seconds a process keeps the generation it read.
GENERACION_SEGUNDOS = 5.0
CLAVE_GENERACION = "generacion"


class CacheNoDisponible(ValueError):
    """Redis did not answer an operation that cannot be answered without it.
    A ValueError, as Django's `incr` raises for a missing key."""


class ClienteReutilizado(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clientes = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        cliente = self._clientes.get(id(pool))
        if cliente is None:
            # redis.Redis is thread-safe: it takes a connection from the pool per command.
            cliente = self._clientes[id(pool)] = self._client(connection_pool=pool)
        return cliente


class RedisCacheRapida(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ClienteReutilizado
        self._caida_hasta = 0.0
        self._caida = False
        self._generacion = "0"
        self._generacion_hasta = 0.0

    # --- outage handling ---------------------------------------------------------

    def disponible(self) -> bool:
        """False while Redis is known to be down (until the next attempt)."""
        return not (self._caida and time.monotonic() < self._caida_hasta)

    def _fallo(self, error: Exception) -> None:
        if not self._caida:
            log.warning(
                "Redis no responde (%s): la caché se omite y se reintenta cada %.0f s",
                error.__class__.__name__, ESPERA_TRAS_FALLO,
            )
        self._caida = True
        self._caida_hasta = time.monotonic() + ESPERA_TRAS_FALLO

    def _recuperada(self) -> None:
        """First answer after an outage: whatever this process failed to write
        or delete meanwhile may be stale, so a new generation leaves every
        cached key behind."""
        self._caida = False
        try:
            self._generacion = str(self._cache.get_client(write=True).incr(self._clave_generacion()))
            self._generacion_hasta = time.monotonic() + GENERACION_SEGUNDOS
        except RedisError as error:
            self._fallo(error)
            return
        log.warning("Redis responde otra vez: caché renovada (generación %s)", self._generacion)

    def _intentar(self, operacion, por_defecto, *args, **kwargs):
        if not self.disponible():
            return por_defecto
        try:
            resultado = operacion(*args, **kwargs)
        except RedisError as error:
            self._fallo(error)
            return por_defecto
        if self._caida:
            self._recuperada()
        return resultado

    # --- keys carry the generation -------------------------------------------------

    def _clave_generacion(self) -> str:
        return f"{self.key_prefix}:{CLAVE_GENERACION}"

    def generacion(self) -> str:
        ahora = time.monotonic()
        if ahora >= self._generacion_hasta and self.disponible():
            try:
                valor = self._cache.get_client().get(self._clave_generacion())
            except RedisError as error:
                self._fallo(error)
            else:
                self._generacion = valor.decode() if valor else "0"
                self._generacion_hasta = ahora + GENERACION_SEGUNDOS
                if self._caida:
                    self._recuperada()
        return self._generacion

    def make_key(self, key, version=None):
        return super().make_key(f"g{self.generacion()}:{key}", version)

    # --- Django's cache API, tolerant ------------------------------------------------

    def add(self, key, value, timeout=None, version=None):
        # An empty cache that keeps nothing accepts every add.
        return self._intentar(super().add, True, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._intentar(super().get, default, key, default, version)

    def set(self, key, value, timeout=None, version=None):
        return self._intentar(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._intentar(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._intentar(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._intentar(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._intentar(super().has_key, False, key, version)

    def set_many(self, data, timeout=None, version=None):
        return self._intentar(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._intentar(super().delete_many, None, keys, version)

    def clear(self):
        return self._intentar(super().clear, False)

    def incr(self, key, delta=1, version=None):
        if not self.disponible():
            raise CacheNoDisponible(key)
        try:
            resultado = super().incr(key, delta, version)
        except RedisError as error:
            self._fallo(error)
            raise CacheNoDisponible(key) from error
        if self._caida:
            self._recuperada()
        return resultado
