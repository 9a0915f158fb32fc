"""Defect 3: 办结 needs a result in writing, and every outstanding material (待补交) received or waived with a
reason; on the web and over the API, for 办结 and for 当场办结 of an application. A waiver is kept on the line,
shown on the page and in the API, and audited."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from quanke.api.models import ApiToken
from quanke.core.models import AuditEvent
from quanke.matters import services
from quanke.matters.models import Matter, MatterEvent, MatterMaterial
from tests.matters.conftest import accept
from tests.support import login


def _in_hand(cast):
    """生活困难证明 for an anonymous applicant, routed to the back office and claimed: two lines 待补交 (and one
    如适用, which does not hold up finishing)."""
    m = services.matter_route(actor=cast.desk_a, matter=accept(cast.desk_a, "CT-HARDSHIP-PROOF"))
    m = services.matter_claim(actor=cast.back_a, matter=m)
    assert m.materials.filter(state="missing").count() == 2
    return m


def _missing(m):
    return list(m.materials.filter(state="missing").order_by("order"))


def _snapshot(m):
    return (
        Matter.objects.filter(pk=m.pk).values().get(),
        list(MatterMaterial.objects.filter(matter=m).values("state", "waived_reason")),
        MatterEvent.objects.filter(matter=m).count(),
        AuditEvent.objects.exclude(action="read").count(),
    )


def _api(client, user, m, action, body):
    _token, key = ApiToken.issue(user=user, name="t")
    return client.post(
        f"/api/matters/{m.tracking_code}/actions/{action}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_service_refuses_an_empty_result_and_changes_nothing(cast):
    m = _in_hand(cast)
    before = _snapshot(m)
    lines = [x.pk for x in _missing(m)]
    with pytest.raises(ValidationError, match="办理结果"):
        services.matter_complete(actor=cast.back_a, matter=m, note="  ", received_lines=lines)
    assert _snapshot(m) == before


def test_service_refuses_outstanding_materials_and_changes_nothing(cast):
    m = _in_hand(cast)
    first = _missing(m)[0]
    before = _snapshot(m)
    with pytest.raises(ValidationError, match="待补交"):
        services.matter_complete(actor=cast.back_a, matter=m, note="已出具", received_lines=[first.pk])
    assert _snapshot(m) == before
    with pytest.raises(ValidationError, match="待补交"):  # a waiver without a reason waives nothing
        services.matter_complete(
            actor=cast.back_a, matter=m, note="已出具", waived_lines={x.pk: " " for x in _missing(m)}
        )
    assert _snapshot(m) == before


def test_web_complete_with_received_and_waived_lines(client, cast):
    m = _in_hand(cast)
    lines = _missing(m)
    login(client, cast.back_a)
    url = reverse("matters:act", args=[m.tracking_code, "complete"])
    before = _snapshot(m)
    page = client.post(url, {"note": ""}, follow=True).content.decode()
    assert "办结须填写办理结果" in page and _snapshot(m) == before
    page = client.post(url, {"note": "已出具证明"}, follow=True).content.decode()
    assert "以下材料待补交" in page and lines[0].name in page and _snapshot(m) == before
    client.post(
        url,
        {
            "note": "已出具证明",
            "received_lines": [lines[0].pk],
            f"waived_lines_{lines[1].pk}": "已在民政系统核验低保资格",
        },
    )
    m.refresh_from_db()
    assert (m.status, m.result_note) == ("finished", "已出具证明")
    states = {x.pk: (x.state, x.waived_reason) for x in m.materials.exclude(state="if_applicable")}
    assert states == {lines[0].pk: ("received", ""), lines[1].pk: ("waived", "已在民政系统核验低保资格")}
    event = m.events.get(action="complete")
    assert event.data["waived"] == {lines[1].name: "已在民政系统核验低保资格"}
    audit = AuditEvent.objects.filter(object_id=str(m.pk), action="transition").latest("id")
    assert audit.changes["waived"] == {lines[1].name: "已在民政系统核验低保资格"}
    assert audit.changes["received"] == [lines[0].name]
    body = client.get(reverse("matters:detail", args=[m.tracking_code])).content.decode()
    assert "免交" in body and "已在民政系统核验低保资格" in body


def test_api_complete_needs_result_and_settled_materials(client, cast):
    m = _in_hand(cast)
    lines = _missing(m)
    before = _snapshot(m)
    response = _api(client, cast.back_a, m, "complete", {"note": ""})
    assert response.status_code == 422 and "办理结果" in response.json()["message"]
    response = _api(client, cast.back_a, m, "complete", {"note": "已出具"})
    assert response.status_code == 422 and "待补交" in response.json()["message"]
    assert _snapshot(m) == before
    response = _api(
        client,
        cast.back_a,
        m,
        "complete",
        {
            "note": "已出具",
            "received_lines": [lines[0].pk],
            "waived_lines": {str(lines[1].pk): "居民已提供电子证照"},
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "finished"
    waived = {x["id"]: (x["state"], x["waived_reason"]) for x in body["materials"]}
    assert waived[lines[1].pk] == ("waived", "居民已提供电子证照")
    assert waived[lines[0].pk] == ("received", "")


def test_finish_on_spot_of_an_application_needs_result_and_materials(client, cast):
    m = accept(cast.desk_a, "CT-HARDSHIP-PROOF")
    before = _snapshot(m)
    with pytest.raises(ValidationError, match="办理结果"):
        services.matter_finish_on_spot(actor=cast.desk_a, matter=m)
    with pytest.raises(ValidationError, match="待补交"):
        services.matter_finish_on_spot(actor=cast.desk_a, matter=m, note="已出具")
    assert _snapshot(m) == before
    response = _api(client, cast.desk_a, m, "finish_on_spot", {"note": "已出具"})
    assert response.status_code == 422 and _snapshot(m) == before
    lines = [x.pk for x in _missing(m)]
    done = services.matter_finish_on_spot(actor=cast.desk_a, matter=m, note="已出具", received_lines=lines)
    assert done.status == "on_spot"


def test_a_consultation_is_finished_on_the_spot_without_either(cast):
    m = accept(cast.desk_a, "CT-HARDSHIP-PROOF", kind="consultation")
    assert services.matter_finish_on_spot(actor=cast.desk_a, matter=m).status == "on_spot"
    assert m.materials.filter(state="missing").count() == 2  # nothing was asked of a consultation


def test_a_waiver_needs_a_reason_in_the_database(cast):
    from django.db import IntegrityError, transaction

    line = accept(cast.desk_a).materials.first()
    line.state = "waived"
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save(update_fields=["state"])


def test_a_malformed_waiver_field_is_ignored_not_an_error(client, cast):
    m = _in_hand(cast)
    login(client, cast.back_a)  # before the snapshot: signing in writes its own audit row
    before = _snapshot(m)
    response = client.post(
        reverse("matters:act", args=[m.tracking_code, "complete"]),
        {"note": "已出具", "waived_lines_abc": "x", "received_lines": ["x"]},
    )
    assert response.status_code == 302 and _snapshot(m) == before
