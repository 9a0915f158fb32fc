"""Reads for home visits, scoped to the actor. Who received a sensitive supply is masked or audited here."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from quanke.core import permissions
from quanke.core.audit import audit_read, audit_record, audited_get
from quanke.core.models import AuditEvent, UnitLevel
from quanke.registry import selectors as registry_selectors
from quanke.registry.models import Household, Resident
from quanke.visits import schedule
from quanke.visits.models import (
    Booking,
    BookingKind,
    BookingStatus,
    DutyShift,
    MovementKind,
    PlanEntry,
    StockBalance,
    StockMovement,
    SupplyItem,
    Visit,
    VisitNeed,
    VisitPlan,
)


def stations_for(*, actor):
    return permissions.units_for(actor).filter(level=UnitLevel.COMMUNITY)


def station_get_for(*, actor, pk):
    unit = stations_for(actor=actor).filter(pk=pk).first()
    if unit is None:
        raise Http404("station not found")
    return unit


def default_station(actor):
    if actor.unit and actor.unit.level == UnitLevel.COMMUNITY:
        return actor.unit
    return stations_for(actor=actor).first()


# Bookings ----------------------------------------------------------------------------------------------------------


# A picker shows a few matches to choose from, never the community's register.
RESIDENT_PICKER_LIMIT = 12


def station_residents(*, actor, unit):
    """Residents a booking at this station may name: the actor's scope, and the station's own community."""
    return registry_selectors.residents_for(actor=actor).filter(unit=unit)


def household_address_of(*, actor, unit, raw: str, via: str) -> str:
    """The household address of a resident picked at this station (in the actor's scope), as an audited read of
    personal data; empty when nobody valid is picked."""
    residents = station_residents(actor=actor, unit=unit)
    resident = residents.filter(pk=raw).select_related("household").first() if raw.isdigit() else None
    if resident is None or resident.household is None:
        return ""
    audit_read(actor=actor, obj=resident, via=via)
    return resident.household.address


def resident_picker(*, actor, unit, query: str) -> tuple[list[Resident], bool]:
    """The booking form's search-as-you-type matches (ID/phone fragment, name, pinyin or its initials), and
    whether there were more than the picker shows."""
    query = (query or "").strip()
    if not query:
        return [], False
    qs = registry_selectors.resident_search(actor=actor, query=query).filter(unit=unit)
    rows = list(qs.order_by("name", "id")[: RESIDENT_PICKER_LIMIT + 1])
    return rows[:RESIDENT_PICKER_LIMIT], len(rows) > RESIDENT_PICKER_LIMIT


def bookings_for(*, actor):
    return Booking.objects.filter(permissions.unit_scope(actor)).select_related(
        "worker", "item", "unit", "resident"
    )


def booking_get_for(*, actor, pk, via: str = "") -> Booking:
    """The booking if the actor may see it; 404 otherwise. `via` names the entry point that shows it (one read
    row, core.audit.audit_read); empty only to look it up for a write, which its service audits."""
    return audited_get(bookings_for(actor=actor), pk, actor=actor, via=via, missing="booking not found")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    return schedule.at_local(day, time(0)), schedule.at_local(day + timedelta(days=1), time(0))


def my_bookings_on(*, actor, day: date):
    start, end = day_bounds(day)
    return (
        bookings_for(actor=actor)
        .filter(worker=actor, slot_start__gte=start, slot_start__lt=end, status=BookingStatus.BOOKED)
        .order_by("slot_start")
    )


# Duty roster -------------------------------------------------------------------------------------------------------


def duty_week(*, unit, week: date) -> list[dict]:
    monday = schedule.week_start(week)
    shifts = defaultdict(list)
    for s in DutyShift.objects.filter(
        unit=unit, date__gte=monday, date__lt=monday + timedelta(days=7)
    ).select_related("worker"):
        shifts[s.date].append(s)
    days = []
    for i in range(7):
        day = monday + timedelta(days=i)
        days.append(
            {
                "date": day,
                "workday": schedule.workdays.is_workday(day),
                "shifts": shifts.get(day, []),
                "weekday": i,
            }
        )
    return days


def on_duty_panel(*, actor) -> dict | None:
    """Who is on duty at the actor's station right now (for the desk and the workbench)."""
    if not permissions.can_view_personal_data(actor):
        return None
    unit = default_station(actor)
    if unit is None:
        return None
    return {
        "unit": unit,
        "shifts": schedule.on_duty_now(unit),
        "working_hours": schedule.in_working_hours(unit),
        "hours": schedule.hours_for(unit),
    }


# Visits ------------------------------------------------------------------------------------------------------------


def visits_for(*, actor):
    return Visit.objects.filter(permissions.unit_scope(actor)).select_related("household", "worker", "unit")


def visit_get_for(*, actor, pk, via: str = "") -> Visit:
    """The visit record if the actor may see it; 404 otherwise. `via` as in booking_get_for."""
    return audited_get(
        (
            visits_for(actor=actor)
            .prefetch_related("met", "needs__item", "needs__resident")
            .select_related("booking", "bp_resident")
        ),
        pk,
        actor=actor,
        via=via,
        missing="visit not found",
    )


def visit_need_get_for(*, actor, pk) -> VisitNeed:
    """A need found at a visit the actor may read; 404 otherwise."""
    need = (
        VisitNeed.objects.filter(visit__in=visits_for(actor=actor))
        .select_related("visit__unit")
        .filter(pk=pk)
        .first()
    )
    if need is None:
        raise Http404("need not found")
    return need


def household_get_for(*, actor, pk, via: str = "") -> Household:
    """The household with its members if the actor may see it; 404 otherwise. `via` names the page that shows
    its members (one read row, core.audit.audit_read); empty when a post only records against it."""
    household = (
        Household.objects.filter(permissions.unit_scope(actor))
        .select_related("unit")
        .prefetch_related(
            Prefetch("members", queryset=Resident.objects.order_by("id").prefetch_related("tags"))
        )
        .filter(pk=pk)
        .first()
    )
    if household is None:
        raise Http404("household not found")
    if via:
        audit_read(actor=actor, obj=household, via=via)
    return household


def _visits_hiding_a_recipient(*, actor, visit_ids) -> set[int]:
    """Visits in which a sensitive supply the actor may not see was handed out. In a ledger every line of such a
    visit hides its recipient: a named line beside a hidden one (same visit, same minute) would name both."""
    if not visit_ids:
        return set()
    sensitive = StockMovement.objects.filter(
        visit_id__in=visit_ids, kind=MovementKind.HANDOUT, supply__sensitive=True
    ).select_related("supply")
    return {m.visit_id for m in sensitive if not permissions.can_view_sensitive_supply(actor, m.supply)}


def visible_handouts(*, actor, movements, ledger: bool = False) -> list[dict]:
    """Hand-out lines as the actor may see them. Sensitive lines: full to those allowed (and the read is audited),
    hidden entirely from others on a visit or a profile (`allowed` false) or shown without the recipient in the
    ledger (`ledger=True`), where every other line of the same visit hides its recipient too (`show_recipient`)."""
    movements = list(movements)
    masked = (
        _visits_hiding_a_recipient(actor=actor, visit_ids={m.visit_id for m in movements if m.visit_id})
        if ledger
        else set()
    )
    rows, audited = [], []
    for m in movements:
        allowed = permissions.can_view_sensitive_supply(actor, m.supply)
        show = m.kind == MovementKind.HANDOUT and allowed and m.visit_id not in masked
        if m.supply.sensitive and show:
            audited.append(m)
        rows.append({"m": m, "allowed": allowed, "show_recipient": show})
    if audited:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.READ_SENSITIVE,
            object_type="visits.stockmovement",
            unit=audited[0].unit,
            changes={
                "handouts": [m.pk for m in audited],
                "supplies": sorted({m.supply.code for m in audited}),
            },
        )
    return rows


