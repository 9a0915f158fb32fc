"""Writes to casework: one transaction each, an actor, an audit row and a timeline entry.

Other apps open cases through `case_open` (matters, visits, scan findings, referrals).
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.casework.models import (
    PLAN_TRANSITIONS,
    Assessment,
    Case,
    CaseStatus,
    ClosureOutcome,
    Consent,
    ConsenterKind,
    Domain,
    DomainFinding,
    EmergencyStatus,
    FollowUp,
    FollowUpReminder,
    OriginKind,
    Plan,
    PlanAction,
    PlanStatus,
    RiskLevel,
    ServiceDelivery,
    Severity,
    ShareKind,
    TimelineEntry,
    TimelineKind,
)
from quanke.core import permissions
from quanke.core.audit import audit_record, snapshot
from quanke.core.models import AuditEvent
from quanke.network import services as network_services
from quanke.network.models import RecipientKind, ServiceKind, SubjectKind

A = AuditEvent.Action


def _today() -> date:
    return timezone.localdate()


def _timeline(case: Case, actor, kind: str, text: str) -> TimelineEntry:
    return TimelineEntry.objects.create(case=case, actor=actor, kind=kind, text=text[:300])


def _require_worker(actor, case: Case) -> None:
    permissions.require(permissions.can_work_on_case(actor, case))


def _require_head(actor, case: Case) -> None:
    permissions.require(permissions.can_approve_case(actor, case), _("只有本站站长可以审批。"))


def _lock(case: Case) -> Case:
    """Re-read the case under a row lock so that two transitions cannot both start from the same status."""
    return Case.objects.select_for_update().get(pk=case.pk)


def valid_consents(case: Case, day: date | None = None) -> list[Consent]:
    day = day or _today()
    return [c for c in case.consents.prefetch_related("organisations") if c.is_valid_on(day)]


def consent_covers(case: Case, *, share_kind: str = "", organisation=None, day: date | None = None) -> bool:
    for consent in valid_consents(case, day):
        if share_kind and share_kind not in consent.share_kinds:
            continue
        if organisation is not None and organisation.pk not in {o.pk for o in consent.organisations.all()}:
            continue
        return True
    return False


def _next_number(day: date) -> str:
    prefix = f"GA{day:%Y}"
    last = (
        Case.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:05d}"


# --- Opening and assignment ---------------------------------------------------------------------------------------


def case_open(
    *,
    actor,
    resident,
    origin_kind: str,
    origin_reference: str = "",
    origin_note: str = "",
    presenting_problem: str = "",
    workers=(),
    opened_on: date | None = None,
) -> Case:
    """Open a case for a resident (and her household). The opener is assigned; more workers may be named."""
    permissions.require(permissions.can_open_case(actor, resident))
    if origin_kind not in OriginKind.values:
        raise ValidationError({"origin_kind": _("请选择个案来源。")})
    if origin_kind != OriginKind.WALK_IN and not (origin_reference or origin_note):
        raise ValidationError({"origin_reference": _("请填写来源记录编号或说明。")})
    if not presenting_problem.strip():
        raise ValidationError({"presenting_problem": _("请填写主要问题。")})
    open_case = Case.objects.filter(resident=resident).exclude(status=CaseStatus.CLOSED).first()
    if open_case is not None:
        raise ValidationError(
            _("该居民已有未结案的个案 %(n)s，请在原个案中继续服务。") % {"n": open_case.number}
        )
    for w in workers:
        if not (w.has_role(*permissions.CASE_WORKER_ROLES) and permissions.unit_in_scope(w, resident.unit)):
            raise ValidationError({"workers": _("%(w)s 不是本社区的社工。") % {"w": w}})
    opened_on = opened_on or _today()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    number=_next_number(opened_on),
                    unit=resident.unit,
                    resident=resident,
                    household=resident.household,
                    origin_kind=origin_kind,
                    origin_reference=origin_reference.strip(),
                    origin_note=origin_note.strip(),
                    presenting_problem=presenting_problem.strip(),
                    opened_by=actor,
                    opened_on=opened_on,
                )
                case.workers.set({actor, *workers})
                _timeline(
                    case,
                    actor,
                    TimelineKind.OPENED,
                    _("开案（来源：%(o)s %(r)s）")
                    % {"o": OriginKind(origin_kind).label, "r": origin_reference},
                )
                audit_record(
                    actor=actor,
                    action=A.CREATE,
                    obj=case,
                    changes={
                        **snapshot(case, ["number", "resident", "origin_kind", "origin_reference"]),
                        "workers": sorted(w.pk for w in {actor, *workers}),
                    },
                )
            return case
        except IntegrityError:
            continue  # two cases numbered at once; take the next number
    raise ValidationError(_("个案编号冲突，请重试。"))


def case_assign_workers(*, actor, case: Case, workers) -> Case:
    _require_head(actor, case)
    workers = list(workers)
    if not workers:
        raise ValidationError({"workers": _("至少指定一名负责社工。")})
    for w in workers:
        if not (w.has_role(*permissions.CASE_WORKER_ROLES) and permissions.unit_in_scope(w, case.unit)):
            raise ValidationError({"workers": _("%(w)s 不是本社区的社工。") % {"w": w}})
    with transaction.atomic():
        before = sorted(case.workers.values_list("pk", flat=True))
        case.workers.set(workers)
        _timeline(
            case, actor, TimelineKind.ASSIGNED, _("负责社工：%(w)s") % {"w": "、".join(map(str, workers))}
        )
        audit_record(
            actor=actor,
            action=A.UPDATE,
            obj=case,
            changes={"workers": [before, sorted(w.pk for w in workers)]},
        )
    return case


# --- Consent ------------------------------------------------------------------------------------------------------


def consent_record(
    *,
    actor,
    case: Case,
    consenter_kind: str,
    given_on: date,
    share_kinds=(),
    organisations=(),
    valid_until: date | None = None,
    guardian_name: str = "",
    guardian_relation: str = "",
) -> Consent:
    _require_worker(actor, case)
    if consenter_kind not in ConsenterKind.values:
        raise ValidationError({"consenter_kind": _("请选择同意人。")})
    if consenter_kind == ConsenterKind.GUARDIAN and not (guardian_name.strip() and guardian_relation.strip()):
        raise ValidationError({"guardian_name": _("由监护人同意时须填写监护人姓名及与服务对象的关系。")})
    if consenter_kind == ConsenterKind.SELF:
        guardian_name = guardian_relation = ""
    if given_on > _today():
        raise ValidationError({"given_on": _("签署日期不能晚于今天。")})
    if valid_until is not None and valid_until < given_on:
        raise ValidationError({"valid_until": _("有效期不能早于签署日期。")})
    share_kinds = sorted({str(s) for s in share_kinds})
    if any(s not in ShareKind.values for s in share_kinds):
        raise ValidationError({"share_kinds": _("不认识的共享范围。")})
    organisations = list(organisations)
    if organisations and ShareKind.ORGANISATIONS not in share_kinds:
        share_kinds.append(ShareKind.ORGANISATIONS)
    with transaction.atomic():
        consent = Consent.objects.create(
            case=case,
            consenter_kind=consenter_kind,
            guardian_name=guardian_name.strip(),
            guardian_relation=guardian_relation.strip(),
            share_kinds=share_kinds,
            given_on=given_on,
            valid_until=valid_until,
            recorded_by=actor,
        )
        consent.organisations.set(organisations)
        _timeline(
            case,
            actor,
            TimelineKind.CONSENT,
            _("%(who)s签署知情同意，有效期至%(until)s；可共享：%(orgs)s")
            % {
                "who": consent.consenter_label,
                "until": valid_until or _("长期"),
                "orgs": "、".join(o.name for o in organisations) or _("无合作组织"),
            },
        )
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=consent,
            unit=case.unit,
            changes={
                **snapshot(consent, ["case", "consenter_kind", "guardian_name", "share_kinds", "given_on"]),
                "valid_until": valid_until,
                "organisations": [o.pk for o in organisations],
            },
        )
    return consent


def consent_withdraw(*, actor, consent: Consent, reason: str) -> Consent:
    """Withdrawal takes effect at once: partners lose read access and no new sharing is allowed."""
    case = consent.case
    _require_worker(actor, case)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤回原因。")})
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_at is not None:
            raise ValidationError(_("该知情同意已撤回。"))
        consent.withdrawn_at = timezone.now()
        consent.withdrawal_reason = reason.strip()
        consent.withdrawal_recorded_by = actor
        consent.save(
            update_fields=["withdrawn_at", "withdrawal_reason", "withdrawal_recorded_by", "updated_at"]
        )
        _timeline(case, actor, TimelineKind.CONSENT_WITHDRAWN, _("撤回知情同意：%(r)s") % {"r": reason})
        audit_record(
            actor=actor,
            action=A.TRANSITION,
            obj=consent,
            unit=case.unit,
            changes={"withdrawn": True, "reason": reason},
        )
    return consent


# --- Assessment ---------------------------------------------------------------------------------------------------


def assessment_record(
    *,
    actor,
    case: Case,
    risk_level: str,
    summary: str,
    findings: dict[str, tuple[int, str]],
    assessed_on: date | None = None,
    emergency_reason: str = "",
) -> Assessment:
    """Save an assessment. Refused without a valid consent, unless an emergency reason is given: then it is saved
    flagged for the station head to confirm or reject."""
    _require_worker(actor, case)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("个案已结案，请先重新开案。"))
    assessed_on = assessed_on or _today()
    if risk_level not in RiskLevel.values:
        raise ValidationError({"risk_level": _("请选择风险等级。")})
    if not summary.strip():
        raise ValidationError({"summary": _("请填写评估小结。")})
    bad = [d for d in findings if d not in Domain.values]
    if bad or any(int(sev) not in Severity.values for sev, _note in findings.values()):
        raise ValidationError({"findings": _("领域评估填写有误。")})
    consents = valid_consents(case, _today())
    consent = consents[0] if consents else None
    emergency_reason = emergency_reason.strip()
    if consent is None and not emergency_reason:
        raise ValidationError(
            _("尚未取得有效的知情同意，不能保存评估。如属紧急情况，请填写紧急评估理由，由站长确认。")
        )
    with transaction.atomic():
        assessment = Assessment.objects.create(
            case=case,
            assessed_on=assessed_on,
            assessed_by=actor,
            risk_level=risk_level,
            summary=summary.strip(),
            consent=consent,
            emergency_reason="" if consent else emergency_reason,
            emergency_status="" if consent else EmergencyStatus.PENDING,
        )
        DomainFinding.objects.bulk_create(
            DomainFinding(assessment=assessment, domain=d, severity=int(sev), note=note or "")
            for d, (sev, note) in sorted(findings.items())
        )
        case.risk_level = risk_level
        case.save(update_fields=["risk_level", "updated_at"])
        text = _("评估：风险等级%(r)s") % {"r": RiskLevel(risk_level).label}
        if consent is None:
            text += _("（紧急评估，待站长确认：%(e)s）") % {"e": emergency_reason}
        _timeline(case, actor, TimelineKind.ASSESSED, text)
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=assessment,
            unit=case.unit,
            changes={
                **snapshot(assessment, ["case", "assessed_on", "risk_level", "consent", "emergency_reason"]),
                "domains": {d: int(sev) for d, (sev, _n) in findings.items()},
            },
        )
    return assessment


def assessment_review_emergency(
    *, actor, assessment: Assessment, confirm: bool, note: str = ""
) -> Assessment:
    case = assessment.case
    _require_head(actor, case)
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.emergency_status != EmergencyStatus.PENDING:
            raise ValidationError(_("该评估不需要确认。"))
        assessment.emergency_status = EmergencyStatus.CONFIRMED if confirm else EmergencyStatus.REJECTED
        assessment.emergency_reviewed_by = actor
        assessment.emergency_reviewed_at = timezone.now()
        assessment.save(
            update_fields=["emergency_status", "emergency_reviewed_by", "emergency_reviewed_at", "updated_at"]
        )
        label = _("确认") if confirm else _("不予确认")
        _timeline(
            case, actor, TimelineKind.EMERGENCY, _("站长%(l)s紧急评估。%(n)s") % {"l": label, "n": note}
        )
        audit_record(
            actor=actor,
            action=A.TRANSITION,
            obj=assessment,
            unit=case.unit,
            changes={"emergency_status": ["pending", assessment.emergency_status], "note": note},
        )
    return assessment


def current_assessment(case: Case) -> Assessment | None:
    for a in case.assessments.order_by("-assessed_on", "-id"):
        if a.counts:
            return a
    return None


# --- Plan ---------------------------------------------------------------------------------------------------------


def plan_save(*, actor, case: Case, goals: str, actions: list[dict]) -> Plan:
    """Write the editable plan (draft or returned), or start a new version after an approved one.

    Each action: {domain, description, due_on, responsible_worker | responsible_organisation}. A partner named
    as responsible must be covered by a valid consent: the plan shares the case with it."""
    _require_worker(actor, case)
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
        case = _lock(case)
        plan = case.plans.order_by("-version").first()
        if plan is not None and plan.status == PlanStatus.SUBMITTED:
            raise ValidationError(_("计划正在等待站长审批，暂不能修改。"))
        if plan is None or plan.status == PlanStatus.APPROVED:
            plan = Plan.objects.create(
                case=case, version=(plan.version + 1 if plan else 1), goals=goals.strip(), created_by=actor
            )
        else:
            plan.goals = goals.strip()
            plan.save(update_fields=["goals", "updated_at"])
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
        _timeline(case, actor, TimelineKind.PLAN, _("保存服务计划第%(v)d版") % {"v": plan.version})
        audit_record(
            actor=actor,
            action=A.UPDATE,
            obj=plan,
            unit=case.unit,
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
    _require_worker(actor, case)
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        _plan_move(plan, PlanStatus.SUBMITTED)
        before = plan.status
        plan.status, plan.submitted_at = PlanStatus.SUBMITTED, timezone.now()
        plan.save(update_fields=["status", "submitted_at", "updated_at"])
        _timeline(case, actor, TimelineKind.PLAN, _("提交服务计划第%(v)d版待站长审批") % {"v": plan.version})
        audit_record(
            actor=actor,
            action=A.TRANSITION,
            obj=plan,
            unit=case.unit,
            changes={"status": [before, plan.status]},
        )
    return plan


def plan_review(*, actor, plan: Plan, approve: bool, note: str = "") -> Plan:
    case = plan.case
    _require_head(actor, case)
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
        _timeline(
            case,
            actor,
            TimelineKind.PLAN,
            _("站长%(a)s服务计划第%(v)d版。%(n)s")
            % {"a": _("批准") if approve else _("退回"), "v": plan.version, "n": note},
        )
        audit_record(
            actor=actor,
            action=A.TRANSITION,
            obj=plan,
            unit=case.unit,
            changes={"status": ["submitted", target], "note": note},
        )
    return plan


def approved_plan(case: Case) -> Plan | None:
    return case.plans.filter(status=PlanStatus.APPROVED).order_by("-version").first()


# --- Services and links -------------------------------------------------------------------------------------------


def service_deliver(
    *,
    actor,
    case: Case,
    delivered_on: date,
    service_kind: str,
    description: str,
    volunteer=None,
    organisation=None,
    volunteer_hours=None,
) -> ServiceDelivery:
    """Record a service given. A volunteer's part is credited to her time bank with the case number."""
    _require_worker(actor, case)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("个案已结案，请先重新开案。"))
    if service_kind not in ServiceKind.values:
        raise ValidationError({"service_kind": _("请选择服务类型。")})
    if not description.strip():
        raise ValidationError({"description": _("请填写服务内容。")})
    if volunteer is not None and not consent_covers(case, share_kind=ShareKind.VOLUNTEERS):
        raise ValidationError({"volunteer": _("知情同意未涵盖志愿者参与，不能记录志愿者服务。")})
    if organisation is not None and not consent_covers(case, organisation=organisation):
        raise ValidationError({"organisation": _("知情同意未涵盖该合作方。")})
    with transaction.atomic():
        delivery = ServiceDelivery.objects.create(
            case=case,
            delivered_on=delivered_on,
            service_kind=service_kind,
            description=description.strip(),
            delivered_by=actor,
            volunteer=volunteer,
            organisation=organisation,
        )
        if volunteer is not None and volunteer_hours:
            network_services.service_record_add(
                actor=actor,
                volunteer=volunteer,
                served_on=delivered_on,
                hours=volunteer_hours,
                service_kind=service_kind,
                subject_reference=case.number,
                description=_("个案服务"),
                unit=case.unit,
            )
        _timeline(
            case,
            actor,
            TimelineKind.SERVICE,
            _("%(k)s：%(d)s") % {"k": ServiceKind(service_kind).label, "d": description},
        )
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=delivery,
            unit=case.unit,
            changes=snapshot(delivery, ["case", "delivered_on", "service_kind", "volunteer", "organisation"]),
        )
    return delivery


