"""Volunteer teams, volunteers, their service hours and redemptions from the time bank."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.audit import audit_record, snapshot
from quanke.network.models import (
    Activity,
    HoursRedemption,
    ServiceKind,
    ServiceRecord,
    Slot,
    Volunteer,
    VolunteerTeam,
)
from quanke.network.services.cleaning import A, clean_choices, positive


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
        skills=clean_choices(skills, ServiceKind.values, "skills"),
        availability=clean_choices(availability, Slot.values, "availability"),
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
    hours = positive(hours, "hours", _("服务时长"))
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
    hours = positive(hours, "hours", _("兑换时长"))
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
