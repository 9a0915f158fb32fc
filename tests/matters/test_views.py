"""The desk, the matter page, the notice (HTML and PDF), the receipt, queues and the head's dashboard."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from quanke.core.models import AuditEvent
from quanke.matters import services
from quanke.matters.models import Matter, MatterEvent
from quanke.registry.models import ResidentDocument
from tests.conftest import make_resident
from tests.matters.conftest import accept, item, received
from tests.support import login


def test_desk_walk_in_finished_on_the_spot(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    login(client, cast.desk_a)
    assert client.get(reverse("matters:desk") + f"?resident={r.pk}").status_code == 200
    picker = client.get(reverse("matters:item_picker"), {"q": "停车"}).content.decode()
    assert "路侧停车政策咨询" in picker and 'data-pick="item"' in picker
    found = client.get(reverse("matters:desk_residents"), {"q": "zsf"}).content.decode()
    assert "张三丰" in found and r.id_number not in found  # masked in the picker
    response = client.post(
        reverse("matters:desk"),
        {
            "resident": r.pk,
            "item": "CV-PARKING",
            "channel": "window",
            "kind": "application",
            "request_text": "门口能不能停车？",
            "then": "on_spot",
            "note": "已告知停车政策",
        },
    )
    m = Matter.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "matters:detail", args=[m.tracking_code]
    )
    assert (m.status, m.resident, m.trips, m.request_text) == ("on_spot", r, 1, "门口能不能停车？")
    body = client.get(response["Location"]).content.decode()
    assert m.tracking_code in body and "当场办结" in body and "门口能不能停车" in body


def test_desk_refuses_on_spot_for_a_routed_item_and_keeps_nothing(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    login(client, cast.desk_a)
    response = client.post(
        reverse("matters:desk"),
        {"resident": r.pk, "item": "SA-DIBAO", "channel": "window", "kind": "application", "then": "on_spot"},
    )
    assert response.status_code == 200 and "须流转办理" in response.content.decode()
    assert not Matter.objects.exists()


def test_desk_anonymous_consultation(client, cast):
    login(client, cast.desk_a)
    client.post(
        reverse("matters:desk"),
        {
            "anonymous": "on",
            "applicant_name": "王女士",
            "item": "SA-DIBAO",
            "channel": "phone",
            "kind": "consultation",
            "then": "on_spot",
        },
    )
    m = Matter.objects.get()
    assert (m.resident, m.applicant_name, m.status, m.trips, m.due_date) == (
        None,
        "王女士",
        "on_spot",
        0,
        None,
    )


def test_desk_route_to_street_and_street_handler_completes(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    login(client, cast.desk_a)
    client.post(
        reverse("matters:desk"),
        {
            "resident": r.pk,
            "item": "SA-DIBAO-CHANGE",
            "channel": "window",
            "kind": "application",
            "then": "route",
            "route_unit": cast.street_1.pk,
        },
    )
    m = Matter.objects.get()
    assert (m.status, m.handling_unit) == ("routed", cast.street_1)
    client.logout()
    login(client, cast.street_handler)
    queue = client.get(reverse("matters:queue") + "?q=unclaimed").content.decode()
    assert m.tracking_code in queue
    client.post(reverse("matters:act", args=[m.tracking_code, "claim"]))
    client.post(
        reverse("matters:act", args=[m.tracking_code, "complete"]),
        {"note": "审核通过", **received(m)},
    )
    m.refresh_from_db()
    assert (m.status, m.assigned_to, m.result_note) == ("finished", cast.street_handler, "审核通过")


def test_illegal_step_through_the_ui_is_explained_and_changes_nothing(client, cast):
    m = services.matter_finish_on_spot(
        actor=cast.desk_a, matter=accept(cast.desk_a, "CV-PARKING"), note="已告知停车政策"
    )
    login(client, cast.desk_a)
    response = client.post(reverse("matters:act", args=[m.tracking_code, "withdraw"]), follow=True)
    assert "不能变为" in response.content.decode()
    assert Matter.objects.get(pk=m.pk).status == "on_spot"


def test_notice_for_a_disabled_resident_lists_the_certificate_and_marks_on_file(client, cast):
    disabled = make_resident(cast.community_a, "李残", disability_kind="physical", disability_grade=2)
    ResidentDocument.objects.create(resident=disabled, kind="id_card", received_on="2025-01-02")
    other = make_resident(cast.community_a, "王健")
    login(client, cast.desk_a)
    m = accept(cast.desk_a, "SA-DIBAO", resident=disabled)
    body = client.get(reverse("matters:notice", args=[m.tracking_code])).content.decode()
    assert "一次性告知单" in body and "残疾人证" in body and "残疾人申请时" in body
    assert "本站已存档，无需再带" in body  # the ID card on file
    assert "0571-1" in body and "23 个工作日" in body
    preview = client.get(reverse("matters:notice_preview"), {"item": "SA-DIBAO", "resident": other.pk})
    assert "残疾人证" not in preview.content.decode()
    anonymous = client.get(reverse("matters:notice_preview"), {"item": "SA-DIBAO"}).content.decode()
    assert "残疾人证" in anonymous and "如符合条件须提交" in anonymous


def test_notice_pdf_has_the_chinese_text(client, cast, tmp_path):
    disabled = make_resident(cast.community_a, "李残", disability_kind="physical", disability_grade=2)
    m = accept(cast.desk_a, "SA-DIBAO", resident=disabled)
    response = login(client, cast.desk_a).get(reverse("matters:notice_pdf", args=[m.tracking_code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "一次性告知单" in text and "残疾人证" in text and m.tracking_code in text


def test_receipt_shows_the_tracking_code(client, cast):
    m = accept(cast.desk_a, "SA-DIBAO", resident=make_resident(cast.community_a, "张三丰"))
    body = login(client, cast.desk_a).get(reverse("matters:receipt", args=[m.tracking_code])).content.decode()
    assert "受理回执" in body and m.tracking_code in body and "0571-1" in body


def test_other_communitys_matter_is_404_everywhere(client, cast):
    m = accept(cast.desk_b, "SA-DIBAO")
    login(client, cast.desk_a)
    for name in ("matters:detail", "matters:notice", "matters:receipt"):
        assert client.get(reverse(name, args=[m.tracking_code])).status_code == 404
    before = Matter.objects.filter(pk=m.pk).values().get()
    assert client.post(reverse("matters:act", args=[m.tracking_code, "withdraw"])).status_code == 404
    assert Matter.objects.filter(pk=m.pk).values().get() == before


def test_county_viewer_is_refused(client, cast):
    m = accept(cast.desk_a, "SA-DIBAO")
    login(client, cast.county_viewer)
    for url in (
        reverse("matters:desk"),
        reverse("matters:list"),
        reverse("matters:detail", args=[m.tracking_code]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("matters:act", args=[m.tracking_code, "withdraw"])).status_code == 403
    assert Matter.objects.get(pk=m.pk).status == "accepted"


def test_detail_read_is_audited_and_timeline_shown(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    m = services.matter_route(
        actor=cast.desk_a, matter=accept(cast.desk_a, "SA-DIBAO", resident=r), note="转街道"
    )
    body = (
        login(client, cast.street_handler)
        .get(reverse("matters:detail", args=[m.tracking_code]))
        .content.decode()
    )
    assert "转街道" in body and r.id_number in body  # the department handler sees what she needs
    assert AuditEvent.objects.filter(action="read", object_id=str(m.pk), actor=cast.street_handler).exists()


def test_queue_and_lists_query_counts_are_bounded(client, cast, django_assert_max_num_queries):
    r = make_resident(cast.community_a, "张三丰")
    for _ in range(25):
        services.matter_route(
            actor=cast.desk_a, matter=accept(cast.desk_a, "SA-HOMELESS-REFERRAL", resident=r)
        )
    login(client, cast.back_a)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("matters:queue") + "?q=unclaimed").content.decode()
    assert body.count("认领</button>") == 25
    client.logout()
    login(client, cast.head_a)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("matters:list")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("matters:head")).status_code == 200


def test_head_dashboard_counts_and_reassign(client, cast, back_a2):
    services.matter_finish_on_spot(actor=cast.desk_a, matter=accept(cast.desk_a, "CV-PARKING"), note="已告知")
    routed = services.matter_route(actor=cast.desk_a, matter=accept(cast.desk_a, "SA-HOMELESS-REFERRAL"))
    routed = services.matter_claim(actor=cast.back_a, matter=routed)
    login(client, cast.head_a)
    body = client.get(reverse("matters:head")).content.decode()
    assert "站长看板" in body and "back_a2" in body
    client.post(reverse("matters:act", args=[routed.tracking_code, "reassign"]), {"to_user": back_a2.pk})
    routed.refresh_from_db()
    assert routed.assigned_to == back_a2
    assert MatterEvent.objects.filter(matter=routed, action="reassign").exists()


def test_resident_profile_lists_her_matters_and_offers_the_desk(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    m = accept(cast.desk_a, "SA-DIBAO", resident=r)
    body = login(client, cast.desk_a).get(reverse("registry:resident_detail", args=[r.pk])).content.decode()
    assert m.tracking_code in body and reverse("matters:desk") + f"?resident={r.pk}" in body


def test_checklist_partial_resolves_conditions(client, cast):
    disabled = make_resident(cast.community_a, "李残", disability_kind="visual", disability_grade=1)
    login(client, cast.desk_a)
    body = client.get(
        reverse("matters:desk_checklist"), {"item": "SA-DIBAO", "resident": disabled.pk}
    ).content.decode()
    assert "残疾人证" in body and 'data-default-then="route"' in body
    assert item("SA-DIBAO").materials.filter(name="残疾人证").exists()


def test_desk_assistance_application_opens_the_procedure_and_cannot_be_closed_around_it(client, cast):
    """A 低保 application accepted at the generic desk is an assistance application: its decision belongs to the
    legal procedure, so the matter's own 办结 / 不予受理 are refused and nothing changes."""
    from quanke.assistance.models import AssistanceApplication

    r = make_resident(cast.community_a, "张三丰")
    login(client, cast.desk_a)
    response = client.post(
        reverse("matters:desk"),
        {
            "resident": r.pk,
            "item": "SA-DIBAO",
            "channel": "window",
            "kind": "application",
            "then": "route",
            "applicant_phone": "13800000000",
            "request_text": "老两口收入低",
        },
    )
    m = Matter.objects.get()
    assert response.status_code == 302
    app = AssistanceApplication.objects.get()
    assert (app.matter, app.program, app.step, app.resident) == (m, "dibao", "accepted", r)
    assert (m.status, m.handling_unit, m.applicant_phone) == ("routed", cast.street_1, "13800000000")
    client.logout()
    login(client, cast.street_handler)
    page = client.get(reverse("matters:detail", args=[m.tracking_code])).content.decode()
    assert "社会救助申请：低保 · 已受理" in page
    client.post(reverse("matters:act", args=[m.tracking_code, "claim"]))
    m.refresh_from_db()
    assert m.status == "in_progress"
    assert "complete" not in services.available_actions(cast.street_handler, m)
    events = MatterEvent.objects.filter(matter=m).count()
    client.post(reverse("matters:act", args=[m.tracking_code, "complete"]), {"note": "审核通过"})
    client.post(reverse("matters:act", args=[m.tracking_code, "refuse"]), {"note": "不符合"})
    m.refresh_from_db()
    app.refresh_from_db()
    assert (m.status, m.closed_at, app.step) == ("in_progress", None, "accepted")
    assert MatterEvent.objects.filter(matter=m).count() == events


def test_desk_refuses_an_anonymous_assistance_application_and_keeps_nothing(client, cast):
    login(client, cast.desk_a)
    response = client.post(
        reverse("matters:desk"),
        {
            "anonymous": "on",
            "applicant_name": "王女士",
            "item": "SA-TEMP",
            "channel": "window",
            "kind": "application",
            "then": "route",
        },
    )
    assert response.status_code == 200 and "不能匿名受理" in response.content.decode()
    assert not Matter.objects.exists()
