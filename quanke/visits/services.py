"""Writes for home visits: one transaction each, an actor, an audit row; reminders queued for after commit."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import notify, permissions
from quanke.core.audit import audit_record, snapshot
from quanke.core.models import AuditEvent, UnitLevel, User
from quanke.visits import planning, schedule
from quanke.visits.models import (
    ACTIVE_BOOKING,
    BOOKING_TRANSITIONS,
    PLAN_TRANSITIONS,
    Booking,
    BookingStatus,
    DutyShift,
    MovementKind,
    PlanEntry,
    PlanStatus,
    StockBalance,
    StockMovement,
    SupplyItem,
    Visit,
    VisitNeed,
    VisitPlan,
)

SLOT_TAKEN = _("该时段已被预约，请选择其他时段。")


# Bookings ----------------------------------------------------------------------------------------------------------


def _slot_text(booking: Booking) -> str:
    start = timezone.localtime(booking.slot_start, schedule.local_tz())
    end = timezone.localtime(booking.slot_end, schedule.local_tz())
    weekday = "一二三四五六日"[start.weekday()]
    return f"{start:%m月%d日}（周{weekday}）{start:%H:%M}–{end:%H:%M}"


def _remind(
    booking: Booking, *, worker_only: bool = False, text_worker: str = "", text_resident: str = ""
) -> None:
    station = booking.unit.station_name or booking.unit.name
    when = _slot_text(booking)
    if not worker_only:
        notify.notify(
            recipient_name=booking.caller_name,
            phone=booking.caller_phone,
            body=text_resident
            or _(
                "【%(station)s】您预约的上门服务（%(what)s）安排在%(when)s，社工%(worker)s将上门，如需改约请来电%(phone)s。"
            )
            % {
                "station": station,
                "what": booking.what,
                "when": when,
                "worker": booking.worker.display_name,
                "phone": booking.unit.phone or "",
            },
            about=booking,
            unit=booking.unit,
        )
    notify.notify(
        recipient_name=booking.worker.display_name,
        phone=booking.worker.phone,
        email=booking.worker.email,
        subject=_("上门预约提醒"),
        body=text_worker
        or _("上门预约：%(when)s，%(address)s，%(name)s（%(phone)s），事项：%(what)s。")
        % {
            "when": when,
            "address": booking.address,
            "name": booking.caller_name,
            "phone": booking.caller_phone,
            "what": booking.what,
        },
        about=booking,
        unit=booking.unit,
    )


def _lock_worker(worker: User) -> None:
    # Serialises bookings of one worker: the overlap check below and the insert happen under this row lock.
    User.objects.select_for_update().filter(pk=worker.pk).first()


def _overlapping(worker, start: datetime, end: datetime, exclude=None):
    qs = Booking.objects.filter(
        worker=worker, status__in=ACTIVE_BOOKING, slot_start__lt=end, slot_end__gt=start
    )
    return qs.exclude(pk=exclude.pk) if exclude is not None else qs


def booking_create(
    *,
    actor,
    unit,
    slot_start: datetime,
    caller_name: str,
    caller_phone: str,
    address: str,
    worker: User | None = None,
    item=None,
    request_text: str = "",
    preferred_time: str = "",
    resident=None,
    channel: str = "phone",
    note: str = "",
) -> Booking:
    """Book a slot. Without `worker`, the slot's best free worker is chosen (the duty worker after hours)."""
    permissions.require(permissions.can_book_visits(actor) and permissions.unit_in_scope(actor, unit))
    if unit.level != UnitLevel.COMMUNITY:
        raise ValidationError(_("上门预约须登记在社区服务站。"))
    if resident is not None and resident.unit_id != unit.pk:
        raise ValidationError({"resident": _("该居民不属于本站点。")})
    errors = {}
    if not caller_name.strip():
        errors["caller_name"] = _("请填写来电人姓名。")
    if not caller_phone.strip():
        errors["caller_phone"] = _("请填写联系电话。")
    if not address.strip():
        errors["address"] = _("请填写上门地址。")
    if item is None and not request_text.strip():
        errors["request_text"] = _("请选择预约事项或填写诉求。")
    if errors:
        raise ValidationError(errors)
    slot = schedule.find_slot(unit, slot_start)
    if slot is None or (worker is not None and worker not in slot.workers):
        raise ValidationError({"slot": SLOT_TAKEN})
    worker = worker or slot.workers[0]
    try:
        with transaction.atomic():
            _lock_worker(worker)
            if _overlapping(worker, slot.start, slot.end).exists():
                raise ValidationError({"slot": SLOT_TAKEN})
            booking = Booking.objects.create(
                unit=unit,
                resident=resident,
                caller_name=caller_name.strip(),
                caller_phone=caller_phone.strip(),
                channel=channel,
                item=item,
                request_text=request_text.strip(),
                address=address.strip(),
                preferred_time=preferred_time.strip(),
                worker=worker,
                slot_start=slot.start,
                slot_end=slot.end,
                created_by=actor,
                note=note.strip(),
            )
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=booking,
                changes={
                    **snapshot(booking, ["caller_name", "caller_phone", "address", "slot_start", "worker"]),
                    "item": item.code if item else "",
                },
            )
            _remind(booking)
    except IntegrityError:
        # The conditional unique index caught a booking that raced past the lock (or a clashing old slot grid).
        raise ValidationError({"slot": SLOT_TAKEN}) from None
    return booking


