"""Informed consent: recorded, withdrawn, and whether a valid one covers a kind of sharing."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.casework.models import (
    Case,
    Consent,
    ConsenterKind,
    ShareKind,
    TimelineKind,
)
from quanke.casework.services.cases import A, case_event, require_worker, today
from quanke.core.audit import snapshot


def valid_consents(case: Case, day: date | None = None) -> list[Consent]:
    day = day or today()
    return [c for c in case.consents.prefetch_related("organisations") if c.is_valid_on(day)]


def consent_covers(case: Case, *, share_kind: str = "", organisation=None, day: date | None = None) -> bool:
    for consent in valid_consents(case, day):
        if share_kind and share_kind not in consent.share_kinds:
            continue
        if organisation is not None and organisation.pk not in {o.pk for o in consent.organisations.all()}:
            continue
        return True
    return False


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
    require_worker(actor, case)
    if consenter_kind not in ConsenterKind.values:
        raise ValidationError({"consenter_kind": _("请选择同意人。")})
    if consenter_kind == ConsenterKind.GUARDIAN and not (guardian_name.strip() and guardian_relation.strip()):
        raise ValidationError({"guardian_name": _("由监护人同意时须填写监护人姓名及与服务对象的关系。")})
    if consenter_kind == ConsenterKind.SELF:
        guardian_name = guardian_relation = ""
    if given_on > today():
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
        case_event(
            case,
            actor,
            TimelineKind.CONSENT,
            _("%(who)s签署知情同意，有效期至%(until)s；可共享：%(orgs)s")
            % {
                "who": consent.consenter_label,
                "until": valid_until or _("长期"),
                "orgs": "、".join(o.name for o in organisations) or _("无合作组织"),
            },
            action=A.CREATE,
            obj=consent,
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
    require_worker(actor, case)
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
        case_event(
            case,
            actor,
            TimelineKind.CONSENT_WITHDRAWN,
            _("撤回知情同意：%(r)s") % {"r": reason},
            action=A.TRANSITION,
            obj=consent,
            changes={"withdrawn": True, "reason": reason},
        )
    return consent
