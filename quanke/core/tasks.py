"""Tasks of the core app, run by worker processes (`manage.py db_worker`); the schedule (quanke/core/schedule.py)
enqueues most of them."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from quanke.core import notify
from quanke.core.models import ScheduleClaim


@task()
def send_notifications(limit: int = 500) -> dict[str, int]:
    sent, failed = notify.send_due(limit=limit)
    return {"sent": sent, "failed": failed}


class BackupUnavailable(RuntimeError):
    """The backup module (quanke.core.backups, another part of issue 14) is not installed in this build."""


@task()
def nightly_backup() -> object:
    """The nightly pg_dump with retention. The backup code lives in quanke.core.backups (imported here, at run time,
    so that the queue and the schedule do not depend on it being deployed)."""
    try:
        from quanke.core import backups
    except ImportError as exc:
        raise BackupUnavailable(
            "quanke.core.backups is missing: the nightly backup cannot run. Deploy the backup module "
            "(docs/BACKUP.md) or remove the 'backup' row from quanke/core/schedule.py."
        ) from exc
    run = getattr(backups, "nightly_backup", None)
    if run is None:
        raise BackupUnavailable("quanke.core.backups has no nightly_backup() function.")
    result = run()
    return str(result) if result is not None else None


@task()
def prune_task_results(days: int | None = None) -> dict[str, int]:
    """Delete finished task rows and schedule claims older than TASKS_KEEP_DAYS (waiting and running ones stay)."""
    cutoff = timezone.now() - timedelta(days=days or settings.TASKS_KEEP_DAYS)
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    claims, _ = ScheduleClaim.objects.filter(created_at__lt=cutoff).delete()
    return {"tasks": tasks, "claims": claims}
