from django import template

from quanke.registry import idnumber

register = template.Library()


@register.filter
def mask_id(value: str) -> str:
    return idnumber.mask(value)


@register.filter
def mask_phone(value: str) -> str:
    return idnumber.mask_phone(value)
