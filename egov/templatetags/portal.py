import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def destino_error(bound_field):
    """The id an error-summary link should jump to: the input itself, or the
    first of a group (radios, day/month/year)."""
    return bound_field.id_for_label or f"{bound_field.auto_id}_0"


@register.filter
def soles(valor):
    """An amount as Peruvians write it: 15 -> "S/ 15.00", 1234.5 -> "S/ 1,234.50".
    Empty for no amount (None or "")."""
    if valor is None or valor == "":
        return ""
    try:
        monto = Decimal(str(valor)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return ""
    return "S/ " + number_format(monto, decimal_pos=2, use_l10n=True, force_grouping=True)


@register.filter
def fecha_iso(valor):
    """A date written as ISO text (as the open-data figures carry it) turned
    into a date, so the `date` filter can write it the Peruvian way.
    Dates pass through; anything unreadable becomes None."""
    if isinstance(valor, datetime.date):
        return valor
    try:
        return datetime.date.fromisoformat(str(valor)[:10])
    except ValueError:
        return None