def visit_handouts(*, actor, visit: Visit) -> list[dict]:
    movements = visit.handouts.select_related("supply", "resident", "unit").order_by("id")
    return [r for r in visible_handouts(actor=actor, movements=movements) if r["allowed"]]


def resident_visits(*, actor, resident, limit: int = 20) -> list[dict]:
    """The household's visits for the resident profile, with the hand-outs the actor may see."""
    visits = list(
        visits_for(actor=actor)
        .filter(household_id=resident.household_id)
        .prefetch_related("needs")
        .order_by("-visited_at")[:limit]
    )
    movements = (
        StockMovement.objects.filter(visit__in=visits, kind=MovementKind.HANDOUT)
        .select_related("supply", "resident", "unit")
        .order_by("id")
    )
    by_visit = defaultdict(list)
    for row in visible_handouts(actor=actor, movements=movements):
        if row["allowed"]:
            by_visit[row["m"].visit_id].append(row["m"])
    return [{"visit": v, "handouts": by_visit.get(v.pk, [])} for v in visits]


@dataclass
class OverdueRow:
    household: Household
    tags: list[str]
    interval: int
    last: date | None
    days_overdue: int


def overdue_households(*, actor, unit, today: date | None = None, via: str = "") -> list[OverdueRow]:
    """Special-group households not visited within their shortest tag interval (or never), most overdue first.

    Only the tags the actor may use count (permissions.can_use_tag): a household due only because of a sensitive
    tag she may not see is not on her list, and its interval is that of the tags she sees, so the list tells
    nothing about a hidden tag. Those households are on the lists of the head and the specialty that may see it.
    Shown through `via` (a page), a list naming a sensitive tag writes one READ_SENSITIVE row; a count does not.
    """
    from quanke.registry.models import Tag
    from quanke.visits import planning

    today = today or timezone.localdate()
    tags = planning.special_tags_by_household(unit)
    lasts = planning.last_visits(unit)
    usable = {t.code for t in permissions.usable_tags(actor, Tag.objects.all())}
    due, sensitive = [], {}
    for hh_id, all_tags in tags.items():
        hh_tags = [t for t in all_tags if t[0] in usable]
        if not hh_tags:
            continue
        interval = min(t[3] for t in hh_tags)
        last = lasts.get(hh_id)
        days_overdue = (today - last).days - interval if last else interval
        if last is None or days_overdue > 0:
            names = [t[1] for t in hh_tags]
            if any(t[4] for t in hh_tags):
                sensitive[hh_id] = sorted(t[0] for t in hh_tags if t[4])
            due.append((hh_id, names, interval, last, days_overdue if last else 10**6))
    households = Household.objects.in_bulk([d[0] for d in due])
    rows = [
        OverdueRow(households[h], names, interval, last, 0 if d >= 10**6 else d)
        for h, names, interval, last, d in due
        if h in households
    ]
    rows.sort(key=lambda r: (r.last is not None, -r.days_overdue, planning.route_key(r.household)))
    if via and sensitive:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.READ_SENSITIVE,
            obj=unit,
            unit=unit,
            changes={
                "via": via,
                "tags": sorted({c for codes in sensitive.values() for c in codes}),
                "household": sorted(sensitive),
            },
        )
    return rows


