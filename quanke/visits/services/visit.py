"""Home-visit records: readings, needs found and supplies handed out from the worker's kit."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.audit import audit_record
from quanke.core.models import AuditEvent
from quanke.visits import planning
from quanke.visits.models import (
    Booking,
    BookingStatus,
    MovementKind,
    PlanEntry,
    Visit,
    VisitNeed,
)
from quanke.visits.services.bookings import booking_move, slot_text
from quanke.visits.services.stock import stock_move


def check_blood_pressure(systolic, diastolic) -> None:
    if systolic is None and diastolic is None:
        return
    errors = {}
    if systolic is None or diastolic is None:
        raise ValidationError({"systolic": _("收缩压和舒张压须同时填写。")})
    if not 70 <= systolic <= 250:
        errors["systolic"] = _("收缩压应在 70–250 mmHg 之间，请复测。")
    if not 40 <= diastolic <= 150:
        errors["diastolic"] = _("舒张压应在 40–150 mmHg 之间，请复测。")
    if not errors and systolic <= diastolic:
        errors["systolic"] = _("收缩压应高于舒张压，请核对。")
    if errors:
        raise ValidationError(errors)


def visit_record(
    *,
    actor,
    household,
    visited_at: datetime | None = None,
    met: list | None = None,
    met_others: str = "",
    observations: str = "",
    systolic: int | None = None,
    diastolic: int | None = None,
    pulse: int | None = None,
    bp_resident=None,
    needs: list[dict] | None = None,
    handouts: list[dict] | None = None,
    forms_filled: list[str] | None = None,
    booking: Booking | None = None,
    plan_entry: PlanEntry | None = None,
    before_booking_confirmed: bool = False,
) -> Visit:
    """Record a home visit with its readings, needs found and supplies handed out from the worker's kit.

    needs: [{"description", "resident"?, "item"?}]; handouts: [{"supply", "quantity", "resident"}].
    """
    unit = household.unit
    permissions.require(permissions.can_record_visit(actor, unit))
    check_blood_pressure(systolic, diastolic)
    members = {r.pk: r for r in household.members.all()}
    for r in list(met or []) + [bp_resident] + [n.get("resident") for n in needs or []]:
        if r is not None and r.pk not in members:
            raise ValidationError(_("所选居民不是该家庭户成员。"))
    for h in handouts or []:
        if h.get("resident") is None or h["resident"].pk not in members:
            raise ValidationError({"handouts": _("物资领取人须为该家庭户成员。")})
    if booking is not None and (booking.unit_id != unit.pk or booking.status != BookingStatus.BOOKED):
        raise ValidationError(_("该预约不能用于本次走访。"))
    if plan_entry is not None and plan_entry.household_id != household.pk:
        raise ValidationError(_("计划走访户与本次走访不一致。"))
    visited_at = visited_at or timezone.now()
    if visited_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"visited_at": _("走访时间不能晚于现在。")})
    if booking is not None and visited_at < booking.slot_start and not before_booking_confirmed:
        # Usually a wrong booking picked or a mistyped time; an early visit is possible but must be said so.
        raise ValidationError(
            {
                "before_booking_confirmed": _(
                    "走访时间早于预约时段（%(slot)s）。如确实提前上门，请勾选确认后再保存。"
                )
                % {"slot": slot_text(booking)}
            }
        )
    with transaction.atomic():
        visit = Visit.objects.create(
            unit=unit,
            household=household,
            worker=actor,
            visited_at=visited_at,
            met_others=met_others.strip()[:100],
            booking=booking,
            plan_entry=plan_entry,
            observations=observations.strip(),
            systolic=systolic,
            diastolic=diastolic,
            pulse=pulse,
            bp_resident=bp_resident if systolic is not None else None,
            forms_filled=[f.strip() for f in forms_filled or [] if f.strip()],
            special_group=planning.household_is_special(household),
        )
        if met:
            visit.met.set(met)
        for n in needs or []:
            if n.get("description", "").strip() or n.get("item") is not None:
                VisitNeed.objects.create(
                    visit=visit,
                    resident=n.get("resident"),
                    item=n.get("item"),
                    description=(n.get("description") or "").strip()[:300] or n["item"].name,
                )
        for h in handouts or []:
            if h.get("quantity"):
                stock_move(
                    actor=actor,
                    unit=unit,
                    supply=h["supply"],
                    kind=MovementKind.HANDOUT,
                    quantity=h["quantity"],
                    worker=actor,
                    visit=visit,
                    resident=h["resident"],
                    at=visited_at,
                )
        if booking is not None:
            booking = Booking.objects.select_for_update().get(pk=booking.pk)
            booking_move(actor=actor, booking=booking, to_status=BookingStatus.DONE)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=visit,
            changes={
                "household": household.pk,
                "visited_at": visited_at,
                "blood_pressure": f"{systolic}/{diastolic}" if systolic else "",
                "needs": len(needs or []),
                "handouts": len([h for h in handouts or [] if h.get("quantity")]),
            },
        )
    return visit


def visit_need_resolve(*, actor, need: VisitNeed, reason: str) -> VisitNeed:
    """Close a need found at a visit that was not taken up as a matter, saying what was done about it."""
    permissions.require(permissions.can_record_visit(actor, need.visit.unit))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写处理情况（如已当场解答、已转介、居民不再需要）。")})
    with transaction.atomic():
        need = VisitNeed.objects.select_for_update().select_related("visit__unit").get(pk=need.pk)
        if need.matter_id is not None:
            raise ValidationError(_("该需求已受理为办件，随办件办结，无需另行标记。"))
        if need.resolved:
            raise ValidationError(_("该需求已标记为解决。"))
        need.resolved = True
        need.resolution = reason[:200]
        need.resolved_at = timezone.now()
        need.resolved_by = actor
        need.save(update_fields=["resolved", "resolution", "resolved_at", "resolved_by"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=need,
            unit=need.visit.unit,
            changes={"resolved": True, "resolution": need.resolution},
        )
    return need
