"""What was done for a case: services delivered, volunteers, partners and resources linked, follow-ups and their reminders."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from quanke.casework.models import (
    Case,
    FollowUp,
    FollowUpReminder,
    ServiceDelivery,
    ShareKind,
    TimelineKind,
)
from quanke.casework.services.cases import A, case_event, require_worker, require_worker_open, timeline, today
from quanke.casework.services.consent import consent_covers
from quanke.core import permissions
from quanke.core.audit import snapshot
from quanke.network import services as network_services
from quanke.network.models import RecipientKind, ServiceKind, SubjectKind


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
    require_worker_open(actor, case)
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
        case_event(
            case,
            actor,
            TimelineKind.SERVICE,
            _("%(k)s：%(d)s") % {"k": ServiceKind(service_kind).label, "d": description},
            action=A.CREATE,
            obj=delivery,
            changes=snapshot(delivery, ["case", "delivered_on", "service_kind", "volunteer", "organisation"]),
        )
    return delivery


def _engage(*, actor, case: Case, need: str, note: str, line: str, **party):
    """Engage a volunteer, partner or ledger line for an open case (consent already checked) and note it on the
    timeline. Call inside the caller's transaction."""
    engagement = network_services.engagement_create(
        actor=actor,
        unit=case.unit,
        subject_kind=SubjectKind.CASE,
        subject_reference=case.number,
        need=need,
        note=note,
        **party,
    )
    timeline(case, actor, TimelineKind.LINK, line)
    return engagement


def case_link_volunteer(*, actor, case: Case, volunteer, need: str, note: str = ""):
    require_worker_open(actor, case)
    if not consent_covers(case, share_kind=ShareKind.VOLUNTEERS):
        raise ValidationError(_("知情同意未涵盖向志愿者提供信息（或已撤回、已过期），不能链接志愿者。"))
    with transaction.atomic():
        return _engage(
            actor=actor,
            case=case,
            need=need,
            note=note,
            line=_("链接志愿者 %(v)s") % {"v": volunteer},
            volunteer=volunteer,
        )


def case_link_organisation(*, actor, case: Case, organisation, need: str, note: str = ""):
    require_worker_open(actor, case)
    if not consent_covers(case, organisation=organisation):
        raise ValidationError(
            _("知情同意未涵盖合作方「%(o)s」（或已撤回、已过期），不能转介。") % {"o": organisation.name}
        )
    with transaction.atomic():
        return _engage(
            actor=actor,
            case=case,
            need=need,
            note=note,
            line=_("转介合作方 %(o)s") % {"o": organisation},
            organisation=organisation,
        )


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
    require_worker_open(actor, case)
    if not consent_covers(case, share_kind=ShareKind.RESOURCES):
        raise ValidationError(_("知情同意未涵盖为其链接资金物资（或已撤回、已过期）。"))
    with transaction.atomic():
        entry = network_services.ledger_disburse(
            actor=actor,
            unit=ledger_unit or case.unit,
            kind=kind,
            item=item,
            quantity=Decimal(str(quantity)),
            entry_on=on or today(),
            purpose=purpose,
            recipient_kind=RecipientKind.CASE,
            case_reference=case.number,
        )
        return _engage(
            actor=actor,
            case=case,
            need=need,
            note=purpose,
            line=_("链接资源：%(i)s %(q)s%(u)s（%(p)s）")
            % {"i": entry.item or _("资金"), "q": entry.quantity, "u": entry.item_unit, "p": purpose},
            ledger_entry=entry,
        )


def followup_schedule(*, actor, case: Case, due_on: date, purpose: str, assigned_to=None) -> FollowUp:
    require_worker_open(actor, case)
    assigned_to = assigned_to or actor
    if not permissions.can_follow_up_case(assigned_to, case):
        raise ValidationError({"assigned_to": _("回访社工须为本个案的负责社工。")})
    if not purpose.strip():
        raise ValidationError({"purpose": _("请填写回访内容。")})
    with transaction.atomic():
        followup = FollowUp.objects.create(
            case=case, due_on=due_on, purpose=purpose.strip(), assigned_to=assigned_to
        )
        case_event(
            case,
            actor,
            TimelineKind.FOLLOWUP,
            _("安排回访 %(d)s：%(p)s（%(w)s）") % {"d": due_on, "p": purpose, "w": assigned_to},
            action=A.CREATE,
            obj=followup,
            changes=snapshot(followup, ["case", "due_on", "purpose", "assigned_to"]),
        )
    return followup


def followup_complete(*, actor, followup: FollowUp, result: str, done_on: date | None = None) -> FollowUp:
    case = followup.case
    require_worker(actor, case)
    if not result.strip():
        raise ValidationError({"result": _("请填写回访情况。")})
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if followup.done_on is not None:
            raise ValidationError(_("该回访已完成。"))
        followup.done_on, followup.result = done_on or today(), result.strip()
        followup.save(update_fields=["done_on", "result", "updated_at"])
        case_event(
            case,
            actor,
            TimelineKind.FOLLOWUP,
            _("完成回访：%(r)s") % {"r": result},
            action=A.UPDATE,
            obj=followup,
            changes={"done_on": followup.done_on, "result": followup.result},
        )
    return followup


def reminders_send(*, day: date | None = None) -> dict[str, int]:
    """Remind workers of follow-ups due on or before `day`. Each (follow-up, due date) is reminded once; mail
    goes out after commit, to the worker's address when she has one (otherwise the workbench shows it)."""
    day = day or today()
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
                    ),
                    robust=True,
                )
    return counts
