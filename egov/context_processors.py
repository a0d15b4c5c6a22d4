from django.conf import settings


def portal(request):
    """Values every page needs: the entity's name and contact details."""
    return {
        "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
        "ENTIDAD_CORREO_CONTACTO": settings.ENTIDAD_CORREO_CONTACTO,
        "ENTIDAD_TELEFONO": settings.ENTIDAD_TELEFONO,
    }
