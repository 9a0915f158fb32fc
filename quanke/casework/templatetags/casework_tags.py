"""Template tags for casework pieces that appear on other apps' pages (nav, workbench, resident profile)."""

from django import template
from django.utils import timezone

from quanke.casework import selectors
from quanke.core import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def casework_access(context) -> bool:
    """Whether the nav shows 个案: case workers, and partner staff (who see only cases a consent covers)."""
    return permissions.can_list_cases(context["request"].user)


@register.simple_tag(takes_context=True)
def resident_cases(context, resident):
    """The resident's cases this user may read (nothing at all for anyone else)."""
    return list(selectors.cases_of_resident(actor=context["request"].user, resident=resident))


@register.simple_tag(takes_context=True)
def can_open_case(context, resident) -> bool:
    return permissions.can_open_case(context["request"].user, resident)


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
