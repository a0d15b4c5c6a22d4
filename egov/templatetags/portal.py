from django import template

register = template.Library()


@register.filter
def destino_error(bound_field):
    """The id an error-summary link should jump to: the input itself, or the
    first of a group (radios, day/month/year)."""
    return bound_field.id_for_label or f"{bound_field.auto_id}_0"
