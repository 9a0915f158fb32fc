"""The schedule, as code, in one table: what is enqueued when. `manage.py run_scheduler` (APScheduler) fires each
row's cron in TIME_ZONE and only enqueues the task; worker processes (`manage.py db_worker`) run it.

Each run is claimed first (ScheduleClaim: one row per entry and slot, unique), in the transaction that enqueues the
task: two schedulers running by mistake, or a restart within a minute, enqueue each slot once. A slot missed while
no scheduler ran is still enqueued at the next tick if it is younger than the row's catch-up window (once, however
many were missed).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from quanke.core.models import ScheduleClaim


@dataclass(frozen=True)
class Entry:
    name: str
    task: str  # dotted path of a django_tasks Task
    cron: str  # crontab "minute hour day month weekday", in TIME_ZONE
    catch_up: timedelta  # a missed slot younger than this still runs
    kwargs: dict = field(default_factory=dict)

    def trigger(self) -> CronTrigger:
        return CronTrigger.from_crontab(self.cron, timezone=ZoneInfo(settings.TIME_ZONE))


SCHEDULE: tuple[Entry, ...] = (
    Entry("notifications", "quanke.core.tasks.send_notifications", "* * * * *", timedelta(minutes=5)),
    Entry("casework_reminders", "quanke.casework.tasks.casework_reminders", "0 8 * * *", timedelta(hours=10)),
    Entry("booking_reminders", "quanke.visits.tasks.booking_reminders", "0 18 * * *", timedelta(hours=3)),
    Entry(
        "prune_booking_requests",
        "quanke.public.tasks.prune_booking_requests",
        "15 4 * * *",
        timedelta(hours=2),
    ),
    Entry("review_reminders", "quanke.assistance.tasks.review_reminders", "5 8 * * *", timedelta(hours=10)),
    Entry("assistance_scan", "quanke.assistance.tasks.discovery_scan", "30 1 * * *", timedelta(hours=5)),
    Entry("refresh_stats", "quanke.reports.tasks.refresh_stats", "0 2 * * *", timedelta(hours=5)),
    Entry("backup", "quanke.core.tasks.nightly_backup", "30 2 * * *", timedelta(hours=5)),
    Entry("prune_task_results", "quanke.core.tasks.prune_task_results", "0 4 * * *", timedelta(hours=2)),
)


def entry(name: str) -> Entry:
    return next(e for e in SCHEDULE if e.name == name)


def due_slot(entry: Entry, now: datetime, after: datetime | None) -> datetime | None:
    """The latest fire time of `entry` in (after, now] and no older than its catch-up window, or None."""
    trigger = entry.trigger()
    start = now - entry.catch_up
    if after is not None and after >= start:
        fire = trigger.get_next_fire_time(after, after)  # strictly after the last claimed slot
    else:
        fire = trigger.get_next_fire_time(None, start)
    latest = None
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire)
    return latest


def last_slot(entry: Entry) -> datetime | None:
    return (
        ScheduleClaim.objects.filter(name=entry.name).order_by("-slot").values_list("slot", flat=True).first()
    )


def enqueue_slot(entry: Entry, slot: datetime):
    """Claim (entry, slot) and enqueue its task in one transaction; None when another scheduler claimed it."""
    try:
        with transaction.atomic():
            claim = ScheduleClaim.objects.create(name=entry.name, slot=slot)
            result = import_string(entry.task).enqueue(**entry.kwargs)
            claim.task_id = str(result.id)
            claim.save(update_fields=["task_id"])
    except IntegrityError:
        return None
    return result


def fire(entry: Entry, *, now: datetime | None = None):
    """Enqueue `entry` if a slot of it is due at `now` and unclaimed (the scheduler's job for one row)."""
    slot = due_slot(entry, now or timezone.now(), last_slot(entry))
    return enqueue_slot(entry, slot) if slot else None


def tick(*, now: datetime | None = None) -> dict[str, str]:
    """Enqueue every row with a due, unclaimed slot; returns {entry name: task id} of what was enqueued."""
    now = now or timezone.now()
    enqueued = {}
    for row in SCHEDULE:
        result = fire(row, now=now)
        if result is not None:
            enqueued[row.name] = str(result.id)
    return enqueued
