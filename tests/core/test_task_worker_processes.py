"""Real `manage.py db_worker` processes on PostgreSQL: a worker killed mid-export (or mid-import) leaves no job
running (its task is retried to completion by another worker, or marked failed by the reaper), and two workers on
one queue run each task exactly once."""

import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from quanke.core import taskqueue
from quanke.registry import imports
from quanke.registry.models import ImportBatch, Resident
from quanke.reports.models import ExportJob
from quanke.reports.tasks import run_export
from tests.core import task_probe
from tests.registry.test_import import GOOD, xlsx

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="worker processes share the test database: needs PostgreSQL"
)

ROOT = Path(__file__).resolve().parents[2]
LEASE = 3


@pytest.fixture
def db_queue(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.TASKS_LEASE_SECONDS = LEASE
    settings.EXPORTS_ROOT = tmp_path / "exports"
    return tmp_path


def start_worker(tmp_path, worker_id, **env):
    db = connection.settings_dict
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "TASKS_BACKEND": "database",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "EXPORTS_ROOT": str(tmp_path / "exports"),
        "TASKS_HEARTBEAT_SECONDS": "1",
        "TASKS_LEASE_SECONDS": str(LEASE),
        **env,
    }
    log = open(tmp_path / f"{worker_id}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "--no-reload",
            "--worker-id",
            worker_id,
            "-v",
            "2",
        ],
        cwd=ROOT,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for(predicate, timeout=40.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def stop(*procs):
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def queued_export(cast) -> ExportJob:
    job = ExportJob.objects.create(
        requested_by=cast.head_a,
        unit=cast.community_a,
        kind=ExportJob.Kind.STATION_MONTHLY,
        params={"period": "month", "start": "2026-03-01", "end": "2026-03-31"},
    )
    run_export.enqueue(job.pk)
    return job


def job_status(job):
    job.refresh_from_db()
    return job.status


def kill_mid_export(tmp_path, job):
    slow = start_worker(tmp_path, "slow-worker", EXPORT_TEST_DELAY_SECONDS="60")
    try:
        wait_for(lambda: job_status(job) == ExportJob.Status.RUNNING, what="the export to start")
    finally:
        slow.send_signal(signal.SIGKILL)
        slow.wait()
    assert DBTaskResult.objects.get().status == "RUNNING"  # what the library alone would leave for ever


def test_an_export_whose_worker_is_killed_is_retried_to_completion_by_another_worker(
    migrated_data, cast, db_queue, settings
):
    job = queued_export(cast)
    kill_mid_export(db_queue, job)

    second = start_worker(db_queue, "second-worker", TASKS_MAX_ATTEMPTS="2")
    try:
        wait_for(
            lambda: job_status(job) in (ExportJob.Status.DONE, ExportJob.Status.FAILED), what="the retry"
        )
    finally:
        stop(second)

    assert job.status == ExportJob.Status.DONE, job.error
    assert Path(job.file_path).exists()
    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL" and task.worker_ids == ["slow-worker", "second-worker"]
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()


def test_an_export_whose_worker_is_killed_on_its_last_attempt_is_marked_failed(
    migrated_data, cast, db_queue, settings
):
    settings.TASKS_MAX_ATTEMPTS = 1
    job = queued_export(cast)
    kill_mid_export(db_queue, job)

    assert taskqueue.reap() == {"requeued": 0, "failed": 0}  # its heartbeat is still within the lease
    assert taskqueue.reap(now=timezone.now() + timedelta(seconds=LEASE + 1)) == {"requeued": 0, "failed": 1}

    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "WorkerLost" in job.error and "slow-worker" in job.error
    task = DBTaskResult.objects.get()
    assert task.status == "FAILED" and task.exception_class_path.endswith("WorkerLost")


def test_an_import_whose_worker_is_killed_is_retried_to_completion_by_another_worker(
    migrated_data, cast, db_queue, settings
):
    preview = imports.residents_preview(
        actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", fileobj=io.BytesIO(xlsx(GOOD))
    )
    batch = imports.residents_confirm(
        actor=cast.head_a, batch=preview.batch
    )  # enqueued on commit (autocommit)
    assert batch.status == ImportBatch.Status.QUEUED and DBTaskResult.objects.get().status == "READY"

    def batch_status():
        batch.refresh_from_db()
        return batch.status

    slow = start_worker(db_queue, "slow-worker", IMPORT_TEST_DELAY_SECONDS="60")
    try:
        wait_for(lambda: batch_status() == ImportBatch.Status.RUNNING, what="the import to start")
    finally:
        slow.send_signal(signal.SIGKILL)
        slow.wait()
    assert Resident.objects.count() == 0 and DBTaskResult.objects.get().status == "RUNNING"

    second = start_worker(db_queue, "second-worker", TASKS_MAX_ATTEMPTS="2")
    try:
        wait_for(lambda: batch_status() not in imports.WORKING, what="the retry")
    finally:
        stop(second)

    assert batch.status == ImportBatch.Status.COMMITTED, batch.error
    assert Resident.objects.count() == 3 and batch.summary["result"]["created"] == 3
    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL" and task.worker_ids == ["slow-worker", "second-worker"]


@pytest.fixture
def probe_table(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {task_probe.TABLE} (task_key text NOT NULL, pid integer NOT NULL)")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {task_probe.TABLE}")


def test_two_workers_on_one_queue_run_each_task_exactly_once(probe_table, db_queue):
    n = 60
    for i in range(n):
        task_probe.record_execution.enqueue(f"t{i}", pause=0.05)
    workers = [start_worker(db_queue, f"worker-{k}") for k in (1, 2)]
    try:
        wait_for(
            lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == n, what="all tasks to finish"
        )
    finally:
        stop(*workers)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT task_key, count(*) FROM {task_probe.TABLE} GROUP BY task_key")
        runs = dict(cursor.fetchall())
        cursor.execute(f"SELECT count(DISTINCT pid) FROM {task_probe.TABLE}")
        processes = cursor.fetchone()[0]
    assert runs == {f"t{i}": 1 for i in range(n)}
    assert processes == 2  # both workers took tasks from the one queue
    assert {w for row in DBTaskResult.objects.all() for w in row.worker_ids} == {"worker-1", "worker-2"}
    assert all(len(row.worker_ids) == 1 for row in DBTaskResult.objects.all())
