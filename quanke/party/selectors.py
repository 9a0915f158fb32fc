"""Reads of the party register. Membership is sensitive: showing one member writes a read row, and a list writes
one READ_SENSITIVE row naming the members it showed (as a filter by a sensitive tag does)."""

from quanke.core import permissions
from quanke.core.audit import audit_record, audited_get
from quanke.core.models import AuditEvent
from quanke.party.models import InServiceReport, PartyMember, Relation


def members_for(*, actor):
    return PartyMember.objects.filter(permissions.party_scope(actor)).select_related("resident", "unit")


def member_get_for(*, actor, pk, via: str = "") -> PartyMember:
    return audited_get(
        members_for(actor=actor).select_related("resident__household"),
        pk,
        actor=actor,
        via=via,
        missing="没有找到该党员，或您无权查看。",
    )


def member_page(*, actor, via: str, query: str = "", relation: str = "", offset: int, size: int):
    """One page of the register as shown through `via`, and whether there is a next one; one READ_SENSITIVE row
    names who was listed (even nobody)."""
    qs = members_for(actor=actor)
    relation = relation if relation in Relation.values else ""
    if relation:
        qs = qs.filter(relation=relation)
    query = (query or "").strip()
    if query:
        qs = qs.filter(resident__name__contains=query)
    rows = list(qs.order_by("unit__path", "branch", "id")[offset : offset + size + 1])
    has_next, rows = len(rows) > size, rows[:size]
    audit_record(
        actor=actor,
        action=AuditEvent.Action.READ_SENSITIVE,
        object_type="party.partymember",
        unit=actor.unit,
        changes={
            "via": via,
            "filter": {"q": query, "relation": relation, "offset": offset},
            "residents": [m.resident_id for m in rows],
        },
    )
    return rows, has_next


def resident_membership(*, actor, resident, via: str) -> PartyMember | None:
    """The resident's register entry for her page, if the actor may see the register (else None and no row)."""
    if not permissions.can_view_party_register(actor):
        return None
    member = members_for(actor=actor).filter(resident=resident).first()
    if member is not None:
        audit_record(actor=actor, action=AuditEvent.Action.READ_SENSITIVE, obj=member, changes={"via": via})
    return member


def reports_of(member: PartyMember):
    return (
        InServiceReport.objects.filter(member=member).select_related("matter").order_by("-reported_on", "-id")
    )
