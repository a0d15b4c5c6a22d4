from django import template

from ciudadanos.niveles import requisito_texto

register = template.Library()


@register.filter
def requisito_de_ingreso(nivel) -> str:
    """What a procedure page says about the login level it needs, in plain words ("" for the portal's password)."""
    return requisito_texto(nivel)
