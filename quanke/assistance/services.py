"""Writes for assistance: scans, decisions on findings, reviews, unit → locality mappings.

Each is one transaction with an actor and an audit row. Nobody is enrolled or removed automatically: the
scan only fills a queue; workers decide.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.assistance import parameters, selectors
from quanke.assistance.models import (
    APPLICATION_FINDING_KINDS,
    FINDING_TRANSITIONS,
    HOUSEHOLD_BENEFIT_PROGRAMS,
    NOTICE_WORKING_DAYS_PATH,
    OPEN_STEPS,
    PROCEDURE_ITEMS,
    PROGRAM_ITEMS,
    PUBLICITY_DAYS_PATH,
    STEP_TRANSITIONS,
    ApplicationStep,
    AssistanceApplication,
    AssistanceReview,
    Finding,
    FindingStatus,
    Locality,
    ReviewOutcome,
    UnitLocality,
)
from quanke.assistance.scanning import Progress, ScanResult, scan_registry
from quanke.catalog.models import Item
from quanke.core import permissions, workdays
from quanke.core.audit import audit_record
from quanke.core.errors import invalid
from quanke.core.models import AuditEvent, UnitLevel
from quanke.matters import services as matter_services
from quanke.matters.models import Channel, Kind
from quanke.matters.models import Status as MatterStatus
from quanke.registry import services as registry_services
from quanke.registry.models import Household, Program, Resident


class AmountReasonRequired(ValidationError):
    """An approved amount that differs from the rules' computation came without a written reason."""

    api_code = "assistance.amount_reason_required"


class StepRefused(ValidationError):
    """The finding or application cannot move to the requested step from where it stands now. Still a
    ValidationError, so the pages show it as a form error; the API answers it with 409 rather than 422."""

    code = "assistance.illegal_transition"

    def __init__(self, message):
        super().__init__(message, code=self.code)


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
        raise invalid("assistance.reason_required", _("请填写处理理由。"), "reason")
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if status not in FINDING_TRANSITIONS[FindingStatus(locked.status)]:
            raise StepRefused(_("该线索当前状态为“%(s)s”，不能再处理。") % {"s": locked.get_status_display()})
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


def finding_confirm(*, actor, finding: Finding, reason: str, open_application: bool = False) -> Finding:
    """The worker agrees with the lead. With ``open_application`` (a lead of someone not yet receiving, and a
    worker who may accept at the desk) the application is accepted at once as a home-visit matter (未诉先办)."""
    with transaction.atomic():
        decided = _decide(actor=actor, finding=finding, status=FindingStatus.CONFIRMED, reason=reason)
        if open_application:
            if finding.kind not in APPLICATION_FINDING_KINDS or finding.program not in PROGRAM_ITEMS:
                raise ValidationError(_("只有“似乎符合但未享受”或“应转为特困供养”的线索可以直接受理申请。"))
            resident = finding.resident or selectors.household_applicant(finding.household)
            application_open(
                actor=actor,
                resident=resident,
                program=finding.program,
                channel=Channel.HOME,
                request_text=_("主动发现：%(r)s") % {"r": reason.strip()},
                finding=decided,
            )
    return decided


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
        raise invalid("assistance.date_in_future", _("复核日期不能晚于今天。"), "reviewed_on")
    if outcome != ReviewOutcome.CONTINUE and not note.strip():
        raise invalid("assistance.reason_required", _("调整、渐退或停止享受须写明理由。"), "note")
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


