"""Writes to the registry: one transaction each, an actor, an audit row."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.audit import audit_record, diff, snapshot
from quanke.core.concurrency import lock_current
from quanke.core.errors import invalid
from quanke.core.models import AuditEvent, UnitLevel
from quanke.registry import idnumber
from quanke.registry.models import Benefit, Household, Resident, ResidentMove, Tag
from quanke.registry.names import pinyin_keys

RESIDENT_FIELDS = [
    "name",
    "id_number",
    "phone",
    "relation",
    "lives_alone",
    "monthly_income",
    "disability_kind",
    "disability_grade",
    "needs_long_term_care",
    "in_school",
    "has_capable_supporter",
    "member_hukou",
    "notes",
]


def _check_disability(kind: str, grade) -> None:
    if bool(kind) != (grade is not None):
        raise ValidationError({"disability_grade": _("残疾类别和残疾等级须同时填写或同时留空。")})
    if grade is not None and not 1 <= int(grade) <= 4:
        raise ValidationError({"disability_grade": _("残疾等级应为1至4级。")})


def _apply_identity(resident: Resident) -> None:
    parsed = idnumber.parse(resident.id_number)
    resident.id_number = parsed.value
    resident.birth_date = parsed.birth_date
    resident.sex = parsed.sex
    resident.name = resident.name.strip()
    resident.name_pinyin, resident.name_initials = pinyin_keys(resident.name)


def household_create(*, actor, unit, number: str, address: str, **fields) -> Household:
    permissions.require(permissions.can_edit_residents(actor) and permissions.unit_in_scope(actor, unit))
    if unit.level != UnitLevel.COMMUNITY:
        raise ValidationError({"unit": _("家庭户须登记在社区/村。")})
    with transaction.atomic():
        household = Household.objects.create(
            unit=unit, number=number.strip(), address=address.strip(), **fields
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=household,
            changes=snapshot(household, ["number", "address", "hukou_kind", "hukou_type"]),
        )
    return household


def find_by_id_number(raw: str) -> Resident | None:
    """The resident holding this ID number in any community (normalised first), for registration checks only:
    callers must not show her record beyond what their permission allows."""
    value = idnumber.normalize(raw)
    return (
        Resident.objects.select_related("unit", "household").filter(id_number=value).first()
        if value
        else None
    )


def resident_move(
    *, actor, resident: Resident, household: Household, via: str, note: str = ""
) -> ResidentMove:
    """Move the same record to a household of another community (迁入), keeping its history; running benefits
    follow her so that statistics count her where she lives now."""
    permissions.require(permissions.can_move_resident(actor, resident, household.unit))
    with transaction.atomic():
        resident = (
            Resident.objects.select_for_update().select_related("unit", "household").get(pk=resident.pk)
        )
        if resident.unit_id == household.unit_id:
            raise ValidationError(_("该居民已在本社区登记。"))
        from_unit, from_household = resident.unit, resident.household
        resident.household, resident.unit = household, household.unit
        resident.save()
        resident.benefits.filter(Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())).update(
            household=household, unit=household.unit
        )
        move = ResidentMove.objects.create(
            resident=resident,
            from_unit=from_unit,
            to_unit=household.unit,
            from_household=from_household.number,
            to_household=household.number,
            actor=actor,
            actor_name=actor.username,
            via=via,
            note=note[:200],
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=resident,
            changes={
                "unit": [from_unit.name, household.unit.name],
                "household": [from_household.number, household.number],
            },
        )
    return move


def resident_create(*, actor, household: Household, tags: list[Tag] | None = None, **fields) -> Resident:
    permissions.require(
        permissions.can_edit_residents(actor) and permissions.unit_in_scope(actor, household.unit)
    )
    try:
        parsed = idnumber.parse(fields.get("id_number", ""))
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    if Resident.objects.filter(id_number=parsed.value).exists():
        raise invalid("registry.duplicate_id_number", _("该身份证号已登记，请勿重复登记。"), "id_number")
    _check_disability(fields.get("disability_kind", ""), fields.get("disability_grade"))
    resident = Resident(household=household, unit=household.unit, **fields)
    _apply_identity(resident)
    with transaction.atomic():
        resident.save()
        if tags:
            resident.tags.set(tags)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=resident,
            changes={**snapshot(resident, RESIDENT_FIELDS), "tags": [t.code for t in tags or []]},
        )
    return resident


def resident_update(
    *,
    actor,
    resident: Resident,
    tags: list[Tag] | None = None,
    expected_version: int | None = None,
    **fields,
) -> Resident:
    """Update fields; tags the actor cannot see are kept as they are.

    `expected_version`: the version the editor's form was read at; a save from an older one is refused
    (quanke.core.concurrency.StaleVersion: nothing written, no audit row) instead of reverting the other save.
    """
    permissions.require(
        permissions.can_edit_residents(actor) and permissions.unit_in_scope(actor, resident.unit)
    )
    for name in fields:
        if name not in RESIDENT_FIELDS:
            raise ValueError(f"unknown field {name}")
    with transaction.atomic():
        # Decide on the row as it is now, under a lock: a concurrent save waits, then finds the version moved.
        resident = lock_current(resident, expected_version, yours=fields)
        before = {
            **snapshot(resident, RESIDENT_FIELDS),
            "tags": sorted(resident.tags.values_list("code", flat=True)),
        }
        for name, value in fields.items():
            setattr(resident, name, value)
        if "id_number" in fields:
            try:
                _apply_identity(resident)
            except ValidationError as exc:
                raise ValidationError({"id_number": exc.messages}) from None
            if Resident.objects.filter(id_number=resident.id_number).exclude(pk=resident.pk).exists():
                raise invalid(
                    "registry.duplicate_id_number", _("该身份证号已登记，请勿重复登记。"), "id_number"
                )
        else:
            resident.name_pinyin, resident.name_initials = pinyin_keys(resident.name)
        if isinstance(resident.monthly_income, (int, float, str)):
            resident.monthly_income = Decimal(str(resident.monthly_income))
        _check_disability(resident.disability_kind, resident.disability_grade)
        resident.save()
        if tags is not None:
            hidden = [t for t in resident.tags.all() if not permissions.can_use_tag(actor, t)]
            resident.tags.set(list(tags) + hidden)
        after = {
            **snapshot(resident, RESIDENT_FIELDS),
            "tags": sorted(resident.tags.values_list("code", flat=True)),
        }
        changes = diff(before, after)
        if changes:
            audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=resident, changes=changes)
    return resident


def benefit_start(
    *, actor, resident: Resident, program: str, start_date, monthly_amount, end_date=None
) -> Benefit:
    """Record that a resident receives a benefit from a date (decided elsewhere, e.g. an assistance approval);
    `end_date` for a payment known to stop, such as a one-off 临时救助."""
    permissions.require(
        permissions.can_record_benefits(actor) and permissions.unit_in_scope(actor, resident.unit)
    )
    with transaction.atomic():
        benefit = Benefit.objects.create(
            resident=resident,
            unit_id=resident.unit_id,
            household_id=resident.household_id,
            program=program,
            start_date=start_date,
            end_date=end_date,
            monthly_amount=monthly_amount,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=benefit,
            unit=resident.unit,
            changes=snapshot(benefit, ["program", "start_date", "end_date", "monthly_amount"]),
        )
    return benefit