def case_link_volunteer(*, actor, case: Case, volunteer, need: str, note: str = ""):
    _require_worker(actor, case)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("个案已结案，请先重新开案。"))
    if not consent_covers(case, share_kind=ShareKind.VOLUNTEERS):
        raise ValidationError(_("知情同意未涵盖向志愿者提供信息（或已撤回、已过期），不能链接志愿者。"))
    with transaction.atomic():
        engagement = network_services.engagement_create(
            actor=actor,
            unit=case.unit,
            subject_kind=SubjectKind.CASE,
            subject_reference=case.number,
            need=need,
            volunteer=volunteer,
            note=note,
        )
        _timeline(case, actor, TimelineKind.LINK, _("链接志愿者 %(v)s") % {"v": volunteer})
    return engagement


def case_link_organisation(*, actor, case: Case, organisation, need: str, note: str = ""):
    _require_worker(actor, case)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("个案已结案，请先重新开案。"))
    if not consent_covers(case, organisation=organisation):
        raise ValidationError(
            _("知情同意未涵盖合作方「%(o)s」（或已撤回、已过期），不能转介。") % {"o": organisation.name}
        )
    with transaction.atomic():
        engagement = network_services.engagement_create(
            actor=actor,
            unit=case.unit,
            subject_kind=SubjectKind.CASE,
            subject_reference=case.number,
            need=need,
            organisation=organisation,
            note=note,
        )
        _timeline(case, actor, TimelineKind.LINK, _("转介合作方 %(o)s") % {"o": organisation})
    return engagement