def booking_reassign(*, actor, booking: Booking, worker: User, note: str = "") -> Booking:
    permissions.require(
        permissions.can_manage_visits(actor) and permissions.unit_in_scope(actor, booking.unit)
    )
    if booking.status != BookingStatus.BOOKED:
        raise ValidationError(_("只有“已预约”状态的预约可以改派。"))
    if worker.pk == booking.worker_id:
        raise ValidationError({"worker": _("请选择另一位社工。")})
    slot = schedule.find_slot(booking.unit, booking.slot_start, exclude_booking=booking)
    if slot is None or worker not in slot.workers:
        raise ValidationError(
            {"worker": _("%(name)s在该时段不当班或已有预约。") % {"name": worker.display_name}}
        )
    before = booking.worker
    try:
        with transaction.atomic():
            _lock_worker(worker)
            if _overlapping(worker, booking.slot_start, booking.slot_end, exclude=booking).exists():
                raise ValidationError({"worker": SLOT_TAKEN})
            booking.worker = worker
            booking.save(update_fields=["worker", "updated_at"])
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=booking,
                changes={"worker": [before.pk, worker.pk], "note": note},
            )
            _remind(booking)
    except IntegrityError:
        raise ValidationError({"worker": SLOT_TAKEN}) from None
    return booking


def _booking_move(*, actor, booking: Booking, to_status: str, note: str = "") -> Booking:
    if to_status not in BOOKING_TRANSITIONS[booking.status]:
        raise ValidationError(
            _("预约当前为“%(s)s”，不能改为“%(t)s”。")
            % {"s": booking.get_status_display(), "t": BookingStatus(to_status).label}
        )
    before = booking.status
    booking.status = to_status
    if note:
        booking.note = note[:200]
    booking.save(update_fields=["status", "note", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=booking,
        changes={"status": [before, to_status], "note": note},
    )
    return booking


def booking_cancel(*, actor, booking: Booking, reason: str) -> Booking:
    permissions.require(permissions.can_book_visits(actor) and permissions.unit_in_scope(actor, booking.unit))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写取消原因。")})
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        _booking_move(actor=actor, booking=booking, to_status=BookingStatus.CANCELLED, note=reason.strip())
        _remind(
            booking,
            text_resident=_("【%(station)s】您%(when)s的上门预约已取消。如有需要请再次来电。")
            % {"station": booking.unit.station_name or booking.unit.name, "when": _slot_text(booking)},
            text_worker=_("上门预约已取消：%(when)s，%(address)s。")
            % {"when": _slot_text(booking), "address": booking.address},
        )
    return booking


def booking_no_show(*, actor, booking: Booking, note: str = "") -> Booking:
    permissions.require(permissions.can_record_visit(actor, booking.unit))
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        return _booking_move(
            actor=actor, booking=booking, to_status=BookingStatus.NO_SHOW, note=note or _("上门未遇")
        )


# Duty roster -------------------------------------------------------------------------------------------------------


def duty_shift_add(
    *, actor, unit, worker: User, day: date, start: time, end: time, note: str = ""
) -> DutyShift:
    permissions.require(permissions.can_manage_visits(actor) and permissions.unit_in_scope(actor, unit))
    if worker.unit_id != unit.pk or worker not in schedule.station_workers(unit):
        raise ValidationError({"worker": _("值班人员须为本站点的社工。")})
    if end <= start:
        raise ValidationError({"end": _("结束时间须晚于开始时间。")})
    if DutyShift.objects.filter(worker=worker, date=day, start__lt=end, end__gt=start).exists():
        raise ValidationError({"worker": _("%(name)s当天该时段已有值班。") % {"name": worker.display_name}})
    with transaction.atomic():
        shift = DutyShift.objects.create(unit=unit, worker=worker, date=day, start=start, end=end, note=note)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=shift,
            changes=snapshot(shift, ["worker", "date", "start", "end"]),
        )
    return shift


