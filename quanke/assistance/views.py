"""Assistance pages: the review queue (主动发现), a finding with its explanation, reviews due."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanke.assistance import selectors, services
from quanke.assistance.forms import DecisionForm, ReviewForm
from quanke.assistance.models import ASSESSED_PROGRAMS, FindingKind, FindingStatus
from quanke.core import permissions
from quanke.registry.models import Program
from quanke.registry.selectors import households_for

PAGE_SIZE = 50


@login_required
def finding_list(request):
    permissions.require(permissions.can_review_assistance(request.user))
    filters = {k: request.GET.get(k, "") for k in ("status", "kind", "program")}
    if filters["status"] not in FindingStatus.values:
        filters["status"] = FindingStatus.OPEN
    qs = selectors.findings_for(actor=request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/finding_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": FindingStatus.choices,
            "kinds": FindingKind.choices,
            "programs": [(p, Program(p).label) for p in ASSESSED_PROGRAMS],
            "scan": selectors.latest_scan(),
            "reviews_due_count": len(selectors.reviews_due(actor=request.user)),
        },
    )


@login_required
def finding_detail(request, pk):
    permissions.require(permissions.can_review_assistance(request.user))
    finding = selectors.finding_get_for(actor=request.user, pk=pk)
    subject = finding.resident or finding.household.members.order_by("id").first()
    return render(
        request,
        "assistance/finding_detail.html",
        {
            "finding": finding,
            "subject": subject,
            "alternatives": selectors.finding_alternatives(finding),
            "form": DecisionForm(),
        },
    )


@login_required
@require_POST
def finding_decide(request, pk):
    permissions.require(permissions.can_review_assistance(request.user))
    finding = selectors.finding_get_for(actor=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        service = (
            services.finding_confirm
            if form.cleaned_data["decision"] == "confirm"
            else services.finding_dismiss
        )
        try:
            service(actor=request.user, finding=finding, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已处理该线索。"))
            return redirect(request.POST.get("next") or "assistance:finding_list")
    subject = finding.resident or finding.household.members.order_by("id").first()
    return render(
        request,
        "assistance/finding_detail.html",
        {
            "finding": finding,
            "subject": subject,
            "alternatives": selectors.finding_alternatives(finding),
            "form": form,
        },
        status=400,
    )


@login_required
def review_list(request):
    permissions.require(permissions.can_review_assistance(request.user))
    return render(
        request,
        "assistance/review_list.html",
        {
            "due": selectors.reviews_due(actor=request.user),
            "form": ReviewForm(initial={"reviewed_on": selectors.today()}),
        },
    )


@login_required
@require_POST
def review_record(request, household_pk):
    permissions.require(permissions.can_review_assistance(request.user))
    household = households_for(actor=request.user).filter(pk=household_pk).first()
    if household is None:
        raise Http404("household not found")
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_record(actor=request.user, household=household, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已记录复核。"))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("assistance:review_list")