def case_link_resource(
    *,
    actor,
    case: Case,
    kind: str,
    quantity,
    purpose: str,
    item: str = "",
    need: str = "material",
    ledger_unit=None,
    on: date | None = None,
):
    """Disburse money or goods from the ledger to the case (recorded under the case number, not the resident's
    name, so the ledger does not reveal who has a case) and record the engagement."""
    _require_worker(actor, case)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("个案已结案，请先重新开案。"))
    if not consent_covers(case, share_kind=ShareKind.RESOURCES):
        raise ValidationError(_("知情同意未涵盖为其链接资金物资（或已撤回、已过期）。"))
    with transaction.atomic():
        entry = network_services.ledger_disburse(
            actor=actor,
            unit=ledger_unit or case.unit,
            kind=kind,
            item=item,
            quantity=Decimal(str(quantity)),
            entry_on=on or _today(),
            purpose=purpose,
            recipient_kind=RecipientKind.CASE,
            case_reference=case.number,
        )
        engagement = network_services.engagement_create(
            actor=actor,
            unit=case.unit,
            subject_kind=SubjectKind.CASE,
            subject_reference=case.number,
            need=need,
            ledger_entry=entry,
            note=purpose,
        )
        _timeline(
            case,
            actor,
            TimelineKind.LINK,
            _("链接资源：%(i)s %(q)s%(u)s（%(p)s）")
            % {"i": entry.item or _("资金"), "q": entry.quantity, "u": entry.item_unit, "p": purpose},
        )
    return engagement


