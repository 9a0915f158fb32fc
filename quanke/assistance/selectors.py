"""Reads: a household's assessment today (with explanations), the review queue, reviews due.

Everything a worker sees is scoped with ``quanke.core.permissions``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.assistance import parameters
from quanke.assistance.engine import RECEIVABLE_PROGRAMS, EngineError, assess_household, build_system
from quanke.assistance.models import (
    APPLICATION_FINDING_KINDS,
    HOUSEHOLD_BENEFIT_PROGRAMS,
    OPEN_STEPS,
    PROGRAM_ITEMS,
    ApplicationStep,
    AssistanceApplication,
    AssistanceReview,
    Finding,
    FindingStatus,
    ScanRun,
)
from quanke.core import permissions
from quanke.core.audit import audit_read, audited_get
from quanke.core.models import UnitLevel
from quanke.registry import idnumber
from quanke.registry.idnumber import mask_name
from quanke.registry.models import Benefit, Household, Program, Resident

SEX_CODES = {"M": "male", "F": "female"}
# The 两项补贴 amounts are None where the locality has set none (the explanation says it is set locally).
PERSON_PROGRAM_AMOUNT = {
    "tekun": "monthly_basic",
    "gaoling": "monthly_amount",
    "disability_living": "monthly_amount",
    "disability_care": "monthly_amount",
}


def today() -> date:
    return timezone.localdate()


def current_benefits(benefits, on: date) -> list:
    return [b for b in benefits if b.start_date <= on and (b.end_date is None or b.end_date >= on)]


def household_input(
    *, household: Household, members: list[Resident], benefits, on: date, locality: str
) -> dict:
    """The engine's household JSON built from registry rows (members' current benefits give ``receiving``)."""
    receiving = sorted({b.program for b in current_benefits(benefits, on)} & set(RECEIVABLE_PROGRAMS))
    return {
        "locality": locality,
        "date": on.isoformat(),
        "hukou": household.hukou_type,
        "assets_within_limits": household.assets_within_limits,
        "receiving": receiving,
        "members": [
            {
                "id": str(m.pk),
                "label": m.name,
                "birth_date": m.birth_date.isoformat(),
                "sex": SEX_CODES[m.sex],
                "monthly_income": m.monthly_income,
                "disability": (
                    {"kind": m.disability_kind, "grade": m.disability_grade} if m.disability_kind else None
                ),
                "in_school": m.in_school,
                "needs_long_term_care": m.needs_long_term_care,
                "has_capable_supporter": m.has_capable_supporter,
                "hukou_local": m.hukou_local,
            }
            for m in members
        ],
    }


def program_label(program: str) -> str:
    return str(Program(program).label)


def exit_alternatives(result: dict, names: dict[str, str]) -> list[dict]:
    """What else the household may qualify for when it leaves 低保 or is in gradual exit."""
    found = []
    if result["dibao_edge"]["eligible"]:
        found.append({"program": "dibao_edge", "label": program_label("dibao_edge"), "who": _("全户")})
    for member_id, member in result["members"].items():
        for program in ("tekun", "gaoling", "disability_living", "disability_care"):
            if member[program]["eligible"]:
                amount_key = PERSON_PROGRAM_AMOUNT.get(program)
                found.append(
                    {
                        "program": program,
                        "label": program_label(program),
                        "who": names.get(member_id, member_id),
                        "resident_id": int(member_id) if str(member_id).isdigit() else None,
                        "amount": member[program].get(amount_key) if amount_key else None,
                    }
                )
    return found


@dataclass
class MemberAssessment:
    resident: Resident
    age: int
    programs: list[tuple[str, str, dict]]  # (code, label, engine result)


@dataclass
class HouseholdAssessment:
    on: date
    locality: str = ""
    locality_label: str = ""
    result: dict | None = None
    error: str = ""
    receiving: list[str] = field(default_factory=list)
    members: list[MemberAssessment] = field(default_factory=list)
    alternatives: list[dict] = field(default_factory=list)

    @property
    def leaving_dibao(self) -> bool:
        return bool(self.result) and "dibao" in self.receiving and not self.result["dibao"]["eligible"]


def household_assessment(
    *, actor, resident: Resident, on: date | None = None, via: str = ""
) -> HouseholdAssessment:
    """The rules applied today to the resident's household, with the plain-Chinese explanation.

    `via`: the entry point that shows it on its own (core.audit.audit_read), a read of her record; empty where
    it is a panel of a page that has audited the read already (her profile) or an input to a decision."""
    permissions.require(
        permissions.can_view_personal_data(actor) and permissions.unit_in_scope(actor, resident.unit)
    )
    on = on or today()
    if via:
        audit_read(actor=actor, obj=resident, via=via, view="assistance_assessment", on=on)
    household = resident.household
    members = sorted(household.members.all(), key=lambda m: m.pk)
    benefits = list(Benefit.objects.filter(resident__household=household))
    locality = parameters.locality_for_unit(resident.unit)
    view = HouseholdAssessment(on=on, locality=locality)
    overrides = parameters.parameter_overrides()
    try:
        data = household_input(
            household=household, members=members, benefits=benefits, on=on, locality=locality
        )
        view.receiving = data["receiving"]
        view.locality_label = build_system(overrides).get(locality).label
        view.result = assess_household(data, parameters=overrides)
    except EngineError as exc:
        view.error = str(exc)
        return view
    names = {str(m.pk): m.name for m in members}
    for m in members:
        outcome = view.result["members"][str(m.pk)]
        view.members.append(
            MemberAssessment(
                resident=m,
                age=outcome["age"],
                programs=[
                    (code, program_label(code), outcome[code])
                    for code in ("tekun", "gaoling", "disability_living", "disability_care")
                ],
            )
        )
    if view.leaving_dibao:
        view.alternatives = exit_alternatives(view.result, names)
    return view


def stale_parameter_warnings(unit, on: date | None = None) -> list[str]:
    """The warnings every assessment of ``unit``'s locality would carry on ``on`` (the desk's strip): periodically
    revised values (the 低保 standard) whose newest date is more than 12 months back. Empty if none or unknown."""
    from quanke.assistance.engine.staleness import revised_parameters, stale_warnings

    if unit is None:
        return []
    on = on or today()
    try:
        systems = build_system(parameters.parameter_overrides())
        locality = parameters.locality_for_unit(unit)
        return stale_warnings(systems, locality, on.isoformat(), revised_parameters(systems, locality))
    except EngineError:
        return []


# --- Review queue -------------------------------------------------------------------------------------


def findings_for(*, actor, status: str = FindingStatus.OPEN, kind: str = "", program: str = ""):
    if not permissions.can_review_assistance(actor):
        return Finding.objects.none()
    qs = Finding.objects.filter(permissions.unit_scope(actor)).select_related("household", "resident", "unit")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if program:
        qs = qs.filter(program=program)
    return qs.order_by("unit__path", "household__number", "kind", "program", "id")


def finding_get_for(*, actor, pk, via: str = "") -> Finding:
    """The finding if the actor may review it; 404 otherwise. `via` as in registry's resident_get_for: the entry
    point that shows it (one read row, core.audit.audit_read), empty to look it up for a decision."""
    return audited_get(
        findings_for(actor=actor, status="").select_related("decided_by", "first_run", "last_run"),
        pk,
        actor=actor,
        via=via,
        missing="finding not found",
    )


def findings_for_household(*, actor, household: Household):
    return findings_for(actor=actor, status=FindingStatus.OPEN).filter(household=household)


@dataclass(frozen=True)
class ApplicationOffer:
    """A finding's offer to start the application it points to (未诉先办): for whom, which programme, and whether
    this worker may accept it herself (only the desk accepts; others are told to pass it on)."""

    resident: Resident
    program: str
    can_accept: bool


def finding_application_offer(*, actor, finding: Finding) -> ApplicationOffer | None:
    """What the finding page and the API offer when a lead says someone qualifies and does not receive: to
    accept the application with the confirmation (open lead), or afterwards (confirmed lead with none yet)."""
    if finding.kind not in APPLICATION_FINDING_KINDS or finding.program not in PROGRAM_ITEMS:
        return None
    if finding.status not in (FindingStatus.OPEN, FindingStatus.CONFIRMED):
        return None
    resident = finding.resident or household_applicant(finding.household)
    if resident is None or finding.applications.exists():
        return None
    open_already = AssistanceApplication.objects.filter(
        household=finding.household, resident=resident, program=finding.program, step__in=OPEN_STEPS
    ).exists()
    if open_already:
        return None
    return ApplicationOffer(
        resident=resident, program=finding.program, can_accept=permissions.can_take_intake(actor)
    )


def latest_scan() -> ScanRun | None:
    return ScanRun.objects.filter(finished_at__isnull=False).order_by("-started_at", "-id").first()


# --- Reviews due --------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_interval_months(
    household: Household, members: list[Resident], on: date, *, locality: str = ""
) -> int:
    """The locality's review interval (review.interval_months, 12), or review.irregular_income_interval_months
    for households with irregular income and a working-age member (Chongqing 6, 渝民〔2023〕3号; 12 elsewhere)."""
    locality = locality or parameters.locality_for_unit(household.unit)

    def value(path: str) -> int:
        return int(parameters.policy_value(path, on=on, locality=locality))

    if household.irregular_income:
        low, high = value("review.working_age.min"), value("review.working_age.max")
        if any(low <= m.age_on(on) <= high for m in members):
            return value("review.irregular_income_interval_months")
    return value("review.interval_months")


@dataclass
class ReviewDue:
    household: Household
    since: date
    due: date
    interval_months: int
    overdue: bool


def reviews_due(*, actor, on: date | None = None, horizon_days: int = 30) -> list[ReviewDue]:
    """Households on 低保 whose periodic review falls due within ``horizon_days`` (or is overdue)."""
    if not permissions.can_review_assistance(actor):
        return []
    on = on or today()
    current = Q(members__benefits__program=Program.DIBAO, members__benefits__start_date__lte=on) & (
        Q(members__benefits__end_date__isnull=True) | Q(members__benefits__end_date__gte=on)
    )
    households = list(
        Household.objects.filter(permissions.unit_scope(actor))
        .filter(current)
        .annotate(since=Max("members__benefits__start_date", filter=Q(members__benefits__program="dibao")))
        .prefetch_related("members")
        .select_related("unit")
        .distinct()
    )
    last_reviews = dict(
        AssistanceReview.objects.filter(household__in=households, program=Program.DIBAO)
        .values("household")
        .annotate(last=Max("reviewed_on"))
        .values_list("household", "last")
    )
    mapping, default = parameters.locality_by_unit_path()
    due = []
    for household in households:
        since = max(filter(None, [household.since, last_reviews.get(household.pk)]))
        locality = parameters.resolve_path(household.unit.path, mapping, default)
        months = review_interval_months(household, list(household.members.all()), on, locality=locality)
        due_on = add_months(since, months)
        if (due_on - on).days <= horizon_days:
            due.append(
                ReviewDue(
                    household=household, since=since, due=due_on, interval_months=months, overdue=due_on < on
                )
            )
    due.sort(key=lambda item: (item.due, item.household.unit.path, item.household.number))
    return due


def finding_alternatives(finding: Finding) -> list[dict]:
    """The finding's "what else applies" list with names (scoped: members of the finding's own household)."""
    options = (finding.details or {}).get("alternatives") or []
    ids = [o["resident_id"] for o in options if o.get("resident_id")]
    names = dict(Resident.objects.filter(household=finding.household, pk__in=ids).values_list("pk", "name"))
    return [
        {
            **option,
            "label": program_label(option["program"]),
            "who": names.get(option.get("resident_id"), _("全户"))
            if option.get("resident_id")
            else _("全户"),
        }
        for option in options
    ]


# --- Applications -------------------------------------------------------------------------------------


STREET_LIMIT_PATH = "temporary.street_limit"


@dataclass(frozen=True)
class StreetLimit:
    """The street/township's approval limit for 临时救助 on a date; above it the county decides."""

    amount: Decimal
    start: date
    locality_label: str


