from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def fig(value):
    """A figure for display: thousands separators, '—' when there is none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal) and value.as_tuple().exponent == -2:
        return f"{value:,.2f}"  # money keeps its cents: 1,146.50
    if isinstance(value, Decimal | float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return value


@register.filter
def signed(value):
    if value is None:
        return "—"
    text = fig(abs(value)) if value else "0"
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)
