"""Template helpers: the household assessment panel (profile and desk) and the workbench card's permission check."""

from django import template

from quanke.assistance import selectors
from quanke.core import permissions

register = template.Library()


@register.filter
def can_review_assistance(user) -> bool:
    return permissions.can_review_assistance(user)


@register.inclusion_tag("assistance/_assessment_body.html", takes_context=True)
def household_assessment(context, resident):
    """The rules applied today to the resident's household; nothing for users without personal-data access."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if resident is None or not (
        permissions.can_view_personal_data(user) and permissions.unit_in_scope(user, resident.unit)
    ):
        return {"assessment": None}
    return {
        "assessment": selectors.household_assessment(actor=user, resident=resident),
        "resident": resident,
        "can_review": permissions.can_review_assistance(user),
        "open_findings": list(selectors.findings_for_household(actor=user, household=resident.household)),
        "applications": list(selectors.applications_for_resident(actor=user, resident=resident)[:5]),
    }


@register.filter
def program_name(code: str) -> str:
    return selectors.program_label(code)


@register.inclusion_tag("assistance/_stale_parameters.html", takes_context=True)
def stale_parameters(context):
    """The desk's strip: the user's locality parameters that every assessment today would warn about."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"warnings": selectors.stale_parameter_warnings(getattr(user, "unit", None)) if user else []}
