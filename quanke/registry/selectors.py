"""Reads of residents, always scoped to the actor's unit."""

import re

from django.db.models import Prefetch, Q

from quanke.core import permissions
from quanke.core.audit import audit_record, audited_get
from quanke.core.models import AuditEvent
from quanke.registry import idnumber
from quanke.registry.models import Benefit, Household, Resident, Tag

# Four to eighteen characters of an ID number: digits, the last one may be the check character X.
ID_FRAGMENT = re.compile(r"^(?=[0-9X]{4,18}$)[0-9]+X?$", re.ASCII)
LATIN = re.compile(r"^[A-Za-z]+$")


def residents_for(*, actor):
    return Resident.objects.filter(permissions.unit_scope(actor))


def households_for(*, actor):
    return Household.objects.filter(permissions.unit_scope(actor))


def resident_search(*, actor, query: str = "", tag: str = ""):
    """Look up by full or partial ID number, phone, name, or pinyin (full or initials: `zsf` finds 张三丰)."""
    qs = residents_for(actor=actor).select_related("household", "unit")
    query = (query or "").strip()
    if tag:
        qs = qs.filter(tags__code=tag)
    if not query:
        return qs
    # Full-width digits, spaces or a lowercase x find the stored (normalised) number too.
    ident = idnumber.normalize(query)
    if len(ident) == 18 and ID_FRAGMENT.match(ident):
        return qs.filter(id_number=ident)
    if ID_FRAGMENT.match(ident):
        return qs.filter(
            Q(id_number__endswith=ident) | Q(phone__contains=ident) | Q(id_number__startswith=ident)
        )
    if LATIN.match(query):
        q = query.lower()
        return qs.filter(Q(name_initials__startswith=q) | Q(name_pinyin__startswith=q))
    return qs.filter(name__contains=query)


def resident_get_for(*, actor, pk, via: str = "") -> Resident:
    """The resident if the actor may see her; 404 otherwise (never reveal that another unit's record exists).

    `via` names the entry point that shows her record (see core.audit.audit_read), which writes one read row;
    leave it empty only to look her up for a write, which its service audits."""
    return audited_get(
        (
            residents_for(actor=actor)
            .select_related("household", "unit", "unit__parent")
            .prefetch_related(
                "tags",
                Prefetch("benefits", queryset=Benefit.objects.order_by("-start_date")),
                "documents",
                Prefetch("household__members", queryset=Resident.objects.order_by("id")),
            )
        ),
        pk,
        actor=actor,
        via=via,
        missing="resident not found",
    )


def visible_tags(*, actor, resident) -> list[Tag]:
    """The resident's tags the actor may see. Reading a sensitive one is written to the audit trail."""
    tags = [t for t in resident.tags.all() if permissions.can_view_sensitive_tag(actor, t)]
    sensitive = [t.code for t in tags if t.sensitive]
    if sensitive:
        audit_record(
            actor=actor, action=AuditEvent.Action.READ_SENSITIVE, obj=resident, changes={"tags": sensitive}
        )
    return tags


def tag_choices_for(*, actor):
    return [t for t in Tag.objects.all() if permissions.can_view_sensitive_tag(actor, t)]


def current_programs(resident) -> set[str]:
    from datetime import date

    today = date.today()
    return {b.program for b in resident.benefits.all() if b.end_date is None or b.end_date >= today}
