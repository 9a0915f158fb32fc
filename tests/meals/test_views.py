"""The meal pages: the list masks, the desk issues and records, refusals change nothing."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from quanke.meals.models import MealCard, MealRecord, MealSubsidyRate
from quanke.registry import idnumber
from tests.conftest import make_resident
from tests.support import login


@pytest.fixture
def resident(cast):
    return make_resident(cast.community_a, "钱桂英", birth=date(1940, 5, 1), phone="13800001111")


def _card(resident):
    return MealCard.objects.create(
        resident=resident,
        unit=resident.unit,
        number="ZC-1",
        issued_on=date(2026, 1, 2),
        category="gaoling",
        canteen="甲社区老年食堂",
    )


def test_the_list_masks_numbers(client, cast, resident, django_assert_max_num_queries):
    _card(resident)
    login(client, cast.desk_a)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("meals:card_list")).content.decode()
    assert "ZC-1" in html and resident.id_number not in html and resident.phone not in html
    assert idnumber.mask(resident.id_number) in html


def test_another_community_sees_nothing(client, cast, resident):
    card = _card(resident)
    login(client, cast.desk_b)
    assert "ZC-1" not in client.get(reverse("meals:card_list")).content.decode()
    assert client.get(reverse("meals:card_detail", args=[card.pk])).status_code == 404
    response = client.post(
        reverse("meals:card_detail", args=[card.pk]),
        {"form": "record", "served_on": "2026-01-05", "meals": "1", "price": "12"},
    )
    assert response.status_code == 404 and not MealRecord.objects.exists()


def test_the_desk_issues_a_card_from_the_resident_page_and_records_a_meal(client, cast, resident):
    login(client, cast.desk_a)
    page = client.get(reverse("registry:resident_detail", args=[resident.pk])).content.decode()
    assert reverse("meals:card_new", args=[resident.pk]) in page
    response = client.post(
        reverse("meals:card_new", args=[resident.pk]),
        {"category": "gaoling", "canteen": "甲社区老年食堂", "issued_on": timezone.localdate().isoformat()},
    )
    card = MealCard.objects.get(resident=resident)
    assert response.status_code == 302
    MealSubsidyRate.objects.create(
        unit=cast.community_a, category="gaoling", start_date=date(2020, 1, 1), per_meal=5
    )
    response = client.post(
        reverse("meals:card_detail", args=[card.pk]),
        {"form": "record", "served_on": timezone.localdate().isoformat(), "meals": "1", "price": "12"},
    )
    assert response.status_code == 302 and MealRecord.objects.get(card=card).subsidy == 5
    assert (
        "甲社区老年食堂"
        in client.get(reverse("registry:resident_detail", args=[resident.pk])).content.decode()
    )


def test_the_desk_may_not_add_a_rate_and_nothing_is_written(client, cast):
    login(client, cast.desk_a)
    response = client.post(
        reverse("meals:rate_list"),
        {"unit": cast.community_a.pk, "category": "gaoling", "start_date": "2026-01-01", "per_meal": "5"},
    )
    assert response.status_code == 403 and not MealSubsidyRate.objects.exists()
    login(client, cast.head_a)
    response = client.post(
        reverse("meals:rate_list"),
        {"unit": cast.community_a.pk, "category": "gaoling", "start_date": "2026-01-01", "per_meal": "5"},
    )
    assert response.status_code == 302 and MealSubsidyRate.objects.get().per_meal == 5


def test_the_api_lists_masked_cards_of_the_callers_units(client, cast, resident):
    from tests.support import bearer

    card = _card(resident)
    assert client.get("/api/meals/cards", **bearer(cast.desk_b)).json() == []
    body = client.get("/api/meals/cards", **bearer(cast.desk_a)).json()
    assert [c["id"] for c in body] == [card.pk] and resident.id_number not in str(body)
    assert client.get(f"/api/meals/cards/{card.pk}", **bearer(cast.desk_b)).status_code == 404


def test_editing_a_card_records_what_changed(client, cast, resident):
    from quanke.core.models import AuditEvent

    card = _card(resident)
    login(client, cast.desk_a)
    response = client.post(
        reverse("meals:card_edit", args=[card.pk]),
        {"category": "alone", "canteen": "甲社区老年食堂", "home_delivery": "on", "note": ""},
    )
    card.refresh_from_db()
    assert response.status_code == 302 and card.category == "alone" and card.home_delivery
    row = AuditEvent.objects.get(action="update", object_type="meals.mealcard", object_id=str(card.pk))
    assert row.changes["category"] == ["gaoling", "alone"]
    login(client, cast.desk_b)
    response = client.post(reverse("meals:card_edit", args=[card.pk]), {"category": "tekun", "canteen": ""})
    card.refresh_from_db()
    assert response.status_code == 404 and card.category == "alone"
