"""The station head approves the plan and the closure; statuses move only along the allowed transitions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from quanke.casework import services
from quanke.casework.models import Case, Plan, TimelineEntry
from quanke.core.models import AuditEvent
from tests.casework.conftest import approved_plan, assess, deliver, settle
from tests.conftest import make_resident


@pytest.fixture
def assessed(cast, case, consented):
    assess(case, cast.desk_a)
    return case


def _plan(cast, case, today):
    return services.plan_save(
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


def test_worker_cannot_approve_own_plan(cast, assessed, today):
    plan = services.plan_submit(actor=cast.desk_a, plan=_plan(cast, assessed, today))
    with pytest.raises(PermissionDenied):
        services.plan_review(actor=cast.desk_a, plan=plan, approve=True)
    with pytest.raises(PermissionDenied):
        services.plan_review(actor=cast.back_a, plan=plan, approve=True)
    plan.refresh_from_db()
    assert plan.status == "submitted" and plan.reviewed_by is None
    assert not AuditEvent.objects.filter(
        object_type="casework.plan", action="transition", actor=cast.back_a
    ).exists()


def test_head_approves_and_returns_plan(cast, assessed, today):
    plan = services.plan_submit(actor=cast.desk_a, plan=_plan(cast, assessed, today))
    with pytest.raises(ValidationError):
        services.plan_review(actor=cast.head_a, plan=plan, approve=False, note="")
    services.plan_review(actor=cast.head_a, plan=plan, approve=False, note="补充家属支持")
    plan.refresh_from_db()
    assert plan.status == "returned" and plan.reviewed_by == cast.head_a
    # Returned → edited → resubmitted → approved; an approved plan is frozen and a change starts version 2.
    plan = _plan(cast, assessed, today)
    assert plan.version == 1
    services.plan_submit(actor=cast.desk_a, plan=plan)
    services.plan_review(actor=cast.head_a, plan=plan, approve=True)
    with pytest.raises(ValidationError):
        services.plan_review(actor=cast.head_a, plan=Plan.objects.get(pk=plan.pk), approve=True)
    assert _plan(cast, assessed, today).version == 2


def test_plan_cannot_change_while_submitted(cast, assessed, today):
    services.plan_submit(actor=cast.desk_a, plan=_plan(cast, assessed, today))
    with pytest.raises(ValidationError):
        _plan(cast, assessed, today)


def test_closure_needs_head_approval_and_reopen_is_recorded(cast, assessed, today):
    settle(approved_plan(cast, assessed, today), cast.desk_a)
    deliver(assessed, cast.desk_a, today)
    services.case_request_closure(actor=cast.desk_a, case=assessed, outcome="goals_met", reason="情绪稳定")
    with pytest.raises(PermissionDenied):
        services.case_review_closure(actor=cast.desk_a, case=assessed, approve=True)
    assert Case.objects.get(pk=assessed.pk).status == "closure_requested"
    services.case_review_closure(actor=cast.head_a, case=assessed, approve=True)
    case = Case.objects.get(pk=assessed.pk)
    assert case.status == "closed" and case.closed_by == cast.head_a and case.closure_outcome == "goals_met"
    # Closed cases take no new work until reopened.
    with pytest.raises(ValidationError):
        assess(case, cast.desk_a)
    services.case_reopen(actor=cast.desk_a, case=case, reason="再次停药")
    case.refresh_from_db()
    assert case.status == "open" and case.reopen_count == 1 and case.closed_at is None
    assert TimelineEntry.objects.filter(case=case, kind="reopened").exists()


def test_head_can_refuse_closure(cast, assessed, today):
    deliver(assessed, cast.desk_a, today)
    services.case_request_closure(actor=cast.desk_a, case=assessed, outcome="goals_met", reason="好转")
    services.case_review_closure(actor=cast.head_a, case=assessed, approve=False, note="仍需跟进一个月")
    assert Case.objects.get(pk=assessed.pk).status == "open"


def test_head_of_another_community_cannot_approve(cast, assessed, today):
    from tests.conftest import make_user

    deliver(assessed, cast.desk_a, today)
    head_b = make_user("head_b", cast.community_b, ["station_head"])
    services.case_request_closure(actor=cast.desk_a, case=assessed, outcome="goals_met", reason="好转")
    with pytest.raises(PermissionDenied):
        services.case_review_closure(actor=head_b, case=assessed, approve=True)
    assert Case.objects.get(pk=assessed.pk).status == "closure_requested"


def test_one_unclosed_case_per_resident(cast, case):
    with pytest.raises(ValidationError, match=case.number):
        services.case_open(
            actor=cast.desk_a, resident=case.resident, origin_kind="walk_in", presenting_problem="再次求助"
        )
    assert Case.objects.count() == 1


def test_case_open_needs_resident_in_scope(cast):
    other = make_resident(cast.community_b, "外社区")
    with pytest.raises(PermissionDenied):
        services.case_open(actor=cast.desk_a, resident=other, origin_kind="walk_in", presenting_problem="x")
    assert not Case.objects.exists()


def test_case_open_records_origin_and_numbers(cast, resident):
    c = services.case_open(
        actor=cast.back_a,
        resident=resident,
        origin_kind="scan_finding",
        origin_reference="SF-88",
        presenting_problem="主动发现",
        workers=[cast.desk_a],
    )
    assert c.number.startswith("GA") and c.household == resident.household
    assert set(c.workers.all()) == {cast.back_a, cast.desk_a}
    assert c.origin_kind == "scan_finding" and c.origin_reference == "SF-88"
