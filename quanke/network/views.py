"""五社联动 pages: volunteers, teams, partners, the resources ledger, activities and matching. Thin views."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.dbrouter import replica_view
from quanke.core.forms import errors_to_form
from quanke.core.models import UnitLevel
from quanke.network import forms, selectors, services
from quanke.network.models import ActivityPhoto, RecipientKind
from quanke.registry import idnumber
from quanke.registry import selectors as registry_selectors


def _require_view(request):
    permissions.require(permissions.can_view_network(request.user))


def _units(actor):
    return permissions.units_for(actor)


def _communities(actor):
    return permissions.units_for(actor).filter(level=UnitLevel.COMMUNITY)


def _period(request) -> tuple[forms.PeriodForm, date | None, date | None]:
    form = forms.PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, None, None


@login_required
@replica_view
def overview(request):
    _require_view(request)
    actor = request.user
    period, start, end = _period(request)
    activities = selectors.activities_for(actor=actor)
    if start:
        activities = activities.filter(held_on__gte=start)
    if end:
        activities = activities.filter(held_on__lte=end)
    return render(
        request,
        "network/overview.html",
        {
            "period": period,
            "hours": selectors.volunteer_totals(actor=actor, start=start, end=end),
            "ledger": selectors.ledger_totals(actor=actor, start=start, end=end),
            "activity_count": activities.count(),
            "activity_people": activities.aggregate(n=Count("participant_residents"))["n"] or 0,
            "organisation_count": selectors.organisations_for(actor=actor).filter(active=True).count(),
            "engaged_organisations": selectors.organisations_for(actor=actor)
            .filter(engagements__isnull=False)
            .distinct()
            .count(),
            "volunteer_count": selectors.volunteers_for(actor=actor).filter(active=True).count(),
        },
    )


# --- Volunteers ---------------------------------------------------------------------------------------------------


@login_required
def volunteer_list(request):
    _require_view(request)
    qs = selectors.volunteers_with_hours(actor=request.user).select_related("team", "unit", "resident")
    team, query = request.GET.get("team", ""), request.GET.get("q", "").strip()
    if team.isdigit():
        qs = qs.filter(team_id=int(team))
    if query:
        qs = qs.filter(name__contains=query)
    page = Paginator(qs.order_by("unit__path", "name", "id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "network/volunteer_list.html",
        {"page": page, "teams": selectors.teams_for(actor=request.user), "team": team, "query": query},
    )


@login_required
def volunteer_create(request):
    _require_view(request)
    actor = request.user
    form = forms.VolunteerForm(
        request.POST or None, units=_units(actor), teams=selectors.teams_for(actor=actor)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        resident = None
        if d["resident_id_number"]:
            resident = (
                registry_selectors.residents_for(actor=actor)
                .filter(id_number=idnumber.normalize(d["resident_id_number"]))
                .first()
            )
            if resident is None:
                form.add_error("resident_id_number", _("本辖区没有此身份证号的居民。"))
        if not form.errors:
            try:
                volunteer = services.volunteer_register(
                    actor=actor,
                    unit=d["unit"],
                    name=d["name"],
                    phone=d["phone"],
                    resident=resident,
                    team=d["team"],
                    skills=d["skills"],
                    availability=d["availability"],
                    registered_on=d["registered_on"],
                    note=d["note"],
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("已登记志愿者 %(n)s。") % {"n": volunteer.name})
                return redirect("network:volunteer_detail", pk=volunteer.pk)
    return render(request, "network/form.html", {"form": form, "title": _("登记志愿者")})


@login_required
def volunteer_detail(request, pk):
    _require_view(request)
    actor = request.user
    volunteer = selectors.volunteer_get_for(actor=actor, pk=pk, via="web")
    record_form = forms.ServiceRecordForm(
        request.POST if request.POST.get("form") == "record" else None,
        initial={"served_on": timezone.localdate()},
    )
    redeem_form = forms.RedeemForm(
        request.POST if request.POST.get("form") == "redeem" else None,
        initial={"redeemed_on": timezone.localdate()},
    )
    if request.method == "POST":
        form = record_form if request.POST.get("form") == "record" else redeem_form
        if form.is_valid():
            try:
                if form is record_form:
                    services.service_record_add(actor=actor, volunteer=volunteer, **form.cleaned_data)
                else:
                    services.hours_redeem(actor=actor, volunteer=volunteer, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("network:volunteer_detail", pk=pk)
    return render(
        request,
        "network/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "bank": selectors.time_bank(volunteer),
            "records": volunteer.service_records.select_related("activity")[:100],
            "redemptions": volunteer.redemptions.all()[:50],
            "record_form": record_form,
            "redeem_form": redeem_form,
        },
    )


@login_required
def team_list(request):
    _require_view(request)
    actor = request.user
    form = forms.TeamForm(request.POST or None, units=_units(actor))
    if request.method == "POST" and form.is_valid():
        try:
            services.team_create(actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已新建服务队。"))
            return redirect("network:team_list")
    teams = (
        selectors.teams_for(actor=actor).select_related("unit").annotate(n=Count("members")).order_by("name")
    )
    period, start, end = _period(request)
    totals = selectors.volunteer_totals(actor=actor, start=start, end=end)
    return render(
        request, "network/team_list.html", {"teams": teams, "form": form, "totals": totals, "period": period}
    )


# --- Organisations ------------------------------------------------------------------------------------------------


@login_required
def organisation_list(request):
    _require_view(request)
    orgs = selectors.organisations_with_state(actor=request.user, day=timezone.localdate())
    return render(request, "network/organisation_list.html", {"orgs": orgs})


@login_required
def organisation_create(request):
    _require_view(request)
    actor = request.user
    form = forms.OrganisationForm(request.POST or None, units=_units(actor))
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已加入名录。请登记合作协议。"))
            return redirect("network:organisation_detail", pk=org.pk)
    return render(request, "network/form.html", {"form": form, "title": _("新增合作方")})


@login_required
def organisation_detail(request, pk):
    _require_view(request)
    actor = request.user
    org = selectors.organisation_get_for(actor=actor, pk=pk)
    form = forms.AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_add(actor=actor, organisation=org, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已登记合作协议。"))
            return redirect("network:organisation_detail", pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "network/organisation_detail.html",
        {
            "org": org,
            "state": selectors.agreement_state(org, today),
            "today": today,
            "form": form,
            "activities": org.activities.filter(permissions.network_subtree_scope(actor)).order_by(
                "-held_on"
            )[:20],
            "donations": org.donations.filter(permissions.network_subtree_scope(actor)).order_by("-entry_on")[
                :20
            ],
            "engagement_count": org.engagements.count(),
        },
    )


# --- Ledger -------------------------------------------------------------------------------------------------------


@login_required
def ledger(request):
    _require_view(request)
    actor = request.user
    period, start, end = _period(request)
    entries = selectors.ledger_for(actor=actor).select_related(
        "unit",
        "donor_organisation",
        "recipient_resident",
        "recipient_activity",
        "recipient_organisation",
        "recorded_by",
    )
    if start:
        entries = entries.filter(entry_on__gte=start)
    if end:
        entries = entries.filter(entry_on__lte=end)
    page = Paginator(entries.order_by("-entry_on", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "network/ledger.html",
        {
            "period": period,
            "page": page,
            "balances": selectors.balances_for(actor=actor).order_by("unit__path", "kind", "item"),
            "totals": selectors.ledger_totals(actor=actor, start=start, end=end),
        },
    )


@login_required
def ledger_receive(request):
    _require_view(request)
    actor = request.user
    form = forms.ReceiveForm(
        request.POST or None, units=_units(actor), organisations=selectors.organisations_for(actor=actor)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.ledger_receive(actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已登记捐赠。"))
            return redirect("network:ledger")
    return render(request, "network/form.html", {"form": form, "title": _("登记捐赠（入账）")})


@login_required
def ledger_disburse(request):
    _require_view(request)
    actor = request.user
    form = forms.DisburseForm(
        request.POST or None,
        balances=selectors.balances_for(actor=actor).filter(balance__gt=0),
        activities=selectors.activities_for(actor=actor).order_by("-held_on"),
        organisations=selectors.organisations_for(actor=actor),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        b = d["balance"]
        resident = None
        if d["recipient_kind"] == RecipientKind.RESIDENT:
            resident = (
                registry_selectors.residents_for(actor=actor)
                .filter(id_number=idnumber.normalize(d["recipient_id_number"]))
                .first()
            )
            if resident is None:
                form.add_error("recipient_id_number", _("本辖区没有此身份证号的居民。"))
        if not form.errors:
            try:
                services.ledger_disburse(
                    actor=actor,
                    unit=b.unit,
                    kind=b.kind,
                    item=b.item,
                    quantity=d["quantity"],
                    entry_on=d["entry_on"],
                    purpose=d["purpose"],
                    recipient_kind=d["recipient_kind"],
                    recipient_resident=resident,
                    recipient_activity=d["recipient_activity"]
                    if d["recipient_kind"] == RecipientKind.ACTIVITY
                    else None,
                    recipient_organisation=d["recipient_organisation"]
                    if d["recipient_kind"] == RecipientKind.ORGANISATION
                    else None,
                    note=d["note"],
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("已登记发放。"))
                return redirect("network:ledger")
    return render(request, "network/form.html", {"form": form, "title": _("登记发放（出账）")})


# --- Activities ---------------------------------------------------------------------------------------------------


@login_required
def activity_list(request):
    _require_view(request)
    period, start, end = _period(request)
    qs = selectors.activities_for(actor=request.user).select_related("unit")
    if start:
        qs = qs.filter(held_on__gte=start)
    if end:
        qs = qs.filter(held_on__lte=end)
    qs = qs.annotate(
        n_residents=Count("participant_residents", distinct=True),
        n_volunteers=Count("participant_volunteers", distinct=True),
    ).order_by("-held_on", "-id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "network/activity_list.html", {"page": page, "period": period})


@login_required
def activity_create(request):
    _require_view(request)
    actor = request.user
    form = forms.ActivityForm(
        request.POST or None,
        units=_units(actor),
        organisations=selectors.organisations_for(actor=actor).filter(active=True),
        volunteers=selectors.volunteers_for(actor=actor).filter(active=True).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(actor=actor, organiser_workers=[actor], **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已登记活动。"))
            return redirect("network:activity_detail", pk=activity.pk)
    return render(request, "network/form.html", {"form": form, "title": _("登记活动"), "multipart": False})


@login_required
def activity_detail(request, pk):
    _require_view(request)
    actor = request.user
    activity = selectors.activity_get_for(actor=actor, pk=pk)
    photo_form = forms.PhotoForm(
        request.POST if request.POST.get("form") == "photo" else None,
        request.FILES if request.POST.get("form") == "photo" else None,
    )
    add_form = forms.AddVolunteersForm(
        request.POST if request.POST.get("form") == "volunteers" else None,
        volunteers=selectors.volunteers_for(actor=actor).filter(active=True).order_by("name"),
    )
    if request.method == "POST":
        form = photo_form if request.POST.get("form") == "photo" else add_form
        if form.is_valid():
            try:
                if form is photo_form:
                    services.activity_photo_add(
                        actor=actor,
                        activity=activity,
                        upload=form.cleaned_data["file"],
                        caption=form.cleaned_data["caption"],
                    )
                else:
                    services.activity_add_volunteers(
                        actor=actor, activity=activity, volunteers=form.cleaned_data["volunteers"]
                    )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("network:activity_detail", pk=pk)
    return render(
        request,
        "network/activity_detail.html",
        {"activity": activity, "photo_form": photo_form, "add_form": add_form},
    )


@login_required
def activity_photo(request, pk):
    """Photos show residents' faces: served only to those who may see the activity, never from a public path."""
    _require_view(request)
    photo = ActivityPhoto.objects.filter(
        pk=pk, activity__in=selectors.activities_for(actor=request.user)
    ).first()
    if photo is None:
        raise Http404
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


# --- Matching -----------------------------------------------------------------------------------------------------


@login_required
def match(request):
    _require_view(request)
    form = forms.MatchForm(request.GET or None, units=_communities(request.user))
    matches = None
    if form.is_bound and form.is_valid():
        matches = selectors.match_for_need(
            actor=request.user,
            need=form.cleaned_data["need"],
            unit=form.cleaned_data["unit"],
            day=timezone.localdate(),
            slot=form.cleaned_data["slot"],
        )
    return render(request, "network/match.html", {"form": form, "matches": matches})
