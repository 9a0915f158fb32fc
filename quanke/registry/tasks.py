"""Tasks of the registry app, run by worker processes (`manage.py db_worker`)."""

from django.dispatch import receiver
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task
from django_tasks.signals import task_finished

from quanke.registry import imports


@task(takes_context=True)
def run_import(context, batch_id: int) -> str | None:
    # A second attempt means the first one's worker died with the batch marked running: take it over.
    batch = imports.import_run(batch_id=batch_id, take_over=context.attempt > 1)
    return batch.status if batch is not None else None


@receiver(task_finished)
def import_task_failed(sender, task_result, **kwargs):
    """The import task failed outside import_run's own handling (its worker was lost, or it could not start): the
    batch says so instead of staying queued or running."""
    if task_result.status != TaskResultStatus.FAILED or task_result.task.func is not run_import.func:
        return
    batch_id = (task_result.args or [None])[0] or task_result.kwargs.get("batch_id")
    error = task_result.errors[-1] if task_result.errors else None
    reason = error.exception_class_path.rsplit(".", 1)[-1] if error else "TaskFailed"
    imports.import_failed(
        batch_id=batch_id,
        error=_("导入未完成（%(e)s），未导入任何数据。请重新上传。") % {"e": reason},
    )
