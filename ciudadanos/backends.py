"""Authentication backends. They authenticate exactly as allauth's and
Django's do; they only keep the logged-in user in the cache between requests,
saving a database query on every page. Any save or deletion of the user drops
the cached copy (ciudadanos/signals.py)."""

from allauth.account.auth_backends import AuthenticationBackend
from django.core.cache import cache

DURACION = 300


def clave_usuario(usuario_id) -> str:
    return f"usuario:{usuario_id}"


class AutenticacionConCache(AuthenticationBackend):
    def get_user(self, user_id):
        clave = clave_usuario(user_id)
        usuario = cache.get(clave)
        if usuario is None:
            usuario = super().get_user(user_id)
            if usuario is not None:
                cache.set(clave, usuario, DURACION)
        return usuario if self.user_can_authenticate(usuario) else None
