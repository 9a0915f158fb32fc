"""Visits, casework and 5+N figures on a small hand-built set, including street-level records."""

from datetime import date
from decimal import Decimal

from quanke.casework.models import Case
from quanke.network.models import Activity, LedgerEntry, ServiceRecord, SocialOrganisation, Volunteer
from quanke.registry.models import Tag
from quanke.reports import indicators as ind
from quanke.reports import selectors
from quanke.visits.models import Visit
from tests.conftest import make_resident
from tests.reports.conftest import at

TODAY = date(2026, 11, 23)


def values(actor, unit, period):
    d = selectors.dashboard(actor=actor, unit=unit, period=period, today=TODAY)
    return {code: d.total.value(i) for code, i in ind.by_code().items()}, d


def test_visits_cases_and_network(cast, hand):
    a, street = cast.community_a, cast.street_1
    tagged = make_resident(a, "李秀英")
    tagged.tags.add(Tag.objects.get(code="tekun"))
    plain = make_resident(a, "赵强")
    for household, day in ((tagged.household, 3), (tagged.household, 20), (plain.household, 5)):
        Visit.objects.create(unit=a, household=household, worker=cast.back_a, visited_at=at(2026, 3, day))
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

    got, _d = values(cast.head_a, a, hand.march)
    assert got["visits"] == 3 and got["special_visits"] == 2
    assert (got["cases_opened"], got["cases_closed"], got["cases_active"]) == (1, 1, 1)
    assert got["volunteer_times"] == 2 and got["volunteer_hours"] == Decimal("4.0")
    assert got["organisations"] == 1
    assert got["resources_raised"] == Decimal("30000") and got["resources_spent"] == Decimal("5000")
    assert got["activities"] == 1 and got["activity_participants"] == 13

    # The street's own records count in the street's figure and the county's, not in any community's.
    street_got, d = values(cast.admin, street, hand.march)
    assert street_got["volunteer_times"] == 3 and street_got["volunteer_hours"] == Decimal("7.0")
    assert street_got["organisations"] == 2
    assert street_got["resources_raised"] == Decimal("50000")
    rows = {r["indicator"].code: r for r in d.indicator_rows()}
    assert rows["visits"]["previous"] == 1 and rows["activity_participants"]["previous"] == 99
    county_got, _d = values(cast.county_viewer, cast.county, hand.march)
    assert county_got["resources_raised"] == Decimal("50000") and county_got["visits"] == 3
