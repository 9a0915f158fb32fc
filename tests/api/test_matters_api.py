"""The matters API: same services and permission rules as the UI; errors are JSON with a code and a message."""

import pytest

from quanke.matters.models import Matter, MatterEvent
from tests.conftest import make_resident
from tests.support import bearer, login


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def post(client, url, data, auth):
    return client.post(url, data, content_type="application/json", **auth)


def test_create_route_claim_complete_and_timeline(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    desk, back = bearer(cast.desk_a), bearer(cast.back_a)
    found = client.get("/api/residents/?q=zsf", **desk).json()
    assert found[0]["id"] == r.pk
    response = post(
        client,
        "/api/matters/",
        {
            "item": "SA-HOMELESS-REFERRAL",
            "resident_id": r.pk,
            "request_text": "路边有人需要帮助",
            "then": "route",
        },
        desk,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    code = body["tracking_code"]
    assert body["status"] == "routed" and body["handling_unit"] == cast.community_a.code and body["due_date"]
    queue = client.get("/api/matters/?queue=unclaimed", **back).json()
    assert [row["tracking_code"] for row in queue] == [code]
    assert post(client, f"/api/matters/{code}/actions/claim", {}, back).json()["assigned_to"] == "back_a"
    done = post(client, f"/api/matters/{code}/actions/complete", {"note": "已转介救助站"}, back).json()
    assert done["status"] == "finished" and done["allowed_actions"] == []
    timeline = client.get(f"/api/matters/{code}/timeline", **desk).json()
    assert [e["action"] for e in timeline] == ["accept", "route", "claim", "complete"]
    assert timeline[-1]["actor"] == "back_a" and timeline[-1]["note"] == "已转介救助站"


def test_illegal_transition_is_409_with_code_and_chinese_message(client, cast):
    desk = bearer(cast.desk_a)
    code = post(
        client,
        "/api/matters/",
        {"item": "CV-PARKING", "applicant_name": "王女士", "then": "on_spot", "note": "已告知"},
        desk,
    )
    code = code.json()["tracking_code"]
    events = MatterEvent.objects.count()
    response = post(client, f"/api/matters/{code}/actions/route", {}, desk)
    assert response.status_code == 409
    assert response.json()["code"] == "matters.illegal_transition"
    assert "当场办结" in response.json()["message"] and "不能变为" in response.json()["message"]
    assert (
        Matter.objects.get(tracking_code=code).status == "on_spot" and MatterEvent.objects.count() == events
    )


def test_refuse_without_reason_is_422(client, cast):
    desk = bearer(cast.desk_a)
    code = post(
        client, "/api/matters/", {"item": "SA-DIBAO-CHANGE", "applicant_name": "王女士"}, desk
    ).json()["tracking_code"]
    response = post(client, f"/api/matters/{code}/actions/refuse", {"note": ""}, desk)
    assert (
        response.status_code == 422
        and response.json()["code"] == "matters.note_required"
        and "理由" in response.json()["message"]
    )
    assert Matter.objects.get(tracking_code=code).status == "accepted"


@pytest.mark.parametrize("who,status", [("desk_b", 404), ("county_viewer", 403), ("street_handler", 404)])
def test_out_of_scope_is_refused(client, cast, who, status):
    code = post(
        client, "/api/matters/", {"item": "SA-DIBAO-CHANGE", "applicant_name": "甲"}, bearer(cast.desk_a)
    )
    code = code.json()["tracking_code"]
    auth = bearer(getattr(cast, who))
    assert client.get(f"/api/matters/{code}", **auth).status_code == status
    response = post(client, f"/api/matters/{code}/actions/withdraw", {}, auth)
    assert response.status_code == status and response.json()["code"] in ("not_found", "forbidden")
    assert Matter.objects.get(tracking_code=code).status == "accepted"


def test_cannot_create_for_another_communitys_resident(client, cast):
    other = make_resident(cast.community_b, "李四")
    response = post(
        client, "/api/matters/", {"item": "SA-DIBAO", "resident_id": other.pk}, bearer(cast.desk_a)
    )
    assert response.status_code == 404 and not Matter.objects.exists()


def test_unauthenticated_is_401_json(client):
    response = client.get("/api/matters/")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_openapi_document_lists_matter_endpoints(client, cast):
    login(client, cast.desk_a)
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/matters/" in paths and "/api/matters/{code}/actions/{action}" in paths


def test_an_assistance_application_over_the_api_opens_the_procedure(client, cast):
    """The API desk follows the web desk: a 临时救助 application is an assistance application, never anonymous."""
    from quanke.assistance.models import AssistanceApplication

    desk = bearer(cast.desk_a)
    anonymous = post(client, "/api/matters/", {"item": "SA-TEMP", "applicant_name": "王女士"}, desk)
    assert anonymous.status_code == 422 and "不能匿名受理" in anonymous.json()["message"]
    assert not Matter.objects.exists() and not AssistanceApplication.objects.exists()
    r = make_resident(cast.community_a, "张三丰")
    response = post(client, "/api/matters/", {"item": "SA-TEMP", "resident_id": r.pk, "then": "route"}, desk)
    assert response.status_code == 201
    app = AssistanceApplication.objects.get()
    assert (app.program, app.step, app.matter.tracking_code) == (
        "temporary",
        "accepted",
        response.json()["tracking_code"],
    )
    assert app.matter.status == "routed" and app.matter.handling_unit == cast.street_1
