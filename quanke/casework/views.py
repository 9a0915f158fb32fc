"""Casework pages: thin views (permission → form → one service call → redirect). A case that the actor may not
read is a 404, for reads and writes alike; every read of a case page is written to the audit trail."""

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

from quanke.casework import forms, selectors, services
from quanke.casework.models import CaseStatus
from quanke.core import permissions
from quanke.core.concurrency import StaleVersion
from quanke.core.forms import errors_to_form
from quanke.core.models import User
from quanke.network import selectors as network_selectors
from quanke.registry import selectors as registry_selectors


def _case_workers(case):
    """Staff who may be assigned to the case: the case workers of its community."""
    staff = User.objects.filter(is_active=True, unit=case.unit).select_related("unit")
    pks = [u.pk for u in staff if permissions.can_be_case_worker(u, case.unit)]
    return User.objects.filter(pk__in=pks).order_by("full_name", "username")


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errors:
            messages.error(request, f"{label}：{e}" if label else e)


@login_required
def case_list(request):
    actor = request.user
    permissions.require(permissions.can_list_cases(actor))
    can_work = permissions.is_case_worker(actor)
    status = request.GET.get("status", "")
    if status not in CaseStatus.values:
        status = ""
    mine = request.GET.get("mine", "" if permissions.sees_all_station_cases_first(actor) else "1") == "1"
    query = request.GET.get("q", "").strip()
    page = Paginator(
        selectors.case_list(actor=actor, status=status, mine=mine and can_work, query=query), 30
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "casework/case_list.html",
        {
            "page": page,
            "status": status,
            "mine": mine,
            "query": query,
            "statuses": CaseStatus.choices,
            "can_work": can_work,
            "approvals": selectors.approvals_for(actor=actor),
            "due": list(selectors.followups_due(actor=actor)[:20]) if can_work else [],
        },
    )


@login_required
def approvals(request):
    permissions.require(permissions.can_review_case_approvals(request.user))
    return render(request, "casework/approvals.html", {"queue": selectors.approvals_for(actor=request.user)})


@login_required
def case_open(request, resident_id):
    permissions.require(permissions.can_view_personal_data(request.user))
    resident = registry_selectors.resident_get_for(actor=request.user, pk=resident_id)
    permissions.require(permissions.can_open_case(request.user, resident))
    form = forms.CaseOpenForm(request.POST or None, initial={"origin_kind": request.GET.get("origin", "")})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=request.user, resident=resident, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已开案：%(n)s。下一步请签署知情同意。") % {"n": case.number})
            return redirect("casework:case_detail", pk=case.pk)
    return render(request, "casework/case_open.html", {"form": form, "resident": resident})


@login_required
def case_detail(request, pk):
    actor = request.user
    case = selectors.case_get_for(actor=actor, pk=pk, via="web")
    detail = selectors.case_detail(case)
    can_work = permissions.can_work_on_case(actor, case)
    context = {"case": case, **detail, "stage": selectors.stage(case, detail), "can_work": can_work}
    context["can_approve"] = permissions.can_approve_case(actor, case)
    if can_work:
        orgs = network_selectors.organisations_for(actor=actor).filter(active=True).order_by("name")
        workers = _case_workers(case)
        plan_form = forms.PlanForm(
            workers=case.workers.all(), organisations=orgs, initial={"revision": services.plan_mark(None)}
        )
        if detail["plan"] is not None and detail["plan"].editable:
            plan_form.load(detail["plan"])
        match_form = forms.MatchForm(request.GET if "need" in request.GET else None)
        matches = None
        if match_form.is_bound and match_form.is_valid():
            matches = network_selectors.match_for_need(
                actor=actor,
                need=match_form.cleaned_data["need"],
                unit=case.unit,
                day=timezone.localdate(),
                slot=match_form.cleaned_data["slot"],
            )
        context.update(
            consent_form=forms.ConsentForm(organisations=orgs),
            assessment_form=forms.AssessmentForm(),
            plan_form=plan_form,
            service_form=forms.ServiceForm(
                volunteers=network_selectors.volunteers_for(actor=actor).filter(active=True).order_by("name"),
                organisations=orgs,
            ),
            followup_form=forms.FollowUpForm(workers=case.workers.all(), initial={"assigned_to": actor.pk}),
            closure_form=forms.ClosureForm(),
            closure_blockers=services.closure_blockers(case) if case.status == CaseStatus.OPEN else [],
            assign_form=forms.AssignForm(workers=workers, initial={"workers": list(case.workers.all())}),
            match_form=match_form,
            matches=matches,
            resource_form=forms.ResourceLinkForm(
                balances=network_selectors.balances_for(actor=actor).filter(balance__gt=0)
            ),
        )
    return render(request, "casework/case_detail.html", context)


