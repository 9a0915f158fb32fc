"""Visit record pages: record a visit, its detail, the list and the statistics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanke.catalog.selectors import items_for_unit
from quanke.core import idempotency, permissions
from quanke.core.forms import errors_to_form
from quanke.registry import selectors as registry_selectors
from quanke.visits import integration, selectors, services
from quanke.visits.forms import NeedResolveForm, VisitForm
from quanke.visits.views.station import parse_day, station_for


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
    # The form shows the household's members: a read of personal data when it is shown, not when it is posted.
    household = selectors.household_get_for(
        actor=request.user, pk=household_id, via="visits.visit_form" if request.method == "GET" else ""
    )
    permissions.require(permissions.can_record_visit(request.user, household.unit))
    kit = selectors.kit_for(worker=request.user)
    items = items_for_unit(household.unit, actor=request.user)
    pending = integration.pending_materials(actor=request.user, household=household)
    form = VisitForm(request.POST or None, household=household, items=items, kit=kit)
    submission_token = idempotency.form_token(request)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def record():
            visit = integration.record_visit(
                actor=request.user,
                household=household,
                data=d,
                booking=booking,
                plan_entry=entry,
                booking_to_matter=request.POST.get("booking_to_matter") == "1",
                materials=request.POST.getlist("material"),
            )
            return visit, reverse("visits:visit_detail", kwargs={"pk": visit.pk})

        try:
            # One-time token (kept in the page's draft too): a resubmission opens the first record.
            outcome = idempotency.submit_once(request, scope="visits.visit", work=record)
        except ValidationError as exc:
            errors_to_form(form, exc)
        except (idempotency.KeyReused, idempotency.InProgress) as exc:
            form.add_error(None, idempotency.refusal(exc))
            submission_token = idempotency.new_token()
        else:
            if outcome.replayed:
                messages.info(request, idempotency.replayed_text())
            else:
                messages.success(request, _("走访已记录。"))
            return redirect(outcome.record.location)
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
            "booking_ahead": booking is not None and booking.slot_start > timezone.now(),
            "submission_token": submission_token,
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
            "can_resolve": permissions.can_record_visit(request.user, visit.unit),
            "handouts": selectors.visit_handouts(actor=request.user, visit=visit),
            "links": integration.visit_matters(actor=request.user, visit=visit),
        },
    )


@login_required
@require_POST
def visit_need_resolve(request, pk):
    """Close a need that was not taken up as a matter, with what was done about it."""
    need = selectors.visit_need_get_for(actor=request.user, pk=pk)
    permissions.require(permissions.can_record_visit(request.user, need.visit.unit))
    form = NeedResolveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    else:
        try:
            services.visit_need_resolve(actor=request.user, need=need, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("需求已标记为解决。"))
    return redirect("visits:visit_detail", pk=need.visit_id)


@login_required
def visit_list(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    unit = station_for(request)
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
    start = parse_day(request.GET.get("start"), today.replace(day=1))
    end = parse_day(request.GET.get("end"), today)
    units = list(selectors.stations_for(actor=request.user))
    return render(
        request,
        "visits/stats.html",
        {
            "stats": selectors.visit_stats(actor=request.user, units=units, start=start, end=end),
            "start": start,
            "end": end,
        },
    )
