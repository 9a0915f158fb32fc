"""Writes to the 5+N network: one transaction each, an actor, an audit row."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.audit import audit_record, snapshot
from quanke.core.models import AuditEvent
from quanke.network.models import (
    MONEY_ITEM,
    MONEY_UNIT,
    Activity,
    ActivityPhoto,
    Agreement,
    Direction,
    Engagement,
    HoursRedemption,
    LedgerEntry,
    OrganisationKind,
    PartnerStaff,
    RecipientKind,
    ResourceBalance,
    ResourceKind,
    ServiceKind,
    ServiceRecord,
    Slot,
    SocialOrganisation,
    SubjectKind,
    Volunteer,
    VolunteerTeam,
)

A = AuditEvent.Action


def _clean_choices(values, allowed, field: str) -> list[str]:
    values = [str(v) for v in values or []]
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ValidationError({field: _("不认识的选项：%(v)s") % {"v": "、".join(bad)}})
    return sorted(set(values), key=list(allowed).index)


def _positive(value, field: str, label: str) -> Decimal:
    value = Decimal(str(value))
    if value <= 0:
        raise ValidationError({field: _("%(f)s必须大于0。") % {"f": label}})
    return value


# --- Volunteers ---------------------------------------------------------------------------------------------------


def team_create(*, actor, unit, name: str, leader: str = "", description: str = "") -> VolunteerTeam:
    permissions.require(permissions.can_manage_network(actor, unit))
    name = name.strip()
    if VolunteerTeam.objects.filter(unit=unit, name=name).exists():
        raise ValidationError({"name": _("本单位已有同名服务队。")})
    with transaction.atomic():
        team = VolunteerTeam.objects.create(
            unit=unit, name=name, leader=leader.strip(), description=description
        )
        audit_record(actor=actor, action=A.CREATE, obj=team, changes={"name": team.name})
    return team


def volunteer_register(
    *,
    actor,
    unit,
    name: str,
    registered_on: date,
    phone: str = "",
    resident=None,
    team: VolunteerTeam | None = None,
    skills=(),
    availability=(),
    note: str = "",
) -> Volunteer:
    permissions.require(permissions.can_manage_network(actor, unit))
    if resident is not None:
        permissions.require(permissions.unit_in_scope(actor, resident.unit))
        if Volunteer.objects.filter(resident=resident).exists():
            raise ValidationError({"resident": _("该居民已登记为志愿者。")})
        name = name or resident.name
        phone = phone or resident.phone
    if team is not None and not permissions.unit_in_scope(actor, team.unit):
        raise ValidationError({"team": _("只能加入本单位的服务队。")})
    if not name.strip():
        raise ValidationError({"name": _("请填写姓名。")})
    volunteer = Volunteer(
        unit=unit,
        name=name.strip(),
        phone=phone.strip(),
        resident=resident,
        team=team,
        skills=_clean_choices(skills, ServiceKind.values, "skills"),
        availability=_clean_choices(availability, Slot.values, "availability"),
        registered_on=registered_on,
        note=note,
    )
    with transaction.atomic():
        volunteer.save()
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=volunteer,
            changes=snapshot(volunteer, ["name", "phone", "resident", "team", "skills", "availability"]),
        )
    return volunteer


def service_record_add(
    *,
    actor,
    volunteer: Volunteer,
    served_on: date,
    hours,
    service_kind: str = "",
    activity: Activity | None = None,
    subject_reference: str = "",
    description: str = "",
    unit=None,
) -> ServiceRecord:
    unit = unit or (activity.unit if activity else volunteer.unit)
    permissions.require(permissions.can_manage_network(actor, unit))
    hours = _positive(hours, "hours", _("服务时长"))
    if hours > 24:
        raise ValidationError({"hours": _("单次服务时长不能超过24小时。")})
    if activity is not None and ServiceRecord.objects.filter(volunteer=volunteer, activity=activity).exists():
        raise ValidationError({"activity": _("该志愿者参加此活动的服务时长已登记。")})
    with transaction.atomic():
        record = ServiceRecord.objects.create(
            volunteer=volunteer,
            unit=unit,
            served_on=served_on,
            hours=hours,
            service_kind=service_kind,
            activity=activity,
            subject_reference=subject_reference,
            description=description,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=record,
            changes=snapshot(record, ["volunteer", "served_on", "hours", "activity", "subject_reference"]),
        )
    return record


def hours_redeem(
    *, actor, volunteer: Volunteer, redeemed_on: date, hours, description: str
) -> HoursRedemption:
    """Spend time-bank hours. The volunteer row is locked so two redemptions cannot both pass the check."""
    permissions.require(permissions.can_manage_network(actor, volunteer.unit))
    hours = _positive(hours, "hours", _("兑换时长"))
    with transaction.atomic():
        Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        earned = volunteer.service_records.aggregate(s=Sum("hours"))["s"] or Decimal(0)
        spent = volunteer.redemptions.aggregate(s=Sum("hours"))["s"] or Decimal(0)
        if hours > earned - spent:
            raise ValidationError(
                {"hours": _("时间银行余额不足：可兑换 %(b)s 小时。") % {"b": earned - spent}}
            )
        redemption = HoursRedemption.objects.create(
            volunteer=volunteer,
            redeemed_on=redeemed_on,
            hours=hours,
            description=description,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=redemption,
            unit=volunteer.unit,
            changes={"volunteer": volunteer.pk, "hours": hours, "description": description},
        )
    return redemption


# --- Organisations ------------------------------------------------------------------------------------------------


def organisation_create(
    *,
    actor,
    unit,
    name: str,
    kind: str,
    services=(),
    service_area=(),
    contact_person: str = "",
    phone: str = "",
    address: str = "",
    note: str = "",
) -> SocialOrganisation:
    permissions.require(permissions.can_manage_network(actor, unit))
    if kind not in OrganisationKind.values:
        raise ValidationError({"kind": _("请选择组织类型。")})
    if SocialOrganisation.objects.filter(unit=unit, name=name.strip()).exists():
        raise ValidationError({"name": _("该合作方已在名录中。")})
    with transaction.atomic():
        org = SocialOrganisation.objects.create(
            unit=unit,
            name=name.strip(),
            kind=kind,
            services=_clean_choices(services, ServiceKind.values, "services"),
            contact_person=contact_person,
            phone=phone,
            address=address,
            note=note,
        )
        if service_area:
            org.service_area.set(service_area)
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=org,
            changes={
                **snapshot(org, ["name", "kind", "services"]),
                "service_area": [u.pk for u in service_area],
            },
        )
    return org


def agreement_add(
    *,
    actor,
    organisation: SocialOrganisation,
    title: str,
    start_on: date,
    end_on: date | None = None,
    note="",
) -> Agreement:
    permissions.require(permissions.can_manage_network(actor, organisation.unit))
    if end_on is not None and end_on < start_on:
        raise ValidationError({"end_on": _("到期日期不能早于生效日期。")})
    with transaction.atomic():
        agreement = Agreement.objects.create(
            organisation=organisation, title=title, start_on=start_on, end_on=end_on, note=note
        )
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=agreement,
            unit=organisation.unit,
            changes=snapshot(agreement, ["organisation", "title", "start_on", "end_on"]),
        )
    return agreement


def partner_staff_link(*, actor, user, organisation: SocialOrganisation) -> PartnerStaff:
    """Give a login to a partner's staff member. Only a head (or admin) of the organisation's unit may."""
    permissions.require(
        permissions.can_manage_network(actor, organisation.unit)
        and actor.has_role(permissions.Role.STATION_HEAD, permissions.Role.ADMIN)
    )
    if user.roles:
        raise ValidationError({"user": _("合作方人员账号不能同时拥有工作人员角色。")})
    with transaction.atomic():
        link, _created = PartnerStaff.objects.update_or_create(
            user=user, defaults={"organisation": organisation}
        )
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=link,
            unit=organisation.unit,
            changes={"user": user.pk, "organisation": organisation.pk},
        )
    return link


# --- Resources ledger ---------------------------------------------------------------------------------------------


def _item_key(kind: str, item: str, item_unit: str) -> tuple[str, str]:
    if kind == ResourceKind.MONEY:
        return MONEY_ITEM, MONEY_UNIT
    if kind != ResourceKind.IN_KIND:
        raise ValidationError({"kind": _("请选择资源类型。")})
    item, item_unit = (item or "").strip(), (item_unit or "").strip()
    if not item or not item_unit:
        raise ValidationError({"item": _("物资须填写名称和计量单位。")})
    return item, item_unit


LEDGER_AUDIT_FIELDS = [
    "direction",
    "kind",
    "item",
    "quantity",
    "entry_on",
    "purpose",
    "donor_name",
    "recipient_kind",
    "case_reference",
]


def ledger_receive(
    *,
    actor,
    unit,
    kind: str,
    quantity,
    entry_on: date,
    donor_name: str,
    purpose: str,
    item: str = "",
    item_unit: str = "",
    donor_organisation: SocialOrganisation | None = None,
    estimated_value=None,
    note: str = "",
) -> LedgerEntry:
    """Record a donation in (money in yuan, or goods by quantity) and raise the balance."""
    permissions.require(permissions.can_record_ledger(actor, unit))
    item, item_unit = _item_key(kind, item, item_unit)
    quantity = _positive(quantity, "quantity", _("金额/数量"))
    donor_name = (donor_name or (donor_organisation.name if donor_organisation else "")).strip()
    if not donor_name:
        raise ValidationError({"donor_name": _("请填写捐赠方。")})
    with transaction.atomic():
        balance, _created = ResourceBalance.objects.get_or_create(
            unit=unit, kind=kind, item=item, defaults={"item_unit": item_unit}
        )
        balance = ResourceBalance.objects.select_for_update().get(pk=balance.pk)
        if balance.item_unit != item_unit:
            raise ValidationError(
                {"item_unit": _("%(i)s 的计量单位应为「%(u)s」。") % {"i": item, "u": balance.item_unit}}
            )
        entry = LedgerEntry.objects.create(
            unit=unit,
            direction=Direction.IN,
            kind=kind,
            item=item,
            item_unit=item_unit,
            quantity=quantity,
            estimated_value=quantity if kind == ResourceKind.MONEY else estimated_value,
            entry_on=entry_on,
            purpose=purpose,
            donor_name=donor_name,
            donor_organisation=donor_organisation,
            note=note,
            recorded_by=actor,
        )
        balance.balance += quantity
        balance.save(update_fields=["balance"])
        audit_record(actor=actor, action=A.CREATE, obj=entry, changes=snapshot(entry, LEDGER_AUDIT_FIELDS))
    return entry


def ledger_disburse(
    *,
    actor,
    unit,
    kind: str,
    quantity,
    entry_on: date,
    purpose: str,
    recipient_kind: str,
    item: str = "",
    recipient_resident=None,
    recipient_activity: Activity | None = None,
    recipient_organisation: SocialOrganisation | None = None,
    case_reference: str = "",
    note: str = "",
) -> LedgerEntry:
    """Pay out money or hand out goods. Refused when the balance would go negative: the balance row is locked
    (select_for_update) and the database's CHECK (balance >= 0) is the last line of defence."""
    permissions.require(permissions.can_record_ledger(actor, unit))
    item, _unit = _item_key(kind, item, "-")
    quantity = _positive(quantity, "quantity", _("金额/数量"))
    targets = {
        RecipientKind.RESIDENT: recipient_resident,
        RecipientKind.CASE: case_reference,
        RecipientKind.ACTIVITY: recipient_activity,
        RecipientKind.ORGANISATION: recipient_organisation,
    }
    if recipient_kind not in targets or not targets[recipient_kind]:
        raise ValidationError({"recipient_kind": _("请选择接收方。")})
    if recipient_resident is not None:
        permissions.require(permissions.unit_in_scope(actor, recipient_resident.unit))
    if recipient_activity is not None:
        permissions.require(permissions.unit_in_scope(actor, recipient_activity.unit))
    with transaction.atomic():
        balance = ResourceBalance.objects.select_for_update().filter(unit=unit, kind=kind, item=item).first()
        available = balance.balance if balance else Decimal(0)
        if quantity > available:
            raise ValidationError(
                {
                    "quantity": _("结余不足：%(i)s 现有 %(b)s%(u)s，不能发放 %(q)s。")
                    % {
                        "i": item or _("资金"),
                        "b": available,
                        "u": balance.item_unit if balance else "",
                        "q": quantity,
                    }
                }
            )
        entry = LedgerEntry.objects.create(
            unit=unit,
            direction=Direction.OUT,
            kind=kind,
            item=item,
            item_unit=balance.item_unit,
            quantity=quantity,
            entry_on=entry_on,
            purpose=purpose,
            recipient_kind=recipient_kind,
            recipient_resident=recipient_resident,
            recipient_activity=recipient_activity,
            recipient_organisation=recipient_organisation,
            case_reference=case_reference,
            note=note,
            recorded_by=actor,
        )
        balance.balance -= quantity
        balance.save(update_fields=["balance"])
        audit_record(actor=actor, action=A.CREATE, obj=entry, changes=snapshot(entry, LEDGER_AUDIT_FIELDS))
    return entry


