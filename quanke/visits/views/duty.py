"""Duty roster pages: the week, filling it, removing a shift."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanke.core import permissions
from quanke.core.forms import errors_to_form
from quanke.visits import schedule, selectors, services
from quanke.visits.forms import DutyShiftForm
from quanke.visits.views.station import parse_day, station_for, station_workers_qs


@login_required
def duty_week(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    unit = station_for(request)
    week = schedule.week_start(parse_day(request.GET.get("week"), timezone.localdate()))
    can_manage = permissions.can_manage_visits(request.user) and permissions.unit_in_scope(request.user, unit)
    form = DutyShiftForm(
        request.POST or None,
        workers=station_workers_qs(unit),
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
                errors_to_form(form, exc)
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
    unit = station_for(request)
    week = schedule.week_start(parse_day(request.POST.get("week"), timezone.localdate()))
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
