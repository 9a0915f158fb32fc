"""Needs assessments, including emergency ones that the station head confirms."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.casework.models import (
    Assessment,
    Case,
    Domain,
    DomainFinding,
    EmergencyStatus,
    RiskLevel,
    Severity,
    TimelineKind,
)
from quanke.casework.services.cases import (
    A,
    case_event,
    require_head,
    require_worker_open,
    today,
)
from quanke.casework.services.consent import valid_consents
from quanke.core.audit import snapshot


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
    require_worker_open(actor, case)
    assessed_on = assessed_on or today()
    if risk_level not in RiskLevel.values:
        raise ValidationError({"risk_level": _("请选择风险等级。")})
    if not summary.strip():
        raise ValidationError({"summary": _("请填写评估小结。")})
    bad = [d for d in findings if d not in Domain.values]
    if bad or any(int(sev) not in Severity.values for sev, _note in findings.values()):
        raise ValidationError({"findings": _("领域评估填写有误。")})
    consents = valid_consents(case, today())
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
        case_event(
            case,
            actor,
            TimelineKind.ASSESSED,
            text,
            action=A.CREATE,
            obj=assessment,
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
    require_head(actor, case)
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
        case_event(
            case,
            actor,
            TimelineKind.EMERGENCY,
            _("站长%(l)s紧急评估。%(n)s") % {"l": label, "n": note},
            action=A.TRANSITION,
            obj=assessment,
            changes={"emergency_status": ["pending", assessment.emergency_status], "note": note},
        )
    return assessment


def current_assessment(case: Case) -> Assessment | None:
    for a in case.assessments.order_by("-assessed_on", "-id"):
        if a.counts:
            return a
    return None