# --- Activities ---------------------------------------------------------------------------------------------------


def activity_create(
    *,
    actor,
    unit,
    title: str,
    kind: str,
    held_on: date,
    place: str,
    hours,
    service_kind: str = "",
    outcome: str = "",
    organiser_workers=(),
    organiser_organisations=(),
    participant_residents=(),
    participant_volunteers=(),
    extra_participants: int = 0,
) -> Activity:
    """Record an activity. Each participating volunteer is credited the activity's hours (one person-time)."""
    permissions.require(permissions.can_manage_network(actor, unit))
    hours = _positive(hours, "hours", _("活动时长"))
    for r in participant_residents:
        permissions.require(
            permissions.unit_in_scope(actor, r.unit) or permissions.unit_in_scope(actor, unit)
        )
    with transaction.atomic():
        activity = Activity.objects.create(
            unit=unit,
            title=title,
            kind=kind,
            service_kind=service_kind,
            held_on=held_on,
            place=place,
            hours=hours,
            outcome=outcome,
            extra_participants=extra_participants,
            created_by=actor,
        )
        activity.organiser_workers.set(organiser_workers)
        activity.organiser_organisations.set(organiser_organisations)
        activity.participant_residents.set(participant_residents)
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=activity,
            changes={
                **snapshot(activity, ["title", "kind", "held_on", "place", "hours"]),
                "residents": [r.pk for r in participant_residents],
                "volunteers": [v.pk for v in participant_volunteers],
            },
        )
        activity_add_volunteers(actor=actor, activity=activity, volunteers=participant_volunteers)
    return activity


