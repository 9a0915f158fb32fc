"""Assistance pages: the review queue (主动发现), a finding with its explanation, reviews due."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanke.assistance import selectors, services
from quanke.assistance.forms import (
    ApplicationForm,
    ApproveForm,
    DecisionForm,
    InvestigateForm,
    NoticeDeliveredForm,
    PublicizeForm,
    ReferForm,
    RefuseForm,
    ReviewForm,
)
from quanke.assistance.models import ASSESSED_PROGRAMS, ApplicationStep, FindingKind, FindingStatus
from quanke.core import permissions
from quanke.core.forms import errors_to_form
from quanke.core.printing import pdf_response
from quanke.registry.models import Program
from quanke.registry.selectors import households_for, resident_get_for

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


def _finding_page(request, finding, form=None, status=200):
    """The finding with its explanation and the decision form; the same page after a refused decision, so the
    offer to accept the application stays where it was (and as the worker left it)."""
    offer = selectors.finding_application_offer(actor=request.user, finding=finding)
    if form is None:
        # Prefilled: a lead of someone who qualifies and receives nothing is confirmed to start her application.
        form = DecisionForm(initial={"open_application": bool(offer and offer.can_accept)})
    subject = finding.resident or finding.household.members.order_by("id").first()
    return render(
        request,
        "assistance/finding_detail.html",
        {
            "finding": finding,
            "subject": subject,
            "alternatives": selectors.finding_alternatives(finding),
            "form": form,
            "offer": offer,
        },
        status=status,
    )


@login_required
def finding_detail(request, pk):
    permissions.require(permissions.can_review_assistance(request.user))
    return _finding_page(request, selectors.finding_get_for(actor=request.user, pk=pk, via="web"))


@login_required
@require_POST
def finding_decide(request, pk):
    permissions.require(permissions.can_review_assistance(request.user))
    finding = selectors.finding_get_for(actor=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "confirm":
                services.finding_confirm(
                    actor=request.user,
                    finding=finding,
                    reason=data["reason"],
                    open_application=data["open_application"],
                )
            else:
                services.finding_dismiss(actor=request.user, finding=finding, reason=data["reason"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已处理该线索。"))
            return redirect(request.POST.get("next") or "assistance:finding_list")
    return _finding_page(request, finding, form, status=400)


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


# --- Applications -------------------------------------------------------------------------------------


@login_required
def application_list(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    step = request.GET.get("step", "")
    if step not in ApplicationStep.values:
        step = ""
    notice = request.GET.get("notice", "")
    if notice not in selectors.NOTICE_FILTERS:
        notice = ""
    qs = selectors.applications_for(actor=request.user, step=step, notice=notice)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/application_list.html",
        {
            "page": page,
            "step": step,
            "steps": ApplicationStep.choices,
            "notice": notice,
            "notices": list(selectors.NOTICE_FILTERS.items()),
            "today": selectors.today(),
        },
    )


def _offered_finding(request, resident):
    """The confirmed lead an application is started from (the finding page's “受理申请”), when this worker may see
    it and it is about this resident's household; the application then records where it came from."""
    pk = request.GET.get("finding", "")
    if not (pk.isdigit() and permissions.can_review_assistance(request.user)):
        return None
    finding = selectors.finding_get_for(actor=request.user, pk=int(pk))
    offer = selectors.finding_application_offer(actor=request.user, finding=finding)
    return finding if offer and offer.resident == resident else None


@login_required
def application_new(request, resident_pk):
    permissions.require(permissions.can_take_intake(request.user))
    resident = resident_get_for(actor=request.user, pk=resident_pk)
    finding = _offered_finding(request, resident)
    initial = {"program": finding.program if finding else request.GET.get("program", "")}
    if request.GET.get("channel") in dict(ApplicationForm.base_fields["channel"].choices):
        initial["channel"] = request.GET["channel"]
    form = ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_open(
                actor=request.user, resident=resident, finding=finding, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("已受理，受理编号 %(code)s，已流转至 %(unit)s。")
                % {"code": application.matter.tracking_code, "unit": application.matter.handling_unit.name},
            )
            return redirect("assistance:application_detail", pk=application.pk)
    return render(request, "assistance/application_form.html", {"form": form, "resident": resident})


def _step_forms(application, data=None, action=""):
    today = selectors.today()
    forms = {
        "investigate": InvestigateForm(initial={"investigated_on": today}),
        "publicize": PublicizeForm(initial={"start": today}),
        "approve": ApproveForm(
            initial={"decided_on": today, "monthly_amount": services.suggested_amount(application)}
        ),
        "refuse": RefuseForm(),
        "refer": ReferForm(),
        "deliver": NoticeDeliveredForm(initial={"delivered_on": today}),
    }
    if action in forms and data is not None:
        forms[action] = type(forms[action])(data)
    return forms


def _application_page(request, application, forms, status=200):
    return render(
        request,
        "assistance/application_detail.html",
        {
            "application": application,
            "forms": forms,
            "can_process": permissions.can_process_assistance_application(request.user, application),
            "events": application.matter.events.select_related("actor").order_by("at", "id"),
            "suggested_amount": services.suggested_amount(application),
            **_authority(application),
            "today": selectors.today(),
        },
        status=status,
    )


def _authority(application) -> dict:
    """For 临时救助 decided below the county: the street's limit, shown where the amount is entered."""
    if application.program != Program.TEMPORARY or not application.is_open:
        return {"street_limit": None, "at_street": False}
    at_street = selectors.decides_at_street_level(application)
    limit = selectors.temporary_street_limit(application.unit, selectors.today()) if at_street else None
    return {"street_limit": limit, "at_street": at_street}


@login_required
def application_detail(request, pk):
    permissions.require(permissions.can_view_personal_data(request.user))
    application = selectors.application_get_for(actor=request.user, pk=pk, via="web")
    return _application_page(request, application, _step_forms(application))


STEP_SERVICES = {
    "investigate": services.application_investigate,
    "publicize": services.application_publicize,
    "approve": services.application_approve,
    "refuse": services.application_refuse,
    "refer": services.application_refer_to_county,
    "deliver": services.application_notice_deliver,
}


@login_required
@require_POST
def application_step(request, pk, action):
    permissions.require(permissions.can_view_personal_data(request.user))
    application = selectors.application_get_for(actor=request.user, pk=pk)
    if action not in STEP_SERVICES:
        raise Http404("unknown step")
    forms = _step_forms(application, request.POST, action)
    form = forms[action]
    if form.is_valid():
        try:
            STEP_SERVICES[action](actor=request.user, application=application, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("assistance:application_detail", pk=pk)
    return _application_page(request, application, forms, status=400)


@login_required
def application_notice(request, pk):
    """The printable written refusal (不予批准告知书) handed or posted to the applicant."""
    permissions.require(permissions.can_view_personal_data(request.user))
    application = selectors.application_get_for(actor=request.user, pk=pk, via="assistance.refusal_notice")
    if application.step != ApplicationStep.REFUSED:
        raise Http404("no refusal notice")
    return render(request, "assistance/refusal_notice.html", {"a": application})


@login_required
def publicity_sheet(request, pk=None):
    """The printable 公示 sheet (HTML, or PDF with ?format=pdf): one application, or every application now in
    公示 in the worker's units (?unit=<code> for one community). Names and ID numbers are masked."""
    permissions.require(permissions.can_view_personal_data(request.user))
    unit_code = request.GET.get("unit", "")
    rows = selectors.publicity_sheet(actor=request.user, pk=pk, unit_code=unit_code)
    groups = {}
    for row in rows:
        groups.setdefault(row.unit, []).append(row)
    context = {
        "groups": list(groups.items()),
        "single": pk,
        "phone": request.user.unit.phone or settings.STATION_PHONE,
        "issuer": request.user.unit.name,
        "today": selectors.today(),
    }
    if request.GET.get("format") == "pdf":
        html = render_to_string(
            "assistance/publicity_sheet.html", {**context, "for_pdf": True}, request=request
        )
        name = (
            f"publicity-{pk}.pdf" if pk else f"publicity-{unit_code or 'all'}-{context['today']:%Y%m%d}.pdf"
        )
        return pdf_response(html, name)
    return render(request, "assistance/publicity_sheet.html", context)