# --- Applications (救助申请 = a matter plus the legal steps) -----------------------------------------------


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def application_open(
    *,
    actor,
    resident: Resident,
    program: str,
    channel: str = Channel.WINDOW,
    request_text: str = "",
    finding: Finding | None = None,
    at=None,
    applicant_phone: str = "",
    received_material_ids=(),
    note: str = "",
    item: Item | None = None,
    then: str = "route",
) -> AssistanceApplication:
    """Accept an application at the desk: a matter under the programme's catalog item (or the sub-item it was
    asked under, e.g. 急难型临时救助), routed at once to the office that investigates (street or county), and the
    application at its first legal step. With ``then="request_materials"`` the matter first waits at the desk for
    the missing materials (一次性告知, clock paused); the desk routes it once they arrive, the application with it."""
    if then not in ("route", "request_materials"):
        raise ValidationError({"then": _("未知的处理方式。")})
    if program not in PROGRAM_ITEMS:
        raise invalid("assistance.unknown_program", _("请选择救助项目。"), "program")
    if finding is not None and (finding.program != program or finding.household_id != resident.household_id):
        raise invalid("assistance.unknown_program", _("申请与来源线索的救助项目或家庭不一致。"), "program")
    if item is not None and PROCEDURE_ITEMS.get(item.code) != program:
        raise ValidationError({"item": _("该事项不是所选救助项目的申请。")})
    item = item or Item.objects.filter(code=PROGRAM_ITEMS[program]).first()
    if item is None:
        raise ValidationError({"program": _("服务目录中缺少该救助项目的事项，无法受理。")})
    open_already = AssistanceApplication.objects.filter(
        household=resident.household, resident=resident, program=program, step__in=OPEN_STEPS
    ).exists()
    if open_already:
        raise invalid("assistance.duplicate_application", _("该居民已有一件办理中的同类申请。"), "program")
    with transaction.atomic():
        matter = matter_services.plain_intake(
            actor=actor,
            then=then,
            item=item,
            resident=resident,
            channel=channel,
            request_text=request_text or str(Program(program).label),
            at=at,
            applicant_phone=applicant_phone,
            received_material_ids=received_material_ids,
            note=note,
        )
        application = AssistanceApplication.objects.create(
            matter=matter,
            program=program,
            household=resident.household,
            resident=resident,
            unit=resident.unit,
            finding=finding,
            accepted_on=timezone.localtime(matter.accepted_at).date(),
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=application,
            changes={
                "program": program,
                "matter": matter.tracking_code,
                "finding": finding.pk if finding else None,
            },
        )
    return application


def program_for_item(item) -> str | None:
    return PROCEDURE_ITEMS.get(item.code)


def procedure_intake(*, actor, then: str = "keep", note: str = "", route_unit=None, **accept):
    """The desk's intake of a programme's catalog item (registered in quanke.core.hooks): accepting (and routing)
    an application opens the assistance procedure, or the legal steps and their statistics would never see it.
    An application accepted with materials missing opens it too (the matter waits at the desk for them; routed
    later, it stays in the procedure). Returns None for what stays a plain matter: consultations and refusals at
    the desk (不予受理), which no legal step follows."""
    item, resident = accept["item"], accept.get("resident")
    program = program_for_item(item)
    if (
        not program
        or accept.get("kind", Kind.APPLICATION) != Kind.APPLICATION
        or then not in ("route", "keep", "request_materials")
    ):
        return None
    if resident is None:
        raise ValidationError({"resident": _("救助申请须先选择或登记申请人（居民），不能匿名受理。")})
    return application_open(
        actor=actor,
        resident=resident,
        program=program,
        channel=accept.get("channel", Channel.WINDOW),
        request_text=accept.get("request_text", ""),
        applicant_phone=accept.get("applicant_phone", ""),
        received_material_ids=accept.get("received_material_ids", ()),
        note=note,
        at=accept.get("at"),
        item=item,
        # The office that investigates is the programme's, whatever the desk picked (the item's route level).
        then="request_materials" if then == "request_materials" else "route",
    ).matter


def decision_refusal(matter) -> str | None:
    """Registered in quanke.core.hooks: an application still in procedure is decided here, not on the matter."""
    if AssistanceApplication.objects.filter(matter=matter, step__in=OPEN_STEPS).exists():
        return _(
            "办件 %(code)s 是社会救助申请，须在“救助申请”页按入户调查、公示、审核确认的法定环节办理。"
        ) % {"code": matter.tracking_code}
    return None


def _lock_application(actor, application: AssistanceApplication, to_step: str) -> AssistanceApplication:
    locked = (
        AssistanceApplication.objects.select_for_update()
        .select_related("matter", "household", "resident", "unit")
        .get(pk=application.pk)
    )
    permissions.require(permissions.can_process_assistance_application(actor, locked))
    if to_step not in STEP_TRANSITIONS[ApplicationStep(locked.step)]:
        raise StepRefused(
            _("申请当前处于“%(now)s”环节，不能转为“%(to)s”。")
            % {"now": locked.get_step_display(), "to": ApplicationStep(to_step).label}
        )
    return locked


def _hold_matter(actor, application: AssistanceApplication, at=None):
    """The handler takes the routed matter the first time she acts on the application."""
    matter = application.matter
    if matter.status == MatterStatus.ROUTED and permissions.can_claim_matter(actor, matter):
        matter = matter_services.matter_claim(actor=actor, matter=matter, at=at)
        application.matter = matter
    return matter


