"""The assistance API: the rules' assessment, the discovery queue and applications through the legal steps, with
the pages' services and permission rules; lists masked, reads scoped (404 outside), the assessment read audited."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from quanke.assistance import services
from quanke.assistance.models import AssistanceApplication, Finding
from quanke.core.models import AuditEvent, Role
from quanke.matters.models import Matter
from quanke.registry.models import Benefit
from tests.api.test_api import bearer
from tests.assistance.households import household, member
from tests.conftest import make_user

TODAY = timezone.localdate()
STARTED = datetime.combine(TODAY - timedelta(days=20), time(10), tzinfo=ZoneInfo("Asia/Shanghai"))
NEXT_MONTH = date(TODAY.year + TODAY.month // 12, TODAY.month % 12 + 1, 1)
BASE = "/api/assistance"


def post(client, url, data, auth):
    return client.post(f"{BASE}{url}", data, content_type="application/json", **auth)


def get(client, url, auth):
    return client.get(f"{BASE}{url}", **auth)


@pytest.fixture
def poor(cast):
    """Mother (income 400) and schoolgirl in community A: 低保 1395 x 2 - 400 = 2390 a month (Beijing)."""
    home = household(cast.community_a, "AP1")
    mum = member(home, "申母", income="400", phone="13812345678")
    member(home, "申女", birth=date(2012, 4, 1), in_school=True)
    return mum


@pytest.fixture
def other(cast):
    """A household as poor in community B, out of community A's sight."""
    home = household(cast.community_b, "BP1")
    return member(home, "乙母", income="400", phone="13900001111")


def open_dibao(cast, resident):
    return services.application_open(actor=cast.desk_a, resident=resident, program="dibao", at=STARTED)


def step_audits(app) -> int:
    return AuditEvent.objects.filter(
        object_type="assistance.assistanceapplication", object_id=str(app.pk), action="transition"
    ).count()


# --- Applications ----------------------------------------------------------------------------------------------


