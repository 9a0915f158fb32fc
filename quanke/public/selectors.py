"""Reads for the residents' pages. Only what a public page may show leaves here: catalog data, and for a verified
progress look-up the masked name, the item, the steps and the deadline (no ID number, phone or address)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from quanke.catalog import selectors as catalog_selectors
from quanke.catalog.models import Category, Item, Material, MaterialCondition
from quanke.core.audit import audit_record
from quanke.core.models import AuditEvent, OrgUnit, UnitLevel
from quanke.intake.selectors import suggest_items
from quanke.matters import checklist
from quanke.matters.models import Action, MaterialState, Matter, Status
from quanke.public.models import Rating, Rectification
from quanke.registry.idnumber import mask_name

# A conditional material, asked as a plain question a resident can answer herself.
CONDITION_QUESTIONS = {
    MaterialCondition.DISABLED: _l("家里有残疾人吗？（申请人是残疾人的）"),
    MaterialCondition.AGE_60_PLUS: _l("申请人满60周岁了吗？"),
    MaterialCondition.AGE_80_PLUS: _l("申请人满80周岁了吗？"),
    MaterialCondition.NON_LOCAL_HUKOU: _l("申请人户口不在本地吗？"),
    MaterialCondition.LOCAL_HUKOU: _l("申请人是本地户口吗？"),
    MaterialCondition.RURAL_HUKOU: _l("申请人是农村户口吗？"),
    MaterialCondition.URBAN_HUKOU: _l("申请人是城镇户口吗？"),
    MaterialCondition.UNDER_18: _l("申请人未满18周岁吗？"),
    MaterialCondition.HAS_DIBAO: _l("家里正在领低保吗？"),
}


# --- stations ----------------------------------------------------------------------------------------------------


def stations():
    """Every community station, for the picker on /m/."""
    return OrgUnit.objects.filter(level=UnitLevel.COMMUNITY).select_related("parent").order_by("path")


def station(code: str) -> OrgUnit | None:
    """The station named in the query string; the only one if there is exactly one; else None (pick one)."""
    qs = OrgUnit.objects.filter(level=UnitLevel.COMMUNITY)
    if code:
        return qs.filter(code=code).first()
    only = list(qs[:2])
    return only[0] if len(only) == 1 else None


@dataclass
class Hours:
    weekdays: str
    evenings: str


def station_hours(unit) -> Hours:
    from quanke.visits.models import StationHours

    hours = StationHours.objects.filter(unit=unit).first()
    start, end = (hours.workday_start, hours.workday_end) if hours else (None, None)
    text = f"{start:%H:%M}–{end:%H:%M}" if start else "08:30–17:30"
    return Hours(
        weekdays=_("工作日 %(t)s（法定节假日除外）") % {"t": text},
        evenings=_("晚间和周末有值班社工，可电话预约上门"),
    )


def station_phone(unit) -> str:
    return unit.phone or settings.STATION_PHONE


# --- 办事指南 ------------------------------------------------------------------------------------------------------


def guide_categories(unit):
    """The station's items by category (items the station switched off are left out)."""
    items = catalog_selectors.items_for_unit(unit)
    return [
        c
        for c in Category.objects.prefetch_related(Prefetch("items", queryset=items, to_attr="visible_items"))
        if c.visible_items
    ]


