"""Meal cards: issued at the desk or by finishing an EL-MEAL matter (every entry point), meals recorded with the
subsidy of the dated rate in force, and refusals that change nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from quanke.catalog.models import Item
from quanke.core.models import AuditEvent
from quanke.matters import services as matter_services
from quanke.meals import services
from quanke.meals.models import MealCard, MealRecord, MealSubsidyRate
from quanke.registry.models import Benefit
from tests.conftest import make_resident
from tests.support import bearer


def _rate(unit, category="gaoling", start=date(2020, 1, 1), per_meal="5.00", cap=None):
    return MealSubsidyRate.objects.create(
        unit=unit, category=category, start_date=start, per_meal=Decimal(per_meal), monthly_cap=cap
    )


def _accept(actor, resident, code="EL-MEAL", **kwargs):
    item = Item.objects.prefetch_related("materials").get(code=code)
    return matter_services.matter_accept(
        actor=actor,
        item=item,
        resident=resident,
        received_material_ids=[m.pk for m in item.materials.all()],
        **kwargs,
    )


@pytest.fixture
def resident(cast):
    return make_resident(cast.community_a, "钱桂英", birth=date(1940, 5, 1), phone="13800001111")


def test_finishing_an_el_meal_matter_on_the_spot_issues_a_card_in_the_same_step(cast, resident):
    Benefit.objects.create(
        resident=resident,
        unit=resident.unit,
        household=resident.household,
        program="gaoling",
        start_date=date(2024, 1, 1),
        monthly_amount=100,
    )
    m = _accept(cast.desk_a, resident)
    matter_services.matter_finish_on_spot(actor=cast.desk_a, matter=m, note="已发卡")
    card = MealCard.objects.get(resident=resident)
    assert card.matter_id == m.pk and card.unit == cast.community_a and card.status == "active"
    assert card.category == "gaoling"  # from the 高龄津贴 she receives
    assert card.number.startswith("ZC" + cast.community_a.code)
    assert AuditEvent.objects.filter(
        action="create", object_type="meals.mealcard", object_id=str(card.pk)
    ).exists()


def test_finishing_through_the_api_issues_the_card_too(client, cast, resident):
    item = Item.objects.prefetch_related("materials").get(code="EL-MEAL")
    response = client.post(
        "/api/matters/",
        {
            "item": "EL-MEAL",
            "resident_id": resident.pk,
            "then": "on_spot",
            "note": "已发卡",
            "received_material_ids": [x.pk for x in item.materials.all()],
        },
        content_type="application/json",
        **bearer(cast.desk_a),
    )
    assert response.status_code == 201, response.content
    assert MealCard.objects.filter(resident=resident, status="active").count() == 1


def test_a_consultation_or_a_second_matter_issues_no_second_card(cast, resident):
    m = _accept(cast.desk_a, resident, kind="consultation")
    matter_services.matter_finish_on_spot(actor=cast.desk_a, matter=m, note="已告知")
    assert not MealCard.objects.exists()
    for _ in range(2):
        m = _accept(cast.desk_a, resident)
        matter_services.matter_finish_on_spot(actor=cast.desk_a, matter=m, note="已发卡")
    assert MealCard.objects.filter(resident=resident).count() == 1


def test_a_refused_card_write_rolls_the_matter_back(cast, resident, monkeypatch):
    """The card is written in the matter's transaction: when it cannot be, the matter stays unfinished."""
    m = _accept(cast.desk_a, resident)
    MealCard.objects.create(
        resident=make_resident(cast.community_a, "占号人"),
        unit=cast.community_a,
        number=f"ZC{cast.community_a.code}00001",
        issued_on=timezone.localdate(),
        category="general",
    )
    monkeypatch.setattr(services, "_next_number", lambda unit: f"ZC{cast.community_a.code}00001")
    with pytest.raises(ValidationError):
        matter_services.matter_finish_on_spot(actor=cast.desk_a, matter=m, note="已发卡")
    m.refresh_from_db()
    assert m.status == "accepted" and not MealCard.objects.filter(resident=resident).exists()


def test_the_desk_of_another_community_may_not_issue_and_nothing_is_written(cast, resident):
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.meal_card_issue(
            actor=cast.desk_b, resident=resident, category="gaoling", issued_on=timezone.localdate()
        )
    assert not MealCard.objects.exists() and AuditEvent.objects.count() == events


