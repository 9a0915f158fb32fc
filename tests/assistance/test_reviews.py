from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from quanke.assistance import selectors, services
from quanke.assistance.models import AssistanceReview, Locality, LocalityParameter, UnitLocality
from tests.assistance.households import benefit, household, member
from tests.support import login

ON = date(2024, 3, 15)


def in_chongqing(unit):
    """Chongqing's parameters (6-month reviews for irregular income, 渝民〔2023〕3号) apply to ``unit``'s street."""
    UnitLocality.objects.create(unit=unit.parent, locality=Locality.objects.get(code="chongqing"))


def test_interval_is_six_months_in_chongqing_for_irregular_income_with_working_age_member(cast):
    in_chongqing(cast.community_c)
    steady = household(cast.community_c, "S1")
    member(steady, "稳", birth=date(1980, 1, 1))
    irregular_old = household(cast.community_c, "S2", irregular=True)
    member(irregular_old, "老", birth=date(1950, 1, 1))
    irregular_young = household(cast.community_c, "S3", irregular=True)
    member(irregular_young, "青", birth=date(1990, 1, 1))
    assert selectors.review_interval_months(steady, list(steady.members.all()), ON) == 12
    assert selectors.review_interval_months(irregular_old, list(irregular_old.members.all()), ON) == 12
    assert selectors.review_interval_months(irregular_young, list(irregular_young.members.all()), ON) == 6


def test_interval_stays_twelve_months_where_the_locality_has_no_shorter_rule(cast):
    # Beijing (the default locality) has no source for a shorter interval: the national 12 months apply.
    irregular_young = household(cast.community_a, "S4", irregular=True)
    member(irregular_young, "京", birth=date(1990, 1, 1))
    assert selectors.review_interval_months(irregular_young, list(irregular_young.members.all()), ON) == 12


def test_working_age_is_a_dated_parameter(cast):
    # An administrator's later value for the working age's upper bound takes effect from its date.
    in_chongqing(cast.community_c)
    home = household(cast.community_c, "S5", irregular=True)
    member(home, "六十二", birth=date(1962, 1, 1))  # 62 on ON
    assert selectors.review_interval_months(home, list(home.members.all()), ON) == 12
    LocalityParameter.objects.create(
        locality=Locality.objects.get(code="national"),
        path="review.working_age.max",
        start_date=date(2024, 1, 1),
        value=Decimal(64),
    )
    assert selectors.review_interval_months(home, list(home.members.all()), ON) == 6
    assert selectors.review_interval_months(home, list(home.members.all()), date(2023, 12, 31)) == 12


def test_reviews_due_from_start_or_last_review(cast):
    in_chongqing(cast.community_a)
    a = household(cast.community_a, "D1", irregular=True)
    benefit(member(a, "甲", birth=date(1990, 1, 1)), "dibao", start=date(2023, 9, 20))  # due 2024-03-20
    b = household(cast.community_a, "D2")
    benefit(member(b, "乙", birth=date(1990, 1, 1)), "dibao", start=date(2023, 9, 20))  # due 2024-09-20
    c = household(cast.community_b, "D3")
    benefit(member(c, "丙"), "dibao", start=date(2022, 1, 1))  # other community, overdue
    due = selectors.reviews_due(actor=cast.back_a, on=ON)
    assert [(d.household.number, d.due, d.overdue) for d in due] == [("D1", date(2024, 3, 20), False)]
    services.review_record(actor=cast.back_a, household=a, reviewed_on=date(2024, 3, 1), outcome="continue")
    assert selectors.reviews_due(actor=cast.back_a, on=ON) == []
    due = selectors.reviews_due(actor=cast.street_handler, on=ON)
    assert [(d.household.number, d.overdue) for d in due] == [("D3", True)]


def test_review_needs_a_reason_unless_continuing_and_is_scoped(cast):
    home = household(cast.community_b, "D4")
    with pytest.raises(PermissionDenied):
        services.review_record(actor=cast.back_a, household=home, reviewed_on=ON, outcome="continue")
    mine = household(cast.community_a, "D5")
    with pytest.raises(ValidationError):
        services.review_record(actor=cast.back_a, household=mine, reviewed_on=ON, outcome="stop")
    assert not AssistanceReview.objects.exists()


def test_review_page_and_record(client, cast):
    home = household(cast.community_a, "D6")
    benefit(member(home, "丁"), "dibao", start=date(2020, 1, 1))
    login(client, cast.back_a)
    body = client.get(reverse("assistance:review_list")).content.decode()
    assert "D6" in body and "已逾期" in body
    response = client.post(
        reverse("assistance:review_record", args=[home.pk]),
        {"reviewed_on": "2024-03-01", "outcome": "continue", "note": ""},
    )
    assert response.status_code == 302
    assert AssistanceReview.objects.get().household == home