def _step_audit(actor, application, before: str, **changes) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=application,
        changes={"step": [before, application.step], **changes},
    )


def application_investigate(
    *,
    actor,
    application: AssistanceApplication,
    investigated_on: date,
    investigators: str,
    record: str,
    at=None,
) -> AssistanceApplication:
    """Home investigation (入户调查): the record, who went, and the rules' assessment on that day."""
    if not (record or "").strip():
        raise invalid("assistance.record_required", _("请填写入户调查记录。"), "record")
    if investigated_on > timezone.localdate():
        raise invalid("assistance.date_in_future", _("调查日期不能晚于今天。"), "investigated_on")
    with transaction.atomic():
        app = _lock_application(actor, application, ApplicationStep.INVESTIGATED)
        if investigated_on < app.accepted_on:
            raise invalid("assistance.date_out_of_order", _("调查日期不能早于受理日期。"), "investigated_on")
        _hold_matter(actor, app, at)
        view = selectors.household_assessment(actor=actor, resident=app.resident, on=investigated_on)
        before = app.step
        app.step = ApplicationStep.INVESTIGATED
        app.investigated_on = investigated_on
        app.investigators = investigators.strip()[:100]
        app.investigation_record = record.strip()
        app.assessment = {"locality": view.locality, "result": view.result, "error": view.error}
        app.save(
            update_fields=[
                "step",
                "investigated_on",
                "investigators",
                "investigation_record",
                "assessment",
                "updated_at",
            ]
        )
        _step_audit(actor, app, before, investigated_on=investigated_on, investigators=app.investigators)
    return app


def application_publicize(*, actor, application: AssistanceApplication, start: date) -> AssistanceApplication:
    """Post the household's name publicly (公示) before confirmation, for the locality's application.publicity_days."""
    if start > timezone.localdate():
        raise invalid("assistance.date_in_future", _("公示开始日期不能晚于今天。"), "start")
    with transaction.atomic():
        app = _lock_application(actor, application, ApplicationStep.PUBLICITY)
        if not app.needs_publicity:
            raise StepRefused(_("该项目无需公示，可直接审核确认。"))
        if app.investigated_on and start < app.investigated_on:
            raise invalid("assistance.date_out_of_order", _("公示不能早于入户调查。"), "start")
        before = app.step
        app.step = ApplicationStep.PUBLICITY
        app.publicity_start = start
        days = int(parameters.policy_value(PUBLICITY_DAYS_PATH, on=start, unit=app.unit))
        app.publicity_end = start + timedelta(days=days - 1)
        app.save(update_fields=["step", "publicity_start", "publicity_end", "updated_at"])
        _step_audit(actor, app, before, publicity_start=start, publicity_end=app.publicity_end)
    return app


# A read, kept here under its old name for the callers that decide with it.
suggested_amount = selectors.suggested_amount


def _check_street_authority(app: AssistanceApplication, amount: Decimal, on: date) -> None:
    """临时救助 above the street's limit is approved by the county civil-affairs bureau, not the street."""
    if not selectors.decides_at_street_level(app):
        return
    limit = selectors.temporary_street_limit(app.unit, on)
    if limit is not None and amount > limit.amount:
        raise invalid(
            "assistance.above_street_limit",
            _(
                "临时救助金额 %(a)s 元超过街道（乡镇）审批限额 %(l)s 元（%(place)s，自 %(d)s 起），"
                "须报区县民政局审批：请使用“报区县民政局审批”将办件转区县办理。"
            )
            % {
                "a": amount.quantize(Decimal("0.01")),
                "l": limit.amount,
                "place": limit.locality_label,
                "d": limit.start.isoformat(),
            },
            "monthly_amount",
        )


def application_refer_to_county(
    *, actor, application: AssistanceApplication, note: str = "", at=None
) -> AssistanceApplication:
    """The street sends a 临时救助 application it may not approve (above its limit) up to the county: the
    matter is forwarded to the county, where a county handler claims it and decides."""
    with transaction.atomic():
        app = _lock_application(actor, application, ApplicationStep.APPROVED)
        if app.program != Program.TEMPORARY:
            raise StepRefused(_("只有临时救助申请按金额报区县审批。"))
        if app.step != ApplicationStep.INVESTIGATED:
            raise StepRefused(_("须先完成入户调查，再报区县民政局审批。"))
        if not selectors.decides_at_street_level(app):
            raise StepRefused(_("该申请已在区县办理。"))
        county = selectors.county_above(app.unit)
        if county is None:
            raise ValidationError(_("找不到该社区所属的区县，无法报送。"))
        matter = _hold_matter(actor, app, at)
        text = _("临时救助报区县民政局审批（超过街道审批限额）。")
        app.matter = matter_services.matter_forward(
            actor=actor, matter=matter, department=county, note=f"{text}{(note or '').strip()}", at=at
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=app,
            changes={"referred_to": county.name, "note": (note or "").strip()},
        )
    return app


