"""The resident page's 党员 section (included through quanke.core.seams): shown only to who may see the register,
and each showing is a sensitive read (quanke.party.selectors.resident_membership)."""

from django import template

from quanke.party import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def resident_party_member(context, resident):
    return selectors.resident_membership(
        actor=context["request"].user, resident=resident, via="registry.resident"
    )