def test_the_full_legal_path_over_the_api(client, cast, poor):
    desk, street = bearer(cast.desk_a), bearer(cast.street_handler)
    response = post(
        client,
        "/applications",
        {"resident_id": poor.pk, "program": "dibao", "channel": "window", "request_text": "想申请低保"},
        desk,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    app = AssistanceApplication.objects.get()
    assert body["id"] == app.pk and body["tracking_code"] == app.matter.tracking_code
    assert (body["step"], body["program"], body["resident_id"]) == ("accepted", "dibao", poor.pk)
    assert body["matter_status"] == "routed" and body["handling_unit"] == cast.street_1.code
    assert body["steps"] == [{"step": "accepted", "label": "已受理", "on": TODAY.isoformat()}]
    assert body["can_process"] is False  # the desk accepts; the street investigates and decides
    assert app.matter.request_text == "想申请低保" and app.matter.channel == "window"

    # The publicity week cannot fit into one day: the desk is taken to have accepted it 20 days ago.
    AssistanceApplication.objects.filter(pk=app.pk).update(accepted_on=STARTED.date())
    url = f"/applications/{app.pk}"
    body = post(
        client,
        f"{url}/investigate",
        {
            "investigated_on": (TODAY - timedelta(days=18)).isoformat(),
            "investigators": "赵、钱",
            "record": "母女二人同住，母亲打零工月入约400元。",
        },
        street,
    ).json()
    assert body["step"] == "investigated" and body["matter_status"] == "in_progress"
    assert body["assigned_to"] == "street_1" and body["investigators"] == "赵、钱"
    assert body["eligible_at_investigation"] is True and Decimal(body["suggested_amount"]) == Decimal("2390")

    response = post(
        client, f"{url}/approve", {"decided_on": TODAY.isoformat(), "monthly_amount": "2390"}, street
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "assistance.illegal_transition",
        "message": "须先公示 7 天再审核确认。",
    }

    body = post(
        client, f"{url}/publicize", {"start": (TODAY - timedelta(days=10)).isoformat()}, street
    ).json()
    assert body["step"] == "publicity" and body["publicity_end"] == (TODAY - timedelta(days=4)).isoformat()

    response = post(
        client,
        f"{url}/approve",
        {"decided_on": TODAY.isoformat(), "monthly_amount": "2390", "objections": "公示期间无异议"},
        street,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["step"] == "approved" and body["matter_status"] == "finished"
    assert (
        Decimal(body["monthly_amount"]) == Decimal("2390") and body["payment_from"] == NEXT_MONTH.isoformat()
    )
    assert body["decided_by"] == "street_1" and body["publicity_objections"] == "公示期间无异议"
    assert [(s["step"], s["on"]) for s in body["steps"]] == [
        ("accepted", (TODAY - timedelta(days=20)).isoformat()),
        ("investigated", (TODAY - timedelta(days=18)).isoformat()),
        ("publicity", (TODAY - timedelta(days=10)).isoformat()),
        ("approved", TODAY.isoformat()),
    ]
    # 按户: both members are paid, 2390 split evenly, from the first of next month.
    assert sorted(
        Benefit.objects.filter(resident__household=poor.household).values_list(
            "resident__name", "program", "monthly_amount", "start_date", "end_date"
        )
    ) == [
        ("申女", "dibao", Decimal("1195.00"), NEXT_MONTH, None),
        ("申母", "dibao", Decimal("1195.00"), NEXT_MONTH, None),
    ]
    assert step_audits(app) == 3


def test_refusal_with_reasons_closes_the_matter(client, cast, poor):
    app = open_dibao(cast, poor)
    response = post(
        client,
        f"/applications/{app.pk}/refuse",
        {"reasons": "家庭财产超过当地规定：名下有两套住房。"},
        bearer(cast.street_handler),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["step"] == "refused" and body["refusal_reasons"] == "家庭财产超过当地规定：名下有两套住房。"
    assert body["decided_on"] == TODAY.isoformat() and body["matter_status"] == "refused"
    assert body["steps"][-1] == {"step": "refused", "label": "不予批准", "on": TODAY.isoformat()}
    matter = Matter.objects.get(pk=app.matter_id)
    assert matter.status == "refused" and "两套住房" in matter.result_note
    assert not Benefit.objects.exists() and step_audits(app) == 1


def test_accepting_checks_what_the_desk_checks(client, cast, poor):
    desk = bearer(cast.desk_a)
    response = post(client, "/applications", {"resident_id": poor.pk, "program": "unemployment"}, desk)
    assert response.status_code == 422
    # The schema lists the programmes (an enum in the OpenAPI document), so the refusal is the schema's.
    assert response.json()["code"] == "api.validation" and "program" in response.json()["message"]
    assert (
        post(client, "/applications", {"resident_id": poor.pk, "program": "dibao"}, desk).status_code == 201
    )
    response = post(client, "/applications", {"resident_id": poor.pk, "program": "dibao"}, desk)
    assert response.status_code == 422 and response.json()["message"] == "该居民已有一件办理中的同类申请。"
    response = post(
        client, "/applications", {"resident_id": poor.pk, "program": "tekun"}, bearer(cast.back_a)
    )
    assert response.status_code == 403  # accepting is desk work
    assert list(AssistanceApplication.objects.values_list("program", "step")) == [("dibao", "accepted")]


@pytest.mark.parametrize("body", [{"reasons": "  "}, {}])
def test_refusal_without_reasons_is_422_and_changes_nothing(client, cast, poor, body):
    app = open_dibao(cast, poor)
    response = post(client, f"/applications/{app.pk}/refuse", body, bearer(cast.street_handler))
    assert response.status_code == 422
    assert response.json()["code"] == "assistance.reason_required"
    assert response.json()["message"] == "不予批准须书面说明理由。"
    app.refresh_from_db()
    assert app.step == "accepted" and app.refusal_reasons == "" and app.decided_on is None
    assert app.matter.status == "routed" and app.matter.assigned_to_id is None and step_audits(app) == 0


def test_invalid_step_bodies_are_422_in_chinese(client, cast, poor):
    app = open_dibao(cast, poor)
    street = bearer(cast.street_handler)
    url = f"/applications/{app.pk}/investigate"
    response = post(
        client, url, {"investigated_on": TODAY.isoformat(), "investigators": " ", "record": "属实"}, street
    )
    assert (
        response.status_code == 422 and response.json()["message"] == "请求参数不正确：payload.investigators"
    )
    response = post(
        client, url, {"investigated_on": TODAY.isoformat(), "investigators": "赵", "record": ""}, street
    )
    assert response.status_code == 422 and response.json()["message"] == "请填写入户调查记录。"
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = post(
        client, url, {"investigated_on": tomorrow, "investigators": "赵", "record": "属实"}, street
    )
    assert response.status_code == 422 and response.json()["errors"] == {
        "investigated_on": ["调查日期不能晚于今天。"]
    }
    app.refresh_from_db()
    assert app.step == "accepted" and app.investigated_on is None and step_audits(app) == 0


def test_a_step_out_of_order_is_409_and_changes_nothing(client, cast, poor):
    app = open_dibao(cast, poor)
    response = post(
        client, f"/applications/{app.pk}/publicize", {"start": TODAY.isoformat()}, bearer(cast.street_handler)
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "assistance.illegal_transition",
        "message": "申请当前处于“已受理”环节，不能转为“公示中”。",
    }
    app.refresh_from_db()
    assert app.step == "accepted" and app.publicity_start is None and step_audits(app) == 0


def test_the_desk_may_read_but_not_decide(client, cast, poor):
    app = open_dibao(cast, poor)
    desk = bearer(cast.desk_a)
    assert get(client, f"/applications/{app.pk}", desk).json()["step"] == "accepted"
    response = post(client, f"/applications/{app.pk}/refuse", {"reasons": "不符合"}, desk)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    app.refresh_from_db()
    assert app.step == "accepted" and step_audits(app) == 0


def test_out_of_scope_ids_are_404_and_change_nothing(client, cast, poor, other):
    app = open_dibao(cast, poor)
    street_2 = make_user("street_2", cast.street_2, [Role.DEPT_HANDLER], ["assistance"])
    for user in (cast.desk_b, street_2):
        auth = bearer(user)
        assert get(client, f"/applications/{app.pk}", auth).status_code == 404
        assert get(client, "/applications", auth).json() == []
        assert get(client, f"/assessment/{poor.pk}", auth).status_code == 404
    response = post(client, f"/applications/{app.pk}/refuse", {"reasons": "不符合"}, bearer(street_2))
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "没有找到该记录，或您无权访问。"}
    response = post(
        client,
        f"/applications/{app.pk}/investigate",
        {"investigated_on": TODAY.isoformat(), "investigators": "x", "record": "x"},
        bearer(street_2),
    )
    assert response.status_code == 404
    app.refresh_from_db()
    assert app.step == "accepted" and app.matter.status == "routed" and step_audits(app) == 0
    # The desk of community A cannot accept for community B's resident, nor read her assessment.
    response = post(
        client, "/applications", {"resident_id": other.pk, "program": "dibao"}, bearer(cast.desk_a)
    )
    assert response.status_code == 404
    assert get(client, f"/assessment/{other.pk}", bearer(cast.desk_a)).status_code == 404
    assert AssistanceApplication.objects.count() == 1
    assert not AuditEvent.objects.filter(action="read").exists()


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/assessment/{resident}"),
        ("get", "/findings"),
        ("get", "/findings/{finding}"),
        ("post", "/findings/{finding}/decide"),
        ("get", "/applications"),
        ("post", "/applications"),
        ("get", "/applications/{application}"),
        ("post", "/applications/{application}/refuse"),
    ],
)
def test_the_county_viewer_is_forbidden(client, cast, poor, method, url):
    app = open_dibao(cast, poor)
    services.assistance_scan(actor=None)
    finding = Finding.objects.get(household=poor.household, program="dibao")
    path = url.format(resident=poor.pk, finding=finding.pk, application=app.pk)
    auth = bearer(cast.county_viewer)
    body = {
        "resident_id": poor.pk,
        "program": "tekun",
        "reasons": "不符合",
        "decision": "dismiss",
        "reason": "x",
    }
    response = get(client, path, auth) if method == "get" else post(client, path, body, auth)
    assert response.status_code == 403
    assert response.json() == {"code": "forbidden", "message": "您没有权限执行此操作。"}
    app.refresh_from_db()
    finding.refresh_from_db()
    assert app.step == "accepted" and finding.status == "open" and AssistanceApplication.objects.count() == 1
    assert not AuditEvent.objects.filter(action="read").exists()


