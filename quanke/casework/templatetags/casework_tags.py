"""Template tags for the casework templates other pages include through quanke.core.seams (the workbench card,
the resident page's section)."""

from django import template
from django.utils import timezone

from quanke.casework import selectors
from quanke.core import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def resident_cases(context, resident):
    """The resident's cases this user may read (nothing at all for anyone else)."""
    return list(selectors.cases_of_resident(actor=context["request"].user, resident=resident))


@register.simple_tag(takes_context=True)
def casework_panel(context) -> dict:
    user = context["request"].user
    if not permissions.is_case_worker(user):
        return {}
    today = timezone.localdate()
    queue = selectors.approvals_for(actor=user)
    return {
        "today": today,
        "due": list(selectors.followups_due(actor=user, day=today)[:10]),
        "open_count": selectors.cases_for(actor=user, day=today)
        .filter(workers=user)
        .exclude(status="closed")
        .count(),
        "approvals": len(queue["plans"]) + len(queue["closures"]) + len(queue["emergencies"]),
    }
