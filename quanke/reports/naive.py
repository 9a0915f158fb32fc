"""The reference computation: every count straight from the matters table, one ORM query per community and
per count, as a first version would do it. Slow by design; the tests check the roll-ups against it and
bench/reports.py times it beside the optimised path."""

from datetime import date, timedelta

from django.db.models import Q

from quanke.core import permissions, workdays
from quanke.core.models import OrgUnit, UnitLevel
from quanke.matters.models import CLOCK_RUNNING, OPEN_STATUSES, Kind, Matter, Status
from quanke.reports.periods import Period
from quanke.reports.rollup import day_start


def community_counts(unit: OrgUnit, period: Period, today: date) -> dict:
    lo, hi = day_start(period.start), day_start(period.end + timedelta(days=1))
    m = Matter.objects.filter(unit=unit)
    acc = m.filter(accepted_at__gte=lo, accepted_at__lt=hi)
    closed = m.filter(status__in=[Status.ON_SPOT, Status.FINISHED], closed_at__gte=lo, closed_at__lt=hi)
    finished = closed.filter(status=Status.FINISHED)
    counts = {
        "received": acc.count(),
        "consultations": acc.filter(kind=Kind.CONSULTATION).count(),
        "on_spot": acc.filter(status=Status.ON_SPOT).count(),
        "routed": acc.filter(routed_at__isnull=False).count(),
        "refused": acc.filter(status=Status.REFUSED).count(),
        "closed": closed.count(),
        "finished": finished.count(),
        "finished_with_deadline": finished.filter(due_date__isnull=False).count(),
        "one_trip": closed.filter(trips__lte=1).count(),
        "open_now": m.filter(status__in=list(OPEN_STATUSES)).count(),
        "overdue_now": m.filter(status__in=list(CLOCK_RUNNING), due_date__lt=today).count(),
    }
    in_time = working = trips = 0
    from django.utils import timezone

    for accepted_at, closed_at, due, status, n_trips in closed.values_list(
        "accepted_at", "closed_at", "due_date", "status", "trips"
    ):
        trips += n_trips
        if status != Status.FINISHED:
            continue
        closed_day = timezone.localtime(closed_at).date()
        working += max(workdays.working_days_between(timezone.localtime(accepted_at).date(), closed_day), 0)
        if due is not None and closed_day <= due:
            in_time += 1
    counts.update(finished_in_time=in_time, working_days=working, trips=trips)
    return counts


def unit_counts(unit: OrgUnit, period: Period, today: date) -> dict:
    total: dict = {}
    communities = OrgUnit.objects.filter(permissions.subtree(unit, ""), level=UnitLevel.COMMUNITY)
    for community in communities:
        for k, v in community_counts(community, period, today).items():
            total[k] = total.get(k, 0) + v
    return total


def by_item_received(unit: OrgUnit, period: Period) -> dict[int, int]:
    """Received per item, one query per item (what a naive monthly report's item section does)."""
    from quanke.catalog.models import Item

    lo, hi = day_start(period.start), day_start(period.end + timedelta(days=1))
    base = Matter.objects.filter(permissions.subtree(unit, "unit"), accepted_at__gte=lo, accepted_at__lt=hi)
    return {item.pk: n for item in Item.objects.all() if (n := base.filter(Q(item=item)).count())}
