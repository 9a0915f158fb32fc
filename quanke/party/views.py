"""党员名册 pages: the register, a member with her 报到 records, entering and correcting a member. Thin views; every
page asks permissions.can_view_party_register first (membership is sensitive)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.forms import errors_to_form
from quanke.party import forms, selectors, services
from quanke.party.models import Relation
from quanke.party.services import MEMBER_FIELDS
from quanke.registry import selectors as registry_selectors

PAGE = 50


def _require_view(request):
    permissions.require(permissions.can_view_party_register(request.user))


@login_required
def member_list(request):
    _require_view(request)
    relation, query = request.GET.get("relation", ""), request.GET.get("q", "").strip()
    relation = relation if relation in Relation.values else ""
    page = request.GET.get("page", "1")
    number = int(page) if page.isdigit() and int(page) > 0 else 1
    rows, has_next = selectors.member_page(
        actor=request.user, via="web", query=query, relation=relation, offset=(number - 1) * PAGE, size=PAGE
    )
    return render(
        request,
        "party/member_list.html",
        {
            "rows": rows,
            "has_next": has_next,
            "number": number,
            "relation": relation,
            "query": query,
            "relations": Relation.choices,
        },
    )


@login_required
def member_new(request, resident_pk):
    _require_view(request)
    actor = request.user
    resident = registry_selectors.resident_get_for(actor=actor, pk=resident_pk)
    permissions.require(permissions.can_manage_party_register(actor, resident.unit))
    form = forms.MemberForm(request.POST or None, initial={"relation": Relation.HERE})
    if request.method == "POST" and form.is_valid():
        try:
            member = services.party_member_register(actor=actor, resident=resident, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已将 %(n)s 登记入党员名册。") % {"n": resident.name})
            return redirect("party:member_detail", pk=member.pk)
    return render(
        request, "party/form.html", {"form": form, "title": _("登记党员：%(n)s") % {"n": resident.name}}
    )


@login_required
def member_detail(request, pk):
    _require_view(request)
    actor = request.user
    member = selectors.member_get_for(actor=actor, pk=pk, via="web")
    may_manage = permissions.can_manage_party_register(actor, member.unit)
    report_form = forms.ReportForm(request.POST or None, initial={"workplace": member.workplace})
    if request.method == "POST":
        permissions.require(may_manage)
        if report_form.is_valid():
            try:
                services.inservice_report_add(actor=actor, member=member, **report_form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(report_form, exc)
            else:
                messages.success(request, _("已登记报到。"))
                return redirect("party:member_detail", pk=member.pk)
    return render(
        request,
        "party/member_detail.html",
        {
            "member": member,
            "reports": selectors.reports_of(member),
            "may_manage": may_manage,
            "report_form": report_form,
        },
    )


@login_required
def member_edit(request, pk):
    _require_view(request)
    actor = request.user
    member = selectors.member_get_for(actor=actor, pk=pk, via="party.edit")
    permissions.require(permissions.can_manage_party_register(actor, member.unit))
    form = forms.MemberForm(request.POST or None, initial={k: getattr(member, k) for k in MEMBER_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.party_member_update(actor=actor, member=member, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("party:member_detail", pk=member.pk)
    return render(
        request,
        "party/form.html",
        {"form": form, "title": _("修改党员信息：%(n)s") % {"n": member.resident.name}},
    )
