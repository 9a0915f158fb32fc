"""Visits, casework and 5+N figures on a small hand-built set, including street-level records."""

from datetime import date
from decimal import Decimal

from quanke.reports import indicators as ind
from quanke.reports import selectors

TODAY = date(2026, 11, 23)


def values(actor, unit, period):
    d = selectors.dashboard(actor=actor, unit=unit, period=period, today=TODAY)
    return {code: d.total.value(i) for code, i in ind.by_code().items()}, d


def test_visits_cases_and_network(cast, hand, others):
    a, street = cast.community_a, cast.street_1
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
