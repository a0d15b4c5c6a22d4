from django.conf import settings


def portal(request):
    """Values every page needs: the entity's name and contact details."""
    usuario = getattr(request, "user", None)
    return {
        "casilla_no_leidas": (
            _NoLeidas(usuario, getattr(request, "casilla_no_leidas", None))
            if usuario is not None and usuario.is_authenticated
            else 0
        ),
        "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
        "ENTIDAD_CORREO_CONTACTO": settings.ENTIDAD_CORREO_CONTACTO,
        "ENTIDAD_TELEFONO": settings.ENTIDAD_TELEFONO,
    }


class _NoLeidas:
    """Counted only if a template shows it (one cached read)."""

    def __init__(self, usuario, ya_leido=None):
        self.usuario = usuario
        # A view that already read the count from the cache (in the same round
        # trip as its page fragment) passes it along.
        self._valor = ya_leido

    def _contar(self):
        if self._valor is None:
            from ciudadanos.selectors import no_leidas_contar

            self._valor = no_leidas_contar(usuario=self.usuario)
        return self._valor

    def __str__(self):
        return str(self._contar())

    def __bool__(self):
        return bool(self._contar())

    def __int__(self):
        return self._contar()