def activity_add_volunteers(*, actor, activity: Activity, volunteers) -> list[ServiceRecord]:
    permissions.require(permissions.can_manage_network(actor, activity.unit))
    already = set(activity.service_records.values_list("volunteer_id", flat=True))
    records = []
    with transaction.atomic():
        for volunteer in volunteers:
            if volunteer.pk in already:
                continue
            activity.participant_volunteers.add(volunteer)
            records.append(
                ServiceRecord.objects.create(
                    volunteer=volunteer,
                    unit=activity.unit,
                    served_on=activity.held_on,
                    hours=activity.hours,
                    service_kind=activity.service_kind,
                    activity=activity,
                    description=activity.title,
                    recorded_by=actor,
                )
            )
        if records:
            audit_record(
                actor=actor,
                action=A.UPDATE,
                obj=activity,
                changes={"volunteers_added": [r.volunteer_id for r in records]},
            )
    return records


PHOTO_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
PHOTO_MAX_BYTES = 8 * 1024 * 1024


def photo_content_type(head: bytes) -> str | None:
    """The image type by its magic bytes (what the file is, not what its name or the browser says)."""
    for signature, content_type in PHOTO_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def activity_photo_add(*, actor, activity: Activity, upload, caption: str = "") -> ActivityPhoto:
    permissions.require(permissions.can_manage_network(actor, activity.unit))
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"file": _("照片不能超过 8 MB。")})
    head = upload.read(16)
    upload.seek(0)
    content_type = photo_content_type(head)
    if content_type is None:
        raise ValidationError({"file": _("只支持 JPEG、PNG 或 WebP 格式的照片。")})
    with transaction.atomic():
        photo = ActivityPhoto(activity=activity, content_type=content_type, caption=caption)
        photo.file.save(upload.name, upload, save=False)
        photo.save()
        audit_record(
            actor=actor, action=A.CREATE, obj=photo, unit=activity.unit, changes={"activity": activity.pk}
        )
    return photo