def test_application_list_is_masked_scoped_and_filtered(client, cast, poor, other, django_assert_num_queries):
    mine = open_dibao(cast, poor)
    services.application_open(actor=cast.desk_b, resident=other, program="dibao", at=STARTED)
    desk = bearer(cast.desk_a)
    with django_assert_num_queries(3):  # token, token's last use, one page of applications
        response = get(client, "/applications", desk)
    rows = response.json()
    assert [r["id"] for r in rows] == [mine.pk]
    row = rows[0]
    assert row["id_number_masked"] == poor.id_number[:6] + "********" + poor.id_number[-4:]
    assert row["phone_masked"] == "138****5678"
    assert poor.id_number not in response.content.decode() and "13812345678" not in response.content.decode()
    assert (row["resident_name"], row["household_number"], row["unit"]) == (
        "申母",
        "AP1",
        cast.community_a.code,
    )
    assert get(client, "/applications?step=investigated", desk).json() == []
    assert [r["id"] for r in get(client, "/applications?step=accepted", desk).json()] == [mine.pk]
    response = get(client, "/applications?step=bogus", desk)
    assert response.status_code == 422 and response.json()["message"] == "未知的办理环节。"
    # The street sees both of its communities' applications, newest acceptance first then by id.
    rows = get(client, "/applications?limit=1", bearer(cast.street_handler)).json()
    assert len(rows) == 1 and rows[0]["resident_name"] == "乙母"


