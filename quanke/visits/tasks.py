"""Tasks of the visits app, run by worker processes (`manage.py db_worker`); quanke/core/schedule.py enqueues them."""

from datetime import date, timedelta

from django.utils import timezone
from django_tasks import task

from quanke.visits import services


@task()
def booking_reminders(day: str | None = None) -> dict[str, int]:
    """Remind residents of tomorrow's bookings (or `day`'s), once each."""
    target = date.fromisoformat(day) if day else timezone.localdate() + timedelta(days=1)
    sent = sum(services.booking_send_reminder(booking=b) for b in services.bookings_to_remind(day=target))
    return {"reminded": sent}
