"""Home-visit pages: thin views over selectors and services."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanke.catalog.selectors import items_for_unit
from quanke.core import permissions
from quanke.core.models import User
from quanke.registry import selectors as registry_selectors
from quanke.visits import integration, schedule, selectors, services
from quanke.visits.forms import BookingForm, CancelForm, DutyShiftForm, ReassignForm, StockForm, VisitForm
from quanke.visits.models import MovementKind, PlanStatus, SupplyItem


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _station(request):
    """The station the page is about: ?unit= within the actor's scope, else her own community."""
    raw = request.GET.get("unit") or request.POST.get("unit")
    if raw and raw.isdigit():
        return selectors.station_get_for(actor=request.user, pk=int(raw))
    unit = selectors.default_station(request.user)
    if unit is None:
        raise Http404("no station")
    return unit


def _workers_qs(unit):
    return User.objects.filter(pk__in=[w.pk for w in schedule.station_workers(unit)]).order_by("id")


def _day(raw, default: date) -> date:
    return parse_date(raw or "") or default


def _month(raw, default: date) -> date:
    try:
        y, m = (int(x) for x in (raw or "").split("-")[:2])
        return date(y, m, 1)
    except (ValueError, TypeError):
        return default.replace(day=1)


# Visits home ---------------------------------------------------------------------------------------------------------


