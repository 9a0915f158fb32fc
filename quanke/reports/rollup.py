"""Keeping the matter roll-ups (MatterDailyStat, MatterDayTotal) in step with the matters.

How it stays fresh:
- `manage.py refresh_stats [--since DATE]` rebuilds every community-day from DATE (default: all), month by
  month, each month deleted and re-inserted in one transaction, so it is idempotent and can be re-run at any time
  (after imports, bulk loads or a calendar change, which alters working-day sums).
- After every saved matter, `transaction.on_commit` rebuilds the two community-days it touches (its acceptance day
  and, once closed, its closing day): two small indexed GROUP BY queries over a few dozen rows. The hook is a
  post_save receiver (quanke.reports.apps) because statistics are a read model of matters that the matters app
  should not have to know about; it carries no business rule.

Days are Beijing dates (settings.TIME_ZONE). Rows of one community are rebuilt under a lock on its OrgUnit row,
so two concurrent refreshes of the same community cannot both insert.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from quanke.core import workdays
from quanke.core.models import OrgUnit, UnitLevel
from quanke.matters.models import Kind, Matter, Status
from quanke.reports.models import MatterCounts, MatterDailyStat, MatterDayTotal

FIELDS = MatterCounts.COUNT_FIELDS
CLOSED_COUNTED = (Status.ON_SPOT, Status.FINISHED)


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class WorkdayOrdinals:
    """ordinal(d) = working days in (base, d]; working days between a and b = ordinal(b) − ordinal(a)."""

    def __init__(self):
        self._calendar = workdays.calendar()
        self._cache: dict[date, int] = {}
        self._base: date | None = None

    def __call__(self, day: date) -> int:
        if day not in self._cache:
            if self._base is None:
                self._base = day
                self._cache[day] = 0
            # Extend the table from the nearest known day; spans are at most a few years.
            known = min(self._cache, key=lambda d: abs((d - day).days))
            step = 1 if day > known else -1
            value, current = self._cache[known], known
            while current != day:
                nxt = current + timedelta(days=step)
                if step == 1:
                    value += 1 if self._calendar.is_workday(nxt) else 0
                else:
                    value -= 1 if self._calendar.is_workday(current) else 0
                current = nxt
                self._cache[current] = value
        return self._cache[day]


def compute_rows(*, start: date, end: date, unit_ids=None) -> dict[tuple, dict]:
    """{(unit_id, day, item_id, channel): counts} for days in [start, end], straight from the matters."""
    rows: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    lo, hi = day_start(start), day_start(end + timedelta(days=1))
    base = Matter.objects.all()
    if unit_ids is not None:
        base = base.filter(unit_id__in=list(unit_ids))

    received = (
        base.filter(accepted_at__gte=lo, accepted_at__lt=hi)
        .annotate(day=TruncDate("accepted_at"))
        .values("unit_id", "day", "item_id", "channel")
        .annotate(
            received=Count("pk"),
            consultations=Count("pk", filter=Q(kind=Kind.CONSULTATION)),
            on_spot=Count("pk", filter=Q(status=Status.ON_SPOT)),
            routed=Count("pk", filter=Q(routed_at__isnull=False)),
            refused=Count("pk", filter=Q(status=Status.REFUSED)),
        )
        .order_by()
    )
    for r in received:
        row = rows[(r["unit_id"], r["day"], r["item_id"], r["channel"])]
        for name in ("received", "consultations", "on_spot", "routed", "refused"):
            row[name] += r[name]

    ordinal = WorkdayOrdinals()
    closed = (
        base.filter(status__in=CLOSED_COUNTED, closed_at__gte=lo, closed_at__lt=hi)
        .annotate(day=TruncDate("closed_at"), accepted_day=TruncDate("accepted_at"))
        .values("unit_id", "day", "item_id", "channel", "accepted_day")
        .annotate(
            closed=Count("pk"),
            finished=Count("pk", filter=Q(status=Status.FINISHED)),
            finished_with_deadline=Count("pk", filter=Q(status=Status.FINISHED, due_date__isnull=False)),
            finished_in_time=Count("pk", filter=Q(status=Status.FINISHED, due_date__gte=F("day"))),
            trips_sum=Sum("trips"),
            one_trip=Count("pk", filter=Q(trips__lte=1)),
        )
        .order_by()
    )
    for r in closed:
        row = rows[(r["unit_id"], r["day"], r["item_id"], r["channel"])]
        for name in ("closed", "finished", "finished_with_deadline", "finished_in_time", "one_trip"):
            row[name] += r[name]
        row["trips"] += r["trips_sum"] or 0
        if r["finished"]:
            span = ordinal(r["day"]) - ordinal(r["accepted_day"])
            row["working_days"] += r["finished"] * max(span, 0)
    return rows


def _write(rows: dict[tuple, dict], *, start: date, end: date, unit_ids=None) -> int:
    stale = MatterDailyStat.objects.filter(day__gte=start, day__lte=end)
    stale_totals = MatterDayTotal.objects.filter(day__gte=start, day__lte=end)
    if unit_ids is not None:
        stale = stale.filter(unit_id__in=list(unit_ids))
        stale_totals = stale_totals.filter(unit_id__in=list(unit_ids))
    stale._raw_delete(stale.db)  # no signals or cascades hang off roll-up rows
    stale_totals._raw_delete(stale_totals.db)
    totals: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    objs = []
    for (unit_id, day, item_id, channel), counts in rows.items():
        objs.append(MatterDailyStat(unit_id=unit_id, day=day, item_id=item_id, channel=channel, **counts))
        total = totals[(unit_id, day)]
        for name in FIELDS:
            total[name] += counts[name]
    MatterDailyStat.objects.bulk_create(objs, batch_size=5000)
    MatterDayTotal.objects.bulk_create(
        [MatterDayTotal(unit_id=u, day=d, **c) for (u, d), c in totals.items()], batch_size=5000
    )
    return len(objs)


def refresh_range(*, start: date, end: date, unit_ids=None) -> int:
    """Rebuild [start, end] for the given communities (default all) in one transaction; returns rows written."""
    with transaction.atomic():
        units = OrgUnit.objects.filter(level=UnitLevel.COMMUNITY)
        if unit_ids is not None:
            units = units.filter(pk__in=list(unit_ids))
        list(units.select_for_update().values_list("pk", flat=True))
        rows = compute_rows(start=start, end=end, unit_ids=unit_ids)
        return _write(rows, start=start, end=end, unit_ids=unit_ids)


def first_day() -> date | None:
    first = Matter.objects.order_by("accepted_at").values_list("accepted_at", flat=True).first()
    return timezone.localtime(first).date() if first else None


def refresh_all(*, since: date | None = None, until: date | None = None, progress=None) -> int:
    """Rebuild from `since` (default: the first matter) to `until` (default: today), a month per transaction."""
    start = since or first_day()
    until = until or timezone.localdate()
    if start is None:
        with transaction.atomic():
            MatterDailyStat.objects.all()._raw_delete(MatterDailyStat.objects.db)
            MatterDayTotal.objects.all()._raw_delete(MatterDayTotal.objects.db)
        return 0
    written = 0
    chunk_start = start
    while chunk_start <= until:
        next_month = (chunk_start.replace(day=1) + timedelta(days=32)).replace(day=1)
        chunk_end = min(next_month - timedelta(days=1), until)
        written += refresh_range(start=chunk_start, end=chunk_end)
        if progress:
            progress(chunk_start, chunk_end, written)
        chunk_start = chunk_end + timedelta(days=1)
    if since is None:
        # Matters dated in the future (clock skew, imports) would otherwise linger from an older run.
        with transaction.atomic():
            MatterDailyStat.objects.filter(day__gt=until)._raw_delete(MatterDailyStat.objects.db)
            MatterDayTotal.objects.filter(day__gt=until)._raw_delete(MatterDayTotal.objects.db)
    return written


def matter_days(matter) -> set[date]:
    days = {timezone.localtime(matter.accepted_at).date()}
    if matter.closed_at:
        days.add(timezone.localtime(matter.closed_at).date())
    return days


def refresh_matter_days(unit_id: int, days: set[date]) -> None:
    for day in sorted(days):
        refresh_range(start=day, end=day, unit_ids=[unit_id])


def schedule_refresh(matter) -> None:
    """After the surrounding transaction commits, rebuild the community-days this matter counts in."""
    unit_id, days = matter.unit_id, matter_days(matter)
    transaction.on_commit(lambda: refresh_matter_days(unit_id, days))
