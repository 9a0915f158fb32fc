"""Tasks of the reports app, run by worker processes (`manage.py db_worker`)."""

from datetime import date, timedelta

from django.dispatch import receiver
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.signals import task_finished

from quanke.reports import rollup, services
from quanke.reports.models import ExportJob


@task(takes_context=True)
def run_export(context, job_id: int) -> str:
    # A second attempt means the first one's worker died with the job marked running: take it over.
    job = services.export_run(job_id=job_id, take_over=context.attempt > 1)
    return job.status


@task()
def refresh_stats(since: str | None = None, until: str | None = None) -> int:
    """Rebuild the statistics roll-ups; by default (the nightly run) the last 40 days, which late edits reach."""
    until_d = date.fromisoformat(until) if until else timezone.localdate()
    since_d = date.fromisoformat(since) if since else until_d.replace(day=1) - timedelta(days=10)
    return rollup.refresh_all(since=since_d, until=until_d)


@receiver(task_finished)
def export_task_failed(sender, task_result, **kwargs):
    """The export task failed outside export_run's own handling (its worker was lost, or it could not start):
    the job says so instead of staying queued or running."""
    if task_result.status != TaskResultStatus.FAILED or task_result.task.func is not run_export.func:
        return
    job_id = (task_result.args or [None])[0] or task_result.kwargs.get("job_id")
    error = task_result.errors[-1] if task_result.errors else None
    reason = error.exception_class_path.rsplit(".", 1)[-1] if error else "TaskFailed"
    message = (error.traceback.strip().splitlines() or [reason])[-1] if error else reason
    ExportJob.objects.filter(pk=job_id).exclude(status=ExportJob.Status.DONE).update(
        status=ExportJob.Status.FAILED, error=message[:2000], updated_at=timezone.now()
    )
