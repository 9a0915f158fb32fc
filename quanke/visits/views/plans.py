"""Monthly visit plan pages: list, detail, route sheet, adjustments, and overdue households."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanke.core import permissions
from quanke.core.unit_settings import unit_setting
from quanke.registry import selectors as registry_selectors
from quanke.visits import schedule, selectors, services
from quanke.visits.models import PlanStatus
from quanke.visits.views.station import parse_month, station_for


@login_required
def plan_list(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    unit = station_for(request)
    today = timezone.localdate()
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    if request.method == "POST":
        month = parse_month(request.POST.get("month"), next_month)
        try:
            plan = services.plan_generate(actor=request.user, unit=unit, month=month)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request, _("已生成%(m)s走访计划草稿，请调整后审定。") % {"m": month.strftime("%Y年%m月")}
            )
            return redirect("visits:plan_detail", pk=plan.pk)
    return render(
        request,
        "visits/plan_list.html",
        {
            "unit": unit,
            "plans": selectors.plans_for(actor=request.user).filter(unit=unit),
            "this_month": today.replace(day=1),
            "next_month": next_month,
            "can_manage": permissions.can_manage_visits(request.user),
        },
    )


@login_required
def plan_detail(request, pk):
    permissions.require(permissions.can_view_personal_data(request.user))
    plan = selectors.plan_get_for(actor=request.user, pk=pk)
    can_manage = permissions.can_manage_visits(request.user) and plan.status == PlanStatus.DRAFT
    groups = selectors.plan_by_worker(plan)
    return render(
        request,
        "visits/plan_detail.html",
        {
            "plan": plan,
            "groups": groups,
            "total": sum(g["count"] for g in groups),
            "workers": schedule.station_workers(plan.unit),
            "can_manage": can_manage,
            "can_approve": permissions.can_manage_visits(request.user),
            "lo": unit_setting(plan.unit, "visit_plan_min_per_worker"),
            "hi": unit_setting(plan.unit, "visit_plan_max_per_worker"),
        },
    )


@login_required
def plan_route(request, pk):
    permissions.require(permissions.can_view_personal_data(request.user))
    plan = selectors.plan_get_for(actor=request.user, pk=pk)
    groups = selectors.plan_by_worker(plan, route=True)
    if request.GET.get("worker", "").isdigit():
        groups = [g for g in groups if g["worker"].pk == int(request.GET["worker"])]
    return render(request, "visits/plan_route.html", {"plan": plan, "groups": groups})


@login_required
@require_POST
def plan_adjust(request, pk):
    permissions.require(permissions.can_manage_visits(request.user))
    plan = selectors.plan_get_for(actor=request.user, pk=pk)
    op = request.POST.get("op", "")
    workers = {str(w.pk): w for w in schedule.station_workers(plan.unit)}
    try:
        if op == "approve":
            services.plan_approve(actor=request.user, plan=plan)
            messages.success(request, _("计划已审定。"))
        elif op == "reopen":
            services.plan_reopen(actor=request.user, plan=plan)
            messages.success(request, _("计划已退回草稿，可以调整。"))
        elif op in ("move", "remove"):
            entry = plan.entries.filter(pk=request.POST.get("entry") or 0).first()
            if entry is None:
                raise Http404("entry not found")
            if op == "move":
                worker = workers.get(request.POST.get("worker", ""))
                if worker is None:
                    raise ValidationError(_("请选择社工。"))
                services.plan_entry_move(actor=request.user, entry=entry, worker=worker)
            else:
                services.plan_entry_remove(actor=request.user, entry=entry)
        elif op == "add":
            number = request.POST.get("household", "").strip()
            household = (
                registry_selectors.households_for(actor=request.user)
                .filter(unit=plan.unit, number=number)
                .first()
            )
            worker = workers.get(request.POST.get("worker", ""))
            if household is None or worker is None:
                raise ValidationError(_("请填写本社区的户编号并选择社工。"))
            services.plan_entry_add(actor=request.user, plan=plan, household=household, worker=worker)
            messages.success(request, _("已加入计划。"))
        else:
            raise ValidationError(_("未知操作。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("visits:plan_detail", pk=pk)


@login_required
def overdue_list(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    unit = station_for(request)
    rows = selectors.overdue_households(actor=request.user, unit=unit, via="visits.overdue")
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "visits/overdue_list.html", {"unit": unit, "page": page, "total": len(rows)})
