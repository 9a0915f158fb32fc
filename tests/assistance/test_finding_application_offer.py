"""Issue 12, defect 11: a discovery finding of someone who qualifies and receives nothing offers to start her
application (未诉先办) when it is confirmed, prefilled, and still after a refused submission; a confirmed finding
without an application offers it afterwards. Web and API alike."""

import re

import pytest
from django.urls import reverse

from quanke.assistance import services
from quanke.assistance.models import AssistanceApplication, Finding
from tests.api.test_api import bearer
from tests.assistance.households import TODAY, household, member
from tests.support import login


@pytest.fixture
def lead(cast):
    member(household(cast.community_a, "F1"), "线索甲", income="100")
    services.assistance_scan(actor=None, on=TODAY)
    return Finding.objects.get(program="dibao", kind="eligible_not_receiving")


def checkbox(body: str) -> str | None:
    found = re.search(r'<input[^>]*name="open_application"[^>]*>', body)
    return found.group(0) if found else None


def test_the_offer_is_prefilled_on_the_finding_page(client, cast, lead):
    body = (
        login(client, cast.head_a).get(reverse("assistance:finding_detail", args=[lead.pk])).content.decode()
    )
    box = checkbox(body)
    assert box is not None and "checked" in box
    assert "确认时即为线索甲受理低保申请" in body


def test_the_offer_survives_a_refused_submission_and_nothing_changes(client, cast, lead):
    response = login(client, cast.head_a).post(
        reverse("assistance:finding_decide", args=[lead.pk]),
        {"decision": "confirm", "open_application": "on", "reason": "  "},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写处理理由" in body
    box = checkbox(body)
    assert box is not None and "checked" in box  # still there, as the worker left it
    lead.refresh_from_db()
    assert lead.status == "open" and not AssistanceApplication.objects.exists()


def test_the_back_office_is_told_to_pass_it_to_the_desk(client, cast, lead):
    body = (
        login(client, cast.back_a).get(reverse("assistance:finding_detail", args=[lead.pk])).content.decode()
    )
    assert checkbox(body) is None and "请由前台工作人员为居民受理申请" in body


def test_a_confirmed_finding_offers_the_application_afterwards(client, cast, lead):
    login(client, cast.head_a)
    response = client.post(
        reverse("assistance:finding_decide", args=[lead.pk]), {"decision": "confirm", "reason": "属实"}
    )
    assert response.status_code == 302 and not AssistanceApplication.objects.exists()
    body = client.get(reverse("assistance:finding_detail", args=[lead.pk])).content.decode()
    resident = lead.household.members.get()
    link = reverse("assistance:application_new", args=[resident.pk])
    href = f"{link}?program=dibao&amp;finding={lead.pk}&amp;channel=home"
    assert 'id="application-offer"' in body and href in body
    url = f"{link}?program=dibao&finding={lead.pk}&channel=home"
    form = client.get(url).content.decode()
    assert re.search(r'<option value="dibao"[^>]*selected', form)
    assert re.search(r'<option value="home"[^>]*selected', form)
    response = client.post(url, {"program": "dibao", "channel": "home", "request_text": ""})
    assert response.status_code == 302
    app = AssistanceApplication.objects.get()
    assert (app.finding, app.resident, app.matter.channel) == (lead, resident, "home")
    body = client.get(reverse("assistance:finding_detail", args=[lead.pk])).content.decode()
    assert 'id="application-offer"' not in body and app.matter.tracking_code in body


def test_the_api_says_whether_the_application_may_be_started_and_takes_the_finding(client, cast, lead):
    head, back = bearer(cast.head_a), bearer(cast.back_a)
    url = f"/api/assistance/findings/{lead.pk}"
    resident = lead.household.members.get()
    body = client.get(url, **head).json()
    assert (body["can_open_application"], body["applicant_id"]) == (True, resident.pk)
    assert client.get(url, **back).json()["can_open_application"] is False
    response = client.post(
        f"{url}/decide", {"decision": "confirm", "reason": "属实"}, content_type="application/json", **head
    )
    assert response.status_code == 200 and response.json()["can_open_application"] is True
    response = client.post(
        "/api/assistance/applications",
        {"resident_id": resident.pk, "program": "dibao", "channel": "home", "finding_id": lead.pk},
        content_type="application/json",
        **head,
    )
    assert response.status_code == 201, response.content
    assert response.json()["finding_id"] == lead.pk
    body = client.get(url, **head).json()
    assert body["can_open_application"] is False and body["application_ids"] == [response.json()["id"]]
    # A finding already used cannot start a second application.
    again = client.post(
        "/api/assistance/applications",
        {"resident_id": resident.pk, "program": "dibao_edge", "finding_id": lead.pk},
        content_type="application/json",
        **head,
    )
    assert again.status_code == 422 and AssistanceApplication.objects.count() == 1
