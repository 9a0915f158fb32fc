"""Every matter write through the services refreshes the statistics roll-ups of its days after commit."""

from datetime import date

from quanke.matters import services
from quanke.reports.models import MatterDailyStat, MatterDayTotal
from quanke.reports.periods import period_for
from tests.matters.conftest import accept, at, received
from tests.reports import naive

TODAY = date(2026, 11, 23)


def totals(unit, day):
    row = MatterDayTotal.objects.filter(unit=unit, day=day).first()
    if row is None:
        return None
    return {f: getattr(row, f) for f in MatterDayTotal.COUNT_FIELDS if getattr(row, f)}


def test_accepting_routing_and_finishing_update_the_rollups(cast, django_capture_on_commit_callbacks):
    a = cast.community_a
    with django_capture_on_commit_callbacks(execute=True):
        m = accept(cast.desk_a, at=at(2026, 3, 16, 9))
    assert totals(a, date(2026, 3, 16)) == {"received": 1}
    with django_capture_on_commit_callbacks(execute=True):
        m = services.matter_route(actor=cast.desk_a, matter=m, at=at(2026, 3, 16, 9, 30))
    assert totals(a, date(2026, 3, 16)) == {"received": 1, "routed": 1}
    with django_capture_on_commit_callbacks(execute=True):
        m = services.matter_claim(actor=cast.back_a, matter=m, at=at(2026, 3, 17, 9))
        m = services.matter_complete(
            actor=cast.back_a, matter=m, note="已办结", **received(m), at=at(2026, 3, 19, 16)
        )
    closed = totals(a, date(2026, 3, 19))
    # Accepted Monday 16 March, finished Thursday 19 March: 17, 18, 19 = 3 working days.
    assert (closed["closed"], closed["finished"], closed["working_days"]) == (1, 1, 3)
    assert totals(a, date(2026, 3, 16)) == {"received": 1, "routed": 1}
    march = period_for("month", date(2026, 3, 1))
    slow = naive.community_counts(a, march, TODAY)
    stored = {
        f: sum(MatterDailyStat.objects.filter(unit=a).values_list(f, flat=True))
        for f in slow
        if f in MatterDayTotal.COUNT_FIELDS
    }
    assert stored == {k: v for k, v in slow.items() if k in stored}


def test_finishing_on_the_spot_updates_the_rollups(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m = accept(cast.desk_b, "PT-INFO-CHANGE", channel="window", at=at(2026, 3, 20, 10))
        services.matter_finish_on_spot(
            actor=cast.desk_b, matter=m, note="已变更", **received(m), at=at(2026, 3, 20, 10, 5)
        )
    assert totals(cast.community_b, date(2026, 3, 20)) == {
        "received": 1,
        "on_spot": 1,
        "closed": 1,
        "trips": 1,
        "one_trip": 1,
    }
    # Nothing is refreshed before the transaction commits.
    m = accept(cast.desk_b, "PT-INFO-CHANGE", at=at(2026, 3, 21, 10))
    assert totals(cast.community_b, date(2026, 3, 21)) is None


def test_several_writes_in_one_transaction_rebuild_once(cast, django_capture_on_commit_callbacks):
    """Accept and route at the desk in one transaction: one after-commit rebuild covering both writes' days."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.intake(
            actor=cast.desk_a,
            then="route",
            item=accept(cast.desk_a, at=at(2026, 3, 16, 9)).item,
            applicant_name="甲",
            at=at(2026, 3, 16, 10),
        )
    rebuilds = [c for c in callbacks if type(c).__name__ == "_PendingRefresh"]
    assert len(rebuilds) == 1 and rebuilds[0].days == {date(2026, 3, 16)}
    assert totals(cast.community_a, date(2026, 3, 16)) == {"received": 2, "routed": 1}