def guide_search(unit, text: str, *, top: int = 10) -> list[Item]:
    """Items for a resident's own words, in the intake assistant's ranking, without items switched off here."""
    codes = [s.code for s in suggest_items(text, top=top, unit=unit)]
    by_code = {i.code: i for i in catalog_selectors.items_for_unit(unit).filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


@dataclass
class GuideLine:
    name: str
    detail: str
    note: str
    question: str  # empty: everyone brings it


def guide_item(unit, code: str) -> Item | None:
    return (
        catalog_selectors.items_for_unit(unit)
        .filter(code=code)
        .prefetch_related(Prefetch("materials", queryset=Material.objects.order_by("order", "id")))
        .first()
    )


def guide_lines(item) -> list[GuideLine]:
    return [
        GuideLine(
            name=m.name,
            detail=_("%(form)s %(n)s份") % {"form": m.get_form_display(), "n": m.copies},
            note=m.note,
            question=""
            if m.condition == MaterialCondition.ALWAYS
            else str(CONDITION_QUESTIONS.get(m.condition, m.get_condition_display())),
        )
        for m in item.materials.all()
    ]


def where_handled(item, unit) -> str:
    station_name = unit.station_name or unit.name
    if item.handling == "on_spot":
        return _("%(s)s窗口，材料齐全当场办结") % {"s": station_name}
    if item.handling == "refused":
        return _("社区不予出具")
    dept = f"（{item.route_department}）" if item.route_department else ""
    return _("%(s)s窗口受理，由%(level)s%(dept)s办理") % {
        "s": station_name,
        "level": item.get_route_level_display(),
        "dept": dept,
    }


def notice_context(item, unit) -> dict:
    """The context of the staff one-time notice template (matters/notice.html), for nobody in particular."""
    day = timezone.localdate()
    limit = item.time_limit_days if item.handling == "routed" else None
    return {
        "item": item,
        "resident": None,
        "applicant": "",
        "unit": unit,
        "matter": None,
        "lines": checklist.resolve(item, None, on=day),
        "day": day,
        "limit": limit,
        "due": None,
        "where": where_handled(item, unit),
        "phone": station_phone(unit),
        "id_masked": "",
        "for_pdf": True,
    }


# --- 办件进度查询 -------------------------------------------------------------------------------------------------


def _last4(value: str) -> str:
    value = (value or "").strip().upper()
    return value[-4:] if len(value) >= 4 else ""


def matter_for_lookup(code: str, last4: str) -> Matter | None:
    """The matter whose applicant's phone or ID number ends in `last4`; None for a wrong code or wrong digits
    (the caller cannot tell which, so nothing is learnt from a failure)."""
    matter = (
        Matter.objects.select_related("item", "unit", "handling_unit", "resident")
        .filter(tracking_code=code.strip().upper())
        .first()
    )
    if matter is None:
        return None
    candidates = {_last4(matter.applicant_phone)}
    if matter.resident_id:
        candidates |= {_last4(matter.resident.phone), _last4(matter.resident.id_number)}
    candidates.discard("")
    return matter if last4.upper() in candidates else None


def audit_lookup(*, matter: Matter | None, code: str, ip: str | None, outcome: str, via: str) -> None:
    """Every look-up, found or not, is one row of the trail with an anonymous actor."""
    if matter is not None:
        audit_record(
            actor=None,
            action=AuditEvent.Action.READ,
            obj=matter,
            changes={"via": via, "ip": ip, "outcome": outcome, "resident": matter.resident_id},
            actor_username="public",
        )
    else:
        audit_record(
            actor=None,
            action=AuditEvent.Action.READ,
            object_type="public.lookup",
            changes={"via": via, "ip": ip, "outcome": outcome, "q": code[:20]},
            actor_username="public",
        )


@dataclass
class Step:
    label: str
    state: str  # done / current / todo / skipped
    when: datetime | None = None
    note: str = ""


@dataclass
class Progress:
    matter: Matter
    name: str
    status_text: str
    steps: list[Step]
    due: date | None
    due_estimated: bool
    missing: list[str]
    missing_note: str
    phone: str
    where: str
    closed: bool
    result: str
    rating: Rating | None = None
    rectification: object = None
    can_rate: bool = False
    extra: dict = field(default_factory=dict)


PLAIN_STATUS = {
    Status.ACCEPTED: _l("已受理，等待办理"),
    Status.ON_SPOT: _l("已当场办结"),
    Status.ROUTED: _l("已流转到承办单位，等待办理"),
    Status.IN_PROGRESS: _l("正在办理"),
    Status.AWAITING_MATERIALS: _l("待补正：请补交材料"),
    Status.RETURNED: _l("已退回服务站窗口处理"),
    Status.FINISHED: _l("已办结"),
    Status.REFUSED: _l("不予受理"),
    Status.WITHDRAWN: _l("已撤回"),
}
RATEABLE = (Status.ON_SPOT, Status.FINISHED, Status.REFUSED)


def progress(matter: Matter) -> Progress:
    events = list(matter.events.order_by("at", "id"))
    first = {}
    for e in events:
        first.setdefault(e.action, e)
    closed = not matter.is_open
    on_spot = matter.status == Status.ON_SPOT
    claim = first.get(Action.CLAIM)
    steps = [Step(_("受理"), "done", matter.accepted_at, matter.item.name)]
    if on_spot:
        steps.append(Step(_("流转"), "skipped", None, _("当场办结，无需流转")))
        steps.append(Step(_("办理"), "done", matter.closed_at))
    else:
        routed = bool(matter.routed_at)
        if routed:
            steps.append(Step(_("流转"), "done", matter.routed_at, matter.handling_unit.name))
        else:
            steps.append(Step(_("流转"), "skipped" if closed else "todo", None, ""))
        handling_state = (
            "done" if closed else ("current" if matter.status != Status.ACCEPTED or routed else "todo")
        )
        steps.append(Step(_("办理"), handling_state, claim.at if claim else None))
    steps.append(
        Step(
            _("办结"),
            "done" if closed else "todo",
            matter.closed_at,
            PLAIN_STATUS[matter.status] if closed else "",
        )
    )
    missing, missing_note = [], ""
    if matter.status == Status.AWAITING_MATERIALS:
        missing = list(matter.materials.filter(state=MaterialState.MISSING).values_list("name", flat=True))
        ask = [e for e in events if e.action == Action.REQUEST_MATERIALS]
        missing_note = ask[-1].note if ask else ""
    rating = Rating.objects.filter(matter=matter).select_related("rectification").first()
    rectification = getattr(rating, "rectification", None) if rating else None
    return Progress(
        matter=matter,
        name=mask_name(matter.applicant),
        status_text=str(PLAIN_STATUS[matter.status]),
        steps=steps,
        due=matter.due_date if matter.is_open else None,
        due_estimated=matter.due_estimated,
        missing=missing,
        missing_note=missing_note,
        phone=matter.handling_unit.phone or station_phone(matter.unit),
        where=matter.unit.station_name or matter.unit.name,
        closed=closed,
        result=matter.result_note if matter.status in (Status.REFUSED,) else "",
        rating=rating,
        rectification=rectification,
        can_rate=matter.status in RATEABLE and rating is None,
    )


def matter_for_rating(pk: int) -> Matter | None:
    return Matter.objects.select_related("item", "unit").filter(pk=pk).first()


def rectifications_for(*, actor):
    """The 整改 follow-ups of the actor's unit and the units below it (a station head: her station's)."""
    from quanke.core import permissions

    qs = Rectification.objects.select_related("rating__matter__item", "rating__matter__resident", "unit")
    if not permissions.can_view_rectifications(actor):
        return qs.none()
    return qs.filter(unit__path__startswith=actor.unit.path)
