import datetime
import re
from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

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


# A link written in a notice: the portal's own absolute address or a path on
# it, standing as a word of its own (after a space, "(" or the start: "12/03"
# and "</b>" are not links); a path never starts with "//" (another host).
_ENLACE = re.compile(r"(?<![^\s(])(?:https?://[^\s<>\"'`]+|/[\w\-][^\s<>\"'`]*)")
_PUNTUACION_FINAL = ".,;:!?)»"


def _del_portal(url: str) -> bool:
    if url.startswith("/"):
        return True
    sitio = settings.SITE_URL.rstrip("/")
    return url == sitio or url.startswith(sitio + "/")


@register.filter
def enlaces_del_portal(texto):
    """Plain text (a notice's body: nothing in it is trusted HTML) escaped,
    with the portal's own addresses made links; any other address stays text.
    Goes before `linebreaks`, which keeps what this returns."""
    texto = str(texto or "")
    partes, inicio = [], 0
    for encontrado in _ENLACE.finditer(texto):
        url = encontrado.group(0).rstrip(_PUNTUACION_FINAL)
        if not _del_portal(url):
            continue
        fin = encontrado.start() + len(url)
        partes.append(escape(texto[inicio:encontrado.start()]))
        partes.append(format_html('<a href="{}">{}</a>', url, url))
        inicio = fin
    partes.append(escape(texto[inicio:]))
    return mark_safe("".join(partes))  # noqa: S308 -- every piece escaped above