def application_approve(
    *,
    actor,
    application: AssistanceApplication,
    decided_on: date,
    monthly_amount: Decimal,
    objections: str = "",
    amount_reason: str = "",
    note: str = "",
    at=None,
) -> AssistanceApplication:
    """Confirmation (审核确认): payment from the month after the decision, written into the registry. An amount
    other than the one the rules computed at the home investigation needs the decider's written reason."""
    if monthly_amount is None or monthly_amount < 0:
        raise invalid("assistance.amount_required", _("请填写月救助金额。"), "monthly_amount")
    if decided_on > timezone.localdate():
        raise invalid("assistance.date_in_future", _("审核确认日期不能晚于今天。"), "decided_on")
    with transaction.atomic():
        app = _lock_application(actor, application, ApplicationStep.APPROVED)
        if app.needs_publicity and app.step != ApplicationStep.PUBLICITY:
            raise StepRefused(_("须先公示 %(n)d 天再审核确认。") % {"n": app.publicity_days})
        if app.step == ApplicationStep.PUBLICITY and decided_on <= app.publicity_end:
            raise invalid(
                "assistance.publicity_not_over",
                _("公示期至 %(d)s 结束，期满后方可审核确认。") % {"d": app.publicity_end.isoformat()},
                "decided_on",
            )
        if app.program == Program.TEMPORARY:
            _check_street_authority(app, Decimal(monthly_amount), decided_on)
        amount = Decimal(monthly_amount).quantize(Decimal("0.01"))
        computed = suggested_amount(app)
        amount_reason = (amount_reason or "").strip() if computed is not None and amount != computed else ""
        if computed is not None and amount != computed and not amount_reason:
            raise AmountReasonRequired(
                {
                    "amount_reason": _(
                        "审批金额 %(a)s 元与规则测算的 %(c)s 元不一致，须写明理由（将在申请页显示并记入审计）。"
                    )
                    % {"a": amount, "c": computed}
                }
            )
        _hold_matter(actor, app, at)
        before = app.step
        app.step = ApplicationStep.APPROVED
        app.decided_on, app.decided_by = decided_on, actor
        app.monthly_amount = amount
        app.computed_amount, app.amount_reason = computed, amount_reason
        app.payment_from = first_of_next_month(decided_on)
        app.publicity_objections = (objections or "").strip()
        app.save(
            update_fields=[
                "step",
                "decided_on",
                "decided_by",
                "monthly_amount",
                "computed_amount",
                "amount_reason",
                "payment_from",
                "publicity_objections",
                "updated_at",
            ]
        )
        if app.program in HOUSEHOLD_BENEFIT_PROGRAMS:
            members = list(app.household.members.order_by("id"))
            share = (app.monthly_amount / len(members)).quantize(Decimal("0.01"))
            amounts = [share] * len(members)
            amounts[0] += app.monthly_amount - share * len(members)
            payees = list(zip(members, amounts, strict=True))
        else:
            payees = [(app.resident, app.monthly_amount)]
        # 临时救助 is paid once, in the payment month; the others run until a review ends them.
        once = app.program == Program.TEMPORARY
        end = first_of_next_month(app.payment_from) - timedelta(days=1) if once else None
        for payee, amount in payees:
            registry_services.benefit_start(
                actor=actor,
                resident=payee,
                program=app.program,
                start_date=app.payment_from,
                monthly_amount=amount,
                end_date=end,
            )
        text = _("审核确认：%(p)s %(a)s 元，于 %(d)s 一次性发放。") if once else None
        message = (text or _("审核确认：%(p)s，每月 %(a)s 元，自 %(d)s 起发放。")) % {
            "p": app.get_program_display(),
            "a": app.monthly_amount,
            "d": app.payment_from.strftime("%Y-%m"),
        }
        if amount_reason:
            message += _("（与规则测算的 %(c)s 元不同，理由：%(r)s）") % {"c": computed, "r": amount_reason}
        matter_services.matter_complete(
            actor=actor, matter=app.matter, note=f"{message}{note}".strip(), at=at
        )
        _step_audit(
            actor,
            app,
            before,
            monthly_amount=app.monthly_amount,
            computed_amount=computed,
            amount_reason=amount_reason,
            payment_from=app.payment_from,
        )
    return app