@login_required
def index(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    today = timezone.localdate()
    unit = selectors.default_station(request.user)
    return render(
        request,
        "visits/index.html",
        {
            "unit": unit,
            "today": today,
            "bookings": selectors.my_bookings_on(actor=request.user, day=today),
            "entries": selectors.my_plan_entries(actor=request.user, month=today) if unit else [],
            "kit": selectors.kit_for(worker=request.user),
            "can_manage": permissions.can_manage_visits(request.user),
        },
    )


# Bookings ----------------------------------------------------------------------------------------------------------


@login_required
def booking_list(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    unit = _station(request)
    day = _day(request.GET.get("day"), timezone.localdate())
    start, end = selectors.day_bounds(day)
    rows = (
        selectors.bookings_for(actor=request.user)
        .filter(unit=unit, slot_start__gte=start, slot_start__lt=start + timedelta(days=7))
        .order_by("slot_start", "worker_id")
    )
    return render(
        request,
        "visits/booking_list.html",
        {
            "unit": unit,
            "day": day,
            "rows": rows,
            "prev": day - timedelta(days=7),
            "next": day + timedelta(days=7),
        },
    )


@login_required
def booking_new(request):
    permissions.require(permissions.can_book_visits(request.user))
    unit = _station(request)
    initial = {"day": _day(request.GET.get("day"), timezone.localdate())}
    if request.GET.get("resident", "").isdigit():
        # The caller's fields are shown filled with her full phone and address: a read of personal data.
        # (A post keeps ?resident= in its URL but shows what was posted, so it is not read again.)
        resident = registry_selectors.resident_get_for(
            actor=request.user,
            pk=int(request.GET["resident"]),
            via="visits.booking" if request.method == "GET" else "",
        )
        initial.update(
            resident=resident,
            caller_name=resident.name,
            caller_phone=resident.phone,
            address=resident.household.address,
        )
    # "查找" without JavaScript posts the whole form back: show the matches, keep what was typed, save nothing.
    finding = request.method == "POST" and "find_resident" in request.POST
    resident_q = request.POST.get("resident_q", "").strip() if finding else ""
    form = BookingForm(
        None if finding else (request.POST or None),
        initial=request.POST.dict() if finding else initial,
        residents=selectors.station_residents(actor=request.user, unit=unit),
        items=items_for_unit(unit),
        workers=_workers_qs(unit),
    )
    if request.method == "POST" and not finding and form.is_valid():
        d = form.cleaned_data
        try:
            booking = services.booking_create(
                actor=request.user,
                unit=unit,
                slot_start=d["slot"],
                worker=d["worker"],
                caller_name=d["caller_name"],
                caller_phone=d["caller_phone"],
                address=d["address"],
                item=d["item"],
                request_text=d["request_text"],
                preferred_time=d["preferred_time"],
                resident=d["resident"],
                note=d["note"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("已预约：%(when)s，由%(worker)s上门。提醒已发送给居民和社工。")
                % {"when": services._slot_text(booking), "worker": booking.worker.display_name},
            )
            return redirect("visits:booking_detail", pk=booking.pk)
    day = form["day"].value()
    day = _day(day if isinstance(day, str) else (day.isoformat() if day else ""), timezone.localdate())
    rows, more = selectors.resident_picker(actor=request.user, unit=unit, query=resident_q)
    return render(
        request,
        "visits/booking_form.html",
        {
            "form": form,
            "unit": unit,
            "slots": schedule.available_slots(unit, day),
            "day": day,
            "selected": request.POST.get("slot", ""),
            "chosen": form.chosen_resident(),
            "resident_q": resident_q,
            "rows": rows,
            "more": more,
        },
    )


@login_required
def booking_residents(request):
    """htmx partial: the booking form's resident matches, the station's own residents only, masked."""
    permissions.require(permissions.can_book_visits(request.user))
    unit = _station(request)
    query = request.GET.get("resident_q", "").strip()
    rows, more = selectors.resident_picker(actor=request.user, unit=unit, query=query)
    return render(request, "visits/_resident_picker.html", {"rows": rows, "more": more, "query": query})


@login_required
def booking_slots(request):
    """htmx partial: the free slots of a day."""
    permissions.require(permissions.can_book_visits(request.user))
    unit = _station(request)
    day = _day(request.GET.get("day"), timezone.localdate())
    return render(
        request,
        "visits/_slots.html",
        {"slots": schedule.available_slots(unit, day), "day": day, "selected": request.GET.get("slot", "")},
    )


@login_required
def booking_detail(request, pk):
    permissions.require(permissions.can_view_personal_data(request.user))
    booking = selectors.booking_get_for(actor=request.user, pk=pk, via="web")
    can_manage = permissions.can_manage_visits(request.user)
    reassign = (
        ReassignForm(workers=_workers_qs(booking.unit).exclude(pk=booking.worker_id)) if can_manage else None
    )
    return render(
        request,
        "visits/booking_detail.html",
        {
            "b": booking,
            "reassign": reassign,
            "cancel": CancelForm(),
            "can_manage": can_manage,
            "can_record": permissions.can_record_visit(request.user, booking.unit),
            "notifications": integration.notifications_about(booking),
        },
    )


@login_required
@require_POST
def booking_reassign(request, pk):
    permissions.require(permissions.can_manage_visits(request.user))
    booking = selectors.booking_get_for(actor=request.user, pk=pk)
    form = ReassignForm(request.POST, workers=_workers_qs(booking.unit))
    if form.is_valid():
        try:
            services.booking_reassign(
                actor=request.user,
                booking=booking,
                worker=form.cleaned_data["worker"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已改派给%(name)s。") % {"name": booking.worker.display_name})
    else:
        messages.error(request, _("请选择社工。"))
    return redirect("visits:booking_detail", pk=pk)


@login_required
@require_POST
def booking_cancel(request, pk):
    permissions.require(permissions.can_book_visits(request.user))
    booking = selectors.booking_get_for(actor=request.user, pk=pk)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请填写取消原因。"))
        services.booking_cancel(actor=request.user, booking=booking, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("预约已取消，已通知居民和社工。"))
    return redirect("visits:booking_detail", pk=pk)


@login_required
@require_POST
def booking_no_show(request, pk):
    booking = selectors.booking_get_for(actor=request.user, pk=pk)
    try:
        services.booking_no_show(actor=request.user, booking=booking, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("visits:booking_detail", pk=pk)


# Duty roster -------------------------------------------------------------------------------------------------------


@login_required
def duty_week(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    unit = _station(request)
    week = schedule.week_start(_day(request.GET.get("week"), timezone.localdate()))
    can_manage = permissions.can_manage_visits(request.user) and permissions.unit_in_scope(request.user, unit)
    form = DutyShiftForm(
        request.POST or None,
        workers=_workers_qs(unit),
        initial={"date": week + timedelta(days=5), "start": "09:00", "end": "21:00"},
    )
    if request.method == "POST":
        permissions.require(can_manage)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.duty_shift_add(
                    actor=request.user,
                    unit=unit,
                    worker=d["worker"],
                    day=d["date"],
                    start=d["start"],
                    end=d["end"],
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("已添加值班。"))
                return redirect(f"{request.path}?unit={unit.pk}&week={schedule.week_start(d['date'])}")
    return render(
        request,
        "visits/duty_week.html",
        {
            "unit": unit,
            "week": week,
            "days": selectors.duty_week(unit=unit, week=week),
            "hours": schedule.hours_for(unit),
            "form": form,
            "can_manage": can_manage,
            "prev": week - timedelta(days=7),
            "next": week + timedelta(days=7),
            "stations": selectors.stations_for(actor=request.user),
        },
    )


@login_required
@require_POST
def duty_fill(request):
    unit = _station(request)
    week = schedule.week_start(_day(request.POST.get("week"), timezone.localdate()))
    try:
        created = services.duty_week_fill(actor=request.user, unit=unit, week=week)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已排班 %(n)d 个班次。") % {"n": len(created)})
    return redirect(f"/visits/duty/?unit={unit.pk}&week={week}")


@login_required
@require_POST
def duty_remove(request, pk):
    from quanke.visits.models import DutyShift

    permissions.require(permissions.can_manage_visits(request.user))
    shift = DutyShift.objects.filter(permissions.unit_scope(request.user), pk=pk).first()
    if shift is None:
        raise Http404("shift not found")
    unit, week = shift.unit, schedule.week_start(shift.date)
    try:
        services.duty_shift_remove(actor=request.user, shift=shift)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已删除值班。"))
    return redirect(f"/visits/duty/?unit={unit.pk}&week={week}")


# Plans -------------------------------------------------------------------------------------------------------------


@login_required
def plan_list(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    unit = _station(request)
    today = timezone.localdate()
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    if request.method == "POST":
        month = _month(request.POST.get("month"), next_month)
        try:
            plan = services.plan_generate(actor=request.user, unit=unit, month=month)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request, _("已生成%(m)s走访计划草稿，请调整后审定。") % {"m": month.strftime("%Y年%m月")}
            )
            return redirect("visits:plan_detail", pk=plan.pk)
    return render(
        request,
        "visits/plan_list.html",
        {
            "unit": unit,
            "plans": selectors.plans_for(actor=request.user).filter(unit=unit),
            "this_month": today.replace(day=1),
            "next_month": next_month,
            "can_manage": permissions.can_manage_visits(request.user),
        },
    )


@login_required
def plan_detail(request, pk):
    permissions.require(permissions.can_view_personal_data(request.user))
    plan = selectors.plan_get_for(actor=request.user, pk=pk)
    can_manage = permissions.can_manage_visits(request.user) and plan.status == PlanStatus.DRAFT
    groups = selectors.plan_by_worker(plan)
    return render(
        request,
        "visits/plan_detail.html",
        {
            "plan": plan,
            "groups": groups,
            "total": sum(g["count"] for g in groups),
            "workers": schedule.station_workers(plan.unit),
            "can_manage": can_manage,
            "can_approve": permissions.can_manage_visits(request.user),
            "lo": services_settings("VISIT_PLAN_MIN_PER_WORKER"),
            "hi": services_settings("VISIT_PLAN_MAX_PER_WORKER"),
        },
    )


def services_settings(name):
    from django.conf import settings

    return getattr(settings, name)


@login_required
def plan_route(request, pk):
    permissions.require(permissions.can_view_personal_data(request.user))
    plan = selectors.plan_get_for(actor=request.user, pk=pk)
    groups = selectors.plan_by_worker(plan, route=True)
    if request.GET.get("worker", "").isdigit():
        groups = [g for g in groups if g["worker"].pk == int(request.GET["worker"])]
    return render(request, "visits/plan_route.html", {"plan": plan, "groups": groups})


@login_required
@require_POST
def plan_adjust(request, pk):
    permissions.require(permissions.can_manage_visits(request.user))
    plan = selectors.plan_get_for(actor=request.user, pk=pk)
    op = request.POST.get("op", "")
    workers = {str(w.pk): w for w in schedule.station_workers(plan.unit)}
    try:
        if op == "approve":
            services.plan_approve(actor=request.user, plan=plan)
            messages.success(request, _("计划已审定。"))
        elif op == "reopen":
            services.plan_reopen(actor=request.user, plan=plan)
            messages.success(request, _("计划已退回草稿，可以调整。"))
        elif op in ("move", "remove"):
            entry = plan.entries.filter(pk=request.POST.get("entry") or 0).first()
            if entry is None:
                raise Http404("entry not found")
            if op == "move":
                worker = workers.get(request.POST.get("worker", ""))
                if worker is None:
                    raise ValidationError(_("请选择社工。"))
                services.plan_entry_move(actor=request.user, entry=entry, worker=worker)
            else:
                services.plan_entry_remove(actor=request.user, entry=entry)
        elif op == "add":
            number = request.POST.get("household", "").strip()
            household = (
                registry_selectors.households_for(actor=request.user)
                .filter(unit=plan.unit, number=number)
                .first()
            )
            worker = workers.get(request.POST.get("worker", ""))
            if household is None or worker is None:
                raise ValidationError(_("请填写本社区的户编号并选择社工。"))
            services.plan_entry_add(actor=request.user, plan=plan, household=household, worker=worker)
            messages.success(request, _("已加入计划。"))
        else:
            raise ValidationError(_("未知操作。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("visits:plan_detail", pk=pk)


@login_required
def overdue_list(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    unit = _station(request)
    rows = selectors.overdue_households(actor=request.user, unit=unit)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "visits/overdue_list.html", {"unit": unit, "page": page, "total": len(rows)})


# Visit records -----------------------------------------------------------------------------------------------------


@login_required
def visit_new(request):
    permissions.require(permissions.can_edit_residents(request.user))
    booking = entry = None
    g = request.GET
    if g.get("booking", "").isdigit():
        booking = selectors.booking_get_for(actor=request.user, pk=int(g["booking"]))
        if booking.resident_id is None:
            messages.error(request, _("该预约未关联登记居民，请先在预约中确认居民身份后再记录走访。"))
            return redirect("visits:booking_detail", pk=booking.pk)
        household_id = booking.resident.household_id
    elif g.get("entry", "").isdigit():
        from quanke.visits.models import PlanEntry

        entry = PlanEntry.objects.filter(
            plan__in=selectors.plans_for(actor=request.user), pk=int(g["entry"])
        ).first()
        if entry is None:
            raise Http404("entry not found")
        household_id = entry.household_id
    elif g.get("resident", "").isdigit():
        household_id = registry_selectors.resident_get_for(
            actor=request.user, pk=int(g["resident"])
        ).household_id
    elif g.get("household", "").isdigit():
        household_id = int(g["household"])
    else:
        return redirect("visits:index")
    household = selectors.household_get_for(actor=request.user, pk=household_id)
    permissions.require(permissions.can_record_visit(request.user, household.unit))
    kit = selectors.kit_for(worker=request.user)
    items = items_for_unit(household.unit)
    pending = integration.pending_materials(actor=request.user, household=household)
    form = VisitForm(request.POST or None, household=household, items=items, kit=kit)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            visit = integration.record_visit(
                actor=request.user,
                household=household,
                data=d,
                booking=booking,
                plan_entry=entry,
                booking_to_matter=request.POST.get("booking_to_matter") == "1",
                materials=request.POST.getlist("material"),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("走访已记录。"))
            return redirect("visits:visit_detail", pk=visit.pk)
    return render(
        request,
        "visits/visit_form.html",
        {
            "form": form,
            "household": household,
            "members": household.members.all(),
            "booking": booking,
            "entry": entry,
            "kit": kit,
            "items": items,
            "pending": pending,
            "matters_enabled": integration.can_accept_at_visit(request.user),
        },
    )


@login_required
def visit_detail(request, pk):
    permissions.require(permissions.can_view_personal_data(request.user))
    visit = selectors.visit_get_for(actor=request.user, pk=pk, via="web")
    return render(
        request,
        "visits/visit_detail.html",
        {
            "v": visit,
            "handouts": selectors.visit_handouts(actor=request.user, visit=visit),
            "links": integration.visit_matters(actor=request.user, visit=visit),
        },
    )


@login_required
def visit_list(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    unit = _station(request)
    qs = selectors.visits_for(actor=request.user).filter(unit=unit)
    if request.GET.get("mine") == "1":
        qs = qs.filter(worker=request.user)
    page = Paginator(qs.order_by("-visited_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/visit_list.html",
        {"unit": unit, "page": page, "mine": request.GET.get("mine") == "1"},
    )


@login_required
def visit_stats(request):
    permissions.require(permissions.can_view_statistics(request.user))
    today = timezone.localdate()
    start = _day(request.GET.get("start"), today.replace(day=1))
    end = _day(request.GET.get("end"), today)
    units = list(selectors.stations_for(actor=request.user))
    return render(
        request,
        "visits/stats.html",
        {"stats": selectors.visit_stats(units=units, start=start, end=end), "start": start, "end": end},
    )


# Stock -------------------------------------------------------------------------------------------------------------


@login_required
def stock(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    unit = _station(request)
    can_manage = permissions.can_manage_stock(request.user, unit)
    form = StockForm(
        request.POST or None, supplies=SupplyItem.objects.filter(active=True), workers=_workers_qs(unit)
    )
    # A worker may return her own kit; everything else needs a stock manager (the services decide).
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        common = {"actor": request.user, "unit": unit, "supply": d["supply"], "quantity": d["quantity"]}
        try:
            if d["action"] == "receive":
                services.stock_receive(**common, note=d["note"])
            elif d["action"] == "issue":
                services.stock_issue(**common, worker=d["worker"], note=d["note"])
            elif d["action"] == "return":
                services.stock_return(**common, worker=d["worker"], note=d["note"])
            else:
                services.stock_write_off(**common, worker=d["worker"], reason=d["note"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已登记。"))
            return redirect(f"{request.path}?unit={unit.pk}")
    return render(
        request,
        "visits/stock.html",
        {
            "unit": unit,
            "table": selectors.stock_table(unit=unit),
            "alerts": selectors.low_stock(unit=unit),
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
def stock_ledger(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    unit = _station(request)
    supply = SupplyItem.objects.filter(pk=request.GET.get("supply") or 0).first()
    kind = request.GET.get("kind", "")
    qs = selectors.ledger(
        actor=request.user, unit=unit, supply=supply, kind=kind if kind in MovementKind.values else ""
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = selectors.visible_handouts(actor=request.user, movements=page.object_list)
    return render(
        request,
        "visits/ledger.html",
        {
            "unit": unit,
            "page": page,
            "rows": rows,
            "supplies": SupplyItem.objects.all(),
            "supply": supply,
            "kind": kind,
            "kinds": MovementKind.choices,
        },
    )
