"""The resident page's 助餐卡 section (included through quanke.core.seams)."""

from django import template

from quanke.meals import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def resident_meal_cards(context, resident):
    return selectors.resident_cards(actor=context["request"].user, resident=resident)
