"""Tasks on the test suite's immediate backend (the work itself), and the reaper on the database queue in-process
(SQLite and PostgreSQL): a task of a dead worker is requeued within the attempt limit, then failed, and its export
job follows; a live worker's task is left alone."""

import importlib.util
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from quanke.core import notify, schedule, taskqueue
from quanke.core.models import Notification, WorkerHeartbeat
from quanke.core.tasks import nightly_backup, send_notifications
from quanke.reports.models import ExportJob
from quanke.reports.tasks import run_export
from tests.support import login


@pytest.fixture
def exports_root(settings, tmp_path):
    settings.EXPORTS_ROOT = tmp_path / "exports"


def test_an_export_requested_on_the_page_is_run_as_a_task_after_commit(
    cast, client, exports_root, django_capture_on_commit_callbacks
):
    login(client, cast.head_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("reports:export_create", args=[cast.community_a.code]),
            {"kind": "station_monthly", "period": "month", "anchor": "2026-03-01"},
        )
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.QUEUED  # nothing runs before the commit
    for callback in callbacks:
        callback()  # the commit: the task is enqueued (and, on the immediate backend, run)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.file_path


def test_the_notifications_row_of_the_schedule_sends_what_is_queued(cast, settings):
    settings.NOTIFY_CHANNELS = ["console"]
    notify.notify(
        recipient_name="王阿姨", phone="13800000001", body="预约已确认"
    )  # its send waits for commit
    assert Notification.objects.get().status == "pending"
    result = schedule.fire(schedule.entry("notifications"))
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == {"sent": 1, "failed": 0}
    assert Notification.objects.get().status == "sent"
    assert send_notifications.enqueue().return_value == {"sent": 0, "failed": 0}


@pytest.mark.skipif(importlib.util.find_spec("quanke.core.backups") is not None, reason="backups deployed")
def test_the_nightly_backup_without_the_backup_module_fails_with_a_clear_error(db):
    result = nightly_backup.enqueue()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path.endswith("BackupUnavailable")
    assert "quanke.core.backups is missing" in result.errors[0].traceback


@pytest.fixture
def db_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.TASKS_LEASE_SECONDS = 60
    settings.TASKS_MAX_ATTEMPTS = 2


def claimed_export(cast, worker_id):
    job = ExportJob.objects.create(
        requested_by=cast.head_a,
        unit=cast.community_a,
        kind=ExportJob.Kind.STATION_MONTHLY,
        params={"period": "month", "start": "2026-03-01", "end": "2026-03-31"},
        status=ExportJob.Status.RUNNING,  # as export_run leaves it while it builds
    )
    run_export.enqueue(job.pk)
    row = DBTaskResult.objects.get()
    row.claim(worker_id)
    return job, row


def test_the_reaper_leaves_a_live_workers_task_alone(cast, db_queue):
    job, row = claimed_export(cast, "alive")
    WorkerHeartbeat.objects.create(worker_id="alive", hostname="h", pid=1, last_seen=timezone.now())
    assert taskqueue.reap() == {"requeued": 0, "failed": 0}
    row.refresh_from_db()
    assert row.status == "RUNNING"


def test_a_dead_workers_task_is_requeued_then_failed_and_the_export_job_follows(cast, db_queue):
    now = timezone.now()
    job, row = claimed_export(cast, "dead-1")
    WorkerHeartbeat.objects.create(
        worker_id="dead-1", hostname="h", pid=1, last_seen=now - timedelta(minutes=2)
    )

    assert taskqueue.reap(now=now) == {"requeued": 1, "failed": 0}
    row.refresh_from_db()
    assert row.status == "READY"  # the next worker takes it again (attempt 2 of 2)

    row.claim("dead-2")  # ... and dies too, before its first heartbeat was written
    assert taskqueue.reap(now=now) == {"requeued": 0, "failed": 0}  # within the lease of its start
    assert taskqueue.reap(now=now + timedelta(minutes=2)) == {"requeued": 0, "failed": 1}
    row.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path == "quanke.core.taskqueue.WorkerLost"
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "dead-2" in job.error


def test_a_retried_export_takes_over_the_job_its_dead_worker_left_running(cast, exports_root):
    job = ExportJob.objects.create(
        requested_by=cast.head_a,
        unit=cast.community_a,
        kind=ExportJob.Kind.STATION_MONTHLY,
        params={"period": "month", "start": "2026-03-01", "end": "2026-03-31"},
        status=ExportJob.Status.RUNNING,
    )
    from quanke.reports import services

    assert services.export_run(job_id=job.pk).status == ExportJob.Status.RUNNING  # a first attempt does not
    assert services.export_run(job_id=job.pk, take_over=True).status == ExportJob.Status.DONE


def test_the_prune_deletes_old_finished_task_rows_and_claims_only(db, db_queue, settings):
    from quanke.core.models import ScheduleClaim
    from quanke.core.tasks import prune_task_results

    old = timezone.now() - timedelta(days=settings.TASKS_KEEP_DAYS + 1)
    done, waiting, recent = (send_notifications.enqueue() for _ in range(3))
    DBTaskResult.objects.filter(pk__in=[done.id, recent.id]).update(status="SUCCESSFUL", finished_at=old)
    DBTaskResult.objects.filter(pk=recent.id).update(finished_at=timezone.now())
    ScheduleClaim.objects.create(name="notifications", slot=old)
    ScheduleClaim.objects.filter(name="notifications").update(created_at=old)

    prune = prune_task_results.enqueue()  # itself a row on the database queue; run it as a worker would
    assert prune_task_results.call() == {"tasks": 1, "claims": 1}
    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == {
        waiting.id,
        recent.id,
        prune.id,
    }
    assert not ScheduleClaim.objects.exists()
