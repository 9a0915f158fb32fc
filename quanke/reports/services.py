"""Writes of the reports app: export jobs.

Background work: an export is a task (quanke.reports.tasks.run_export) enqueued once the request's transaction
commits and run by a worker process (`manage.py db_worker`); `manage.py run_export JOB_ID` runs (or re-runs) one
by hand. A worker that dies mid-export has its task requeued or failed (quanke.core.taskqueue), and the job row
follows (quanke.reports.tasks), so no job stays "running".

Reads: the figures of an export come from the read replica (docs/REPLICA.md) like the dashboards'; the job's own
row is read and written on the primary only — claimed under a lock before the replica reads start, its progress
written past the router so that it does not pin the rest of the build to the primary.
"""

import time
import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.audit import audit_record
from quanke.core.dbrouter import PRIMARY, replica_reads
from quanke.core.models import AuditEvent, UnitLevel
from quanke.reports import exports
from quanke.reports.models import ExportJob
from quanke.reports.periods import Period


def exports_dir():
    # Not under MEDIA_ROOT: media is served without a permission check in DEBUG; exports are downloaded only
    # through the reports view, which checks who asks.
    path = settings.EXPORTS_ROOT
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_request(*, actor, kind: str, unit, period: Period) -> ExportJob:
    permissions.require(permissions.can_export_statistics(actor, unit))
    if kind not in ExportJob.Kind.values:
        raise ValidationError({"kind": _("未知的报表类型。")})
    if kind == ExportJob.Kind.STATION_MONTHLY and unit.level != UnitLevel.COMMUNITY:
        raise ValidationError({"kind": _("月度工作报表按社区服务站生成，请先选择一个社区。")})
    if kind == ExportJob.Kind.COUNTY_SUMMARY and unit.level == UnitLevel.COMMUNITY:
        raise ValidationError({"kind": _("汇总表按街道或区县生成。")})
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=actor,
            unit=unit,
            kind=kind,
            params={"period": period.kind, "start": period.start.isoformat(), "end": period.end.isoformat()},
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=job,
            changes={"kind": kind, "unit": unit.code, **job.params},
        )
        transaction.on_commit(lambda: _enqueue(job.pk), robust=True)  # the job is queued anyway
    return job


def _enqueue(job_id: int) -> None:
    from quanke.reports.tasks import run_export

    run_export.enqueue(job_id)


def _progress(job: ExportJob, pct: int) -> None:
    # Straight to the primary (`using`), not through the router: a routed write would pin the build's remaining
    # reads to the primary. Nothing in the build reads the job row back.
    job.progress = pct
    ExportJob.objects.using(PRIMARY).filter(pk=job.pk).update(progress=pct, updated_at=timezone.now())


def export_run(*, job_id: int, today: date | None = None, take_over: bool = False) -> ExportJob:
    """Build the file for a queued (or failed) job; records failure on the job instead of raising.

    take_over: the job is RUNNING because an earlier attempt's worker died (a retried task); start it again."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("unit", "requested_by").get(pk=job_id)
        if job.status == ExportJob.Status.DONE or (job.status == ExportJob.Status.RUNNING and not take_over):
            return job
        job.status, job.progress, job.error = ExportJob.Status.RUNNING, 5, ""
        job.save(update_fields=["status", "progress", "error", "updated_at"])
    if settings.EXPORT_TEST_DELAY_SECONDS:  # tests only: a window in which to kill the worker mid-export
        time.sleep(settings.EXPORT_TEST_DELAY_SECONDS)
    try:
        period = Period(
            job.params["period"],
            date.fromisoformat(job.params["start"]),
            date.fromisoformat(job.params["end"]),
        )
        build = (
            exports.station_monthly if job.kind == ExportJob.Kind.STATION_MONTHLY else exports.county_summary
        )
        with replica_reads():  # a write inside (an audit row) pins the rest to the primary, as in a request
            wb = build(
                actor=job.requested_by,
                unit=job.unit,
                period=period,
                today=today or timezone.localdate(),
                progress=lambda pct: _progress(job, pct),
            )
        label = str(ExportJob.Kind(job.kind).label)
        job.file_name = f"{job.unit.name}{label}_{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
        path = exports_dir() / f"{job.pk}-{uuid.uuid4().hex}.xlsx"
        wb.save(path)
        job.file_path = str(path)
        job.status, job.progress, job.finished_at = ExportJob.Status.DONE, 100, timezone.now()
        job.save(update_fields=["file_name", "file_path", "status", "progress", "finished_at", "updated_at"])
    except Exception as exc:  # the job page shows the failure; the traceback goes to the log
        import logging

        logging.getLogger(__name__).exception("export %s failed", job_id)
        job.status, job.error = ExportJob.Status.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        job.save(update_fields=["status", "error", "updated_at"])
    return job


def export_download_record(*, actor, job: ExportJob) -> None:
    permissions.require(permissions.can_download_export(actor, job))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=job,
        changes={"kind": job.kind, "file": job.file_name, **job.params},
    )
