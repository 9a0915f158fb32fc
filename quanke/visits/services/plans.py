"""Monthly visit plans: proposed, adjusted by the station head, approved or reopened."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.audit import audit_record
from quanke.core.models import AuditEvent, User
from quanke.core.unit_settings import unit_setting
from quanke.visits import planning, schedule
from quanke.visits.models import (
    PLAN_TRANSITIONS,
    PlanEntry,
    PlanStatus,
    VisitPlan,
)


def plan_generate(*, actor, unit, month: date, today: date | None = None) -> VisitPlan:
    """Propose (or re-propose, while still a draft) the station's plan for the month."""
    permissions.require(permissions.can_manage_visits(actor) and permissions.unit_in_scope(actor, unit))
    month = month.replace(day=1)
    proposal = planning.propose(unit=unit, month=month, today=today)
    with transaction.atomic():
        plan = VisitPlan.objects.select_for_update().filter(unit=unit, month=month).first()
        if plan is not None and plan.status != PlanStatus.DRAFT:
            raise ValidationError(_("该月计划已审定，不能重新生成。如需调整请先退回草稿。"))
        if plan is None:
            plan = VisitPlan.objects.create(unit=unit, month=month, generated_by=actor)
        else:
            plan.entries.all().delete()
            plan.generated_by = actor
        plan.notes = proposal.notes
        plan.save(update_fields=["notes", "generated_by", "updated_at"])
        PlanEntry.objects.bulk_create(
            [
                PlanEntry(plan=plan, worker=c.worker, household=c.household, score=c.score, reasons=c.reasons)
                for c in proposal.assigned
            ]
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=plan,
            changes={"month": month, "entries": len(proposal.assigned), "workers": len(proposal.workers)},
        )
    return plan


def _plan_editable(actor, plan: VisitPlan) -> None:
    permissions.require(permissions.can_manage_visits(actor) and permissions.unit_in_scope(actor, plan.unit))
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("计划已审定，不能调整。如需调整请先退回草稿。"))


def _check_capacity(plan: VisitPlan, worker: User) -> None:
    most = unit_setting(plan.unit, "visit_plan_max_per_worker")
    if plan.entries.filter(worker=worker).count() >= most:
        raise ValidationError(
            {
                "worker": _("%(name)s本月已安排 %(n)d 户，达到上限。")
                % {"name": worker.display_name, "n": most}
            }
        )


def plan_entry_move(*, actor, entry: PlanEntry, worker: User) -> PlanEntry:
    plan = entry.plan
    _plan_editable(actor, plan)
    if worker not in schedule.station_workers(plan.unit):
        raise ValidationError({"worker": _("只能安排给本站点的社工。")})
    with transaction.atomic():
        VisitPlan.objects.select_for_update().get(pk=plan.pk)
        _check_capacity(plan, worker)
        before = entry.worker_id
        entry.worker = worker
        entry.save(update_fields=["worker"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=entry,
            unit=plan.unit,
            changes={"worker": [before, worker.pk]},
        )
    return entry


def plan_entry_add(*, actor, plan: VisitPlan, household, worker: User) -> PlanEntry:
    _plan_editable(actor, plan)
    if household.unit_id != plan.unit_id:
        raise ValidationError({"household": _("该家庭户不属于本站点。")})
    if worker not in schedule.station_workers(plan.unit):
        raise ValidationError({"worker": _("只能安排给本站点的社工。")})
    with transaction.atomic():
        VisitPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.entries.filter(household=household).exists():
            raise ValidationError({"household": _("该户已在本月计划中。")})
        _check_capacity(plan, worker)
        entry = PlanEntry.objects.create(
            plan=plan, worker=worker, household=household, reasons=[_("站长调整加入")], added_by_head=True
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=entry,
            unit=plan.unit,
            changes={"household": household.pk, "worker": worker.pk},
        )
    return entry


def plan_entry_remove(*, actor, entry: PlanEntry) -> None:
    plan = entry.plan
    _plan_editable(actor, plan)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            obj=entry,
            unit=plan.unit,
            changes={"household": entry.household_id},
        )
        entry.delete()


def _plan_move(*, actor, plan: VisitPlan, target: str, refused: str, check=None) -> VisitPlan:
    """Move the plan (locked) to `target`, which the table must allow, after the optional `check` of the locked
    plan; approving stamps the head and time, reopening clears them."""
    permissions.require(permissions.can_manage_visits(actor) and permissions.unit_in_scope(actor, plan.unit))
    with transaction.atomic():
        plan = VisitPlan.objects.select_for_update().get(pk=plan.pk)
        if target not in PLAN_TRANSITIONS[plan.status]:
            raise ValidationError(refused)
        if check is not None:
            check(plan)
        before = plan.status
        approved = target == PlanStatus.APPROVED
        plan.status = target
        plan.approved_by = actor if approved else None
        plan.approved_at = timezone.now() if approved else None
        plan.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.TRANSITION,
            obj=plan,
            changes={"status": [before, target]},
        )
    return plan


def _within_worker_limit(plan: VisitPlan) -> None:
    most = unit_setting(plan.unit, "visit_plan_max_per_worker")
    over = [
        w.display_name
        for w in User.objects.filter(pk__in=plan.entries.values("worker"))
        if plan.entries.filter(worker=w).count() > most
    ]
    if over:
        raise ValidationError(_("以下社工超过每月走访上限，请先调整：%(names)s") % {"names": "、".join(over)})


def plan_approve(*, actor, plan: VisitPlan) -> VisitPlan:
    return _plan_move(
        actor=actor,
        plan=plan,
        target=PlanStatus.APPROVED,
        refused=_("该计划已审定。"),
        check=_within_worker_limit,
    )


def plan_reopen(*, actor, plan: VisitPlan) -> VisitPlan:
    return _plan_move(actor=actor, plan=plan, target=PlanStatus.DRAFT, refused=_("该计划仍是草稿。"))