def test_the_county_viewer_may_not_record_meals_and_nothing_changes(cast, resident):
    card = services.meal_card_issue(
        actor=cast.desk_a,
        resident=resident,
        category="gaoling",
        issued_on=timezone.localdate(),
        canteen="甲食堂",
    )
    with pytest.raises(PermissionDenied):
        services.meal_record_add(
            actor=cast.county_viewer, card=card, served_on=timezone.localdate(), meals=1, price="12"
        )
    assert not MealRecord.objects.exists()


def test_the_subsidy_follows_the_dated_rate_of_the_nearest_unit_within_price_and_cap(cast, resident):
    today = timezone.localdate()
    card = services.meal_card_issue(
        actor=cast.desk_a,
        resident=resident,
        category="gaoling",
        issued_on=today - timedelta(days=40),
        canteen="甲社区老年食堂",
    )
    _rate(cast.county, per_meal="3.00")  # the county's rate, for every community
    _rate(cast.community_a, per_meal="6.00", start=today - timedelta(days=1), cap=Decimal("10.00"))
    # 40 days ago: before the community's rate (the county's applies), and in another month (outside the cap).
    old = services.meal_record_add(
        actor=cast.desk_a, card=card, served_on=card.issued_on, meals=2, price="20"
    )
    assert old.subsidy == Decimal("6.00") and old.rate.unit == cast.county
    new = services.meal_record_add(actor=cast.desk_a, card=card, served_on=today, meals=1, price="4.50")
    assert new.subsidy == Decimal("4.50")  # never more than the price
    capped = services.meal_record_add(actor=cast.desk_a, card=card, served_on=today, meals=2, price="20")
    assert capped.subsidy == Decimal("5.50")  # the community's cap of 10 this month
    assert (
        services.meal_record_add(actor=cast.desk_a, card=card, served_on=today, meals=1, price="15").subsidy
        == 0
    )


def test_without_a_rate_the_meal_is_recorded_unsubsidised(cast, resident):
    card = services.meal_card_issue(
        actor=cast.desk_a,
        resident=resident,
        category="alone",
        issued_on=timezone.localdate(),
        canteen="甲食堂",
    )
    r = services.meal_record_add(
        actor=cast.desk_a, card=card, served_on=timezone.localdate(), meals=1, price="12"
    )
    assert r.subsidy == 0 and r.rate is None


def test_a_suspended_card_takes_no_meals_and_a_cancelled_one_stays_cancelled(cast, resident):
    card = services.meal_card_issue(
        actor=cast.desk_a,
        resident=resident,
        category="gaoling",
        issued_on=timezone.localdate(),
        canteen="甲食堂",
    )
    with pytest.raises(ValidationError):
        services.meal_card_set_status(actor=cast.desk_a, card=card, status="suspended", reason="")
    services.meal_card_set_status(actor=cast.desk_a, card=card, status="suspended", reason="住院")
    with pytest.raises(ValidationError):
        services.meal_record_add(
            actor=cast.desk_a, card=card, served_on=timezone.localdate(), meals=1, price="9"
        )
    assert not MealRecord.objects.exists()
    services.meal_card_set_status(actor=cast.desk_a, card=card, status="cancelled", reason="迁出")
    with pytest.raises(ValidationError):
        services.meal_card_set_status(actor=cast.desk_a, card=card, status="active")
    card.refresh_from_db()
    assert card.status == "cancelled"
    # A new card may be issued once the old one is cancelled.
    services.meal_card_issue(
        actor=cast.desk_a, resident=resident, category="gaoling", issued_on=timezone.localdate()
    )
    assert MealCard.objects.filter(resident=resident).count() == 2


def test_only_the_head_sets_rates_and_a_refusal_writes_nothing(cast):
    with pytest.raises(PermissionDenied):
        services.meal_rate_set(
            actor=cast.desk_a,
            unit=cast.community_a,
            category="gaoling",
            start_date=date(2026, 1, 1),
            per_meal="5",
        )
    assert not MealSubsidyRate.objects.exists()
    rate = services.meal_rate_set(
        actor=cast.head_a,
        unit=cast.community_a,
        category="gaoling",
        start_date=date(2026, 1, 1),
        per_meal="5",
    )
    assert rate.reference == ""  # a station-configured value
    with pytest.raises(PermissionDenied):  # not above her own unit
        services.meal_rate_set(
            actor=cast.head_a,
            unit=cast.street_1,
            category="gaoling",
            start_date=date(2026, 1, 1),
            per_meal="5",
        )
    assert MealSubsidyRate.objects.count() == 1