# --- Follow-ups ---------------------------------------------------------------------------------------------------


def followup_schedule(*, actor, case: Case, due_on: date, purpose: str, assigned_to=None) -> FollowUp:
    _require_worker(actor, case)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("个案已结案，请先重新开案。"))
    assigned_to = assigned_to or actor
    if not case.workers.filter(pk=assigned_to.pk).exists() and not permissions.can_approve_case(
        assigned_to, case
    ):
        raise ValidationError({"assigned_to": _("回访社工须为本个案的负责社工。")})
    if not purpose.strip():
        raise ValidationError({"purpose": _("请填写回访内容。")})
    with transaction.atomic():
        followup = FollowUp.objects.create(
            case=case, due_on=due_on, purpose=purpose.strip(), assigned_to=assigned_to
        )
        _timeline(
            case,
            actor,
            TimelineKind.FOLLOWUP,
            _("安排回访 %(d)s：%(p)s（%(w)s）") % {"d": due_on, "p": purpose, "w": assigned_to},
        )
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=followup,
            unit=case.unit,
            changes=snapshot(followup, ["case", "due_on", "purpose", "assigned_to"]),
        )
    return followup


def followup_complete(*, actor, followup: FollowUp, result: str, done_on: date | None = None) -> FollowUp:
    case = followup.case
    _require_worker(actor, case)
    if not result.strip():
        raise ValidationError({"result": _("请填写回访情况。")})
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if followup.done_on is not None:
            raise ValidationError(_("该回访已完成。"))
        followup.done_on, followup.result = done_on or _today(), result.strip()
        followup.save(update_fields=["done_on", "result", "updated_at"])
        _timeline(case, actor, TimelineKind.FOLLOWUP, _("完成回访：%(r)s") % {"r": result})
        audit_record(
            actor=actor,
            action=A.UPDATE,
            obj=followup,
            unit=case.unit,
            changes={"done_on": followup.done_on, "result": followup.result},
        )
    return followup


