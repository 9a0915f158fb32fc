"""Matching and engagement: a volunteer, partner or ledger entry linked to a need."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.audit import audit_record, snapshot
from quanke.network.models import (
    Engagement,
    LedgerEntry,
    ServiceKind,
    SocialOrganisation,
    SubjectKind,
    Volunteer,
)
from quanke.network.services.cleaning import A


def engagement_create(
    *,
    actor,
    unit,
    subject_kind: str,
    subject_reference: str,
    need: str,
    volunteer: Volunteer | None = None,
    organisation: SocialOrganisation | None = None,
    ledger_entry: LedgerEntry | None = None,
    note: str = "",
) -> Engagement:
    """Record who was engaged for a need (the consent check for a case is the caller's: casework does it)."""
    permissions.require(permissions.can_manage_network(actor, unit))
    if subject_kind not in SubjectKind.values or not subject_reference:
        raise ValidationError({"subject_reference": _("请指明个案或办件。")})
    if need not in ServiceKind.values:
        raise ValidationError({"need": _("请选择需求类型。")})
    if sum(x is not None for x in (volunteer, organisation, ledger_entry)) != 1:
        raise ValidationError(_("每次链接一位志愿者、一个合作方或一笔资源。"))
    if volunteer is not None and not volunteer.active:
        raise ValidationError({"volunteer": _("该志愿者已不在册。")})
    if organisation is not None and not organisation.active:
        raise ValidationError({"organisation": _("该合作方已停止合作。")})
    with transaction.atomic():
        engagement = Engagement.objects.create(
            unit=unit,
            subject_kind=subject_kind,
            subject_reference=subject_reference,
            need=need,
            volunteer=volunteer,
            organisation=organisation,
            ledger_entry=ledger_entry,
            note=note,
            engaged_by=actor,
        )
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=engagement,
            changes=snapshot(
                engagement,
                ["subject_kind", "subject_reference", "need", "volunteer", "organisation", "ledger_entry"],
            ),
        )
    return engagement
