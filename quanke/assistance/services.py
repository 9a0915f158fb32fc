"""Writes for assistance: scans, decisions on findings, reviews, unit → locality mappings.

Each is one transaction with an actor and an audit row. Nobody is enrolled or removed automatically: the
scan only fills a queue; workers decide.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.assistance.models import (
    FINDING_TRANSITIONS,
    AssistanceReview,
    Finding,
    FindingStatus,
    Locality,
    ReviewOutcome,
    UnitLocality,
)
from quanke.assistance.scanning import Progress, ScanResult, scan_registry
from quanke.core import permissions
from quanke.core.audit import audit_record
from quanke.core.models import AuditEvent, UnitLevel
from quanke.registry.models import Household, Program


def assistance_scan(
    *, actor=None, locality: str = "", on: date | None = None, progress: Progress | None = None
) -> ScanResult:
    """Run the discovery scan. ``actor`` None means the command line (an operator, not a web user)."""
    if actor is not None:
        permissions.require(permissions.can_run_assistance_scan(actor))
    result = scan_registry(actor=actor, locality=locality, on=on, progress=progress)
    run = result.run
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=run,
        changes={
            "on_date": run.on_date,
            "locality": run.locality,
            "households": run.households,
            "findings_new": run.findings_new,
            "findings_lapsed": run.findings_lapsed,
        },
    )
    return result


def _decide(*, actor, finding: Finding, status: str, reason: str) -> Finding:
    permissions.require(
        permissions.can_review_assistance(actor) and permissions.unit_in_scope(actor, finding.unit)
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写处理理由。")})
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if status not in FINDING_TRANSITIONS[FindingStatus(locked.status)]:
            raise ValidationError(
                _("该线索当前状态为“%(s)s”，不能再处理。") % {"s": locked.get_status_display()}
            )
        before = locked.status
        locked.status = status
        locked.reason = reason
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.TRANSITION,
            obj=locked,
            changes={"status": [before, status], "reason": reason},
        )
    return locked


def finding_confirm(*, actor, finding: Finding, reason: str) -> Finding:
    """The worker agrees with the lead (she will start an application or a review with the household)."""
    return _decide(actor=actor, finding=finding, status=FindingStatus.CONFIRMED, reason=reason)


def finding_dismiss(*, actor, finding: Finding, reason: str) -> Finding:
    """The worker knows better than the registry (e.g. income not yet updated); a reason is required."""
    return _decide(actor=actor, finding=finding, status=FindingStatus.DISMISSED, reason=reason)


def review_record(
    *,
    actor,
    household: Household,
    reviewed_on: date,
    outcome: str,
    note: str = "",
    program: str = Program.DIBAO,
) -> AssistanceReview:
    permissions.require(
        permissions.can_review_assistance(actor) and permissions.unit_in_scope(actor, household.unit)
    )
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": _("请选择复核结论。")})
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": _("复核日期不能晚于今天。")})
    if outcome != ReviewOutcome.CONTINUE and not note.strip():
        raise ValidationError({"note": _("调整、渐退或停止享受须写明理由。")})
    with transaction.atomic():
        review = AssistanceReview.objects.create(
            household=household,
            unit=household.unit,
            program=program,
            reviewed_on=reviewed_on,
            outcome=outcome,
            note=note.strip(),
            actor=actor,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=review,
            changes={"reviewed_on": reviewed_on, "outcome": outcome, "note": review.note},
        )
    return review


def unit_locality_set(*, actor, unit, locality: Locality) -> UnitLocality:
    """Make ``locality``'s parameters apply to a county or street (and everything below it)."""
    permissions.require(permissions.can_browse_audit(actor))  # administrators only
    if unit.level == UnitLevel.COMMUNITY:
        raise ValidationError({"unit": _("适用地区按区/县或街道/乡镇配置。")})
    if locality.is_national:
        raise ValidationError({"locality": _("全国默认参数不能直接作为适用地区。")})
    with transaction.atomic():
        mapping, created = UnitLocality.objects.update_or_create(unit=unit, defaults={"locality": locality})
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
            obj=mapping,
            unit=unit,
            changes={"locality": locality.code},
        )
    return mapping
