"""Template tags that let other apps' pages (nav, workbench, resident profile) show matters, scoped to the user."""

from django import template
from django.utils import timezone

from quanke.core import permissions
from quanke.core.unit_settings import UnitValues
from quanke.matters import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def matters_access(context) -> dict:
    user = context["request"].user
    return {
        "any": permissions.can_view_personal_data(user),
        "desk": permissions.can_take_intake(user),
        "queue": permissions.can_use_matter_queues(user),
        "head": permissions.can_view_station_dashboard(user),
    }


@register.simple_tag(takes_context=True)
def matters_panel(context) -> dict:
    user = context["request"].user
    access = matters_access(context)
    panel = {"access": access}
    if access["queue"]:
        panel["queue"] = selectors.queue_counts(actor=user)
    if access["desk"]:
        panel["desk"] = selectors.desk_counts(actor=user)
    if access["head"]:
        today = timezone.localdate()
        panel["today"] = selectors.station_stats(unit=user.unit, since=today, until=today)
    return panel


@register.simple_tag(takes_context=True)
def resident_matters(context, resident, limit: int = 20) -> list:
    user = context["request"].user
    rows = list(selectors.matters_of_resident(actor=user, resident=resident)[:limit])
    today = timezone.localdate()
    near = UnitValues("near_due_working_days")
    for m in rows:
        m.flag = m.deadline_state(today, near.get(m.unit_id))
    return rows
