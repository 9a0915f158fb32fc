"""Reads of residents, always scoped to the actor's unit."""

import re

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

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


class UnknownTag(ValidationError):
    """A filter by a tag that does not exist or that the actor may not use (permissions.can_use_tag). Both are
    refused with the same words, so that the answer tells nothing about who carries a sensitive tag."""

    api_code = "registry.unknown_tag"

    def __init__(self):
        super().__init__(
            {"tag": [ValidationError(_("没有这个人群标签，或您无权按它筛选。"), code="unknown_tag")]}
        )


def tags_for(*, actor) -> list[Tag]:
    """The tags the actor may see on a record and filter by (the choices a list or form offers her)."""
    return permissions.usable_tags(actor, Tag.objects.all())


def filter_tag(*, actor, code: str) -> Tag | None:
    """The tag a list is asked to filter by, or None for no filter; UnknownTag if the actor may not use it."""
    if not code:
        return None
    tag = Tag.objects.filter(code=code).first()
    if tag is None or not permissions.can_use_tag(actor, tag):
        raise UnknownTag()
    return tag


def resident_search(*, actor, query: str = "", tag: Tag | None = None):
    """Look up by full or partial ID number, phone, name, or pinyin (full or initials: `zsf` finds 张三丰).

    `tag` comes from `filter_tag`, which has checked that the actor may use it."""
    qs = residents_for(actor=actor).select_related("household", "unit")
    query = (query or "").strip()
    if tag is not None:
        if not permissions.can_use_tag(actor, tag):
            raise UnknownTag()
        qs = qs.filter(tags=tag)
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


def resident_page(
    *, actor, query: str = "", tag: str = "", via: str, order: tuple[str, ...], offset: int, size: int
) -> tuple[list[Resident], bool]:
    """One page of a resident search as shown through `via` ("web", "api"), and whether there is a next page
    (one extra row is fetched instead of a COUNT over the table).

    A filter by a sensitive tag is a read of who carries it: it writes one READ_SENSITIVE row naming the tag, the
    filter and the residents listed, even when nobody is."""
    filter_by = filter_tag(actor=actor, code=tag)
    qs = resident_search(actor=actor, query=query, tag=filter_by).order_by(*order)
    rows = list(qs[offset : offset + size + 1])
    has_next, rows = len(rows) > size, rows[:size]
    if filter_by is not None and filter_by.sensitive:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.READ_SENSITIVE,
            obj=filter_by,
            unit=actor.unit,
            changes={
                "via": via,
                "filter": {"tag": filter_by.code, "q": (query or "").strip(), "offset": offset},
                "residents": [r.pk for r in rows],
            },
        )
    return rows, has_next


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
    tags = permissions.usable_tags(actor, resident.tags.all())
    sensitive = [t.code for t in tags if t.sensitive]
    if sensitive:
        audit_record(
            actor=actor, action=AuditEvent.Action.READ_SENSITIVE, obj=resident, changes={"tags": sensitive}
        )
    return tags


def current_programs(resident) -> set[str]:
    from datetime import date

    today = date.today()
    return {b.program for b in resident.benefits.all() if b.end_date is None or b.end_date >= today}
