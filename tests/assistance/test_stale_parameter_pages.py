"""The profile, the desk, the application pages and the API say when the 低保 standard used is over 12 months old."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from quanke.assistance import selectors, services
from tests.assistance.households import household, member
from tests.support import bearer, login

STALE_DAY = date(2026, 3, 1)  # Beijing's newest standard is from 2023-07-01
FRESH_DAY = date(2024, 3, 15)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def poor(cast):
    return member(household(cast.community_a, "ST1"), "陈旧", income="300")


def profile(client, cast, resident):
    return (
        login(client, cast.desk_a)
        .get(reverse("registry:resident_detail", args=[resident.pk]))
        .content.decode()
    )


def test_profile_warns_when_the_standard_is_over_a_year_old(client, cast, poor, monkeypatch):
    monkeypatch.setattr(selectors, "today", lambda: STALE_DAY)
    body = profile(client, cast, poor)
    assert "参数可能已过期" in body
    assert "北京市低保标准" in body and "自 2023-07-01 起执行" in body and "评估日期 2026-03-01" in body
    assert "1095.00" in body  # still computed with the latest known standard: 1395 - 300


def test_profile_does_not_warn_within_twelve_months(client, cast, poor, monkeypatch):
    monkeypatch.setattr(selectors, "today", lambda: FRESH_DAY)
    body = profile(client, cast, poor)
    assert "救助资格评估" in body and "参数可能已过期" not in body


def test_desk_shows_the_stale_standard_of_the_workers_locality(client, cast, monkeypatch):
    url = reverse("matters:desk")
    monkeypatch.setattr(selectors, "today", lambda: STALE_DAY)
    body = login(client, cast.desk_a).get(url).content.decode()
    assert "救助参数可能已过期" in body and "自 2023-07-01 起执行" in body
    monkeypatch.setattr(selectors, "today", lambda: FRESH_DAY)
    assert "救助参数可能已过期" not in client.get(url).content.decode()


def test_application_page_shows_the_warning_recorded_at_the_investigation(client, cast, poor):
    at = datetime.combine(STALE_DAY - timedelta(days=3), time(10), tzinfo=SHANGHAI)
    app = services.application_open(actor=cast.desk_a, resident=poor, program="dibao", at=at)
    app = services.application_investigate(
        actor=cast.street_handler,
        application=app,
        investigated_on=STALE_DAY,
        investigators="赵",
        record="属实",
    )
    assert app.assessment["result"]["warnings"]
    body = login(client, cast.street_handler).get(reverse("assistance:application_detail", args=[app.pk]))
    text = body.content.decode()
    assert "入户调查时所用参数可能已过期" in text and "评估日期 2026-03-01" in text


def test_api_assessment_carries_the_warnings(client, cast, poor, monkeypatch):
    monkeypatch.setattr(selectors, "today", lambda: STALE_DAY)
    body = client.get(f"/api/assistance/assessment/{poor.pk}", **bearer(cast.desk_a)).json()
    assert len(body["warnings"]) == 1 and "2023-07-01" in body["warnings"][0]
    monkeypatch.setattr(selectors, "today", lambda: FRESH_DAY)
    assert client.get(f"/api/assistance/assessment/{poor.pk}", **bearer(cast.desk_a)).json()["warnings"] == []