def visit_stats(*, actor, units, start: date, end: date) -> dict:
    """Counts for statistics (no personal data): visits, special-group visits (the household as it was when
    visited, Visit.special_group), per community, blood-pressure flags; and per worker, by name, only for the
    communities whose worker figures the actor may see (permissions.can_view_worker_statistics: the station head
    of that community and the administrator). `per_worker` is None when she may see none."""
    lo, hi = day_bounds(start)[0], day_bounds(end)[1]
    qs = Visit.objects.filter(unit__in=units, visited_at__gte=lo, visited_at__lt=hi)
    total = qs.count()
    special = qs.filter(special_group=True).count()
    named = [u for u in units if permissions.can_view_worker_statistics(actor, u)]
    per_worker = (
        list(
            qs.filter(unit__in=named)
            .values("worker__full_name", "worker__username", "unit__name")
            .annotate(n=Count("id"))
            .order_by("unit__name", "-n")
        )
        if named
        else None
    )
    high_bp = qs.filter(Q(systolic__gte=140) | Q(diastolic__gte=90)).count()
    households = qs.values("household").distinct().count()
    per_unit = list(
        qs.values("unit__name").annotate(n=Count("id"), last=Max("visited_at")).order_by("unit__name")
    )
    return {
        "total": total,
        "special": special,
        "households": households,
        "high_bp": high_bp,
        "per_worker": per_worker,
        "per_unit": per_unit,
    }


# Plans -------------------------------------------------------------------------------------------------------------


def plans_for(*, actor):
    return VisitPlan.objects.filter(permissions.unit_scope(actor)).select_related("unit", "approved_by")