# --- POST actions: each one form and one service call -------------------------------------------------------------


def _consent(request, case):
    orgs = network_selectors.organisations_for(actor=request.user)
    form = forms.ConsentForm(request.POST, organisations=orgs)
    if not form.is_valid():
        return _form_errors(request, form)
    services.consent_record(actor=request.user, case=case, **form.cleaned_data)
    messages.success(request, _("已记录知情同意。"))


def _consent_withdraw(request, case):
    form = forms.ReasonForm(request.POST)
    consent = case.consents.filter(pk=request.POST.get("consent")).first()
    if consent is None:
        raise Http404
    if not form.is_valid():
        return _form_errors(request, form)
    services.consent_withdraw(actor=request.user, consent=consent, reason=form.cleaned_data["reason"])
    messages.success(request, _("已撤回知情同意，相关共享即时停止。"))


def _assess(request, case):
    form = forms.AssessmentForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    d = form.cleaned_data
    a = services.assessment_record(
        actor=request.user,
        case=case,
        risk_level=d["risk_level"],
        summary=d["summary"],
        findings=form.findings(),
        emergency_reason=d["emergency_reason"],
    )
    if a.emergency_status:
        messages.warning(request, _("已保存紧急评估，待站长确认。"))
    else:
        messages.success(request, _("已保存评估。"))


def _emergency_review(request, case):
    form = forms.EmergencyReviewForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    assessment = case.assessments.filter(pk=form.cleaned_data["assessment"]).first()
    if assessment is None:
        raise Http404
    services.assessment_review_emergency(
        actor=request.user,
        assessment=assessment,
        confirm=form.cleaned_data["decision"] == "confirm",
        note=form.cleaned_data["note"],
    )
    messages.success(request, _("已处理紧急评估。"))


def _plan(request, case):
    orgs = network_selectors.organisations_for(actor=request.user)
    form = forms.PlanForm(request.POST, workers=case.workers.all(), organisations=orgs)
    if not form.is_valid():
        return _form_errors(request, form)
    try:
        plan = services.plan_save(
            actor=request.user,
            case=case,
            goals=form.cleaned_data["goals"],
            actions=form.actions(),
            expected=form.cleaned_data["revision"] or None,
        )
    except StaleVersion as exc:
        # Nothing saved: say what the other worker saved, so this one redoes her change over it knowingly.
        messages.error(request, exc.message)
        for c in exc.changes:
            messages.error(
                request,
                _("%(f)s：他人保存的为“%(t)s”，您填写的为“%(y)s”。")
                % {"f": c.label, "t": c.theirs, "y": c.yours},
            )
        theirs = "；".join(a.description for a in exc.current.actions.all())
        messages.error(request, _("当前计划的行动：%(a)s") % {"a": theirs or "—"})
        return
    if request.POST.get("submit"):
        services.plan_submit(actor=request.user, plan=plan)
        messages.success(request, _("服务计划已提交站长审批。"))
    else:
        messages.success(request, _("服务计划已保存。"))


def _plan_action(request, case):
    form = forms.PlanActionForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    action = selectors.plan_action_get(case=case, pk=form.cleaned_data["action"])
    if form.cleaned_data["decision"] == "done":
        services.plan_action_complete(actor=request.user, action=action)
        messages.success(request, _("已标记行动完成。"))
    else:
        services.plan_action_drop(actor=request.user, action=action, reason=form.cleaned_data["reason"])
        messages.success(request, _("已标记行动不再执行。"))


def _plan_review(request, case):
    form = forms.ReviewForm(request.POST)
    plan = case.plans.filter(pk=request.POST.get("plan")).first()
    if plan is None:
        raise Http404
    if not form.is_valid():
        return _form_errors(request, form)
    services.plan_review(
        actor=request.user,
        plan=plan,
        approve=form.cleaned_data["decision"] == "approve",
        note=form.cleaned_data["note"],
    )
    messages.success(request, _("已审批服务计划。"))


