"""Closing a case (requested by a worker, approved by the head) and reopening it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.casework.models import (
    Case,
    CaseStatus,
    ClosureOutcome,
    TimelineKind,
)
from quanke.casework.services.cases import A, case_event, lock_case, require_worker
from quanke.casework.services.plans import open_plan_actions
from quanke.core import permissions


def closure_blockers(case: Case) -> list[str]:
    """Why the case may not be closed yet (empty when it may): at least one service given, and every action of
    the approved plan done or dropped with a reason. Checked when closure is requested and again when approved."""
    problems = []
    if not case.services.exists():
        problems.append(_("尚无服务记录，不能结案：请先记录至少一次服务。"))
    pending = open_plan_actions(case)
    if pending:
        problems.append(
            _("服务计划中还有未完成的行动：%(a)s。请将每项行动标记为完成，或填写原因后标记为不再执行。")
            % {"a": "、".join(a.description for a in pending)}
        )
    return problems


def _require_closable(case: Case) -> None:
    problems = closure_blockers(case)
    if problems:
        raise ValidationError(problems)


def case_request_closure(*, actor, case: Case, outcome: str, reason: str) -> Case:
    permissions.require(permissions.can_request_case_closure(actor, case))
    if outcome not in ClosureOutcome.values:
        raise ValidationError({"outcome": _("请选择结案成效。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写结案理由。")})
    with transaction.atomic():
        case = lock_case(case)
        if not case.can_transition(CaseStatus.CLOSURE_REQUESTED):
            raise ValidationError(_("个案当前状态不能申请结案。"))
        _require_closable(case)
        case.status = CaseStatus.CLOSURE_REQUESTED
        case.closure_outcome, case.closure_reason = outcome, reason.strip()
        case.closure_requested_by, case.closure_requested_at = actor, timezone.now()
        case.save(
            update_fields=[
                "status",
                "closure_outcome",
                "closure_reason",
                "closure_requested_by",
                "closure_requested_at",
                "updated_at",
            ]
        )
        case_event(
            case,
            actor,
            TimelineKind.CLOSURE,
            _("申请结案（%(o)s）：%(r)s") % {"o": ClosureOutcome(outcome).label, "r": reason},
            action=A.TRANSITION,
            obj=case,
            changes={"status": ["open", "closure_requested"], "outcome": outcome, "reason": reason},
        )
    return case


def case_review_closure(*, actor, case: Case, approve: bool, note: str = "") -> Case:
    permissions.require(permissions.can_close_case(actor, case), _("只有本站站长可以审批结案。"))
    if not approve and not note.strip():
        raise ValidationError({"note": _("不同意结案时请填写意见。")})
    with transaction.atomic():
        case = lock_case(case)
        if case.status != CaseStatus.CLOSURE_REQUESTED:
            raise ValidationError(_("该个案没有待审批的结案申请。"))
        if approve:
            _require_closable(case)
            case.status, case.closed_by, case.closed_at = CaseStatus.CLOSED, actor, timezone.now()
            case.save(update_fields=["status", "closed_by", "closed_at", "updated_at"])
        else:
            case.status, case.closure_outcome = CaseStatus.OPEN, ""
            case.save(update_fields=["status", "closure_outcome", "updated_at"])
        case_event(
            case,
            actor,
            TimelineKind.CLOSURE,
            (_("站长批准结案。") if approve else _("站长不同意结案，继续服务。")) + note,
            action=A.TRANSITION,
            obj=case,
            changes={"status": ["closure_requested", case.status], "note": note},
        )
    return case


def case_reopen(*, actor, case: Case, reason: str) -> Case:
    require_worker(actor, case)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写重新开案的原因。")})
    with transaction.atomic():
        case = lock_case(case)
        if case.status != CaseStatus.CLOSED:
            raise ValidationError(_("只有已结案的个案可以重新开案。"))
        if Case.objects.filter(resident=case.resident).exclude(status=CaseStatus.CLOSED).exists():
            raise ValidationError(_("该居民已有未结案的个案。"))
        case.status = CaseStatus.OPEN
        case.reopen_count += 1
        case.closed_by = case.closed_at = None
        case.closure_outcome = ""
        case.save(
            update_fields=[
                "status",
                "reopen_count",
                "closed_by",
                "closed_at",
                "closure_outcome",
                "updated_at",
            ]
        )
        case_event(
            case,
            actor,
            TimelineKind.REOPENED,
            _("重新开案：%(r)s") % {"r": reason},
            action=A.TRANSITION,
            obj=case,
            changes={"status": ["closed", "open"], "reason": reason, "reopen_count": case.reopen_count},
        )
    return case
