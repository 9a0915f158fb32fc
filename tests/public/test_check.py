"""自助测算: the same engine and explanations as the workers', with the locality's DB parameters; nothing stored;
per-member 户籍 passed only to an engine that takes it."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from quanke.assistance.engine import api as engine_api
from quanke.public import views_check
from tests.public.conftest import human

CHECK = "/m/check/"


def _household(**members):
    data = human(hukou="urban", assets_ok="1")
    data.update(
        {"m-TOTAL_FORMS": "1", "m-INITIAL_FORMS": "0", "m-MIN_NUM_FORMS": "1", "m-MAX_NUM_FORMS": "10"}
    )
    member = {"age": "45", "income": "300", "disability": "", "grade": "", "local": "1"}
    member.update(members)
    data.update({f"m-0-{k}": v for k, v in member.items()})
    return data


def test_a_household_below_the_standard_sees_dibao_amount_and_reasons(client, cast):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(CHECK + f"?station={cast.community_a.code}", _household())
    text = response.content.decode()
    assert response.status_code == 200
    assert "最低生活保障（低保）" in text
    assert "1095.0" in text  # (1395 − 300) × 1, Beijing's standard from the shipped parameters
    assert "低保标准 1395.00 元" in text  # the engine's own explanation
    assert 'href="/m/book/?station=' in text
    assert not [
        q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert "no-store" in response["Cache-Control"]


def test_a_household_above_the_standard_sees_no_dibao(client, cast):
    text = client.post(CHECK, _household(income="9000")).content.decode()
    assert "暂时没有符合条件的补助" in text


def test_invalid_answers_are_shown_back(client, db):
    response = client.post(CHECK, _household(age="abc"))
    assert response.status_code == 400


def test_hukou_local_is_passed_only_when_the_engine_takes_it(monkeypatch):
    from datetime import date

    form = type("F", (), {"cleaned_data": {"hukou": "urban", "assets_ok": True, "receiving_dibao": False}})()
    member = {"age": 70, "income": 0, "disability": "", "grade": None, "local": False}
    member.update(in_school=False, needs_care=False, supporter=False)
    monkeypatch.setattr(
        engine_api, "_MEMBER_FIELDS", tuple(f for f in engine_api._MEMBER_FIELDS if f != "hukou_local")
    )
    data = views_check.household_data(form, [member], locality="beijing", today=date(2026, 12, 1))
    assert "hukou_local" not in data["members"][0]
    monkeypatch.setattr(engine_api, "_MEMBER_FIELDS", (*engine_api._MEMBER_FIELDS, "hukou_local"))
    data = views_check.household_data(form, [member], locality="beijing", today=date(2026, 12, 1))
    assert data["members"][0]["hukou_local"] is False
    assert data["members"][0]["birth_date"] == "1956-12-01"