def plan_get_for(*, actor, pk) -> VisitPlan:
    plan = plans_for(actor=actor).filter(pk=pk).first()
    if plan is None:
        raise Http404("plan not found")
    return plan


def plan_entries(plan: VisitPlan):
    return plan.entries.select_related("worker", "household").order_by("worker_id", "-score", "household_id")


def plan_by_worker(plan: VisitPlan, *, route: bool = False) -> list[dict]:
    from quanke.visits import planning

    groups = defaultdict(list)
    workers = {}
    visited = set(Visit.objects.filter(plan_entry__plan=plan).values_list("plan_entry_id", flat=True))
    for e in plan_entries(plan):
        groups[e.worker_id].append(e)
        workers[e.worker_id] = e.worker
        e.done = e.pk in visited
    result = []
    for worker_id in sorted(groups):
        entries = groups[worker_id]
        if route:
            entries.sort(key=lambda e: planning.route_key(e.household))
            buildings = defaultdict(list)
            for e in entries:
                buildings[e.household.building or "—"].append(e)
            grouped = list(buildings.items())
        else:
            grouped = None
        result.append(
            {
                "worker": workers[worker_id],
                "entries": entries,
                "count": len(entries),
                "done": sum(1 for e in entries if e.done),
                "buildings": grouped,
            }
        )
    return result


def my_plan_entries(*, actor, month: date):
    return (
        PlanEntry.objects.filter(plan__unit=actor.unit, plan__month=month.replace(day=1), worker=actor)
        .select_related("household", "plan")
        .order_by("household__building", "household__address")
    )


# Stock -------------------------------------------------------------------------------------------------------------


def supplies():
    return SupplyItem.objects.filter(active=True).order_by("order", "code")


def stock_table(*, unit) -> dict:
    """{"supplies": [...], "station": {supply_id: qty}, "kits": [(worker, {supply_id: qty})]}."""
    items = list(supplies())
    station, kits = {}, defaultdict(dict)
    workers = {w.pk: w for w in schedule.station_workers(unit)}
    for b in StockBalance.objects.filter(unit=unit).select_related("worker"):
        if b.worker_id is None:
            station[b.supply_id] = b.quantity
        else:
            workers.setdefault(b.worker_id, b.worker)
            kits[b.worker_id][b.supply_id] = b.quantity
    return {
        "supplies": items,
        "station": station,
        "kits": [(w, kits.get(wid, {})) for wid, w in sorted(workers.items())],
    }


def low_stock(*, unit) -> list[dict]:
    """Supplies below their alert line in the station store, or in a kit that holds any stock of it."""
    table = stock_table(unit=unit)
    alerts = []
    for s in table["supplies"]:
        qty = table["station"].get(s.pk, 0)
        if qty < s.low_stock_station:
            alerts.append({"supply": s, "where": None, "quantity": qty, "threshold": s.low_stock_station})
        for worker, kit in table["kits"]:
            if s.pk in kit and kit[s.pk] < s.low_stock_kit:
                alerts.append(
                    {"supply": s, "where": worker, "quantity": kit[s.pk], "threshold": s.low_stock_kit}
                )
    return alerts


def ledger(*, actor, unit, supply=None, kind: str = ""):
    qs = StockMovement.objects.filter(unit=unit).select_related(
        "supply", "worker", "resident", "actor", "unit", "visit"
    )
    if supply is not None:
        qs = qs.filter(supply=supply)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-at", "-id")


def kit_for(*, worker) -> list[dict]:
    rows = {b.supply_id: b.quantity for b in StockBalance.objects.filter(worker=worker)}
    return [{"supply": s, "quantity": rows.get(s.pk, 0)} for s in supplies()]


# --- the resident's own booking (quanke.public: the signed link in her confirmation stands for her phone) ---------

BOOKING_KINDS = BookingKind.choices


def booking_for_resident_link(pk: int) -> Booking | None:
    """The booking a signed link names; each showing audited (no actor: the link's holder)."""
    booking = Booking.objects.select_related("unit", "item", "worker").filter(pk=pk).first()
    if booking is not None:
        audit_read(actor=None, obj=booking, via="public.booking_manage")
    return booking


def booking_changeable(booking: Booking, *, now: datetime | None = None) -> bool:
    return booking.status == BookingStatus.BOOKED and booking.slot_start > (now or timezone.now())
