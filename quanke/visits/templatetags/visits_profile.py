from django import template

from quanke.visits import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def resident_visits(context, resident):
    """The household's visits on the resident profile, hand-outs filtered by what the viewer may see."""
    return selectors.resident_visits(actor=context["request"].user, resident=resident)
