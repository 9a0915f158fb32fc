"""Social assistance over HTTP: the rules' assessment of a household, the discovery review queue, and
applications through their legal steps. Same selectors, services and permission rules as the pages.

Privacy (PIPL): reads are scoped to the worker's unit by the selectors (404 outside it); ID numbers and phones
are masked in every answer here (the audited resident endpoint is where a full number is read); reading a
household's assessment is audited like opening the resident's profile.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja import Status as Reply
from pydantic import StringConstraints

from quanke.api.errors import responses
from quanke.assistance import selectors, services
from quanke.assistance.models import (
    ASSESSED_PROGRAMS,
    PROGRAM_ITEMS,
    ApplicationStep,
    FindingKind,
    FindingStatus,
)
from quanke.core import limits, permissions
from quanke.core.errors import invalid
from quanke.matters.models import Channel
from quanke.registry import idnumber
from quanke.registry import selectors as registry_selectors

router = Router(tags=["assistance"])
MAX_LIMIT = 200


# --- Schemas -------------------------------------------------------------------------------------------------


class ProgramOutcome(Schema):
    program: str
    label: str
    eligible: bool
    monthly_amount: Decimal | None = Field(description="测算月金额（元）；该项目无金额时为 null")
    explanation: list[str]


class MemberAssessmentOut(Schema):
    resident_id: int
    name: str
    age: int
    programs: list[ProgramOutcome]


class AlternativeOut(Schema):
    program: str
    label: str
    who: str
    resident_id: int | None = None
    amount: Decimal | None = None


class AssessmentOut(Schema):
    resident_id: int
    household_number: str
    on: date = Field(description="评估日期（按该日有效的参数）")
    locality: str = Field(description="适用的地区参数代码")
    locality_label: str
    error: str = Field(description="无法评估时的原因（如该日期早于参数起始日）；可评估时为空")
    dibao_standard: Decimal | None = Field(description="低保标准（元/人/月）")
    receiving: list[str]
    household: list[ProgramOutcome] = Field(description="按户认定的项目：低保、低保边缘")
    gradual_exit: bool
    leaving_dibao: bool
    members: list[MemberAssessmentOut]
    alternatives: list[AlternativeOut] = Field(description="退出低保时还可能符合的项目")
    warnings: list[str] = Field(
        default_factory=list,
        description="评估所用的定期调整参数（如低保标准）最新取值已超过 12 个月时的提示，每条一句",
    )


class FindingRow(Schema):
    id: int
    kind: str
    kind_label: str
    program: str
    program_label: str
    status: str
    status_label: str
    unit: str
    household_number: str
    resident_id: int | None
    resident_name: str | None
    id_number_masked: str | None
    phone_masked: str | None
    locality: str
    on_date: date
    amount: Decimal | None
    current_amount: Decimal | None


class FindingOut(FindingRow):
    reason: str
    decided_by: str | None
    decided_at: datetime | None
    alternatives: list[AlternativeOut]
    application_ids: list[int]
    can_open_application: bool = Field(
        description="可受理申请：确认时带 open_application，或已确认后 POST /applications 带 finding_id"
    )
    applicant_id: int | None = Field(description="受理申请时的申请人（按户线索为户主）")


class DecisionIn(Schema):
    decision: Literal["confirm", "dismiss"]
    reason: str = Field(
        "",
        max_length=limits.NOTE,
        description="处理理由：确认和排除都必填（空白时 422 assistance.reason_required）",
    )
    open_application: bool = Field(
        False,
        description="确认时同时受理申请；只允许与 decision=confirm 同用（否则 422 assistance.invalid），"
        "且仅限“似乎符合但未享受”的线索",
    )


class ApplicationRow(Schema):
    id: int
    tracking_code: str
    program: str
    program_label: str
    step: str
    step_label: str
    resident_id: int
    resident_name: str
    id_number_masked: str
    phone_masked: str
    household_number: str
    unit: str
    accepted_on: date
    publicity_end: date | None
    decided_on: date | None
    monthly_amount: Decimal | None


class StepOut(Schema):
    step: str
    label: str
    on: date


class ApplicationOut(ApplicationRow):
    channel: str
    matter_status: str
    handling_unit: str
    assigned_to: str | None
    finding_id: int | None
    steps: list[StepOut] = Field(description="已经过的法定环节及日期")
    investigated_on: date | None
    investigators: str
    investigation_record: str
    eligible_at_investigation: bool | None = Field(description="入户调查当日规则评估的结论（该项目）")
    suggested_amount: Decimal | None = Field(description="入户调查当日规则测算的月金额")
    publicity_start: date | None
    publicity_objections: str
    decided_by: str | None
    computed_amount: Decimal | None = Field(description="审核确认时规则测算的月金额")
    amount_reason: str = Field(description="审批金额与测算金额不一致的理由")
    payment_from: date | None
    refusal_reasons: str
    notice_due_on: date | None = Field(
        description="不予批准告知书送达期限（决定后按当地参数 application.refusal_notice_working_days 计的工作日）"
    )
    notice_delivered_on: date | None
    notice_overdue: bool
    can_process: bool


# The programmes an application may be opened for (each has its catalogue item); stated so the schema refuses others.
ProgramCode = Literal[tuple(PROGRAM_ITEMS)]  # type: ignore[valid-type]


class ApplicationIn(Schema):
    resident_id: int
    program: ProgramCode = Field(description="救助项目")
    channel: Channel = Channel.WINDOW
    request_text: str = Field("", max_length=limits.REQUEST_TEXT)
    finding_id: int | None = Field(None, description="来源线索（已确认、尚未受理申请的主动发现线索）")


# The step bodies take the fields of the pages' forms (quanke/assistance/forms.py); business checks (dates,
# reasons, the order of steps) stay in the services, which answer them in Chinese.
class InvestigateIn(Schema):
    investigated_on: date
    investigators: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    record: str = Field(
        "",
        max_length=limits.RECORD,
        description="入户调查记录：必填（空白时 422 assistance.record_required）",
    )


class PublicizeIn(Schema):
    start: date


class ApproveIn(Schema):
    decided_on: date
    monthly_amount: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    amount_reason: str = Field(
        "",
        max_length=limits.NOTE,
        description="审批金额与规则测算金额不一致时必填（否则 422 assistance.amount_reason_required）",
    )
    objections: str = Field("", max_length=limits.NOTE, description="公示期间的异议及处理")


class RefuseIn(Schema):
    reasons: str = Field(
        "", max_length=limits.NOTE, description="不予批准理由：必填（空白时 422 assistance.reason_required）"
    )


class ReferIn(Schema):
    note: str = Field("", max_length=limits.NOTE)


class NoticeDeliveredIn(Schema):
    delivered_on: date


# --- Helpers -------------------------------------------------------------------------------------------------


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


def _choice(name: str, value: str, allowed, message: str) -> str:
    if value and value not in allowed:
        raise invalid("assistance.unknown_filter", message, name)
    return value


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _outcome(code: str, outcome: dict, amount_key: str | None) -> ProgramOutcome:
    return ProgramOutcome(
        program=code,
        label=selectors.program_label(code),
        eligible=outcome["eligible"],
        monthly_amount=_decimal(outcome.get(amount_key)) if amount_key else None,
        explanation=outcome["explanation"],
    )


def _alternatives(options: list[dict]) -> list[AlternativeOut]:
    return [
        AlternativeOut(
            program=o["program"],
            label=str(o["label"]),
            who=str(o["who"]),
            resident_id=o.get("resident_id"),
            amount=_decimal(o.get("amount")),
        )
        for o in options
    ]


def _finding_row(f) -> dict:
    r = f.resident
    return {
        "id": f.pk,
        "kind": f.kind,
        "kind_label": str(f.get_kind_display()),
        "program": f.program,
        "program_label": str(f.get_program_display()),
        "status": f.status,
        "status_label": str(f.get_status_display()),
        "unit": f.unit.code,
        "household_number": f.household.number,
        "resident_id": r.pk if r else None,
        "resident_name": r.name if r else None,
        "id_number_masked": idnumber.mask(r.id_number) if r else None,
        "phone_masked": idnumber.mask_phone(r.phone) if r else None,
        "locality": f.locality,
        "on_date": f.on_date,
        "amount": f.amount,
        "current_amount": f.current_amount,
    }


def _finding_out(request, f) -> FindingOut:
    offer = selectors.finding_application_offer(actor=request.user, finding=f)
    return FindingOut(
        **_finding_row(f),
        reason=f.reason,
        decided_by=f.decided_by.username if f.decided_by_id else None,
        decided_at=f.decided_at,
        alternatives=_alternatives(selectors.finding_alternatives(f)),
        application_ids=list(
            selectors.applications_for(actor=request.user).filter(finding=f).values_list("pk", flat=True)
        ),
        can_open_application=bool(offer and offer.can_accept),
        applicant_id=offer.resident.pk if offer else None,
    )


def _application_row(a) -> dict:
    return {
        "id": a.pk,
        "tracking_code": a.matter.tracking_code,
        "program": a.program,
        "program_label": str(a.get_program_display()),
        "step": a.step,
        "step_label": str(a.get_step_display()),
        "resident_id": a.resident_id,
        "resident_name": a.resident.name,
        "id_number_masked": idnumber.mask(a.resident.id_number),
        "phone_masked": idnumber.mask_phone(a.resident.phone),
        "household_number": a.household.number,
        "unit": a.unit.code,
        "accepted_on": a.accepted_on,
        "publicity_end": a.publicity_end,
        "decided_on": a.decided_on,
        "monthly_amount": a.monthly_amount,
    }


def _steps(a) -> list[StepOut]:
    passed = [
        (ApplicationStep.ACCEPTED, a.accepted_on),
        (ApplicationStep.INVESTIGATED, a.investigated_on),
        (ApplicationStep.PUBLICITY, a.publicity_start),
    ]
    if a.step in (ApplicationStep.APPROVED, ApplicationStep.REFUSED):
        passed.append((ApplicationStep(a.step), a.decided_on))
    return [StepOut(step=step, label=str(step.label), on=on) for step, on in passed if on is not None]


def _eligible_at_investigation(a) -> bool | None:
    result = (a.assessment or {}).get("result")
    if not result:
        return None
    if a.program in result and isinstance(result[a.program], dict):
        return result[a.program]["eligible"]
    member = result["members"].get(str(a.resident_id), {})
    return member[a.program]["eligible"] if a.program in member else None


def _application_out(request, a) -> ApplicationOut:
    m = a.matter
    return ApplicationOut(
        **_application_row(a),
        channel=m.channel,
        matter_status=m.status,
        handling_unit=m.handling_unit.code,
        assigned_to=m.assigned_to.username if m.assigned_to_id else None,
        finding_id=a.finding_id,
        steps=_steps(a),
        investigated_on=a.investigated_on,
        investigators=a.investigators,
        investigation_record=a.investigation_record,
        eligible_at_investigation=_eligible_at_investigation(a),
        suggested_amount=services.suggested_amount(a),
        publicity_start=a.publicity_start,
        publicity_objections=a.publicity_objections,
        decided_by=a.decided_by.username if a.decided_by_id else None,
        computed_amount=a.computed_amount,
        amount_reason=a.amount_reason,
        payment_from=a.payment_from,
        refusal_reasons=a.refusal_reasons,
        notice_due_on=a.notice_due_on,
        notice_delivered_on=a.notice_delivered_on,
        notice_overdue=a.notice_overdue_on(timezone.localdate()),
        can_process=permissions.can_process_assistance_application(request.user, a),
    )


# --- Assessment ----------------------------------------------------------------------------------------------


@router.get(
    "/assessment/{resident_id}",
    response=responses(AssessmentOut),
    summary="居民所在家庭的救助资格评估（按今日参数；记录访问日志）",
)
def assessment_get(request: HttpRequest, resident_id: int):
    actor = request.user
    permissions.require(permissions.can_view_personal_data(actor))
    resident = registry_selectors.resident_get_for(actor=actor, pk=resident_id)
    # The page shows this panel on the resident's profile, whose opening is a read of her record: so is this.
    view = selectors.household_assessment(actor=actor, resident=resident, via="api")
    result = view.result
    return AssessmentOut(
        resident_id=resident.pk,
        household_number=resident.household.number,
        on=view.on,
        locality=view.locality,
        locality_label=view.locality_label,
        error=view.error,
        dibao_standard=_decimal(result["standard"]) if result else None,
        receiving=view.receiving,
        household=(
            [
                _outcome("dibao", result["dibao"], "monthly_amount"),
                _outcome("dibao_edge", result["dibao_edge"], None),
            ]
            if result
            else []
        ),
        gradual_exit=bool(result and result["gradual_exit"]),
        warnings=list(result.get("warnings", [])) if result else [],
        leaving_dibao=view.leaving_dibao,
        members=[
            MemberAssessmentOut(
                resident_id=m.resident.pk,
                name=m.resident.name,
                age=m.age,
                programs=[
                    _outcome(code, outcome, selectors.PERSON_PROGRAM_AMOUNT.get(code))
                    for code, _label, outcome in m.programs
                ],
            )
            for m in view.members
        ],
        alternatives=_alternatives(view.alternatives),
    )


# --- Findings (主动发现) ---------------------------------------------------------------------------------------


@router.get("/findings", response=responses(list[FindingRow]), summary="主动发现线索（证件号和电话已脱敏）")
def finding_list(
    request: HttpRequest, status: str = "open", kind: str = "", program: str = "", limit: int = 50
):
    """``status`` empty lists every status; the default is the open ones, as on the page."""
    permissions.require(permissions.can_review_assistance(request.user))
    filters = {
        "status": _choice("status", status, FindingStatus.values, _("未知的线索状态。")),
        "kind": _choice("kind", kind, FindingKind.values, _("未知的线索类型。")),
        "program": _choice("program", program, ASSESSED_PROGRAMS, _("未知的救助项目。")),
    }
    rows = selectors.findings_for(actor=request.user, **filters)[: _limit(limit)]
    return [FindingRow(**_finding_row(f)) for f in rows]


@router.get("/findings/{finding_id}", response=responses(FindingOut), summary="线索详情")
def finding_get(request: HttpRequest, finding_id: int):
    permissions.require(permissions.can_review_assistance(request.user))
    return _finding_out(request, selectors.finding_get_for(actor=request.user, pk=finding_id, via="api"))


@router.post(
    "/findings/{finding_id}/decide",
    response=responses(FindingOut, write=True),
    summary="处理线索：确认（可同时受理申请）或排除，须写明理由",
)
def finding_decide(request: HttpRequest, finding_id: int, payload: DecisionIn):
    actor = request.user
    permissions.require(permissions.can_review_assistance(actor))
    finding = selectors.finding_get_for(actor=actor, pk=finding_id)
    if payload.decision == "confirm":
        services.finding_confirm(
            actor=actor, finding=finding, reason=payload.reason, open_application=payload.open_application
        )
    else:
        if payload.open_application:
            raise ValidationError({"open_application": _("排除线索时不能同时受理申请。")})
        services.finding_dismiss(actor=actor, finding=finding, reason=payload.reason)
    return _finding_out(request, selectors.finding_get_for(actor=actor, pk=finding_id))


# --- Applications (救助申请) -----------------------------------------------------------------------------------


@router.get(
    "/applications", response=responses(list[ApplicationRow]), summary="救助申请（证件号和电话已脱敏）"
)
def application_list(request: HttpRequest, step: str = "", limit: int = 50):
    permissions.require(permissions.can_view_personal_data(request.user))
    step = _choice("step", step, ApplicationStep.values, _("未知的办理环节。"))
    rows = selectors.applications_for(actor=request.user, step=step)[: _limit(limit)]
    return [ApplicationRow(**_application_row(a)) for a in rows]


@router.post(
    "/applications",
    response=responses(ApplicationOut, 201, write=True),
    summary="窗口受理救助申请（办件随即流转至负责入户调查的街道或区县）",
)
def application_create(request: HttpRequest, payload: ApplicationIn):
    actor = request.user
    permissions.require(permissions.can_take_intake(actor))
    resident = registry_selectors.resident_get_for(actor=actor, pk=payload.resident_id)
    finding = None
    if payload.finding_id is not None:
        permissions.require(permissions.can_review_assistance(actor))
        finding = selectors.finding_get_for(actor=actor, pk=payload.finding_id)
        if selectors.finding_application_offer(actor=actor, finding=finding) is None:
            raise invalid(
                "assistance.finding_not_offerable",
                _("只有已确认、尚未受理申请的“似乎符合但未享受”线索可以据以受理申请。"),
                "finding_id",
            )
    application = services.application_open(
        actor=actor,
        resident=resident,
        program=payload.program,
        channel=payload.channel,
        request_text=payload.request_text,
        finding=finding,
    )
    return Reply(
        201, _application_out(request, selectors.application_get_for(actor=actor, pk=application.pk))
    )


@router.get("/applications/{application_id}", response=responses(ApplicationOut), summary="救助申请详情")
def application_get(request: HttpRequest, application_id: int):
    permissions.require(permissions.can_view_personal_data(request.user))
    return _application_out(
        request, selectors.application_get_for(actor=request.user, pk=application_id, via="api")
    )


def _step(request, application_id: int, service, **fields) -> ApplicationOut:
    actor = request.user
    permissions.require(permissions.can_view_personal_data(actor))
    application = selectors.application_get_for(actor=actor, pk=application_id)
    service(actor=actor, application=application, **fields)
    return _application_out(request, selectors.application_get_for(actor=actor, pk=application_id))


@router.post(
    "/applications/{application_id}/investigate",
    response=responses(ApplicationOut, write=True),
    summary="记录入户调查（同时保存当日的规则评估）",
)
def application_investigate(request: HttpRequest, application_id: int, payload: InvestigateIn):
    return _step(request, application_id, services.application_investigate, **payload.dict())


@router.post(
    "/applications/{application_id}/publicize",
    response=responses(ApplicationOut, write=True),
    summary="开始公示（天数按当地参数 application.publicity_days）",
)
def application_publicize(request: HttpRequest, application_id: int, payload: PublicizeIn):
    return _step(request, application_id, services.application_publicize, **payload.dict())


@router.post(
    "/applications/{application_id}/approve",
    response=responses(ApplicationOut, write=True),
    summary="审核确认（公示期满后；次月起发放并写入待遇登记）",
)
def application_approve(request: HttpRequest, application_id: int, payload: ApproveIn):
    return _step(request, application_id, services.application_approve, **payload.dict())


@router.post(
    "/applications/{application_id}/refuse",
    response=responses(ApplicationOut, write=True),
    summary="不予批准（须书面说明理由）",
)
def application_refuse(request: HttpRequest, application_id: int, payload: RefuseIn):
    return _step(request, application_id, services.application_refuse, **payload.dict())


@router.post(
    "/applications/{application_id}/refer_to_county",
    response=responses(ApplicationOut, write=True),
    summary="临时救助超出街道审批权限：报区县民政局审批",
)
def application_refer(request: HttpRequest, application_id: int, payload: ReferIn):
    return _step(request, application_id, services.application_refer_to_county, **payload.dict())


@router.post(
    "/applications/{application_id}/notice_delivered",
    response=responses(ApplicationOut, write=True),
    summary="登记不予批准告知书已送达",
)
def application_notice_delivered(request: HttpRequest, application_id: int, payload: NoticeDeliveredIn):
    return _step(request, application_id, services.application_notice_deliver, **payload.dict())
