"""A small hand-built set of matters with known answers (see test_indicators.py for the arithmetic).

Matters are written directly, with chosen statuses and moments: the lifecycle services are tested in
tests/matters; here only the figures matter.
"""

from dataclasses import dataclass
from datetime import date, datetime
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from quanke.catalog.models import Item
from quanke.matters.models import Matter
from quanke.reports import rollup
from quanke.reports.periods import period_for

BJ = ZoneInfo("Asia/Shanghai")
_codes = count(1)


def at(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BJ)


def make_matter(
    *,
    unit,
    item,
    accepted,
    status,
    accepted_by,
    channel="window",
    kind="application",
    closed=None,
    routed=None,
    due=None,
    trips=1,
    assigned_to=None,
    **extra,
) -> Matter:
    return Matter.objects.create(
        tracking_code=f"QK-T-{next(_codes):05d}",
        unit=unit,
        handling_unit=unit,
        item=item,
        kind=kind,
        channel=channel,
        status=status,
        specialty=item.specialty,
        applicant_name="王女士",
        accepted_by=accepted_by,
        accepted_at=accepted,
        closed_at=closed,
        routed_at=routed,
        due_date=due,
        trips=trips,
        assigned_to=assigned_to,
        **extra,
    )


@dataclass
class Hand:
    march: object
    february: object
    on_spot_item: Item
    routed_item: Item


@pytest.fixture
def hand(cast) -> Hand:
    """Community A in March 2026 (nine matters accepted, plus one accepted in February and finished in March);
    community B one and community C two matters in March; community A one more in February."""
    quick = Item.objects.get(code="PT-INFO-CHANGE")  # 党务服务, on the spot
    dibao = Item.objects.get(code="SA-DIBAO")  # 基本公共服务, routed
    a, b, c = cast.community_a, cast.community_b, cast.community_c
    desk, back = cast.desk_a, cast.back_a
    m = make_matter
    # 1–3 on the spot (one by phone with no trip, one a consultation)
    m(unit=a, item=quick, accepted=at(2026, 3, 2), status="on_spot", closed=at(2026, 3, 2), accepted_by=desk)
    m(
        unit=a,
        item=quick,
        accepted=at(2026, 3, 3),
        status="on_spot",
        closed=at(2026, 3, 3),
        channel="phone",
        trips=0,
        accepted_by=desk,
    )
    m(
        unit=a,
        item=quick,
        accepted=at(2026, 3, 3, 11),
        status="on_spot",
        closed=at(2026, 3, 3, 11),
        kind="consultation",
        accepted_by=cast.head_a,
    )
    # 4 routed, finished in time after 4 working days, two trips
    m(
        unit=a,
        item=dibao,
        accepted=at(2026, 3, 2, 9),
        routed=at(2026, 3, 2, 9),
        status="finished",
        closed=at(2026, 3, 6, 15),
        due=date(2026, 3, 10),
        trips=2,
        accepted_by=desk,
        assigned_to=back,
    )
    # 5 routed, finished late after 9 working days
    m(
        unit=a,
        item=dibao,
        accepted=at(2026, 3, 9),
        routed=at(2026, 3, 9),
        status="finished",
        closed=at(2026, 3, 20),
        due=date(2026, 3, 16),
        accepted_by=desk,
        assigned_to=back,
    )
    # 6 routed, finished after 1 working day, no deadline (left out of the in-time denominator)
    m(
        unit=a,
        item=dibao,
        accepted=at(2026, 3, 10),
        routed=at(2026, 3, 10),
        status="finished",
        closed=at(2026, 3, 11),
        accepted_by=desk,
        assigned_to=back,
    )
    # 7 routed, still in progress, overdue since 12 March
    m(
        unit=a,
        item=dibao,
        accepted=at(2026, 3, 5),
        routed=at(2026, 3, 5),
        status="in_progress",
        due=date(2026, 3, 12),
        accepted_by=desk,
        assigned_to=back,
    )
    # 8 refused at the desk
    m(
        unit=a,
        item=quick,
        accepted=at(2026, 3, 12),
        status="refused",
        closed=at(2026, 3, 12),
        accepted_by=desk,
    )
    # 9 waiting for materials: open, past its due date, but the clock is paused, so not overdue
    m(
        unit=a,
        item=dibao,
        accepted=at(2026, 3, 13),
        status="awaiting",
        paused_on=date(2026, 3, 13),
        due=date(2026, 3, 20),
        accepted_by=desk,
    )
    # 10 accepted on 26 February, finished 3 March in time; 28 February is a make-up working Saturday
    m(
        unit=a,
        item=dibao,
        accepted=at(2026, 2, 26),
        routed=at(2026, 2, 26),
        status="finished",
        closed=at(2026, 3, 3),
        due=date(2026, 3, 5),
        accepted_by=desk,
        assigned_to=back,
    )
    # February: one more on the spot in A
    m(
        unit=a,
        item=quick,
        accepted=at(2026, 2, 10),
        status="on_spot",
        closed=at(2026, 2, 10),
        accepted_by=desk,
    )
    # Community B (same street) and C (other street) in March; a matter at 23:30 on 31 March stays in March
    m(
        unit=b,
        item=quick,
        accepted=at(2026, 3, 4),
        status="on_spot",
        closed=at(2026, 3, 4),
        accepted_by=cast.desk_b,
    )
    for day in (5, 31):
        m(
            unit=c,
            item=quick,
            accepted=at(2026, 3, day, 23, 30),
            status="on_spot",
            closed=at(2026, 3, day, 23, 30),
            channel="online",
            trips=0,
            accepted_by=cast.desk_b,
        )
    rollup.refresh_all(since=date(2026, 2, 1), until=date(2026, 4, 30))
    return Hand(
        march=period_for("month", date(2026, 3, 1)),
        february=period_for("month", date(2026, 2, 1)),
        on_spot_item=quick,
        routed_item=dibao,
    )
