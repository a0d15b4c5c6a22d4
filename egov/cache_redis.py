"""Django's Redis cache backend, reusing one redis-py client per connection
pool. The stock client builds a new `redis.Redis` object for every operation,
which costs more than the round trip itself on a busy page."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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