def reminders_send(*, day: date | None = None) -> dict[str, int]:
    """Remind workers of follow-ups due on or before `day`. Each (follow-up, due date) is reminded once; mail
    goes out after commit, to the worker's address when she has one (otherwise the workbench shows it)."""
    day = day or _today()
    due = (
        FollowUp.objects.filter(
            done_on__isnull=True, due_on__lte=day, case__status__in=["open", "closure_requested"]
        )
        .exclude(reminders__due_on=F("due_on"))
        .select_related("case", "assigned_to")
        .order_by("due_on", "id")
    )
    counts = {"reminded": 0, "emailed": 0}
    for followup in due:
        worker = followup.assigned_to
        with transaction.atomic():
            _reminder, created = FollowUpReminder.objects.get_or_create(
                followup=followup,
                due_on=followup.due_on,
                defaults={"recipient": worker, "email": worker.email},
            )
            if not created:
                continue
            counts["reminded"] += 1
            if worker.email:
                counts["emailed"] += 1
                subject = _("个案回访提醒：%(n)s") % {"n": followup.case.number}
                body = _("个案 %(n)s 的回访应于 %(d)s 完成：%(p)s") % {
                    "n": followup.case.number,
                    "d": followup.due_on,
                    "p": followup.purpose,
                }
                # The resident's name stays out of the mail: a mailbox is not a place for case details.
                transaction.on_commit(
                    lambda s=subject, b=body, to=worker.email: send_mail(
                        s, b, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=True
                    )
                )
    return counts


