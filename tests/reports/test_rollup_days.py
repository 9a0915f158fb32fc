"""The set-based rebuild puts matters on Beijing days and counts working days on the official calendar.

Spring Festival 2026: 15–23 February are holidays, Saturdays 14 and 28 February are make-up working days.
Times are Beijing times; 00:30 Beijing is 16:30 UTC on the day before.
"""

from datetime import date

from quanke.catalog.models import Item
from quanke.reports import rollup, selectors
from quanke.reports.models import MatterDailyStat, MatterDayTotal
from quanke.reports.periods import Period, period_for
from tests.reports import naive
from tests.reports.conftest import at, make_matter

TODAY = date(2026, 11, 23)


def build(cast):
    dibao = Item.objects.get(code="SA-DIBAO")
    quick = Item.objects.get(code="PT-INFO-CHANGE")
    b, desk, back = cast.community_b, cast.desk_b, cast.back_a

    def routed(accepted, closed, due):
        make_matter(
            unit=b,
            item=dibao,
            accepted=accepted,
            routed=accepted,
            status="finished",
            closed=closed,
            due=due,
            accepted_by=desk,
            assigned_to=back,
        )

    # P: accepted 00:30 on Tue 24 Feb (UTC: the holiday 23 Feb), closed 23:30 Fri 27 Feb: 25, 26, 27 = 3 days.
    routed(at(2026, 2, 24, 0, 30), at(2026, 2, 27, 23, 30), date(2026, 3, 3))
    # Q: accepted 23:30 Fri 13 Feb, closed 00:30 Sat 14 Feb (make-up day; UTC: 13 Feb): 1 day, one day late.
    routed(at(2026, 2, 13, 23, 30), at(2026, 2, 14, 0, 30), date(2026, 2, 13))
    # R: accepted Fri 13 Feb, closed Sat 28 Feb (make-up): 14, 24, 25, 26, 27, 28 = 6 days, in time.
    routed(at(2026, 2, 13, 10), at(2026, 2, 28, 10), date(2026, 3, 2))
    # S: on the spot at 00:30 on Sun 1 March (UTC: 28 February).
    make_matter(
        unit=b,
        item=quick,
        accepted=at(2026, 3, 1, 0, 30),
        closed=at(2026, 3, 1, 0, 30),
        status="on_spot",
        accepted_by=desk,
    )
    return rollup.refresh_all(since=date(2026, 2, 1), until=date(2026, 3, 31))


def day_row(unit, day):
    row = MatterDayTotal.objects.get(unit=unit, day=day)
    return {f: getattr(row, f) for f in MatterDayTotal.COUNT_FIELDS if getattr(row, f)}


def test_matters_count_on_their_beijing_days(cast):
    written = build(cast)
    b = cast.community_b
    assert written == 6  # detailed rows: 13, 14, 24, 27, 28 February and 1 March
    assert set(MatterDayTotal.objects.filter(unit=b).values_list("day", flat=True)) == {
        date(2026, 2, 13),
        date(2026, 2, 14),
        date(2026, 2, 24),
        date(2026, 2, 27),
        date(2026, 2, 28),
        date(2026, 3, 1),
    }
    assert day_row(b, date(2026, 2, 13)) == {"received": 2, "routed": 2}
    assert day_row(b, date(2026, 2, 14)) == {
        "closed": 1,
        "finished": 1,
        "finished_with_deadline": 1,
        "working_days": 1,
        "trips": 1,
        "one_trip": 1,
    }
    assert day_row(b, date(2026, 2, 24)) == {"received": 1, "routed": 1}
    p = day_row(b, date(2026, 2, 27))
    assert (p["finished"], p["finished_in_time"], p["working_days"]) == (1, 1, 3)
    r = day_row(b, date(2026, 2, 28))
    assert (r["finished"], r["finished_in_time"], r["working_days"]) == (1, 1, 6)
    assert day_row(b, date(2026, 3, 1)) == {
        "received": 1,
        "on_spot": 1,
        "closed": 1,
        "trips": 1,
        "one_trip": 1,
    }
    # The detailed rows add up to the totals.
    assert sum(MatterDailyStat.objects.filter(unit=b).values_list("working_days", flat=True)) == 10


def test_rebuild_equals_the_naive_computation_around_midnight_and_holidays(cast):
    build(cast)
    periods = [
        period_for("month", date(2026, 2, 1)),
        period_for("month", date(2026, 3, 1)),
        Period("custom", date(2026, 2, 14), date(2026, 2, 14)),
        Period("custom", date(2026, 2, 24), date(2026, 3, 1)),
    ]
    for unit in (cast.community_b, cast.street_1, cast.county):
        tree = selectors.unit_tree(unit)
        for period in periods:
            fast = selectors.unit_figures(
                tree, selectors.collect(tree, period, TODAY, live=True), None, [unit]
            )[0]
            slow = naive.unit_counts(unit, period, TODAY)
            assert slow["received"] or slow["closed"]
            for key, value in slow.items():
                assert fast.counts[key] == value, (unit.name, period, key)


def test_refreshing_one_community_day_leaves_the_others_alone(cast):
    build(cast)
    before = sorted(MatterDailyStat.objects.values_list("unit_id", "day", "item_id", "channel", "received"))
    assert (
        rollup.refresh_range(start=date(2026, 2, 14), end=date(2026, 2, 14), unit_ids=[cast.community_b.pk])
        == 1
    )
    after = sorted(MatterDailyStat.objects.values_list("unit_id", "day", "item_id", "channel", "received"))
    assert after == before
