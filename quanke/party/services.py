"""Writes to the party register: a member registered or corrected, a transfer out, an in-service 报到, and the
register's part in finishing a party matter (PT-TRANSFER-IN / -OUT, PT-INSERVICE-REPORT), in the matter's own
transaction. Each checks permission and leaves an audit row."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.audit import audit_record, diff, snapshot
from quanke.core.models import AuditEvent
from quanke.party.models import (
    INSERVICE_ITEM,
    MIN_AGE,
    TRANSFER_IN_ITEM,
    TRANSFER_OUT_ITEM,
    InServiceReport,
    Membership,
    PartyMember,
    Relation,
)

A = AuditEvent.Action
MEMBER_FIELDS = [
    "branch",
    "membership",
    "joined_on",
    "full_member_on",
    "relation",
    "relation_in_on",
    "relation_in_from",
    "relation_out_on",
    "relation_out_to",
    "workplace",
    "note",
]


def _check(member: PartyMember) -> None:
    today = timezone.localdate()
    if member.membership and member.membership not in Membership.values:
        raise ValidationError({"membership": _("党员类别未知。")})
    if member.relation not in Relation.values:
        raise ValidationError({"relation": _("组织关系状态未知。")})
    for name in ("joined_on", "full_member_on", "relation_in_on", "relation_out_on"):
        value = getattr(member, name)
        if value and value > today:
            raise ValidationError({name: _("日期不能晚于今天。")})
    if member.resident.age_on(today) < MIN_AGE:
        raise ValidationError({"resident": _("未满十八周岁，不能登记为党员。")})
    if member.joined_on and member.resident.age_on(member.joined_on) < MIN_AGE:
        raise ValidationError({"joined_on": _("入党时未满十八周岁，请核对入党日期。")})
    if member.membership == Membership.PROBATIONARY and member.full_member_on:
        raise ValidationError({"full_member_on": _("预备党员尚无转正日期。")})
    if member.joined_on and member.full_member_on and member.full_member_on < member.joined_on:
        raise ValidationError({"full_member_on": _("转正日期早于入党日期。")})
    if member.relation == Relation.OUT and not member.relation_out_on:
        raise ValidationError({"relation_out_on": _("已转出须填写转出日期。")})
    if member.relation_in_on and member.relation_out_on and member.relation_out_on < member.relation_in_on:
        raise ValidationError({"relation_out_on": _("转出日期早于转入日期。")})


def party_member_register(*, actor, resident, **fields) -> PartyMember:
    """Enter a resident in the register (fields: MEMBER_FIELDS)."""
    permissions.require(permissions.can_manage_party_register(actor, resident.unit))
    if PartyMember.objects.filter(resident=resident).exists():
        raise ValidationError({"resident": _("该居民已在党员名册中。")})
    member = PartyMember(
        resident=resident, unit=resident.unit, **{k: fields[k] for k in MEMBER_FIELDS if k in fields}
    )
    _check(member)
    with transaction.atomic():
        member.save()
        audit_record(
            actor=actor, action=A.CREATE, obj=member, changes=snapshot(member, ["resident", *MEMBER_FIELDS])
        )
    return member


def party_member_update(*, actor, member: PartyMember, **fields) -> PartyMember:
    permissions.require(permissions.can_manage_party_register(actor, member.unit))
    with transaction.atomic():
        member = PartyMember.objects.select_for_update().get(pk=member.pk)
        before = snapshot(member, MEMBER_FIELDS)
        for k in MEMBER_FIELDS:
            if k in fields:
                setattr(member, k, fields[k])
        _check(member)
        changes = diff(before, snapshot(member, MEMBER_FIELDS))
        if changes:
            member.save(update_fields=[*changes, "updated_at"])
            audit_record(actor=actor, action=A.UPDATE, obj=member, changes=changes)
    return member


def inservice_report_add(
    *,
    actor,
    member: PartyMember,
    reported_on: date,
    workplace: str = "",
    commitments: str = "",
    pledged_hours=0,
    served_hours=0,
    matter=None,
    check: bool = True,
) -> InServiceReport:
    if check:
        permissions.require(permissions.can_manage_party_register(actor, member.unit))
    if reported_on > timezone.localdate():
        raise ValidationError({"reported_on": _("报到日期不能晚于今天。")})
    pledged, served = Decimal(str(pledged_hours or 0)), Decimal(str(served_hours or 0))
    if pledged < 0 or served < 0:
        raise ValidationError({"pledged_hours": _("服务时长不能为负数。")})
    with transaction.atomic():
        report = InServiceReport.objects.create(
            member=member,
            unit=member.unit,
            reported_on=reported_on,
            workplace=(workplace or member.workplace).strip(),
            commitments=commitments,
            pledged_hours=pledged,
            served_hours=served,
            matter=matter,
        )
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=report,
            changes=snapshot(report, ["member", "reported_on", "workplace", "pledged_hours", "served_hours"]),
        )
    return report


def _member_for_matter(matter, *, actor, relation: str) -> PartyMember:
    """The resident's entry, entered now (unit, relation; the rest 待补录) if she has none yet."""
    member = PartyMember.objects.select_for_update().filter(resident=matter.resident).first()
    if member is not None:
        return member
    member = PartyMember.objects.create(
        resident=matter.resident,
        unit=matter.resident.unit,
        relation=relation,
        note=_("由办件 %(code)s 办结登记，待补录党员信息") % {"code": matter.tracking_code},
    )
    audit_record(
        actor=actor, action=A.CREATE, obj=member, changes=snapshot(member, ["resident", "relation", "note"])
    )
    return member


