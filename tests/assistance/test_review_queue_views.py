from datetime import date

import pytest
from django.urls import reverse

from quanke.assistance import services
from quanke.assistance.models import AssistanceApplication, Finding, FindingStatus
from quanke.core.models import AuditEvent
from tests.assistance.households import TODAY, household, member
from tests.support import login


@pytest.fixture
def findings(cast):
    for unit, number in ((cast.community_a, "A1"), (cast.community_a, "A2"), (cast.community_b, "B1")):
        member(household(unit, number), f"居民{number}", income="100")
    services.assistance_scan(actor=None, on=TODAY)
    return {
        f.household.number: f for f in Finding.objects.filter(program="dibao").select_related("household")
    }


def test_queue_is_scoped_to_the_workers_unit(client, cast, findings):
    # Match the household cell: a bare "B1" also turns up by chance in the page's random CSRF token.
    body = login(client, cast.back_a).get(reverse("assistance:finding_list")).content.decode()
    assert "<td>A1</td>" in body and "<td>A2</td>" in body and "<td>B1</td>" not in body
    client.logout()
    body = login(client, cast.street_handler).get(reverse("assistance:finding_list")).content.decode()
    assert "<td>A1</td>" in body and "<td>B1</td>" in body


@pytest.mark.parametrize("who", ["desk_a", "county_viewer"])
def test_roles_without_assistance_duty_are_refused(client, cast, findings, who):
    user = getattr(cast, who)
    login(client, user)
    assert client.get(reverse("assistance:finding_list")).status_code == 403
    target = findings["A1"]
    response = client.post(
        reverse("assistance:finding_decide", args=[target.pk]), {"decision": "dismiss", "reason": "x"}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.status == FindingStatus.OPEN and not AuditEvent.objects.filter(action="transition").exists()


def test_another_communitys_finding_is_404_and_unchanged(client, cast, findings):
    target = findings["B1"]
    login(client, cast.back_a)
    assert client.get(reverse("assistance:finding_detail", args=[target.pk])).status_code == 404
    response = client.post(
        reverse("assistance:finding_decide", args=[target.pk]), {"decision": "confirm", "reason": "x"}
    )
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.status == FindingStatus.OPEN and target.decided_by is None


def test_detail_shows_the_explanation(client, cast, findings):
    body = (
        login(client, cast.back_a)
        .get(reverse("assistance:finding_detail", args=[findings["A1"].pk]))
        .content.decode()
    )
    assert "救助资格评估" in body
    assert "家庭人均月收入 100.00 元 &lt; 低保标准 1395.00 元" in body or "低保标准 1395.00 元" in body
    assert "2023-07-01 起执行" in body


def test_dismiss_requires_a_reason(client, cast, findings):
    target = findings["A1"]
    response = login(client, cast.back_a).post(
        reverse("assistance:finding_decide", args=[target.pk]), {"decision": "dismiss", "reason": "  "}
    )
    assert response.status_code == 400 and "请填写处理理由" in response.content.decode()
    target.refresh_from_db()
    assert target.status == FindingStatus.OPEN


def test_confirm_and_dismiss_are_recorded_and_audited(client, cast, findings):
    login(client, cast.back_a)
    response = client.post(
        reverse("assistance:finding_decide", args=[findings["A1"].pk]),
        {"decision": "confirm", "reason": "入户核实，收入属实"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("assistance:finding_decide", args=[findings["A2"].pk]),
        {"decision": "dismiss", "reason": "已在外地享受低保"},
    )
    assert response.status_code == 302
    confirmed, dismissed = (Finding.objects.get(pk=findings[n].pk) for n in ("A1", "A2"))
    assert confirmed.status == "confirmed" and confirmed.decided_by == cast.back_a
    assert dismissed.status == "dismissed" and dismissed.reason == "已在外地享受低保"
    events = AuditEvent.objects.filter(action="transition", object_type="assistance.finding")
    assert events.count() == 2
    # Decided findings cannot be decided again.
    response = client.post(
        reverse("assistance:finding_decide", args=[findings["A2"].pk]),
        {"decision": "confirm", "reason": "改主意"},
    )
    assert response.status_code == 400
    assert Finding.objects.get(pk=findings["A2"].pk).status == "dismissed"


def test_queue_query_count_is_bounded(client, cast, django_assert_max_num_queries):
    for n in range(40):
        member(household(cast.community_a, f"Q{n}"), f"多{n}", income="100", birth=date(1930, 1, 1))
    services.assistance_scan(actor=None, on=TODAY)
    login(client, cast.back_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("assistance:finding_list"))
    assert response.status_code == 200 and response.content.decode().count("/assistance/findings/") >= 40


def test_confirming_on_the_page_can_open_the_application(client, cast, findings):
    target = findings["A1"]
    login(client, cast.head_a)
    response = client.post(
        reverse("assistance:finding_decide", args=[target.pk]),
        {"decision": "confirm", "reason": "入户了解，情况属实", "open_application": "on"},
    )
    assert response.status_code == 302
    app = AssistanceApplication.objects.get()
    assert (app.finding_id, app.program, app.resident.name, app.matter.channel) == (
        target.pk,
        "dibao",
        "居民A1",
        "home",
    )
