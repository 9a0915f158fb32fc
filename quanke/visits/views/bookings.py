"""Booking pages: list, new booking (with slots and the resident picker), detail, reassign, cancel, no-show."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanke.catalog.selectors import items_for_unit
from quanke.core import idempotency, permissions
from quanke.core.forms import errors_to_form
from quanke.registry import selectors as registry_selectors
from quanke.visits import integration, schedule, selectors, services
from quanke.visits.forms import BookingForm, CancelForm, ReassignForm
from quanke.visits.views.station import parse_day, station_for, station_workers_qs


@login_required
def booking_list(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    unit = station_for(request)
    day = parse_day(request.GET.get("day"), timezone.localdate())
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
    unit = station_for(request)
    initial = {"day": parse_day(request.GET.get("day"), timezone.localdate())}
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
    residents = selectors.station_residents(actor=request.user, unit=unit)
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and not data.get("address", "").strip():
        # Without JavaScript the picked resident's address is filled here: the visit goes to her household.
        address = selectors.household_address_of(
            actor=request.user, unit=unit, raw=data.get("resident", ""), via="visits.booking.address"
        )
        if address:
            data["address"] = address
    # "查找" without JavaScript posts the whole form back: show the matches, keep what was typed, save nothing.
    finding = data is not None and "find_resident" in data
    resident_q = data.get("resident_q", "").strip() if finding else ""
    form = BookingForm(
        None if finding else data,
        initial=data.dict() if finding else initial,
        residents=residents,
        items=items_for_unit(unit, actor=request.user),
        workers=station_workers_qs(unit),
    )
    submission_token = idempotency.form_token(request)
    if request.method == "POST" and not finding and form.is_valid():
        d = form.cleaned_data

        def book():
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
            return booking, reverse("visits:booking_detail", kwargs={"pk": booking.pk})

        try:
            # One-time token: a double click or a retry after a lost answer opens the first booking.
            outcome = idempotency.submit_once(request, scope="visits.booking", work=book)
        except ValidationError as exc:
            errors_to_form(form, exc)
        except (idempotency.KeyReused, idempotency.InProgress) as exc:
            form.add_error(None, idempotency.refusal(exc))
            submission_token = idempotency.new_token()
        else:
            if outcome.replayed:
                messages.info(request, idempotency.replayed_text())
            else:
                booking = outcome.value
                messages.success(
                    request,
                    _("已预约：%(when)s，由%(worker)s上门。提醒已发送给居民和社工。")
                    % {"when": services.slot_text(booking), "worker": booking.worker.display_name},
                )
            return redirect(outcome.record.location)
    day = form["day"].value()
    day = parse_day(day if isinstance(day, str) else (day.isoformat() if day else ""), timezone.localdate())
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
            "submission_token": submission_token,
        },
    )


@login_required
def booking_resident_address(request):
    """The picked resident's household address, for the booking form's address field (visits_booking.js)."""
    permissions.require(permissions.can_book_visits(request.user))
    unit = station_for(request)
    address = selectors.household_address_of(
        actor=request.user, unit=unit, raw=request.GET.get("resident", ""), via="visits.booking.address"
    )
    if not address:
        raise Http404("resident not found")
    return HttpResponse(address, content_type="text/plain; charset=utf-8")


@login_required
def booking_residents(request):
    """htmx partial: the booking form's resident matches, the station's own residents only, masked."""
    permissions.require(permissions.can_book_visits(request.user))
    unit = station_for(request)
    query = request.GET.get("resident_q", "").strip()
    rows, more = selectors.resident_picker(actor=request.user, unit=unit, query=query)
    return render(request, "visits/_resident_picker.html", {"rows": rows, "more": more, "query": query})


@login_required
def booking_slots(request):
    """htmx partial: the free slots of a day."""
    permissions.require(permissions.can_book_visits(request.user))
    unit = station_for(request)
    day = parse_day(request.GET.get("day"), timezone.localdate())
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
        ReassignForm(workers=station_workers_qs(booking.unit).exclude(pk=booking.worker_id))
        if can_manage
        else None
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
    form = ReassignForm(request.POST, workers=station_workers_qs(booking.unit))
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