def temporary_street_limit(unit, on: date) -> StreetLimit | None:
    """The limit in force for ``unit``'s locality on ``on``; None where the locality sets none (then the
    street's authority is not limited by the system)."""
    locality = parameters.locality_for_unit(unit)
    try:
        systems = build_system(parameters.parameter_overrides())
        if not systems.has_parameter(locality, STREET_LIMIT_PATH):
            return None
        value = systems.parameter_value(locality, STREET_LIMIT_PATH, on.isoformat())
    except EngineError:
        return None
    if value is None:
        return None
    return StreetLimit(
        amount=Decimal(str(value.value)).quantize(Decimal("0.01")),
        start=date.fromisoformat(value.start),
        locality_label=systems.get(locality).label,
    )


def county_above(unit):
    """The county (区/县) the unit belongs to, where 临时救助 above the street's limit is approved."""
    return next((u for u in [unit, *unit.ancestors()] if u.level == UnitLevel.COUNTY), None)


def decides_at_street_level(application: AssistanceApplication) -> bool:
    """Whether the office now holding the application's matter is below the county (street or station)."""
    return application.matter.handling_unit.level != UnitLevel.COUNTY


def household_applicant(household: Household) -> Resident | None:
    members = list(household.members.order_by("id"))
    return next((m for m in members if m.relation == "head"), members[0] if members else None)


