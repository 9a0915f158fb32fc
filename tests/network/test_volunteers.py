"""Volunteer hours: person-times and hours by period; the time bank never goes negative."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from quanke.network import selectors, services
from quanke.network.models import HoursRedemption, ServiceRecord
from tests.conftest import make_resident


@pytest.fixture
def team(cast):
    return services.team_create(
        actor=cast.head_a, unit=cast.community_a, name="红马甲服务队", leader="王阿姨"
    )


def vol(cast, name, team=None, **kw):
    return services.volunteer_register(
        actor=cast.desk_a,
        unit=cast.community_a,
        name=name,
        registered_on=kw.pop("registered_on", None) or __import__("datetime").date(2025, 1, 1),
        team=team,
        skills=kw.pop("skills", ["companionship"]),
        availability=kw.pop("availability", ["weekend"]),
        **kw,
    )


def test_person_times_and_hours_by_period(cast, team, today):
    a, b = vol(cast, "甲", team), vol(cast, "乙")
    act = services.activity_create(
        actor=cast.desk_a,
        unit=cast.community_a,
        title="重阳节敬老",
        kind="community",
        held_on=today - timedelta(days=3),
        place="社区活动室",
        hours=Decimal("2.5"),
        participant_volunteers=[a, b],
    )
    services.service_record_add(
        actor=cast.desk_a, volunteer=a, served_on=today, hours="1.5", description="探访"
    )
    services.service_record_add(
        actor=cast.desk_a, volunteer=a, served_on=today - timedelta(days=60), hours="3", description="旧"
    )
    # Adding the same volunteer to the activity again changes nothing.
    assert services.activity_add_volunteers(actor=cast.desk_a, activity=act, volunteers=[a]) == []
    totals = selectors.volunteer_totals(actor=cast.desk_a, start=today - timedelta(days=30), end=today)
    assert totals.person_times == 3 and totals.volunteers == 2 and totals.hours == Decimal("6.5")
    everything = selectors.volunteer_totals(actor=cast.desk_a)
    assert everything.person_times == 4 and everything.hours == Decimal("9.5")
    assert sum(r["hours"] for r in everything.by_month) == everything.hours
    assert {r["volunteer__team__name"]: r["hours"] for r in everything.by_team} == {
        "红马甲服务队": Decimal("7.0"),
        None: Decimal("2.5"),
    }
    rows = {v.name: v for v in selectors.volunteers_with_hours(actor=cast.desk_a)}
    assert rows["甲"].hours_earned == Decimal("7.0") and rows["甲"].person_times == 3


def test_time_bank_never_negative(cast):
    a = vol(cast, "甲")
    services.service_record_add(
        actor=cast.desk_a,
        volunteer=a,
        served_on=__import__("datetime").date(2026, 1, 5),
        hours="4",
        description="x",
    )
    services.hours_redeem(
        actor=cast.desk_a, volunteer=a, redeemed_on=a.registered_on, hours="3", description="理发"
    )
    with pytest.raises(ValidationError, match="余额不足"):
        services.hours_redeem(
            actor=cast.desk_a, volunteer=a, redeemed_on=a.registered_on, hours="1.5", description="x"
        )
    assert HoursRedemption.objects.count() == 1
    assert selectors.time_bank(a).balance == Decimal("1")


def test_hours_must_be_positive(cast):
    a = vol(cast, "甲")
    with pytest.raises(ValidationError):
        services.service_record_add(actor=cast.desk_a, volunteer=a, served_on=a.registered_on, hours="0")
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRecord.objects.create(volunteer=a, unit=a.unit, served_on=a.registered_on, hours=Decimal("-1"))


def test_volunteer_linked_to_resident_once(cast):
    r = make_resident(cast.community_a, "刘志愿")
    v = services.volunteer_register(
        actor=cast.desk_a,
        unit=cast.community_a,
        name="",
        resident=r,
        registered_on=r.birth_date,
        skills=["repair"],
    )
    assert v.name == "刘志愿" and v.resident == r
    with pytest.raises(ValidationError):
        services.volunteer_register(
            actor=cast.desk_a, unit=cast.community_a, name="", resident=r, registered_on=r.birth_date
        )
