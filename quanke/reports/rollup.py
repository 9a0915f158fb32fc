"""Keeping the matter roll-ups (MatterDailyStat, MatterDayTotal) in step with the matters.

How it stays fresh:
- `manage.py refresh_stats [--since DATE]` rebuilds every community-day from DATE (default: all), month by
  month, each month deleted and re-inserted in one transaction, so it is idempotent and can be re-run at any time
  (after imports, bulk loads or a calendar change, which alters working-day sums).
- The matter services (quanke.matters.services) call `schedule_refresh` whenever they write a matter: after the
  transaction commits, the community-days the matter counts in (its acceptance day and, once closed, its
  closing day) are rebuilt by the same code path, over a few dozen indexed rows.

A rebuild is two set-based statements run by the database (INSERT … SELECT … GROUP BY), not a loop in Python:
the detailed rows from the matters, then the day totals from the detailed rows. Days are Beijing dates
(settings.TIME_ZONE), computed with the ORM's own date-cast SQL so that they match TruncDate on every backend.
Working days between acceptance and closing come from a small temporary table day → working-day ordinal
(ordinal(d) = working days in (base, d]), filled from quanke.core.workdays for just the days needed.

Rows of one community are rebuilt under a lock on its OrgUnit row, so two concurrent refreshes of the same
community cannot both insert.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from quanke.core import workdays
from quanke.core.models import OrgUnit, UnitLevel
from quanke.matters.models import Kind, Matter, Status, day_start  # day_start: one Beijing-day rule
from quanke.reports.models import MatterCounts, MatterDailyStat, MatterDayTotal, MatterMonthStat
from quanke.reports.periods import Period, period_for

FIELDS = MatterCounts.COUNT_FIELDS
CLOSED_COUNTED = (str(Status.ON_SPOT), str(Status.FINISHED))  # closed-side counts: on the spot or finished
ORDINALS = "reports_tmp_workday_ordinal"
# The SELECT below lists the acceptance-day counts first, then the closing-day ones, in this order.
RECEIVED_FIELDS, CLOSED_FIELDS = FIELDS[:5], FIELDS[5:]
assert RECEIVED_FIELDS == ("received", "consultations", "on_spot", "routed", "refused")


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """[first moment, first moment after] of a period of Beijing days, for timestamp filters."""
    return day_start(period.start), day_start(period.end + timedelta(days=1))


def _local_day(column: str) -> tuple[str, list]:
    """SQL for the Beijing date of a timestamp column: the same expression TruncDate compiles to."""
    sql, params = connection.ops.datetime_cast_date_sql(column, (), settings.TIME_ZONE)
    return sql, list(params)


def _fill_ordinals(cursor, first: date, last: date) -> None:
    """Fill the temporary day → working-day-ordinal table for [first, last]."""
    calendar = workdays.calendar()
    rows, ordinal, day = [], 0, first
    while day <= last:
        if day > first and calendar.is_workday(day):
            ordinal += 1
        rows.append((connection.ops.adapt_datefield_value(day), ordinal))
        day += timedelta(days=1)
    # Created once per database session and emptied on each use: creating and dropping it on every per-matter
    # refresh would churn PostgreSQL's system catalogs.
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {ORDINALS} (day date PRIMARY KEY, n integer NOT NULL)"
    )
    cursor.execute(f"DELETE FROM {ORDINALS}")
    for i in range(0, len(rows), 400):  # 800 parameters: under SQLite's oldest limit
        chunk = rows[i : i + 400]
        cursor.execute(
            f"INSERT INTO {ORDINALS} (day, n) VALUES " + ", ".join(["(%s, %s)"] * len(chunk)),
            [v for row in chunk for v in row],
        )


def _in(column: str, values) -> tuple[str, list]:
    if values is None:
        return "", []
    values = list(values)
    return f" AND {column} IN ({', '.join(['%s'] * len(values))})", values


def _insert_rows(cursor, *, start: date, end: date, unit_ids) -> int:
    """Insert the detailed roll-up rows of [start, end] (already deleted) straight from the matters."""
    # Raw SQL gets no field adaptation: SQLite compares timestamps as UTC text, so adapt them like the ORM does.
    ops = connection.ops
    lo = ops.adapt_datetimefield_value(day_start(start))
    hi = ops.adapt_datetimefield_value(day_start(end + timedelta(days=1)))
    units_sql, units_params = _in("m.unit_id", unit_ids)
    matter = Matter._meta.db_table
    finished, on_spot = str(Status.FINISHED), str(Status.ON_SPOT)

    acc_day, acc_params = _local_day("m.accepted_at")
    closed_day, closed_params = _local_day("m.closed_at")

    # Working days need ordinals from the earliest acceptance day of a matter finished in the range.
    cursor.execute(
        f"SELECT MIN({acc_day}) FROM {matter} m "
        f"WHERE m.status = %s AND m.closed_at >= %s AND m.closed_at < %s{units_sql}",
        [*acc_params, finished, lo, hi, *units_params],
    )
    earliest = cursor.fetchone()[0]  # a date on PostgreSQL, an ISO string on SQLite
    first = min(start, date.fromisoformat(str(earliest))) if earliest is not None else start
    _fill_ordinals(cursor, first, end)

    zeros_closed = ", ".join(f"0 AS {f}" for f in CLOSED_FIELDS)
    zeros_received = ", ".join("0" for _ in RECEIVED_FIELDS)
    columns = ", ".join(FIELDS)
    sums = ", ".join(f"SUM({f})" for f in FIELDS)
    sql = f"""
        INSERT INTO {MatterDailyStat._meta.db_table} (unit_id, day, item_id, channel, {columns})
        SELECT unit_id, day, item_id, channel, {sums}
        FROM (
            SELECT m.unit_id AS unit_id, {acc_day} AS day, m.item_id AS item_id, m.channel AS channel,
                1 AS received,
                CASE WHEN m.kind = %s THEN 1 ELSE 0 END AS consultations,
                CASE WHEN m.status = %s THEN 1 ELSE 0 END AS on_spot,
                CASE WHEN m.routed_at IS NOT NULL THEN 1 ELSE 0 END AS routed,
                CASE WHEN m.status = %s THEN 1 ELSE 0 END AS refused,
                {zeros_closed}
            FROM {matter} m
            WHERE m.accepted_at >= %s AND m.accepted_at < %s{units_sql}
            UNION ALL
            SELECT m.unit_id, {closed_day}, m.item_id, m.channel,
                {zeros_received},
                1,
                CASE WHEN m.status = %s THEN 1 ELSE 0 END,
                CASE WHEN m.status = %s AND m.due_date IS NOT NULL THEN 1 ELSE 0 END,
                CASE WHEN m.status = %s AND m.due_date >= {closed_day} THEN 1 ELSE 0 END,
                CASE WHEN m.status = %s AND oc.n > oa.n THEN oc.n - oa.n ELSE 0 END,
                m.trips,
                CASE WHEN m.trips <= 1 THEN 1 ELSE 0 END
            FROM {matter} m
            LEFT JOIN {ORDINALS} oa ON oa.day = {acc_day}
            LEFT JOIN {ORDINALS} oc ON oc.day = {closed_day}
            WHERE m.status IN (%s, %s) AND m.closed_at >= %s AND m.closed_at < %s{units_sql}
        ) counted
        GROUP BY unit_id, day, item_id, channel
    """
    params = [
        *acc_params,
        str(Kind.CONSULTATION),
        on_spot,
        str(Status.REFUSED),
        lo,
        hi,
        *units_params,
        *closed_params,
        finished,
        finished,
        finished,
        *closed_params,
        finished,
        *acc_params,
        *closed_params,
        *CLOSED_COUNTED,
        lo,
        hi,
        *units_params,
    ]
    cursor.execute(sql, params)
    written = cursor.rowcount

    totals_sql, totals_params = _in("unit_id", unit_ids)
    cursor.execute(
        f"INSERT INTO {MatterDayTotal._meta.db_table} (unit_id, day, {columns}) "
        f"SELECT unit_id, day, {sums} FROM {MatterDailyStat._meta.db_table} "
        f"WHERE day >= %s AND day <= %s{totals_sql} GROUP BY unit_id, day",
        [ops.adapt_datefield_value(start), ops.adapt_datefield_value(end), *totals_params],
    )
    return written


def _rebuild_months(cursor, *, start: date, end: date, unit_ids) -> None:
    """Re-sum the whole months that [start, end] touches from the (already rebuilt) daily rows."""
    first, last = period_for("month", start).start, period_for("month", end).end
    stale = MatterMonthStat.objects.filter(day__gte=first, day__lte=last)
    if unit_ids is not None:
        stale = stale.filter(unit_id__in=list(unit_ids))
    stale._raw_delete(stale.db)
    ops = connection.ops
    month_sql, month_params = ops.date_trunc_sql("month", "day", ())
    units_sql, units_params = _in("unit_id", unit_ids)
    columns = ", ".join(FIELDS)
    sums = ", ".join(f"SUM({f})" for f in FIELDS)
    cursor.execute(
        f"INSERT INTO {MatterMonthStat._meta.db_table} (unit_id, day, item_id, channel, {columns}) "
        f"SELECT unit_id, {month_sql}, item_id, channel, {sums} FROM {MatterDailyStat._meta.db_table} "
        f"WHERE day >= %s AND day <= %s{units_sql} GROUP BY 1, 2, 3, 4",
        [*month_params, ops.adapt_datefield_value(first), ops.adapt_datefield_value(last), *units_params],
    )


def _delete(*, start: date, end: date, unit_ids=None) -> None:
    stale = MatterDailyStat.objects.filter(day__gte=start, day__lte=end)
    stale_totals = MatterDayTotal.objects.filter(day__gte=start, day__lte=end)
    if unit_ids is not None:
        stale = stale.filter(unit_id__in=list(unit_ids))
        stale_totals = stale_totals.filter(unit_id__in=list(unit_ids))
    stale._raw_delete(stale.db)  # no signals or cascades hang off roll-up rows
    stale_totals._raw_delete(stale_totals.db)


def _lock_communities(unit_ids) -> None:
    units = OrgUnit.objects.filter(level=UnitLevel.COMMUNITY)
    if unit_ids is not None:
        units = units.filter(pk__in=list(unit_ids))
    list(units.select_for_update().values_list("pk", flat=True))


def _rebuild(*, start: date, end: date, unit_ids) -> int:
    _delete(start=start, end=end, unit_ids=unit_ids)
    with connection.cursor() as cursor:
        written = _insert_rows(cursor, start=start, end=end, unit_ids=unit_ids)
        _rebuild_months(cursor, start=start, end=end, unit_ids=unit_ids)
        return written


def refresh_range(*, start: date, end: date, unit_ids=None) -> int:
    """Rebuild [start, end] for the given communities (default all) in one transaction; returns rows written."""
    with transaction.atomic():
        _lock_communities(unit_ids)
        return _rebuild(start=start, end=end, unit_ids=unit_ids)


def first_day() -> date | None:
    first = Matter.objects.order_by("accepted_at").values_list("accepted_at", flat=True).first()
    return timezone.localtime(first).date() if first else None


def refresh_all(*, since: date | None = None, until: date | None = None, progress=None) -> int:
    """Rebuild from `since` (default: the first matter) to `until` (default: today), a month per transaction."""
    start = since or first_day()
    until = until or timezone.localdate()
    if start is None:
        with transaction.atomic():
            for model in (MatterDailyStat, MatterDayTotal, MatterMonthStat):
                model.objects.all()._raw_delete(model.objects.db)
        return 0
    written = 0
    chunk_start = start
    while chunk_start <= until:
        chunk_end = min(period_for("month", chunk_start).end, until)
        written += refresh_range(start=chunk_start, end=chunk_end)
        if progress:
            progress(chunk_start, chunk_end, written)
        chunk_start = chunk_end + timedelta(days=1)
    if since is None:
        # Matters dated in the future (clock skew, imports) would otherwise linger from an older run.
        with transaction.atomic():
            for model in (MatterDailyStat, MatterDayTotal):
                model.objects.filter(day__gt=until)._raw_delete(model.objects.db)
            with connection.cursor() as cursor:
                _rebuild_months(
                    cursor, start=until, end=until, unit_ids=None
                )  # the month of `until`, re-summed
            MatterMonthStat.objects.filter(day__gt=until)._raw_delete(MatterMonthStat.objects.db)
    return written


def matter_days(matter) -> set[date]:
    beijing = timezone.get_default_timezone()
    days = {timezone.localtime(matter.accepted_at, beijing).date()}
    if matter.closed_at:
        days.add(timezone.localtime(matter.closed_at, beijing).date())
    return days


def refresh_matter_days(unit_id: int, days: set[date]) -> None:
    """Rebuild a few days of one community (a matter's acceptance and closing days) in one transaction."""
    with transaction.atomic():
        _lock_communities([unit_id])
        for day in sorted(days):
            _rebuild(start=day, end=day, unit_ids=[unit_id])


class _PendingRefresh:
    """An after-commit rebuild of one community's days; later writes in the same transaction add their days to
    it instead of queueing another rebuild (a desk intake that accepts and routes writes the matter twice)."""

    def __init__(self, unit_id: int, days: set[date]):
        self.unit_id, self.days, self.ran = unit_id, set(days), False
        self.__qualname__ = type(self).__qualname__  # on_commit(robust=True) names a failing callback by it

    def __call__(self):
        self.ran = True
        refresh_matter_days(self.unit_id, self.days)


def schedule_refresh(matter) -> None:
    """After the surrounding transaction commits, rebuild the community-days this matter counts in."""
    unit_id, days = matter.unit_id, matter_days(matter)
    conn = transaction.get_connection()
    if conn.in_atomic_block:
        # Callbacks of a rolled-back savepoint have left this list, so a match here will run at commit.
        for _savepoints, func, _robust in conn.run_on_commit:
            if isinstance(func, _PendingRefresh) and func.unit_id == unit_id and not func.ran:
                func.days |= days
                return
    # robust: the matter is committed whatever happens to its statistics (logged; the nightly rebuild repairs).
    transaction.on_commit(_PendingRefresh(unit_id, days), robust=True)
