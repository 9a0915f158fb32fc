"""Tasks of the casework app, run by worker processes (`manage.py db_worker`)."""

from datetime import date

from django_tasks import task

from quanke.casework import services


@task()
def casework_reminders(day: str | None = None) -> dict[str, int]:
    return services.reminders_send(day=date.fromisoformat(day) if day else None)
