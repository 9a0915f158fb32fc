"""Where indicator counts come from: one source per app, each returning additive counts per community.

A source's `collect(community_ids, period, today)` returns {community_id: {count_name: number}} in ONE grouped
query (or a few), never a query per unit. Street and county figures are sums of community figures
(quanke.reports.selectors rolls them up). Sources for apps whose models do not exist yet are simply absent.
"""

from collections import defaultdict
from datetime import date

from django.db.models import Count, Q, Sum

from quanke.matters.models import CLOCK_RUNNING, OPEN_STATUSES, Matter
from quanke.reports.models import MatterCounts, MatterDayTotal
from quanke.reports.periods import Period


def _nested():
    return defaultdict(dict)


class MatterSource:
    name = "matters"

    def collect(self, community_ids: list[int], period: Period, today: date, *, live: bool) -> dict:
        out = _nested()
        rows = (
            MatterDayTotal.objects.filter(
                unit_id__in=community_ids, day__gte=period.start, day__lte=period.end
            )
            .values("unit_id")
            .annotate(**{name: Sum(name) for name in MatterCounts.COUNT_FIELDS})
            .order_by()
        )
        for r in rows:
            out[r.pop("unit_id")].update(r)
        for uid in community_ids:
            for name in MatterCounts.COUNT_FIELDS:
                out[uid].setdefault(name, 0)
        if live:
            live_rows = (
                Matter.objects.filter(unit_id__in=community_ids, status__in=list(OPEN_STATUSES))
                .values("unit_id")
                .annotate(
                    # COUNT(unit_id) rather than COUNT(id): the partial index reports_matter_open covers the
                    # query, so PostgreSQL answers from the index alone without visiting the table.
                    open_now=Count("unit"),
                    overdue_now=Count("unit", filter=Q(status__in=list(CLOCK_RUNNING), due_date__lt=today)),
                )
                .order_by()
            )
            for uid in community_ids:
                out[uid].update(open_now=0, overdue_now=0)
            for r in live_rows:
                out[r.pop("unit_id")].update(r)
        return out


SOURCES = [MatterSource()]