NOTICE_FILTERS = {
    "pending": _("告知书待送达"),
    "overdue": _("告知书逾期未送达"),
}


def applications_for(*, actor, step: str = "", notice: str = "", on: date | None = None):
    """``notice``: "pending" (refused, written notice not yet delivered) or "overdue" (and past its due date)."""
    if not permissions.can_view_personal_data(actor):
        return AssistanceApplication.objects.none()
    qs = AssistanceApplication.objects.filter(permissions.unit_scope(actor)).select_related(
        "matter", "resident", "household", "unit"
    )
    if step:
        qs = qs.filter(step=step)
    if notice in NOTICE_FILTERS:
        qs = qs.filter(step=ApplicationStep.REFUSED, notice_delivered_on__isnull=True)
        if notice == "overdue":
            qs = qs.filter(notice_due_on__lt=on or today())
    return qs.order_by("-accepted_on", "-id")


def application_get_for(*, actor, pk, via: str = "") -> AssistanceApplication:
    """The application if the actor may see it; 404 otherwise. `via` as in finding_get_for."""
    return audited_get(
        (
            applications_for(actor=actor).select_related(
                "matter__item", "matter__handling_unit", "matter__assigned_to", "decided_by", "finding"
            )
        ),
        pk,
        actor=actor,
        via=via,
        missing="application not found",
    )


