"""A small hand-built set of matters with known answers (see test_indicators.py for the arithmetic).

Matters are written directly, with chosen statuses and moments: the lifecycle services are tested in
tests/matters; here only the figures matter.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from quanke.assistance.models import PROGRAM_ITEMS, AssistanceApplication, Finding
from quanke.casework.models import Case
from quanke.catalog.models import Item
from quanke.matters.models import Matter
from quanke.network.models import Activity, LedgerEntry, ServiceRecord, SocialOrganisation, Volunteer
from quanke.registry.models import Tag
from quanke.reports import rollup
from quanke.reports.periods import period_for
from quanke.visits.models import Visit
from tests.assistance import households
from tests.conftest import make_resident

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


@pytest.fixture
def others(cast, hand):
    """Visits, cases and 5+N records of community A and street 1 around March 2026 (see
    test_other_indicators.py for the expected figures)."""
    a, street = cast.community_a, cast.street_1
    tagged = make_resident(a, "李秀英")
    tagged.tags.add(Tag.objects.get(code="tekun"))
    plain = make_resident(a, "赵强")
    # Written directly: the flag the visit services set from the household's tags at the time of the visit.
    for household, day, special in (
        (tagged.household, 3, True),
        (tagged.household, 20, True),
        (plain.household, 5, False),
    ):
        Visit.objects.create(
            unit=a,
            household=household,
            worker=cast.back_a,
            visited_at=at(2026, 3, day),
            special_group=special,
        )
    Visit.objects.create(unit=a, household=plain.household, worker=cast.back_a, visited_at=at(2026, 2, 27))

    Case.objects.create(
        number="GA-1",
        unit=a,
        resident=tagged,
        household=tagged.household,
        origin_kind="visit",
        presenting_problem="x",
        opened_by=cast.head_a,
        opened_on=date(2026, 3, 4),
    )
    Case.objects.create(
        number="GA-2",
        unit=a,
        resident=plain,
        household=plain.household,
        origin_kind="walk_in",
        presenting_problem="y",
        opened_by=cast.head_a,
        opened_on=date(2026, 1, 4),
        status="closed",
        closure_outcome="goals_met",
        closed_by=cast.head_a,
        closed_at=at(2026, 3, 30),
    )

    vol = Volunteer.objects.create(unit=a, name="志愿者甲", registered_on=date(2025, 1, 1))
    vol2 = Volunteer.objects.create(unit=street, name="志愿者乙", registered_on=date(2025, 1, 1))
    ServiceRecord.objects.create(volunteer=vol, unit=a, served_on=date(2026, 3, 2), hours=Decimal("2.5"))
    ServiceRecord.objects.create(volunteer=vol, unit=a, served_on=date(2026, 3, 9), hours=Decimal("1.5"))
    ServiceRecord.objects.create(volunteer=vol2, unit=street, served_on=date(2026, 3, 9), hours=Decimal("3"))
    ServiceRecord.objects.create(volunteer=vol, unit=a, served_on=date(2026, 4, 1), hours=Decimal("8"))

    SocialOrganisation.objects.create(unit=a, name="阳光社工", kind="social_work_agency")
    SocialOrganisation.objects.create(unit=street, name="街道慈善会", kind="social_organisation")
    SocialOrganisation.objects.create(unit=a, name="已停止", kind="social_organisation", active=False)

    LedgerEntry.objects.create(
        unit=a,
        direction="in",
        kind="money",
        item_unit="元",
        quantity=Decimal("30000"),
        entry_on=date(2026, 3, 5),
        purpose="助老",
        donor_name="某企业",
    )
    LedgerEntry.objects.create(
        unit=street,
        direction="in",
        kind="in_kind",
        item="米",
        item_unit="袋",
        quantity=Decimal("100"),
        estimated_value=Decimal("20000"),
        entry_on=date(2026, 3, 6),
        purpose="助困",
        donor_name="某超市",
    )
    LedgerEntry.objects.create(
        unit=a,
        direction="out",
        kind="money",
        item_unit="元",
        quantity=Decimal("5000"),
        entry_on=date(2026, 3, 7),
        purpose="慰问",
        recipient_kind="resident",
        recipient_resident=tagged,
    )

    act = Activity.objects.create(
        unit=a,
        title="重阳敬老",
        kind="community",
        held_on=date(2026, 3, 8),
        place="活动室",
        hours=Decimal("2"),
        extra_participants=10,
    )
    act.participant_residents.add(tagged, plain)
    act.participant_volunteers.add(vol)
    Activity.objects.create(
        unit=a,
        title="二月活动",
        kind="group",
        held_on=date(2026, 2, 8),
        place="活动室",
        hours=Decimal("1"),
        extra_participants=99,
    )


# --- social assistance (the answers are worked out in test_assistance_indicators.py) ---------------------------


def application(cast, unit, resident, program, accepted_on, **fields):
    item = Item.objects.get(code=PROGRAM_ITEMS[program])
    matter = make_matter(
        unit=unit,
        item=item,
        accepted=at(accepted_on.year, accepted_on.month, accepted_on.day),
        status="accepted",
        accepted_by=cast.desk_a,
    )
    return AssistanceApplication.objects.create(
        matter=matter,
        program=program,
        household=resident.household,
        resident=resident,
        unit=unit,
        accepted_on=accepted_on,
        **fields,
    )


def benefit(resident, program, start, amount, end=None):
    return households.benefit(resident, program, start=start, amount=amount, end=end)


def finding(unit, resident, n, status, decided_at=None):
    return Finding.objects.create(
        key=f"k{n}",
        kind="eligible_not_receiving",
        program="dibao",
        household=resident.household,
        unit=unit,
        locality="示范区",
        on_date=date(2026, 2, 1),
        status=status,
        decided_at=decided_at,
    )


@pytest.fixture
def aid(cast):
    a, b, c = cast.community_a, cast.community_b, cast.community_c
    head = make_resident(a, "王建国")
    spouse = make_resident(a, "李桂兰", household=head.household, sex="F")
    child = make_resident(a, "王小明", household=head.household)
    elder = make_resident(a, "陈老伯", birth=date(1935, 1, 1))
    tekun = make_resident(a, "孤老人")
    newcomer = make_resident(a, "刘新")
    edge = make_resident(c, "赵边缘")

    for person in (head, spouse, child):
        benefit(person, "dibao", date(2025, 6, 1), "500")
    benefit(elder, "gaoling", date(2024, 1, 1), "100")
    benefit(elder, "disability_living", date(2026, 3, 15), "80")
    benefit(tekun, "tekun", date(2025, 1, 1), "900", end=date(2026, 3, 20))
    benefit(newcomer, "dibao", date(2026, 4, 1), "700")
    benefit(newcomer, "temporary", date(2026, 3, 1), "2000")
    benefit(edge, "dibao_edge", date(2026, 1, 1), "300")

    lead = finding(a, newcomer, 1, "confirmed", at(2026, 3, 1, 0, 30))
    finding(a, head, 2, "confirmed", at(2026, 2, 28, 23, 30))  # Beijing 28 February: not March
    finding(a, elder, 3, "dismissed", at(2026, 3, 10))
    finding(a, tekun, 4, "open")
    finding(c, edge, 5, "open")

    application(
        cast,
        a,
        newcomer,
        "dibao",
        date(2026, 3, 2),
        finding=lead,
        step="approved",
        decided_on=date(2026, 3, 25),
        monthly_amount=Decimal("700"),
        payment_from=date(2026, 4, 1),
    )
    application(
        cast,
        a,
        newcomer,
        "temporary",
        date(2026, 3, 3),
        step="approved",
        decided_on=date(2026, 3, 4),
        monthly_amount=Decimal("2000"),
        payment_from=date(2026, 4, 1),
    )
    application(cast, a, head, "dibao", date(2026, 3, 30))
    application(
        cast,
        a,
        tekun,
        "tekun",
        date(2026, 2, 10),
        step="refused",
        decided_on=date(2026, 3, 5),
        refusal_reasons="有法定赡养人且具备赡养能力",
    )
    application(cast, b, edge, "gaoling", date(2026, 4, 1))  # April: outside March
    rollup.refresh_all(since=date(2026, 2, 1), until=date(2026, 4, 30))  # the matters were written directly
