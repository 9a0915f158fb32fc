"""The roll-ups: idempotent refresh, equal to the live computation, kept fresh after matter writes."""

from datetime import date
from io import StringIO

from django.core.management import call_command

from quanke.reports import rollup, selectors
from quanke.reports.models import MatterDailyStat, MatterDayTotal, MatterMonthStat
from quanke.reports.periods import Period
from tests.reports import naive
from tests.reports.conftest import at, make_matter

TODAY = date(2026, 11, 23)


def snapshot():
    fields = ("unit_id", "day", "item_id", "channel", *MatterDailyStat.COUNT_FIELDS)
    return sorted(MatterDailyStat.objects.values_list(*fields)), sorted(
        MatterDayTotal.objects.values_list("unit_id", "day", *MatterDayTotal.COUNT_FIELDS)
    )


def test_refresh_is_idempotent(cast, hand):
    first = snapshot()
    assert first[0]
    rollup.refresh_all(since=date(2026, 2, 1), until=date(2026, 4, 30))
    call_command("refresh_stats", "--since", "2026-03-01", "--until", "2026-03-31", stdout=StringIO())
    call_command("refresh_stats", stdout=StringIO())
    assert snapshot() == first


def test_rollup_equals_the_live_computation(cast, hand):
    for unit in (cast.community_a, cast.community_b, cast.street_1, cast.county):
        for period in (hand.march, hand.february):
            tree = selectors.unit_tree(unit)
            fast = selectors.unit_figures(
                tree, selectors.collect(tree, period, TODAY, live=True), None, [unit]
            )[0]
            slow = naive.unit_counts(unit, period, TODAY)
            for key, value in slow.items():
                assert fast.counts[key] == value, (unit.name, period.label, key)


def test_totals_equal_sum_of_details(cast, hand):
    details, totals = snapshot()
    assert sum(r[4] for r in details) == sum(t[2] for t in totals) == 14


def test_schedule_refresh_rebuilds_the_matters_days_after_commit(
    cast, hand, django_capture_on_commit_callbacks
):
    """The matter services call schedule_refresh (tests/matters/test_statistics_refresh.py); here the matter is
    written directly, so the test calls it too."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        matter = make_matter(
            unit=cast.community_b,
            item=hand.routed_item,
            accepted=at(2026, 3, 16),
            routed=at(2026, 3, 16),
            status="routed",
            due=date(2026, 3, 30),
            accepted_by=cast.desk_b,
        )
        assert not MatterDayTotal.objects.filter(unit=cast.community_b, day=date(2026, 3, 16)).exists()
        rollup.schedule_refresh(matter)
    assert len(callbacks) == 1
    row = MatterDayTotal.objects.get(unit=cast.community_b, day=date(2026, 3, 16))
    assert (row.received, row.routed, row.finished) == (1, 1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        matter.status, matter.closed_at, matter.assigned_to = "finished", at(2026, 3, 18), cast.back_a
        matter.save(update_fields=["status", "closed_at", "assigned_to"])
        rollup.schedule_refresh(matter)
    closed_day = MatterDayTotal.objects.get(unit=cast.community_b, day=date(2026, 3, 18))
    assert (closed_day.finished, closed_day.finished_in_time, closed_day.working_days) == (1, 1, 2)
    # Other communities' rows are untouched and everything still matches the live computation.
    slow = naive.unit_counts(cast.street_1, hand.march, TODAY)
    tree = selectors.unit_tree(cast.street_1)
    fast = selectors.unit_figures(
        tree, selectors.collect(tree, hand.march, TODAY, live=True), None, [cast.street_1]
    )[0]
    assert all(fast.counts[k] == v for k, v in slow.items())
    assert month_sums() == month_sums_from_days()  # the monthly roll-up followed the per-matter refresh


def month_sums():
    fields = ("unit_id", "day", "item_id", "channel", *MatterDailyStat.COUNT_FIELDS)
    return sorted(MatterMonthStat.objects.values_list(*fields))


def month_sums_from_days():
    """The monthly roll-up recomputed in Python from the daily one."""
    out: dict = {}
    for r in MatterDailyStat.objects.values(
        "unit_id", "day", "item_id", "channel", *MatterDailyStat.COUNT_FIELDS
    ):
        key = (r["unit_id"], r["day"].replace(day=1), r["item_id"], r["channel"])
        row = out.setdefault(key, dict.fromkeys(MatterDailyStat.COUNT_FIELDS, 0))
        for f in MatterDailyStat.COUNT_FIELDS:
            row[f] += r[f]
    return sorted((*k, *v.values()) for k, v in out.items())


def test_monthly_rollup_is_the_sum_of_its_days(cast, hand):
    assert month_sums() and month_sums() == month_sums_from_days()
    march = MatterMonthStat.objects.filter(day=date(2026, 3, 1))
    assert sum(march.values_list("received", flat=True)) == 12
    # A refresh that starts mid-month re-sums the whole month, not only the days it rebuilt
    rollup.refresh_all(since=date(2026, 3, 15), until=date(2026, 4, 30))
    assert month_sums() == month_sums_from_days()


def test_breakdowns_over_partial_months_match_the_daily_rollup(cast, hand):
    """Whole months come from the monthly roll-up and edge days from the daily one; together they must equal
    the daily roll-up alone, for any period."""
    ids = [cast.community_a.pk, cast.community_b.pk, cast.community_c.pk]
    for start, end in (
        (date(2026, 2, 20), date(2026, 3, 15)),  # two edges, no whole month
        (date(2026, 2, 1), date(2026, 3, 31)),  # two whole months
        (date(2026, 2, 26), date(2026, 4, 2)),  # an edge, March, an edge
        (date(2026, 3, 3), date(2026, 3, 3)),  # one day
    ):
        period = Period("custom", start, end)
        got = {(r["item_id"], r["channel"]): r for r in selectors._detail_rows(ids, period)}
        daily: dict = {}
        for r in MatterDailyStat.objects.filter(unit_id__in=ids, day__gte=start, day__lte=end).values():
            row = daily.setdefault((r["item_id"], r["channel"]), dict.fromkeys(selectors.BREAKDOWN_SUMS, 0))
            for f in selectors.BREAKDOWN_SUMS:
                row[f] += r[f]
        assert daily, (start, end)
        assert {k: {f: v[f] for f in selectors.BREAKDOWN_SUMS} for k, v in got.items()} == daily, (start, end)


def test_split_months():
    split = selectors.split_months
    assert split(Period("month", date(2026, 3, 1), date(2026, 3, 31))) == (
        (date(2026, 3, 1), date(2026, 3, 1)),
        [],
    )
    assert split(Period("custom", date(2026, 2, 20), date(2026, 3, 15))) == (
        None,
        [(date(2026, 2, 20), date(2026, 3, 15))],
    )
    assert split(Period("custom", date(2026, 2, 26), date(2026, 4, 2))) == (
        (date(2026, 3, 1), date(2026, 3, 1)),
        [(date(2026, 2, 26), date(2026, 2, 28)), (date(2026, 4, 1), date(2026, 4, 2))],
    )
    assert split(Period("year", date(2026, 1, 1), date(2026, 12, 31))) == (
        (date(2026, 1, 1), date(2026, 12, 1)),
        [],
    )


def test_refresh_with_no_matters_empties_the_rollups(cast, hand):
    from quanke.matters.models import Matter

    Matter.objects.all().delete()
    rollup.refresh_all()
    assert not MatterDailyStat.objects.exists() and not MatterDayTotal.objects.exists()
    assert not MatterMonthStat.objects.exists()