def duty_shift_remove(*, actor, shift: DutyShift) -> None:
    permissions.require(permissions.can_manage_visits(actor) and permissions.unit_in_scope(actor, shift.unit))
    day_start = schedule.at_local(shift.date, shift.start)
    day_end = schedule.at_local(shift.date, shift.end)
    with transaction.atomic():
        if schedule.workdays.is_workday(shift.date):
            hours = schedule.hours_for(shift.unit)
            day_start = max(day_start, schedule.at_local(shift.date, hours.workday_end))
        if day_start < day_end and _overlapping(shift.worker, day_start, day_end).exists():
            raise ValidationError(_("该值班时段内已有预约，请先改派或取消预约。"))
        audit_record(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            obj=shift,
            changes=snapshot(shift, ["worker", "date", "start", "end"]),
        )
        shift.delete()


# Default duty hours: weekday evenings after work until 21:00, and weekend/holiday days 09:00–21:00.
EVENING_END = time(21, 0)
WEEKEND_START = time(9, 0)


def duty_week_fill(*, actor, unit, week: date) -> list[DutyShift]:
    """Fill the week's empty evenings and rest days in rotation among the station's workers."""
    permissions.require(permissions.can_manage_visits(actor) and permissions.unit_in_scope(actor, unit))
    workers = schedule.station_workers(unit)
    if not workers:
        raise ValidationError(_("本站点没有可安排值班的社工。"))
    hours = schedule.hours_for(unit)
    monday = schedule.week_start(week)
    created = []
    with transaction.atomic():
        # Continue the rotation from the number of shifts already held, so consecutive weeks do not repeat.
        offset = DutyShift.objects.filter(unit=unit, date__lt=monday).count()
        for i in range(7):
            day = monday + timedelta(days=i)
            if DutyShift.objects.filter(unit=unit, date=day).exists():
                continue
            start = hours.workday_end if schedule.workdays.is_workday(day) else WEEKEND_START
            worker = workers[(offset + len(created)) % len(workers)]
            shift = DutyShift.objects.create(unit=unit, worker=worker, date=day, start=start, end=EVENING_END)
            created.append(shift)
        if created:
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                object_type="visits.dutyshift",
                unit=unit,
                changes={"week": monday.isoformat(), "shifts": [s.pk for s in created]},
            )
    return created


# Stock -------------------------------------------------------------------------------------------------------------


def _balance(unit, supply: SupplyItem, worker: User | None) -> StockBalance:
    """The balance row, locked for this transaction (created at zero on first use)."""
    lookup = (
        {"supply": supply, "worker": worker}
        if worker is not None
        else {"unit": unit, "supply": supply, "worker": None}
    )
    row = StockBalance.objects.select_for_update().filter(**lookup).first()
    if row is None:
        try:
            with transaction.atomic():
                StockBalance.objects.create(unit=unit, supply=supply, worker=worker, quantity=0)
        except IntegrityError:
            pass  # created concurrently; lock the existing row below
        row = StockBalance.objects.select_for_update().get(**lookup)
    return row


def _add(row: StockBalance, delta: int) -> None:
    if row.quantity + delta < 0:
        where = _("%(name)s的服务包") % {"name": row.worker.display_name} if row.worker_id else _("站点库房")
        raise ValidationError(
            {
                "quantity": _("%(where)s中%(supply)s只剩 %(n)d %(u)s，不足以出库。")
                % {"where": where, "supply": row.supply.name, "n": row.quantity, "u": row.supply.unit_label}
            }
        )
    row.quantity += delta
    row.save(update_fields=["quantity"])


def _move(
    *, actor, unit, supply, kind, quantity: int, worker=None, visit=None, resident=None, note="", at=None
):
    if quantity is None or int(quantity) <= 0:
        raise ValidationError({"quantity": _("数量须为正整数。")})
    quantity = int(quantity)
    station_delta = {
        "receive": quantity,
        "issue": -quantity,
        "return": quantity,
        "handout": 0,
        "write_off": 0,
    }[kind]
    kit_delta = {"receive": 0, "issue": quantity, "return": -quantity, "handout": -quantity, "write_off": 0}[
        kind
    ]
    if kind == MovementKind.WRITE_OFF:
        if worker is not None:
            kit_delta = -quantity
        else:
            station_delta = -quantity
    # Lock in a fixed order (station row, then kit row) so two movements never deadlock.
    if station_delta:
        _add(_balance(unit, supply, None), station_delta)
    if kit_delta:
        _add(_balance(unit, supply, worker), kit_delta)
    movement = StockMovement.objects.create(
        unit=unit,
        supply=supply,
        kind=kind,
        quantity=quantity,
        worker=worker,
        visit=visit,
        resident=resident,
        at=at or timezone.now(),
        actor=actor,
        note=note,
    )
    changes = {
        "kind": kind,
        "supply": supply.code,
        "quantity": quantity,
        "worker": worker.pk if worker else None,
    }
    if not supply.sensitive and resident is not None:
        changes["resident"] = resident.pk
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=movement, changes=changes)
    return movement