# --- Closure and reopening ----------------------------------------------------------------------------------------


def case_request_closure(*, actor, case: Case, outcome: str, reason: str) -> Case:
    _require_worker(actor, case)
    if outcome not in ClosureOutcome.values:
        raise ValidationError({"outcome": _("请选择结案成效。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写结案理由。")})
    with transaction.atomic():
        case = _lock(case)
        if not case.can_transition(CaseStatus.CLOSURE_REQUESTED):
            raise ValidationError(_("个案当前状态不能申请结案。"))
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
        _timeline(
            case,
            actor,
            TimelineKind.CLOSURE,
            _("申请结案（%(o)s）：%(r)s") % {"o": ClosureOutcome(outcome).label, "r": reason},
        )
        audit_record(
            actor=actor,
            action=A.TRANSITION,
            obj=case,
            changes={"status": ["open", "closure_requested"], "outcome": outcome, "reason": reason},
        )
    return case


def case_review_closure(*, actor, case: Case, approve: bool, note: str = "") -> Case:
    _require_head(actor, case)
    if not approve and not note.strip():
        raise ValidationError({"note": _("不同意结案时请填写意见。")})
    with transaction.atomic():
        case = _lock(case)
        if case.status != CaseStatus.CLOSURE_REQUESTED:
            raise ValidationError(_("该个案没有待审批的结案申请。"))
        if approve:
            case.status, case.closed_by, case.closed_at = CaseStatus.CLOSED, actor, timezone.now()
            case.save(update_fields=["status", "closed_by", "closed_at", "updated_at"])
        else:
            case.status, case.closure_outcome = CaseStatus.OPEN, ""
            case.save(update_fields=["status", "closure_outcome", "updated_at"])
        _timeline(
            case,
            actor,
            TimelineKind.CLOSURE,
            (_("站长批准结案。") if approve else _("站长不同意结案，继续服务。")) + note,
        )
        audit_record(
            actor=actor,
            action=A.TRANSITION,
            obj=case,
            changes={"status": ["closure_requested", case.status], "note": note},
        )
    return case


def case_reopen(*, actor, case: Case, reason: str) -> Case:
    _require_worker(actor, case)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写重新开案的原因。")})
    with transaction.atomic():
        case = _lock(case)
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
        _timeline(case, actor, TimelineKind.REOPENED, _("重新开案：%(r)s") % {"r": reason})
        audit_record(
            actor=actor,
            action=A.TRANSITION,
            obj=case,
            changes={"status": ["closed", "open"], "reason": reason, "reopen_count": case.reopen_count},
        )
    return case
