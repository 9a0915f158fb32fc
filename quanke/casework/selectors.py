"""Reads of cases: only what quanke.core.permissions lets the actor read; every read of a case is audited."""

from datetime import date, timedelta

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.casework.models import (
    Assessment,
    Case,
    CaseStatus,
    Consent,
    EmergencyStatus,
    FollowUp,
    Plan,
    PlanAction,
    PlanStatus,
)
from quanke.core import permissions
from quanke.core.audit import audit_read


def _today() -> date:
    return timezone.localdate()


def cases_for(*, actor, day: date | None = None):
    """Cases the actor may read. Filtering on the scope first and then by pk keeps the join duplicates out."""
    scope = permissions.case_read_scope(actor, day or _today())
    return Case.objects.filter(pk__in=Case.objects.filter(scope).values("pk"))


def case_list(*, actor, status: str = "", mine: bool = False, query: str = ""):
    qs = cases_for(actor=actor).select_related("resident", "unit").prefetch_related("workers")
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(workers=actor)
    if query:
        qs = qs.filter(Q(number__icontains=query) | Q(resident__name__contains=query))
    return qs.order_by("status", "-opened_on", "-id")


def case_get_for(*, actor, pk, via: str = "") -> Case:
    """The case if the actor may read it; 404 otherwise (never reveal that a case exists).

    `via` names the entry point that shows the case (core.audit.audit_read), which writes one read row; empty
    only to look the case up for a step, which its service audits."""
    case = (
        Case.objects.select_related("resident", "household", "unit", "opened_by", "closed_by")
        .prefetch_related(
            "workers", Prefetch("consents", queryset=Consent.objects.prefetch_related("organisations"))
        )
        .filter(pk=pk)
        .first()
    )
    if case is None or not permissions.can_read_case(actor, case, _today()):
        raise Http404("case not found")
    if via:
        audit_read(actor=actor, obj=case, via=via)
    return case


def plan_action_get(*, case: Case, pk) -> PlanAction:
    """An action of one of this (already readable) case's plans; 404 for any other."""
    action = PlanAction.objects.select_related("plan__case").filter(plan__case=case, pk=pk).first()
    if action is None:
        raise Http404("plan action not found")
    return action


def case_detail(case: Case) -> dict:
    """Everything the case page shows, in a bounded number of queries."""
    from quanke.network.models import SubjectKind
    from quanke.network.selectors import engagements_for_subject

    assessments = list(
        case.assessments.select_related("assessed_by", "emergency_reviewed_by")
        .prefetch_related("findings")
        .order_by("-assessed_on", "-id")
    )
    plans = list(
        case.plans.select_related("created_by", "reviewed_by")
        .prefetch_related("actions__responsible_worker", "actions__responsible_organisation")
        .order_by("-version")
    )
    day = _today()
    return {
        "consents": list(case.consents.all()),
        "valid_consent": any(c.is_valid_on(day) for c in case.consents.all()),
        "assessments": assessments,
        "current_assessment": next((a for a in assessments if a.counts), None),
        "plans": plans,
        "plan": plans[0] if plans else None,
        "services": list(
            case.services.select_related("delivered_by", "volunteer", "organisation").order_by(
                "-delivered_on"
            )
        ),
        "followups": list(case.followups.select_related("assigned_to").order_by("done_on", "due_on")),
        "timeline": list(case.timeline.select_related("actor").order_by("-at", "-id")[:100]),
        "engagements": list(
            engagements_for_subject(subject_kind=SubjectKind.CASE, subject_reference=case.number)
        ),
        "today": day,
    }


def stage(case: Case, detail: dict) -> str:
    """Where the case stands, for people: the status plus what the next step is."""
    if case.status != CaseStatus.OPEN:
        return str(CaseStatus(case.status).label)
    if not detail["valid_consent"] and detail["current_assessment"] is None:
        return _("待签署知情同意")
    if detail["current_assessment"] is None:
        return _("待评估")
    plan = detail["plan"]
    if plan is None:
        return _("待制定计划")
    if plan.status == PlanStatus.SUBMITTED:
        return _("计划待审批")
    if plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED) and not any(
        p.status == PlanStatus.APPROVED for p in detail["plans"]
    ):
        return _("计划待完善")
    return _("服务中")


def followups_due(*, actor, day: date | None = None, within_days: int = 7):
    """Open follow-ups assigned to the actor, due within a week or overdue (the workbench reminder list)."""
    day = day or _today()
    return (
        FollowUp.objects.filter(
            assigned_to=actor,
            done_on__isnull=True,
            due_on__lte=day + timedelta(days=within_days),
            case__status__in=[CaseStatus.OPEN, CaseStatus.CLOSURE_REQUESTED],
            case__in=cases_for(actor=actor, day=day),
        )
        .select_related("case", "case__resident")
        .order_by("due_on", "id")
    )


def approvals_for(*, actor) -> dict:
    """The head's queue: plans submitted, closures requested, emergency assessments to confirm."""
    if not permissions.can_review_case_approvals(actor):
        return {"plans": [], "closures": [], "emergencies": []}
    in_scope = permissions.subtree(actor.unit, "case__unit")
    return {
        "plans": list(
            Plan.objects.filter(in_scope, status=PlanStatus.SUBMITTED)
            .select_related("case", "case__resident", "created_by")
            .order_by("submitted_at")
        ),
        "closures": list(
            Case.objects.filter(permissions.subtree(actor.unit), status=CaseStatus.CLOSURE_REQUESTED)
            .select_related("resident", "closure_requested_by")
            .order_by("closure_requested_at")
        ),
        "emergencies": list(
            Assessment.objects.filter(in_scope, emergency_status=EmergencyStatus.PENDING)
            .select_related("case", "case__resident", "assessed_by")
            .order_by("created_at")
        ),
    }


def cases_of_resident(*, actor, resident):
    """The resident's cases the actor may read (the resident page's section)."""
    return cases_for(actor=actor).filter(resident=resident).order_by("-opened_on")
