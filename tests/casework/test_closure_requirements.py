"""Defect 4: a case was closed and approved with no service record and open plan actions. Closure (request and
approval) needs at least one service record and each action of the approved plan done or dropped with a reason;
a refusal changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from quanke.casework import services
from quanke.casework.models import Case, CaseStatus, PlanAction, TimelineEntry
from quanke.core.models import AuditEvent
from tests.casework.conftest import approved_plan, assess, deliver
from tests.support import login


@pytest.fixture
def planned(cast, case, consented, today):
    assess(case, cast.desk_a)
    return approved_plan(cast, case, today)


def _state(case):
    return (
        Case.objects.filter(pk=case.pk).values().get(),
        AuditEvent.objects.filter(object_type="casework.case", action="transition").count(),
        TimelineEntry.objects.filter(case=case, kind="closure").count(),
    )


def test_request_refused_without_service_or_with_open_actions(cast, case, planned, today):
    before = _state(case)
    with pytest.raises(ValidationError) as refused:
        services.case_request_closure(actor=cast.desk_a, case=case, outcome="goals_met", reason="好转")
    text = " ".join(refused.value.messages)
    assert "尚无服务记录" in text and "联系医院申请免费长效针剂" in text
    assert _state(case) == before

    deliver(case, cast.desk_a, today)
    with pytest.raises(ValidationError, match="未完成的行动"):
        services.case_request_closure(actor=cast.desk_a, case=case, outcome="goals_met", reason="好转")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_a_dropped_action_needs_a_reason_and_then_lets_the_case_close(cast, case, planned, today):
    deliver(case, cast.desk_a, today)
    action = planned.actions.get()
    with pytest.raises(ValidationError, match="原因"):
        services.plan_action_drop(actor=cast.desk_a, action=action, reason="  ")
    action.refresh_from_db()
    assert action.dropped_on is None and action.drop_reason == ""

    services.plan_action_drop(actor=cast.desk_a, action=action, reason="医院已停止该项目")
    action.refresh_from_db()
    assert action.dropped_on == today and action.drop_reason == "医院已停止该项目"
    assert AuditEvent.objects.filter(object_type="casework.planaction", object_id=str(action.pk)).exists()
    services.case_request_closure(actor=cast.desk_a, case=case, outcome="partly_met", reason="部分达成")
    services.case_review_closure(actor=cast.head_a, case=case, approve=True)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_approval_refused_for_a_request_made_before_the_rule(cast, case, planned, today):
    # A closure requested with nothing done (as the defect saw it) is not approved either.
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSURE_REQUESTED, closure_outcome="goals_met")
    before = _state(case)
    with pytest.raises(ValidationError, match="尚无服务记录"):
        services.case_review_closure(actor=cast.head_a, case=case, approve=True)
    assert _state(case) == before
    # Refusing the request (sending the case back to work) is still possible.
    services.case_review_closure(actor=cast.head_a, case=case, approve=False, note="请先完成计划")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_only_actions_of_an_approved_plan_can_be_settled(cast, case, consented, today):
    assess(case, cast.desk_a)
    draft = services.plan_save(
        actor=cast.desk_a,
        case=case,
        goals="规律服药",
        actions=[
            {
                "domain": "health",
                "description": "陪同复诊",
                "due_on": today,
                "responsible_worker": cast.desk_a,
            }
        ],
    )
    with pytest.raises(ValidationError):
        services.plan_action_complete(actor=cast.desk_a, action=draft.actions.get())
    assert PlanAction.objects.get().done_on is None


def test_web_marks_actions_and_shows_the_refusal_in_chinese(client, cast, case, planned, today):
    login(client, cast.desk_a)
    url = reverse("casework:case_detail", args=[case.pk])
    body = client.get(url).content.decode()
    assert "暂不能结案" in body and "标记完成" in body
    response = client.post(
        reverse("casework:case_action", args=[case.pk, "closure"]),
        {"outcome": "goals_met", "reason": "好转"},
        follow=True,
    )
    assert "尚无服务记录，不能结案" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN

    action = planned.actions.get()
    response = client.post(
        reverse("casework:case_action", args=[case.pk, "plan_action"]),
        {"action": action.pk, "decision": "drop", "reason": ""},
        follow=True,
    )
    assert "请填写不再执行该行动的原因" in response.content.decode()
    action.refresh_from_db()
    assert action.dropped_on is None
    client.post(
        reverse("casework:case_action", args=[case.pk, "plan_action"]),
        {"action": action.pk, "decision": "done"},
    )
    action.refresh_from_db()
    assert action.done_on == today
    assert "已完成" in client.get(url).content.decode()


def test_an_action_of_another_case_is_404(client, cast, case, planned):
    from tests.conftest import make_resident

    other = services.case_open(
        actor=cast.desk_a,
        resident=make_resident(cast.community_a, "王五"),
        origin_kind="walk_in",
        presenting_problem="独居",
    )
    login(client, cast.desk_a)
    response = client.post(
        reverse("casework:case_action", args=[other.pk, "plan_action"]),
        {"action": planned.actions.get().pk, "decision": "done"},
    )
    assert response.status_code == 404
    assert planned.actions.get().done_on is None