def _service(request, case):
    form = forms.ServiceForm(
        request.POST,
        volunteers=network_selectors.volunteers_for(actor=request.user),
        organisations=network_selectors.organisations_for(actor=request.user),
    )
    if not form.is_valid():
        return _form_errors(request, form)
    services.service_deliver(actor=request.user, case=case, **form.cleaned_data)
    messages.success(request, _("已记录服务。"))


def _link(request, case, kind):
    form = forms.LinkForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    d = form.cleaned_data
    if kind == "volunteer":
        volunteer = network_selectors.volunteer_get_for(actor=request.user, pk=d["party"])
        services.case_link_volunteer(
            actor=request.user, case=case, volunteer=volunteer, need=d["need"], note=d["note"]
        )
        messages.success(request, _("已链接志愿者 %(v)s。") % {"v": volunteer})
    else:
        org = network_selectors.organisation_get_for(actor=request.user, pk=d["party"])
        services.case_link_organisation(
            actor=request.user, case=case, organisation=org, need=d["need"], note=d["note"]
        )
        messages.success(request, _("已转介合作方 %(o)s。") % {"o": org})


def _resource(request, case):
    form = forms.ResourceLinkForm(request.POST, balances=network_selectors.balances_for(actor=request.user))
    if not form.is_valid():
        return _form_errors(request, form)
    b = form.cleaned_data["balance"]
    services.case_link_resource(
        actor=request.user,
        case=case,
        kind=b.kind,
        item=b.item,
        ledger_unit=b.unit,
        quantity=form.cleaned_data["quantity"],
        purpose=form.cleaned_data["purpose"],
    )
    messages.success(request, _("已从台账发放资源并记入个案。"))


def _followup(request, case):
    form = forms.FollowUpForm(request.POST, workers=case.workers.all())
    if not form.is_valid():
        return _form_errors(request, form)
    services.followup_schedule(actor=request.user, case=case, **form.cleaned_data)
    messages.success(request, _("已安排回访。"))


def _followup_done(request, case):
    form = forms.FollowUpDoneForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    followup = case.followups.filter(pk=form.cleaned_data["followup"]).first()
    if followup is None:
        raise Http404
    services.followup_complete(actor=request.user, followup=followup, result=form.cleaned_data["result"])
    messages.success(request, _("已完成回访。"))


def _closure(request, case):
    form = forms.ClosureForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    services.case_request_closure(actor=request.user, case=case, **form.cleaned_data)
    messages.success(request, _("已申请结案，待站长审批。"))


def _closure_review(request, case):
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    approve = form.cleaned_data["decision"] == "approve"
    services.case_review_closure(
        actor=request.user, case=case, approve=approve, note=form.cleaned_data["note"]
    )
    messages.success(request, _("已批准结案。") if approve else _("已退回结案申请。"))


def _reopen(request, case):
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    services.case_reopen(actor=request.user, case=case, reason=form.cleaned_data["reason"])
    messages.success(request, _("已重新开案。"))


def _assign(request, case):
    form = forms.AssignForm(request.POST, workers=_case_workers(case))
    if not form.is_valid():
        return _form_errors(request, form)
    services.case_assign_workers(actor=request.user, case=case, workers=form.cleaned_data["workers"])
    messages.success(request, _("已调整负责社工。"))


ACTIONS = {
    "consent": (_consent, "consent"),
    "consent_withdraw": (_consent_withdraw, "consent"),
    "assess": (_assess, "assessment"),
    "emergency_review": (_emergency_review, "assessment"),
    "plan": (_plan, "plan"),
    "plan_review": (_plan_review, "plan"),
    "plan_action": (_plan_action, "plan"),
    "service": (_service, "services"),
    "link_volunteer": (lambda r, c: _link(r, c, "volunteer"), "links"),
    "link_organisation": (lambda r, c: _link(r, c, "organisation"), "links"),
    "resource": (_resource, "links"),
    "followup": (_followup, "followups"),
    "followup_done": (_followup_done, "followups"),
    "closure": (_closure, "closure"),
    "closure_review": (_closure_review, "closure"),
    "reopen": (_reopen, "closure"),
    "assign": (_assign, "workers"),
}


@login_required
@require_POST
def case_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    case = selectors.case_get_for(actor=request.user, pk=pk)  # 404 for anyone who may not read it
    handler, anchor = ACTIONS[action]
    try:
        handler(request, case)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(reverse("casework:case_detail", args=[case.pk]) + f"#{anchor}")