# --- Matching and engagement --------------------------------------------------------------------------------------


def engagement_create(
    *,
    actor,
    unit,
    subject_kind: str,
    subject_reference: str,
    need: str,
    volunteer: Volunteer | None = None,
    organisation: SocialOrganisation | None = None,
    ledger_entry: LedgerEntry | None = None,
    note: str = "",
) -> Engagement:
    """Record who was engaged for a need (the consent check for a case is the caller's: casework does it)."""
    permissions.require(permissions.can_manage_network(actor, unit))
    if subject_kind not in SubjectKind.values or not subject_reference:
        raise ValidationError({"subject_reference": _("请指明个案或办件。")})
    if need not in ServiceKind.values:
        raise ValidationError({"need": _("请选择需求类型。")})
    if sum(x is not None for x in (volunteer, organisation, ledger_entry)) != 1:
        raise ValidationError(_("每次链接一位志愿者、一个合作方或一笔资源。"))
    if volunteer is not None and not volunteer.active:
        raise ValidationError({"volunteer": _("该志愿者已不在册。")})
    if organisation is not None and not organisation.active:
        raise ValidationError({"organisation": _("该合作方已停止合作。")})
    with transaction.atomic():
        engagement = Engagement.objects.create(
            unit=unit,
            subject_kind=subject_kind,
            subject_reference=subject_reference,
            need=need,
            volunteer=volunteer,
            organisation=organisation,
            ledger_entry=ledger_entry,
            note=note,
            engaged_by=actor,
        )
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=engagement,
            changes=snapshot(
                engagement,
                ["subject_kind", "subject_reference", "need", "volunteer", "organisation", "ledger_entry"],
            ),
        )
    return engagement
