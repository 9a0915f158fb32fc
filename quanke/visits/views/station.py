"""The visits home page and the small request helpers every visits page shares (which station, which day)."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from quanke.core import permissions
from quanke.core.models import User
from quanke.visits import schedule, selectors


def station_for(request):
    """The station the page is about: ?unit= within the actor's scope, else her own community."""
    raw = request.GET.get("unit") or request.POST.get("unit")
    if raw and raw.isdigit():
        return selectors.station_get_for(actor=request.user, pk=int(raw))
    unit = selectors.default_station(request.user)
    if unit is None:
        raise Http404("no station")
    return unit


def station_workers_qs(unit):
    return User.objects.filter(pk__in=[w.pk for w in schedule.station_workers(unit)]).order_by("id")


def parse_day(raw, default: date) -> date:
    return parse_date(raw or "") or default


def parse_month(raw, default: date) -> date:
    try:
        y, m = (int(x) for x in (raw or "").split("-")[:2])
        return date(y, m, 1)
    except (ValueError, TypeError):
        return default.replace(day=1)


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
