"""`manage.py db_worker`: django-tasks-db's worker, plus a heartbeat and the reaper of dead workers' tasks
(quanke.core.taskqueue). Same options as the library's command; quanke.core comes before django_tasks_db in
INSTALLED_APPS, so this one is the command that runs."""

from django_tasks_db.management.commands import db_worker

from quanke.core import taskqueue


class Worker(db_worker.Worker):
    def run(self) -> None:
        heartbeat = taskqueue.start_worker(self.worker_id)
        try:
            super().run()
        finally:
            taskqueue.stop_worker(self.worker_id, heartbeat)


class Command(db_worker.Command):
    help = (
        "Run a task worker: takes tasks from the database queue, with a heartbeat; reaps dead workers' tasks."
    )

    def handle(self, *args, **options):
        db_worker.Worker = Worker  # the library's handle() builds its Worker by this module-level name
        super().handle(*args, **options)