# --- Assessment ------------------------------------------------------------------------------------------------


def test_assessment_is_explained_and_its_read_is_audited(client, cast, poor):
    response = get(client, f"/assessment/{poor.pk}", bearer(cast.desk_a))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["on"], body["locality"], body["locality_label"]) == (TODAY.isoformat(), "beijing", "北京市")
    assert body["error"] == "" and Decimal(body["dibao_standard"]) == Decimal("1395")
    assert body["household_number"] == "AP1" and body["receiving"] == []
    dibao, edge = body["household"]
    assert (dibao["program"], dibao["eligible"], Decimal(dibao["monthly_amount"])) == (
        "dibao",
        True,
        Decimal("2390"),
    )
    assert any("1395.00" in line for line in dibao["explanation"])
    assert edge["program"] == "dibao_edge" and edge["monthly_amount"] is None
    assert [(m["name"], m["age"]) for m in body["members"]] == [
        ("申母", TODAY.year - 1980),  # born 1 January
        ("申女", TODAY.year - 2012 - ((TODAY.month, TODAY.day) < (4, 1))),  # born 1 April
    ]
    assert [p["program"] for p in body["members"][0]["programs"]] == [
        "tekun",
        "gaoling",
        "disability_living",
        "disability_care",
    ]
    assert body["leaving_dibao"] is False and body["alternatives"] == []
    reads = AuditEvent.objects.filter(action="read")
    assert reads.count() == 1
    read = reads.get()
    assert (read.actor, read.object_type, read.object_id, read.unit) == (
        cast.desk_a,
        "registry.resident",
        str(poor.pk),
        cast.community_a,
    )
    assert read.changes == {"via": "api", "view": "assistance_assessment", "on": TODAY.isoformat()}