def _set(member, *, actor, matter, **values) -> None:
    before = snapshot(member, MEMBER_FIELDS)
    for k, v in values.items():
        setattr(member, k, v)
    changes = diff(before, snapshot(member, MEMBER_FIELDS))
    if changes:
        member.save(update_fields=[*changes, "updated_at"])
        audit_record(actor=actor, action=A.UPDATE, obj=member, changes={**changes, "item": matter.item.code})


def register_on_matter_finished(matter, *, actor, on) -> None:
    """Finishing a party matter of a registered resident writes the register in the same transaction (the matter
    service has checked that the actor may finish it): 转入 puts the relationship here from that day, 转出 records it
    leaving, 报到 adds an in-service report (the result note as her commitments). Consultations, anonymous callers
    and residents under eighteen leave the register as it is; a transfer out of someone not in the register changes
    nothing."""
    code = matter.item.code
    if code not in (TRANSFER_IN_ITEM, TRANSFER_OUT_ITEM, INSERVICE_ITEM):
        return
    if matter.kind != "application" or matter.resident_id is None:
        return
    if matter.resident.age_on(on) < MIN_AGE:
        return  # a minor's matter (a mistaken resident link) never puts her in the register
    if code == TRANSFER_IN_ITEM:
        member = _member_for_matter(matter, actor=actor, relation=Relation.HERE)
        _set(
            member,
            actor=actor,
            matter=matter,
            relation=Relation.HERE,
            relation_in_on=on,
            relation_out_on=None,
            relation_out_to="",
        )
    elif code == TRANSFER_OUT_ITEM:
        member = PartyMember.objects.select_for_update().filter(resident=matter.resident).first()
        if member is not None and member.relation == Relation.HERE:
            in_on = member.relation_in_on if member.relation_in_on and member.relation_in_on <= on else None
            _set(
                member,
                actor=actor,
                matter=matter,
                relation=Relation.OUT,
                relation_out_on=on,
                relation_in_on=in_on,
            )
    else:
        member = _member_for_matter(matter, actor=actor, relation=Relation.WORKPLACE)
        inservice_report_add(
            actor=actor,
            member=member,
            reported_on=on,
            commitments=matter.result_note,
            matter=matter,
            check=False,
        )
