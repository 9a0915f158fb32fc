"""Template tags so that the desk and the workbench can show visit information without their views knowing."""

from django import template
from django.utils import timezone

from quanke.core import permissions
from quanke.visits import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def on_duty_now(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return selectors.on_duty_panel(actor=user) if user is not None else None


@register.simple_tag(takes_context=True)
def visits_panel(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if not permissions.can_view_personal_data(user):
        return None
    unit = selectors.default_station(user)
    if unit is None:
        return None
    today = timezone.localdate()
    return {
        "unit": unit,
        "bookings": list(selectors.my_bookings_on(actor=user, day=today)),
        "overdue": len(selectors.overdue_households(actor=user, unit=unit)),
        "alerts": selectors.low_stock(unit=unit),
    }


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0) if mapping else 0
