"""Tasks of the residents' door, run by worker processes; quanke/core/schedule.py enqueues them."""

from django_tasks import task

from quanke.public import booking


@task()
def prune_booking_requests() -> dict[str, int]:
    return booking.prune()
