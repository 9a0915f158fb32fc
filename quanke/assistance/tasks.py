"""Tasks of the assistance app, run by worker processes (`manage.py db_worker`)."""

from datetime import date

from django_tasks import task

from quanke.assistance import services


@task()
def discovery_scan(locality: str = "", on: str | None = None) -> dict[str, int]:
    """The proactive discovery scan over the whole registry (the nightly run; `manage.py assistance_scan`)."""
    run = services.assistance_scan(
        actor=None, locality=locality, on=date.fromisoformat(on) if on else None, progress=None
    ).run
    return {
        "households": run.households,
        "residents": run.residents,
        "findings_new": run.findings_new,
        "findings_kept": run.findings_kept,
        "findings_lapsed": run.findings_lapsed,
    }


@task()
def review_reminders(on: str | None = None) -> dict[str, int]:
    """The daily digest of 低保 reviews due, to each reviewer."""
    return services.review_reminders_send(on=date.fromisoformat(on) if on else None)