def application_refuse(
    *, actor, application: AssistanceApplication, reasons: str, decided_on: date | None = None, at=None
) -> AssistanceApplication:
    """Refusal, always in writing with the reasons (the matter is closed as 不予受理/不予批准 with them)."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise invalid("assistance.reason_required", _("不予批准须书面说明理由。"), "reasons")
    with transaction.atomic():
        app = _lock_application(actor, application, ApplicationStep.REFUSED)
        _hold_matter(actor, app, at)
        before = app.step
        app.step = ApplicationStep.REFUSED
        app.refusal_reasons = reasons
        app.decided_on, app.decided_by = decided_on or timezone.localdate(), actor
        notice_days = int(parameters.policy_value(NOTICE_WORKING_DAYS_PATH, on=app.decided_on, unit=app.unit))
        app.notice_due_on = workdays.add_working_days(app.decided_on, notice_days).date
        app.save(
            update_fields=[
                "step",
                "refusal_reasons",
                "decided_on",
                "decided_by",
                "notice_due_on",
                "updated_at",
            ]
        )
        matter_services.matter_refuse(actor=actor, matter=app.matter, reason=reasons, at=at)
        _step_audit(actor, app, before, reasons=reasons, notice_due_on=app.notice_due_on)
    return app


def application_notice_deliver(
    *, actor, application: AssistanceApplication, delivered_on: date
) -> AssistanceApplication:
    """Record that the written refusal (不予批准告知书) reached the applicant, by whoever decided it."""
    if delivered_on > timezone.localdate():
        raise invalid("assistance.date_in_future", _("送达日期不能晚于今天。"), "delivered_on")
    with transaction.atomic():
        app = (
            AssistanceApplication.objects.select_for_update()
            .select_related("matter", "unit")
            .get(pk=application.pk)
        )
        permissions.require(permissions.can_process_assistance_application(actor, app))
        if app.step != ApplicationStep.REFUSED:
            raise StepRefused(_("只有不予批准的申请才需送达告知书。"))
        if app.notice_delivered_on is not None:
            raise StepRefused(_("告知书已于 %(d)s 登记送达。") % {"d": app.notice_delivered_on.isoformat()})
        if delivered_on < app.decided_on:
            raise invalid("assistance.date_out_of_order", _("送达日期不能早于决定日期。"), "delivered_on")
        app.notice_delivered_on, app.notice_delivered_by = delivered_on, actor
        app.save(update_fields=["notice_delivered_on", "notice_delivered_by", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=app,
            changes={
                "notice_delivered_on": delivered_on,
                "notice_due_on": app.notice_due_on,
                "late": bool(app.notice_due_on and delivered_on > app.notice_due_on),
            },
        )
    return app


def review_reminders_send(*, on: date | None = None, horizon_days: int = 14) -> dict[str, int]:
    """Mail each reviewer (who can review assistance and has an address) a digest of the 低保 reviews due within
    ``horizon_days`` or overdue in her own scope: counts only, no household or resident in a mailbox. Sent after
    commit; the schedule runs it once a day (quanke/core/schedule.py)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail

    on = on or timezone.localdate()
    counts = {"reviewers": 0, "emailed": 0}
    for user in get_user_model().objects.filter(is_active=True).exclude(email="").order_by("pk"):
        if not permissions.can_review_assistance(user):
            continue
        counts["reviewers"] += 1
        due = selectors.reviews_due(actor=user, on=on, horizon_days=horizon_days)
        if not due:
            continue
        overdue = sum(1 for item in due if item.overdue)
        subject = _("低保复核提醒：%(n)s 户待复核") % {"n": len(due)}
        body = _(
            "您负责范围内有 %(n)s 户低保家庭的定期复核将在 %(d)s 天内到期，其中 %(o)s 户已逾期。请登录平台，"
            "在“救助复核”页面查看并办理。"
        ) % {"n": len(due), "d": horizon_days, "o": overdue}
        transaction.on_commit(
            lambda s=subject, b=body, to=user.email: send_mail(
                s, b, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=True
            ),
            robust=True,
        )
        counts["emailed"] += 1
    return counts
