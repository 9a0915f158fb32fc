"""When a worker can be booked: working hours on working days, plus her duty shifts (evenings, weekends).

Slots are cut from each worker's merged availability windows, `slot_minutes` long, from the window's start; a
last shorter piece counts when it is at least half a slot (17:30–21:00 gives 17:30, 18:30, 19:30, 20:30–21:00).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from quanke.core import permissions, workdays
from quanke.core.models import User
from quanke.visits.models import ACTIVE_BOOKING, Booking, DutyShift, StationHours


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def at_local(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=local_tz())


def hours_for(unit) -> StationHours:
    """The station's configured hours, or the defaults (08:30–17:30, 60-minute slots) when none are stored."""
    hours = StationHours.objects.filter(unit=unit).first()
    return hours or StationHours(unit=unit)


def station_workers(unit) -> list[User]:
    """Workers who go on visits and duty at this station: its front-desk and back-office staff.

    Roles are a JSON list and a station has a handful of staff, so the filter runs in Python (portable to SQLite).
    """
    staff = User.objects.filter(unit=unit, is_active=True).select_related("unit").order_by("id")
    return [u for u in staff if permissions.is_visit_worker(u)]


@dataclass
class Slot:
    start: datetime
    end: datetime
    workers: list = field(default_factory=list)  # free workers, in preference order
    on_duty: bool = False  # outside ordinary working hours: only duty workers

    @property
    def key(self) -> str:
        return timezone.localtime(self.start).strftime("%Y-%m-%dT%H:%M")


def _merge(windows: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[list[datetime]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _cut(window: tuple[datetime, datetime], minutes: int) -> list[tuple[datetime, datetime]]:
    step, (start, end) = timedelta(minutes=minutes), window
    pieces = []
    while start < end:
        piece_end = min(start + step, end)
        if (piece_end - start) * 2 >= step:
            pieces.append((start, piece_end))
        start += step
    return pieces


def worker_windows(unit, day: date, workers, hours: StationHours | None = None, shifts=None) -> dict:
    """{worker_id: [(start, end, on_duty)]} for the day."""
    hours = hours or hours_for(unit)
    if shifts is None:
        shifts = DutyShift.objects.filter(unit=unit, date=day)
    by_worker = defaultdict(list)
    for s in shifts:
        by_worker[s.worker_id].append((at_local(day, s.start), at_local(day, s.end)))
    ordinary = (
        (at_local(day, hours.workday_start), at_local(day, hours.workday_end))
        if workdays.is_workday(day)
        else None
    )
    result = {}
    for w in workers:
        windows = list(by_worker.get(w.pk, []))
        if ordinary:
            windows.append(ordinary)
        result[w.pk] = _merge(windows)
    return result


def available_slots(unit, day: date, *, now: datetime | None = None, exclude_booking=None) -> list[Slot]:
    """Free slots on `day` across the station's workers, each with the workers free in it (best choice first).

    Preference: a duty worker outside ordinary hours; otherwise the worker with the fewest bookings that day.
    """
    now = now or timezone.now()
    hours = hours_for(unit)
    workers = station_workers(unit)
    by_id = {w.pk: w for w in workers}
    shifts = list(DutyShift.objects.filter(unit=unit, date=day))
    windows = worker_windows(unit, day, workers, hours, shifts)
    day_start, day_end = at_local(day, time(0)), at_local(day + timedelta(days=1), time(0))
    bookings = Booking.objects.filter(
        worker__in=workers, status__in=ACTIVE_BOOKING, slot_start__lt=day_end, slot_end__gt=day_start
    )
    if exclude_booking is not None:
        bookings = bookings.exclude(pk=exclude_booking.pk)
    busy = defaultdict(list)
    for b in bookings:
        busy[b.worker_id].append((b.slot_start, b.slot_end))
    load = {w.pk: len(busy[w.pk]) for w in workers}
    on_duty_ids = {s.worker_id for s in shifts}
    ordinary = (
        (at_local(day, hours.workday_start), at_local(day, hours.workday_end))
        if workdays.is_workday(day)
        else None
    )
    slots: dict[datetime, Slot] = {}
    for worker_id, merged in windows.items():
        for window in merged:
            for start, end in _cut(window, hours.slot_minutes):
                if start <= now:
                    continue
                if any(s < end and e > start for s, e in busy[worker_id]):
                    continue
                outside = ordinary is None or not (ordinary[0] <= start and end <= ordinary[1])
                slot = slots.setdefault(start, Slot(start=start, end=end, on_duty=outside))
                slot.workers.append(by_id[worker_id])
    for slot in slots.values():
        slot.workers.sort(key=lambda w: (not (slot.on_duty and w.pk in on_duty_ids), load[w.pk], w.pk))
    return [slots[k] for k in sorted(slots)]


def find_slot(unit, start: datetime, *, exclude_booking=None) -> Slot | None:
    local = timezone.localtime(start, local_tz())
    for slot in available_slots(unit, local.date(), exclude_booking=exclude_booking, now=timezone.now()):
        if slot.start == start:
            return slot
    return None


def on_duty_now(unit, *, now: datetime | None = None) -> list[DutyShift]:
    now = timezone.localtime(now or timezone.now(), local_tz())
    return list(
        DutyShift.objects.filter(unit=unit, date=now.date(), start__lte=now.time(), end__gt=now.time())
        .select_related("worker")
        .order_by("start")
    )


def in_working_hours(unit, *, now: datetime | None = None) -> bool:
    now = timezone.localtime(now or timezone.now(), local_tz())
    hours = hours_for(unit)
    return workdays.is_workday(now.date()) and hours.workday_start <= now.time() < hours.workday_end


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())
