"""The roll-ups: idempotent refresh, equal to the live computation, kept fresh after matter writes."""

from datetime import date
from io import StringIO

from django.core.management import call_command

from quanke.reports import naive, rollup, selectors
from quanke.reports.models import MatterDailyStat, MatterDayTotal
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


def test_refresh_with_no_matters_empties_the_rollups(cast, hand):
    from quanke.matters.models import Matter

    Matter.objects.all().delete()
    rollup.refresh_all()
    assert not MatterDailyStat.objects.exists() and not MatterDayTotal.objects.exists()