def applications_for_resident(*, actor, resident: Resident):
    return applications_for(actor=actor).filter(household=resident.household)


def matter_links(matter) -> list[dict]:
    """Registered in quanke.core.hooks: the application behind a matter, for the matter page."""
    from django.urls import reverse

    app = AssistanceApplication.objects.filter(matter=matter).first()
    if app is None:
        return []
    note = _("入户调查、公示、审核确认与不予批准须在救助申请页办理，办件随之办结。") if app.is_open else ""
    return [
        {
            "label": _("社会救助申请：%(p)s · %(s)s")
            % {"p": app.get_program_display(), "s": app.get_step_display()},
            "url": reverse("assistance:application_detail", args=[app.pk]),
            "note": note,
        }
    ]


def suggested_amount(application: AssistanceApplication) -> Decimal | None:
    """The monthly amount the rules computed at the home investigation, if the programme has one."""
    result = (application.assessment or {}).get("result")
    if not result:
        return None
    if application.program == Program.DIBAO:
        value = result["dibao"]["monthly_amount"]
    else:
        member = result["members"].get(str(application.resident_id), {})
        key = PERSON_PROGRAM_AMOUNT.get(application.program)
        value = member.get(application.program, {}).get(key) if key else None
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


# --- The 公示 sheet ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicityRow:
    """One line of the 公示 sheet: only what the notice may post (masked name and ID number, how many people
    the benefit covers, the amount); never a phone, an address or a special-group tag."""

    application_id: int
    unit: str
    program: str
    name: str
    id_number: str
    covered: int
    amount: Decimal | None
    start: date
    end: date


def publicity_sheet(*, actor, pk: int | None = None, unit_code: str = "") -> list[PublicityRow]:
    """The names and amounts to post for one application (any that went through 公示), or for every application
    now in 公示 in the actor's units (optionally one community). Reading it is audited per application."""
    qs = (
        applications_for(actor=actor)
        .filter(publicity_start__isnull=False)
        .annotate(household_size=Count("household__members"))
        .order_by("unit__path", "publicity_start", "id")
    )
    if pk is not None:
        qs = qs.filter(pk=pk)
    else:
        qs = qs.filter(step=ApplicationStep.PUBLICITY)
        if unit_code:
            qs = qs.filter(unit__code=unit_code)
    applications = list(qs)
    if pk is not None and not applications:
        raise Http404("no publicity for this application")
    rows = []
    for a in applications:
        audit_read(actor=actor, obj=a, via="assistance.publicity_sheet", publicity_start=a.publicity_start)
        rows.append(
            PublicityRow(
                application_id=a.pk,
                unit=a.unit.name,
                program=str(a.get_program_display()),
                name=mask_name(a.resident.name),
                id_number=idnumber.mask(a.resident.id_number),
                covered=a.household_size if a.program in HOUSEHOLD_BENEFIT_PROGRAMS else 1,
                amount=a.monthly_amount if a.step == ApplicationStep.APPROVED else suggested_amount(a),
                start=a.publicity_start,
                end=a.publicity_end,
            )
        )
    return rows
