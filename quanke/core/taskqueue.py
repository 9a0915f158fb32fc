"""Liveness for the database task queue: worker heartbeats and the reaper of tasks whose worker died.

django-tasks-db marks a task RUNNING when a worker claims it and finished when the worker records the outcome; a
worker killed in between (SIGKILL, OOM, power loss) leaves the row RUNNING for ever. So each worker
(`manage.py db_worker`, quanke/core/management/commands/db_worker.py) writes a heartbeat row every
TASKS_HEARTBEAT_SECONDS from a thread of its own, and reaps at start and every lease: a RUNNING task whose last
worker has been silent for TASKS_LEASE_SECONDS goes back to the queue while it has had fewer than
TASKS_MAX_ATTEMPTS runs, else it is marked failed with a WorkerLost error. Either way `task_finished` (on failure)
lets the owner of the work (e.g. an export job) record the outcome.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from quanke.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The worker running a task stopped (killed, crashed, lost its machine) before recording the outcome."""


def beat(worker_id: str, *, now=None) -> None:
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(pk=worker_id).update(last_seen=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            pk=worker_id,
            defaults={"hostname": socket.gethostname()[:255], "pid": os.getpid(), "last_seen": now},
        )


def forget(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(pk=worker_id).delete()


def reap(*, now=None) -> dict[str, int]:
    """Requeue or fail the RUNNING tasks of dead workers; returns {"requeued": n, "failed": n}."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.TASKS_LEASE_SECONDS)
    counts = {"requeued": 0, "failed": 0}
    failed_rows = []
    with exclusive_transaction(DBTaskResult.objects.db):
        live = set(WorkerHeartbeat.objects.filter(last_seen__gte=now - lease).values_list("pk", flat=True))
        known = set(WorkerHeartbeat.objects.values_list("pk", flat=True))
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True).order_by()
        for row in running:
            worker = row.worker_ids[-1] if row.worker_ids else ""
            if worker in live:
                continue
            # A worker without any heartbeat row: one that started before this code, or whose row was pruned;
            # give its task the lease from its start before calling it lost.
            if worker not in known and row.started_at and row.started_at > now - lease:
                continue
            if len(row.worker_ids) < settings.TASKS_MAX_ATTEMPTS:
                row.status = "READY"
                row.save(update_fields=["status"])
                counts["requeued"] += 1
                logger.warning("task %s (%s): worker %s lost; requeued", row.id, row.task_path, worker)
            else:
                row.set_failed(
                    WorkerLost(
                        f"worker {worker} stopped while running the task (attempt {len(row.worker_ids)} of "
                        f"{settings.TASKS_MAX_ATTEMPTS})"
                    )
                )
                failed_rows.append(row)
                counts["failed"] += 1
                logger.error("task %s (%s): worker %s lost; marked failed", row.id, row.task_path, worker)
        # Rows of workers silent for ten leases are gone for good.
        WorkerHeartbeat.objects.filter(last_seen__lt=now - 10 * lease).delete()
    for row in failed_rows:
        try:
            result = row.task_result
        except Exception:  # noqa: BLE001 - the task's code is gone; nobody to tell
            continue
        task_finished.send(sender=type(result.task.get_backend()), task_result=result)
    return counts


class Heartbeat(threading.Thread):
    """Writes the worker's heartbeat every TASKS_HEARTBEAT_SECONDS and reaps every lease, beside the task the
    worker's main thread is running (a long export keeps its lease)."""

    def __init__(self, worker_id: str):
        super().__init__(daemon=True, name=f"heartbeat-{worker_id[:8]}")
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        every = max(1, settings.TASKS_HEARTBEAT_SECONDS)
        reap_every = max(every, settings.TASKS_LEASE_SECONDS)
        since_reap = 0
        try:
            while not self.stopped.wait(every):
                try:
                    beat(self.worker_id)
                    since_reap += every
                    if since_reap >= reap_every:
                        since_reap = 0
                        reap()
                except Exception:  # a database hiccup must not end the heartbeat; the next beat retries
                    logger.exception("worker %s: heartbeat failed", self.worker_id)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()


def start_worker(worker_id: str) -> Heartbeat:
    beat(worker_id)
    reap()
    heartbeat = Heartbeat(worker_id)
    heartbeat.start()
    return heartbeat


def stop_worker(worker_id: str, heartbeat: Heartbeat) -> None:
    heartbeat.stop()
    try:
        with transaction.atomic():
            forget(worker_id)
    except Exception:  # noqa: BLE001 - the row then expires after ten leases
        logger.exception("worker %s: could not remove its heartbeat", worker_id)