def _kit_owner_ok(unit, worker) -> None:
    if worker is None or worker not in schedule.station_workers(unit):
        raise ValidationError({"worker": _("服务包须属于本站点的社工。")})


def stock_receive(
    *, actor, unit, supply: SupplyItem, quantity: int, note: str = "", at=None
) -> StockMovement:
    permissions.require(permissions.can_manage_stock(actor, unit))
    with transaction.atomic():
        return _move(
            actor=actor,
            unit=unit,
            supply=supply,
            kind=MovementKind.RECEIVE,
            quantity=quantity,
            note=note,
            at=at,
        )


def stock_issue(
    *, actor, unit, supply: SupplyItem, worker: User, quantity: int, note: str = "", at=None
) -> StockMovement:
    """From the station store into a worker's kit."""
    permissions.require(permissions.can_manage_stock(actor, unit))
    _kit_owner_ok(unit, worker)
    with transaction.atomic():
        return _move(
            actor=actor,
            unit=unit,
            supply=supply,
            kind=MovementKind.ISSUE,
            quantity=quantity,
            worker=worker,
            note=note,
            at=at,
        )


def stock_return(
    *, actor, unit, supply: SupplyItem, worker: User, quantity: int, note: str = "", at=None
) -> StockMovement:
    """From a worker's kit back to the station store; the kit's owner or a stock manager may do it."""
    permissions.require(
        permissions.can_manage_stock(actor, unit)
        or (actor.pk == worker.pk and permissions.unit_in_scope(actor, unit))
    )
    _kit_owner_ok(unit, worker)
    with transaction.atomic():
        return _move(
            actor=actor,
            unit=unit,
            supply=supply,
            kind=MovementKind.RETURN,
            quantity=quantity,
            worker=worker,
            note=note,
            at=at,
        )


def stock_write_off(
    *, actor, unit, supply: SupplyItem, quantity: int, reason: str, worker: User | None = None, at=None
) -> StockMovement:
    """Expired, damaged or lost stock, from the store or from a kit. A reason is required."""
    permissions.require(permissions.can_manage_stock(actor, unit))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写报损原因。")})
    if worker is not None:
        _kit_owner_ok(unit, worker)
    with transaction.atomic():
        return _move(
            actor=actor,
            unit=unit,
            supply=supply,
            kind=MovementKind.WRITE_OFF,
            quantity=quantity,
            worker=worker,
            note=reason.strip(),
            at=at,
        )


