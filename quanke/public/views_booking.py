"""Online booking pages (/m/book/…): pick a station, a day and an open slot, fill the form, type the SMS code;
then change or cancel from the signed link in the confirmation. Thin views over quanke.public.booking; no staff
view is imported and nothing personal is in a URL (the links carry signed ids)."""

from datetime import date

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from quanke.core.errors import code_of
from quanke.core.login_security import client_ip
from quanke.public import booking, links
from quanke.public.forms_booking import BookingForm, ChangeForm, CodeForm
from quanke.visits import selectors as visit_selectors

REQUEST_SALT = "quanke.public.booking-request"


def _mask(name: str) -> str:
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else ""


WEEKDAYS = "一二三四五六日"


def _days_and_slots(request, unit):
    """([(day, slots, 周X)], chosen day, its slots). The weekday is written out in Chinese whatever the browser's
    language: the residents' pages are Chinese only."""
    days = [(d, slots, f"周{WEEKDAYS[d.weekday()]}") for d, slots in booking.open_days(unit)]
    wanted = request.POST.get("day") or request.GET.get("day")
    try:
        day = date.fromisoformat(wanted) if wanted else None
    except ValueError:
        day = None
    chosen = next((d for d in days if d[0] == day), days[0] if days else (None, [], ""))
    return days, chosen[0], chosen[1]


def _form_errors(form, exc: ValidationError) -> int:
    """Put a service's refusal on the form; the HTTP status it deserves (429 for too many tries)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
    return 429 if code_of(exc, "") == "public.too_many_tries" else 422


def book_start(request):
    stations = list(booking.bookable_stations())
    if len(stations) == 1:
        return redirect("public:book_station", unit_id=stations[0].pk)
    return render(request, "public/booking/stations.html", {"stations": stations})


@require_http_methods(["GET", "POST"])
def book_station(request, unit_id: int):
    unit = booking.bookable_station(unit_id)
    if unit is None:
        raise Http404(_("没有这个服务站。"))
    days, day, slots = _days_and_slots(request, unit)
    kind = (
        request.GET.get("kind") if request.GET.get("kind") in dict(visit_selectors.BOOKING_KINDS) else "visit"
    )
    form = BookingForm(request.POST or None, slots=slots, initial={"kind": kind})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pending = booking.booking_request_start(
                unit=unit,
                kind=data["kind"],
                slot_start=form.slots[data["slot"]].start,
                caller_name=data["caller_name"],
                caller_phone=data["caller_phone"],
                address=data["address"],
                request_text=data["request_text"],
                ip=client_ip(request) or "",
            )
        except ValidationError as exc:
            status = _form_errors(form, exc)
        else:
            token = signing.dumps({"r": pending.pk}, salt=REQUEST_SALT)
            return redirect("public:book_verify", token=token)
    elif request.method == "POST":
        status = 400 if form.looks_automated() else 422
    return render(
        request,
        "public/booking/station.html",
        {"unit": unit, "days": days, "day": day, "slots": slots, "form": form},
        status=status,
    )


def _pending(token: str):
    try:
        data = signing.loads(token, salt=REQUEST_SALT, max_age=settings.PUBLIC_CODE_MINUTES * 60 + 600)
    except signing.BadSignature:
        raise Http404(_("链接无效或已过期，请重新预约。")) from None
    pending = booking.pending_request(data.get("r"))
    if pending is None:
        raise Http404(_("链接无效或已过期，请重新预约。"))
    return pending


@require_http_methods(["GET", "POST"])
def book_verify(request, token: str):
    pending = _pending(token)
    if pending.booking_id:
        return redirect("public:book_manage", token=links.booking_token(pending.booking))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            made = booking.booking_request_confirm(
                request=pending, code=form.cleaned_data["code"], ip=client_ip(request) or ""
            )
        except ValidationError as exc:
            status = _form_errors(form, exc)
        else:
            return redirect(reverse("public:book_manage", args=[links.booking_token(made)]) + "?done=1")
    elif request.method == "POST":
        status = 422
    phone = pending.caller_phone
    return render(
        request,
        "public/booking/verify.html",
        {
            "unit": pending.unit,
            "form": form,
            "phone_tail": phone[-4:],
            "minutes": settings.PUBLIC_CODE_MINUTES,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def book_manage(request, token: str):
    pk = links.read_booking_token(token)
    made = booking.booking_for_link(pk) if pk else None
    if made is None:
        raise Http404(_("链接无效或已过期。"))
    changeable = booking.can_change(made)
    days, day, slots = _days_and_slots(request, made.unit) if changeable else ([], None, [])
    form = ChangeForm(request.POST if request.POST.get("action") == "change" else None, slots=slots)
    status = 200
    if request.method == "POST":
        if not changeable:
            status = 409
        elif request.POST.get("action") == "cancel":
            booking.booking_cancel_by_resident(booking=made)
            return redirect(reverse("public:book_manage", args=[token]) + "?cancelled=1")
        elif form.is_valid():
            try:
                new = booking.booking_change_by_resident(
                    booking=made, slot_start=form.slots[form.cleaned_data["slot"]].start
                )
            except ValidationError as exc:
                status = _form_errors(form, exc)
            else:
                return redirect(reverse("public:book_manage", args=[links.booking_token(new)]) + "?done=1")
        else:
            status = 422
    return render(
        request,
        "public/booking/manage.html",
        {
            "unit": made.unit,
            "b": made,
            "name": _mask(made.caller_name),
            "weekday": f"周{WEEKDAYS[timezone.localtime(made.slot_start).weekday()]}",
            "changeable": changeable,
            "days": days,
            "day": day,
            "slots": slots,
            "form": form,
            "done": request.GET.get("done") == "1",
            "cancelled": request.GET.get("cancelled") == "1",
            "now": timezone.now(),
        },
        status=status,
    )
