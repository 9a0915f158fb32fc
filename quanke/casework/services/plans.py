"""Service plans: written as a draft, submitted, approved or returned by the station head; the approved plan's
actions marked done or dropped with a reason."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.casework.models import (
    PLAN_TRANSITIONS,
    Case,
    CaseStatus,
    Domain,
    Plan,
    PlanAction,
    PlanStatus,
    TimelineKind,
)
from quanke.casework.services.assessments import current_assessment
from quanke.casework.services.cases import (
    A,
    case_event,
    lock_case,
    require_head,
    require_worker,
    today,
)
from quanke.casework.services.consent import consent_covers
from quanke.core import permissions
from quanke.core.concurrency import StaleVersion


def plan_mark(plan: Plan | None) -> str:
    """What a plan form was read at: the editable draft and its revision, or "new" (none to edit)."""
    return f"{plan.pk}.{plan.revision}" if plan is not None and plan.editable else "new"


def plan_save(*, actor, case: Case, goals: str, actions: list[dict], expected: str | None = None) -> Plan:
    """Write the editable plan (draft or returned), or start a new version after an approved one.

    Each action: {domain, description, due_on, responsible_worker | responsible_organisation}. A partner named
    as responsible must be covered by a valid consent: the plan shares the case with it.
    `expected`: the form's plan_mark; a save from a form read before another worker's save is refused
    (quanke.core.concurrency.StaleVersion) instead of overwriting it."""
    require_worker(actor, case)
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("只有服务中的个案可以修改计划。"))
    if current_assessment(case) is None:
        raise ValidationError(_("请先完成需求评估（紧急评估须经站长确认）再制定服务计划。"))
    if not goals.strip():
        raise ValidationError({"goals": _("请填写服务目标。")})
    if not actions:
        raise ValidationError({"actions": _("至少填写一项行动。")})
    for a in actions:
        if a.get("domain") not in Domain.values or not a.get("description") or not a.get("due_on"):
            raise ValidationError({"actions": _("每项行动须填写领域、内容和完成期限。")})
        org, worker = a.get("responsible_organisation"), a.get("responsible_worker")
        if not (org or worker):
            raise ValidationError({"actions": _("每项行动须指定负责社工或合作方。")})
        if org is not None and not consent_covers(case, organisation=org):
            raise ValidationError(
                {"actions": _("知情同意未涵盖合作方「%(o)s」，不能由其负责。") % {"o": org.name}}
            )
        if worker is not None and not permissions.unit_in_scope(worker, case.unit):
            raise ValidationError({"actions": _("负责社工须为本社区社工。")})
    with transaction.atomic():
        case = lock_case(case)
        plan = case.plans.order_by("-version").first()
        if plan is not None and plan.status == PlanStatus.SUBMITTED:
            raise ValidationError(_("计划正在等待站长审批，暂不能修改。"))
        if expected is not None and expected != plan_mark(plan):
            raise StaleVersion(plan, {"goals": goals.strip()}, field="revision")
        if plan is None or plan.status == PlanStatus.APPROVED:
            plan = Plan.objects.create(
                case=case, version=(plan.version + 1 if plan else 1), goals=goals.strip(), created_by=actor
            )
        else:
            plan.goals = goals.strip()
            plan.revision += 1
            plan.save(update_fields=["goals", "revision", "updated_at"])
            plan.actions.all().delete()
        PlanAction.objects.bulk_create(
            PlanAction(
                plan=plan,
                domain=a["domain"],
                description=a["description"],
                due_on=a["due_on"],
                responsible_worker=a.get("responsible_worker"),
                responsible_organisation=a.get("responsible_organisation"),
            )
            for a in actions
        )
        case_event(
            case,
            actor,
            TimelineKind.PLAN,
            _("保存服务计划第%(v)d版") % {"v": plan.version},
            action=A.UPDATE,
            obj=plan,
            changes={"goals": plan.goals, "actions": [a["description"] for a in actions]},
        )
    return plan


def _plan_move(plan: Plan, target: str) -> None:
    if target not in PLAN_TRANSITIONS[PlanStatus(plan.status)]:
        raise ValidationError(
            _("计划当前状态为「%(s)s」，不能执行此操作。") % {"s": PlanStatus(plan.status).label}
        )


def plan_submit(*, actor, plan: Plan) -> Plan:
    case = plan.case
    require_worker(actor, case)
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        _plan_move(plan, PlanStatus.SUBMITTED)
        before = plan.status
        plan.status, plan.submitted_at = PlanStatus.SUBMITTED, timezone.now()
        plan.save(update_fields=["status", "submitted_at", "updated_at"])
        case_event(
            case,
            actor,
            TimelineKind.PLAN,
            _("提交服务计划第%(v)d版待站长审批") % {"v": plan.version},
            action=A.TRANSITION,
            obj=plan,
            changes={"status": [before, plan.status]},
        )
    return plan


def plan_review(*, actor, plan: Plan, approve: bool, note: str = "") -> Plan:
    case = plan.case
    require_head(actor, case)
    if not approve and not note.strip():
        raise ValidationError({"note": _("退回时请填写意见。")})
    target = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        _plan_move(plan, target)
        plan.status, plan.reviewed_by, plan.reviewed_at, plan.review_note = (
            target,
            actor,
            timezone.now(),
            note,
        )
        plan.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
        case_event(
            case,
            actor,
            TimelineKind.PLAN,
            _("站长%(a)s服务计划第%(v)d版。%(n)s")
            % {"a": _("批准") if approve else _("退回"), "v": plan.version, "n": note},
            action=A.TRANSITION,
            obj=plan,
            changes={"status": ["submitted", target], "note": note},
        )
    return plan


def approved_plan(case: Case) -> Plan | None:
    return case.plans.filter(status=PlanStatus.APPROVED).order_by("-version").first()


def _settle_action(*, actor, action: PlanAction) -> tuple[Case, PlanAction]:
    """Lock the action of the plan in force for a case still being served, refusing anything else."""
    case = action.plan.case
    require_worker(actor, case)
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("只有服务中的个案可以更新计划行动。"))
    action = PlanAction.objects.select_for_update().select_related("plan").get(pk=action.pk)
    if action.plan.status != PlanStatus.APPROVED:
        raise ValidationError(_("只有已批准的服务计划中的行动可以标记完成或不再执行。"))
    if action.settled:
        raise ValidationError(_("该行动已标记为完成或不再执行。"))
    return case, action


def plan_action_complete(*, actor, action: PlanAction, done_on: date | None = None) -> PlanAction:
    """Mark an action of the approved plan done."""
    done_on = done_on or today()
    if done_on > today():
        raise ValidationError({"done_on": _("完成日期不能晚于今天。")})
    with transaction.atomic():
        case, action = _settle_action(actor=actor, action=action)
        action.done_on = done_on
        action.save(update_fields=["done_on", "updated_at"])
        case_event(
            case,
            actor,
            TimelineKind.PLAN,
            _("计划行动完成：%(a)s") % {"a": action.description},
            action=A.UPDATE,
            obj=action,
            changes={"done_on": done_on},
        )
    return action


def plan_action_drop(*, actor, action: PlanAction, reason: str) -> PlanAction:
    """An action that will not be carried out is dropped with a written reason (it then no longer holds up
    closure, and the reason stays on the plan)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写不再执行该行动的原因。")})
    with transaction.atomic():
        case, action = _settle_action(actor=actor, action=action)
        action.dropped_on, action.drop_reason = today(), reason[:200]
        action.save(update_fields=["dropped_on", "drop_reason", "updated_at"])
        case_event(
            case,
            actor,
            TimelineKind.PLAN,
            _("计划行动不再执行：%(a)s（原因：%(r)s）") % {"a": action.description, "r": reason},
            action=A.UPDATE,
            obj=action,
            changes={"dropped_on": action.dropped_on, "drop_reason": action.drop_reason},
        )
    return action


def open_plan_actions(case: Case) -> list[PlanAction]:
    """Actions of the plan in force (the latest approved version) neither done nor dropped."""
    plan = approved_plan(case)
    if plan is None:
        return []
    return [a for a in plan.actions.all() if not a.settled]