# Visits ------------------------------------------------------------------------------------------------------------


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
                _move(
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
            _booking_move(actor=actor, booking=booking, to_status=BookingStatus.DONE)
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


def visit_need_resolve(*, actor, need: VisitNeed) -> VisitNeed:
    permissions.require(permissions.can_record_visit(actor, need.visit.unit))
    with transaction.atomic():
        need.resolved = True
        need.save(update_fields=["resolved"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=need,
            unit=need.visit.unit,
            changes={"resolved": True},
        )
    return need


# Visit plans -------------------------------------------------------------------------------------------------------


def plan_generate(*, actor, unit, month: date, today: date | None = None) -> VisitPlan:
    """Propose (or re-propose, while still a draft) the station's plan for the month."""
    permissions.require(permissions.can_manage_visits(actor) and permissions.unit_in_scope(actor, unit))
    month = month.replace(day=1)
    proposal = planning.propose(unit=unit, month=month, today=today)
    with transaction.atomic():
        plan = VisitPlan.objects.select_for_update().filter(unit=unit, month=month).first()
        if plan is not None and plan.status != PlanStatus.DRAFT:
            raise ValidationError(_("该月计划已审定，不能重新生成。如需调整请先退回草稿。"))
        if plan is None:
            plan = VisitPlan.objects.create(unit=unit, month=month, generated_by=actor)
        else:
            plan.entries.all().delete()
            plan.generated_by = actor
        plan.notes = proposal.notes
        plan.save(update_fields=["notes", "generated_by", "updated_at"])
        PlanEntry.objects.bulk_create(
            [
                PlanEntry(plan=plan, worker=c.worker, household=c.household, score=c.score, reasons=c.reasons)
                for c in proposal.assigned
            ]
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=plan,
            changes={"month": month, "entries": len(proposal.assigned), "workers": len(proposal.workers)},
        )
    return plan


def _plan_editable(actor, plan: VisitPlan) -> None:
    permissions.require(permissions.can_manage_visits(actor) and permissions.unit_in_scope(actor, plan.unit))
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("计划已审定，不能调整。如需调整请先退回草稿。"))


def _check_capacity(plan: VisitPlan, worker: User) -> None:
    from django.conf import settings

    if plan.entries.filter(worker=worker).count() >= settings.VISIT_PLAN_MAX_PER_WORKER:
        raise ValidationError(
            {
                "worker": _("%(name)s本月已安排 %(n)d 户，达到上限。")
                % {"name": worker.display_name, "n": settings.VISIT_PLAN_MAX_PER_WORKER}
            }
        )


def plan_entry_move(*, actor, entry: PlanEntry, worker: User) -> PlanEntry:
    plan = entry.plan
    _plan_editable(actor, plan)
    if worker not in schedule.station_workers(plan.unit):
        raise ValidationError({"worker": _("只能安排给本站点的社工。")})
    with transaction.atomic():
        VisitPlan.objects.select_for_update().get(pk=plan.pk)
        _check_capacity(plan, worker)
        before = entry.worker_id
        entry.worker = worker
        entry.save(update_fields=["worker"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=entry,
            unit=plan.unit,
            changes={"worker": [before, worker.pk]},
        )
    return entry


def plan_entry_add(*, actor, plan: VisitPlan, household, worker: User) -> PlanEntry:
    _plan_editable(actor, plan)
    if household.unit_id != plan.unit_id:
        raise ValidationError({"household": _("该家庭户不属于本站点。")})
    if worker not in schedule.station_workers(plan.unit):
        raise ValidationError({"worker": _("只能安排给本站点的社工。")})
    with transaction.atomic():
        VisitPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.entries.filter(household=household).exists():
            raise ValidationError({"household": _("该户已在本月计划中。")})
        _check_capacity(plan, worker)
        entry = PlanEntry.objects.create(
            plan=plan, worker=worker, household=household, reasons=[_("站长调整加入")], added_by_head=True
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=entry,
            unit=plan.unit,
            changes={"household": household.pk, "worker": worker.pk},
        )
    return entry


def plan_entry_remove(*, actor, entry: PlanEntry) -> None:
    plan = entry.plan
    _plan_editable(actor, plan)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            obj=entry,
            unit=plan.unit,
            changes={"household": entry.household_id},
        )
        entry.delete()


def plan_approve(*, actor, plan: VisitPlan) -> VisitPlan:
    from django.conf import settings

    permissions.require(permissions.can_manage_visits(actor) and permissions.unit_in_scope(actor, plan.unit))
    with transaction.atomic():
        plan = VisitPlan.objects.select_for_update().get(pk=plan.pk)
        if PlanStatus.APPROVED not in PLAN_TRANSITIONS[plan.status]:
            raise ValidationError(_("该计划已审定。"))
        over = [
            w.display_name
            for w in User.objects.filter(pk__in=plan.entries.values("worker"))
            if plan.entries.filter(worker=w).count() > settings.VISIT_PLAN_MAX_PER_WORKER
        ]
        if over:
            raise ValidationError(
                _("以下社工超过每月走访上限，请先调整：%(names)s") % {"names": "、".join(over)}
            )
        plan.status = PlanStatus.APPROVED
        plan.approved_by = actor
        plan.approved_at = timezone.now()
        plan.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.TRANSITION,
            obj=plan,
            changes={"status": ["draft", "approved"]},
        )
    return plan


def plan_reopen(*, actor, plan: VisitPlan) -> VisitPlan:
    permissions.require(permissions.can_manage_visits(actor) and permissions.unit_in_scope(actor, plan.unit))
    with transaction.atomic():
        plan = VisitPlan.objects.select_for_update().get(pk=plan.pk)
        if PlanStatus.DRAFT not in PLAN_TRANSITIONS[plan.status]:
            raise ValidationError(_("该计划仍是草稿。"))
        plan.status = PlanStatus.DRAFT
        plan.approved_at = None
        plan.approved_by = None
        plan.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.TRANSITION,
            obj=plan,
            changes={"status": ["approved", "draft"]},
        )
    return plan