# --- Findings --------------------------------------------------------------------------------------------------


@pytest.fixture
def findings(cast, poor, other):
    services.assistance_scan(actor=None)
    return (
        Finding.objects.get(household=poor.household, program="dibao"),
        Finding.objects.get(household=other.household, program="dibao"),
    )


def test_finding_list_is_scoped_masked_and_filtered(client, cast, poor, findings, django_assert_num_queries):
    mine, _theirs = findings
    gran = member(poor.household, "申祖", birth=date(1930, 1, 1), phone="13700002222")
    services.assistance_scan(actor=None)  # the grandmother's 高龄津贴 lead is per person
    head = bearer(cast.head_a)
    with django_assert_num_queries(3):  # token, token's last use, one page of findings
        response = get(client, "/findings", head)
    rows = response.json()
    assert {(r["program"], r["resident_name"]) for r in rows} == {("dibao", None), ("gaoling", "申祖")}
    person = next(r for r in rows if r["resident_name"])
    assert person["id_number_masked"] == gran.id_number[:6] + "********" + gran.id_number[-4:]
    assert person["phone_masked"] == "137****2222" and gran.id_number not in response.content.decode()
    household_row = next(r for r in rows if r["id"] == mine.pk)
    assert (
        household_row["kind"] == "eligible_not_receiving" and household_row["unit"] == cast.community_a.code
    )
    assert household_row["id_number_masked"] is None and household_row["household_number"] == "AP1"
    assert [r["id"] for r in get(client, "/findings?program=gaoling", head).json()] == [
        Finding.objects.get(resident=gran).pk
    ]
    assert get(client, "/findings?status=dismissed", head).json() == []
    assert len(get(client, "/findings?limit=1", head).json()) == 1
    response = get(client, "/findings?kind=nonsense", head)
    assert response.status_code == 422 and response.json()["message"] == "未知的线索类型。"
    assert get(client, "/findings", bearer(cast.desk_a)).status_code == 403  # the desk has no review queue


