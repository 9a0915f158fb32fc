"""The duty roster: shifts added and removed by hand, and a week filled in rotation."""

from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.audit import audit_record, snapshot
from quanke.core.models import AuditEvent, User
from quanke.visits import schedule
from quanke.visits.models import (
    DutyShift,
)
from quanke.visits.services.bookings import overlapping_bookings


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
        if day_start < day_end and overlapping_bookings(shift.worker, day_start, day_end).exists():
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
