"""The schedule table (quanke/core/schedule.py) → enqueued tasks, with a fake clock and the real database queue:
each row's task is enqueued at its times, once per slot however many schedulers tick, and missed slots within the
catch-up window are enqueued once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils.module_loading import import_string
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from quanke.core import schedule
from quanke.core.models import ScheduleClaim

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def db_queue(settings, db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def at(hh, mm, day=16):
    return datetime(2026, 3, day, hh, mm, 20, tzinfo=TZ)


def enqueued_paths():
    return sorted(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True))


def path(name):
    return schedule.entry(name).task


def test_every_row_names_a_task_and_a_valid_cron():
    names = [row.name for row in schedule.SCHEDULE]
    assert len(names) == len(set(names))
    for row in schedule.SCHEDULE:
        assert isinstance(import_string(row.task), Task), row.task
        assert row.trigger().get_next_fire_time(None, at(0, 0)) is not None
    assert {
        "notifications",
        "casework_reminders",
        "review_reminders",
        "assistance_scan",
        "refresh_stats",
        "backup",
    } <= set(names)


def test_a_tick_at_night_enqueues_the_nightly_rows_and_the_minute_row():
    enqueued = schedule.tick(now=at(2, 45))
    # 02:45: notifications (every minute), the scan (01:30), statistics (02:00) and the backup (02:30); not
    # yesterday's 08:00 casework reminders nor 04:00 prune (older than their catch-up windows).
    assert set(enqueued) == {"notifications", "assistance_scan", "refresh_stats", "backup"}
    assert enqueued_paths() == sorted(path(n) for n in enqueued)
    assert ScheduleClaim.objects.get(name="backup").slot == datetime(2026, 3, 16, 2, 30, tzinfo=TZ)
    assert ScheduleClaim.objects.get(name="notifications").slot == datetime(2026, 3, 16, 2, 45, tzinfo=TZ)


def test_a_second_scheduler_ticking_the_same_minute_enqueues_nothing_more():
    first = schedule.tick(now=at(8, 0))
    second = schedule.tick(now=at(8, 0))
    assert set(first) == {"notifications", "casework_reminders"}
    assert second == {}
    assert DBTaskResult.objects.count() == 2


def test_notifications_are_enqueued_every_minute_and_daily_rows_once_a_day():
    now = at(7, 55)
    for _ in range(10):  # 07:55 … 08:04
        schedule.tick(now=now)
        now += timedelta(minutes=1)
    counts = {p: enqueued_paths().count(p) for p in set(enqueued_paths())}
    # 08:00 casework reminders; the review digest (08:05) is not due yet.
    assert counts == {path("notifications"): 10, path("casework_reminders"): 1}
    schedule.tick(now=at(8, 5))
    assert enqueued_paths().count(path("review_reminders")) == 1


def test_missed_slots_within_the_window_are_enqueued_once_and_older_ones_not_at_all():
    schedule.tick(now=at(0, 0))
    DBTaskResult.objects.all().delete()
    # The scheduler was down from 00:00 to 00:30: thirty notification slots, one enqueue (the latest).
    assert set(schedule.tick(now=at(0, 30))) == {"notifications"}
    assert DBTaskResult.objects.count() == 1
    assert ScheduleClaim.objects.filter(name="notifications").latest("slot").slot == at(0, 30).replace(
        second=0
    )
    DBTaskResult.objects.all().delete()
    # Down until 07:00: the backup (02:30) is within its five hours; the scan (01:30) and the statistics (02:00)
    # are older and wait for the next night, as does the prune (04:00, two hours).
    assert set(schedule.tick(now=at(7, 0))) == {"notifications", "backup"}


def test_run_scheduler_once_enqueues_what_is_due(monkeypatch):
    monkeypatch.setattr(schedule.timezone, "now", lambda: at(2, 31))
    call_command("run_scheduler", "--once")
    assert enqueued_paths() == sorted(
        path(n) for n in ("notifications", "assistance_scan", "refresh_stats", "backup")
    )