def test_finding_detail_and_decisions(client, cast, findings):
    mine, theirs = findings
    head = bearer(cast.head_a)
    body = get(client, f"/findings/{mine.pk}", head).json()
    assert (
        body["status"] == "open"
        and Decimal(body["amount"]) == Decimal("2390")
        and body["locality"] == "beijing"
    )
    assert get(client, f"/findings/{theirs.pk}", head).status_code == 404

    response = post(client, f"/findings/{mine.pk}/decide", {"decision": "dismiss", "reason": " "}, head)
    assert response.status_code == 422 and response.json()["message"] == "请填写处理理由。"
    response = post(
        client, f"/findings/{theirs.pk}/decide", {"decision": "dismiss", "reason": "已核实"}, head
    )
    assert response.status_code == 404
    # The back office reviews but cannot accept at the desk: confirming with an application is refused whole.
    response = post(
        client,
        f"/findings/{mine.pk}/decide",
        {"decision": "confirm", "reason": "属实", "open_application": True},
        bearer(cast.back_a),
    )
    assert response.status_code == 403
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, mine.reason, theirs.status) == ("open", "", "open")
    assert not AssistanceApplication.objects.exists()

    response = post(
        client,
        f"/findings/{mine.pk}/decide",
        {"decision": "confirm", "reason": "入户了解，情况属实", "open_application": True},
        head,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    app = AssistanceApplication.objects.get()
    assert (body["status"], body["reason"], body["decided_by"]) == (
        "confirmed",
        "入户了解，情况属实",
        "head_a",
    )
    assert body["application_ids"] == [app.pk]
    assert (app.finding_id, app.program, app.matter.channel) == (mine.pk, "dibao", "home")

    response = post(client, f"/findings/{mine.pk}/decide", {"decision": "dismiss", "reason": "重复"}, head)
    assert response.status_code == 409
    assert response.json() == {
        "code": "assistance.illegal_transition",
        "message": "该线索当前状态为“已确认”，不能再处理。",
    }
    mine.refresh_from_db()
    assert mine.status == "confirmed" and mine.reason == "入户了解，情况属实"


def test_openapi_document_lists_the_assistance_endpoints(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    expected = {
        "/api/assistance/assessment/{resident_id}": {"get"},
        "/api/assistance/findings": {"get"},
        "/api/assistance/findings/{finding_id}": {"get"},
        "/api/assistance/findings/{finding_id}/decide": {"post"},
        "/api/assistance/applications": {"get", "post"},
        "/api/assistance/applications/{application_id}": {"get"},
        "/api/assistance/applications/{application_id}/investigate": {"post"},
        "/api/assistance/applications/{application_id}/publicize": {"post"},
        "/api/assistance/applications/{application_id}/approve": {"post"},
        "/api/assistance/applications/{application_id}/refuse": {"post"},
        "/api/assistance/applications/{application_id}/refer_to_county": {"post"},
        "/api/assistance/applications/{application_id}/notice_delivered": {"post"},
    }
    found = {p: set(ops) for p, ops in paths.items() if p.startswith("/api/assistance/")}
    assert found == expected


def test_refusal_notice_over_the_api(client, cast, poor):
    """The refusal's written notice is due 3 working days after the decision; delivery is recorded once."""
    from quanke.core import workdays

    app = open_dibao(cast, poor)
    handler = bearer(cast.street_handler)
    decided = TODAY - timedelta(days=10)
    refused = post(client, f"/applications/{app.pk}/refuse", {"reasons": "家庭财产超过限定"}, handler)
    assert refused.status_code == 200 and refused.json()["notice_delivered_on"] is None
    # refused today through the API; move the decision back to see an overdue notice
    AssistanceApplication.objects.filter(pk=app.pk).update(
        decided_on=decided, notice_due_on=workdays.add_working_days(decided, 3).date
    )
    body = get(client, f"/applications/{app.pk}", handler).json()
    assert body["notice_due_on"] == workdays.add_working_days(decided, 3).date.isoformat()
    assert body["notice_overdue"] is True and body["notice_delivered_on"] is None
    future = post(
        client,
        f"/applications/{app.pk}/notice_delivered",
        {"delivered_on": str(TODAY + timedelta(days=1))},
        handler,
    )
    assert (
        future.status_code == 422 and AssistanceApplication.objects.get(pk=app.pk).notice_delivered_on is None
    )
    done = post(client, f"/applications/{app.pk}/notice_delivered", {"delivered_on": str(TODAY)}, handler)
    assert done.status_code == 200
    assert done.json()["notice_delivered_on"] == TODAY.isoformat() and done.json()["notice_overdue"] is False


def test_temporary_assistance_sent_up_to_the_county_over_the_api(client, cast, poor):
    app = services.application_open(actor=cast.desk_a, resident=poor, program="temporary", at=STARTED)
    handler = bearer(cast.street_handler)
    post(
        client,
        f"/applications/{app.pk}/investigate",
        {"investigated_on": str(TODAY - timedelta(days=18)), "investigators": "赵", "record": "住院"},
        handler,
    )
    too_much = post(
        client,
        f"/applications/{app.pk}/approve",
        {"decided_on": str(TODAY), "monthly_amount": "50000"},
        handler,
    )
    assert too_much.status_code == 422 and "区县" in too_much.json()["message"]
    assert AssistanceApplication.objects.get(pk=app.pk).step == "investigated"
    desk = post(
        client, f"/applications/{app.pk}/refer_to_county", {"note": "超出街道权限"}, bearer(cast.desk_a)
    )
    assert (
        desk.status_code in (403, 404) and Matter.objects.get(pk=app.matter_id).handling_unit == cast.street_1
    )
    sent = post(client, f"/applications/{app.pk}/refer_to_county", {"note": "超出街道权限"}, handler)
    assert sent.status_code == 200 and sent.json()["handling_unit"] == cast.county.code
    assert sent.json()["matter_status"] == "routed"
