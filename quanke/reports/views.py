"""Dashboards, definitions, exports. Thin: permission → period form → one selector/service call → render."""

from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from quanke.core import permissions
from quanke.core.dbrouter import replica_view
from quanke.core.models import UnitLevel
from quanke.reports import exports, selectors, services
from quanke.reports import indicators as ind
from quanke.reports.models import ExportJob
from quanke.reports.periods import KINDS, parse_period, period_for

MATTER_PAGE_SIZE = 50


def _period(request):
    today = timezone.localdate()
    try:
        return parse_period(request.GET if request.method == "GET" else request.POST, today=today), None
    except ValidationError as exc:
        return period_for("month", today), " ".join(exc.messages)


def _period_query(period) -> str:
    if period.kind == "custom":
        return f"period=custom&start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}"
    return f"period={period.kind}&anchor={period.start:%Y-%m-%d}"


@login_required
@replica_view
def dashboard(request, code=None):
    permissions.require(permissions.can_view_statistics(request.user))
    unit = selectors.statistics_unit_for(actor=request.user, code=code)
    period, period_error = _period(request)
    data = selectors.dashboard(actor=request.user, unit=unit, period=period, today=timezone.localdate())
    codes = ind.by_code()
    key = [data.total.row(i) for i in ind.INDICATORS if i.key]
    breakdown_cols = [codes[c] for c in ind.BREAKDOWN_COLUMNS]
    child_cols = [
        codes[c]
        for c in (
            "received",
            "on_spot",
            "routed",
            "on_spot_rate",
            "finished",
            "in_time_rate",
            "avg_working_days",
            "one_trip_rate",
            "overdue_now",
        )
    ]
    own_values = [data.own.value(c) for c in child_cols] if data.own else None
    charts = {
        "trend": data.trend,
        "category": [
            {"name": f.label, "value": f.counts.get("received", 0)} for f in data.breakdowns.by_category
        ],
        "channel": [
            {"name": f.label, "value": f.counts.get("received", 0)} for f in data.breakdowns.by_channel
        ],
        "ranking": [
            {
                "name": f.label,
                "received": f.counts.get("received", 0),
                "on_spot": f.counts.get("on_spot", 0),
                "routed": f.counts.get("routed", 0),
            }
            for f in sorted(data.children, key=lambda f: f.counts.get("received", 0))
        ],
        "items": [
            {"name": f.label, "value": f.counts.get("received", 0)} for f in data.breakdowns.by_item[:15]
        ][::-1],
    }
    if data.programs:
        at = {code: i for i, (code, _h, _u) in enumerate(ind.ASSISTANCE_PROGRAM_COLUMNS)}
        charts["programs"] = [
            {
                "name": r["label"],
                "applications": r["values"][at["aid_applications"]],
                "approved": r["values"][at["aid_approved"]],
                "refused": r["values"][at["aid_refused"]],
            }
            for r in data.programs
            if not r["total"]
        ]
    return render(
        request,
        "reports/dashboard.html",
        {
            "d": data,
            "key_rows": key,
            "rows": data.indicator_rows(),
            "breakdown_cols": breakdown_cols,
            "child_cols": child_cols,
            "children_rows": [(f, [f.value(c) for c in child_cols]) for f in data.children],
            "own_row": own_values if any(own_values or ()) else None,
            "category_rows": [(f, [f.value(c) for c in breakdown_cols]) for f in data.breakdowns.by_category],
            "channel_rows": [(f, [f.value(c) for c in breakdown_cols]) for f in data.breakdowns.by_channel],
            "item_rows": [(f, [f.value(c) for c in breakdown_cols]) for f in data.breakdowns.by_item],
            "program_cols": [
                (heading, unit, codes[code].definition)
                for code, heading, unit in ind.ASSISTANCE_PROGRAM_COLUMNS
            ],
            "charts": charts,
            "period": period,
            "period_error": period_error,
            "period_kinds": [(k, label) for k, label in PERIOD_LABELS.items() if k in KINDS],
            "period_query": _period_query(period),
            "is_community": unit.level == UnitLevel.COMMUNITY,
            "can_list_matters": permissions.can_list_statistics_matters(request.user, unit),
            "today": timezone.localdate(),
            "next_anchor": period.end + timedelta(days=1),
            "ranking_height": max(240, 30 * len(data.children) + 60),
        },
    )


PERIOD_LABELS = {
    "day": "日",
    "week": "周",
    "month": "月",
    "quarter": "季度",
    "year": "年",
    "custom": "自定义",
}


@login_required
def definitions(request):
    permissions.require(permissions.can_view_statistics(request.user))
    groups: dict[str, list] = {}
    for i in ind.INDICATORS:
        groups.setdefault(i.group, []).append(i)
    return render(request, "reports/definitions.html", {"groups": groups})


@login_required
@replica_view
def indicator_csv(request, code):
    unit = selectors.statistics_unit_for(actor=request.user, code=code)
    period, _error = _period(request)
    body = exports.indicator_csv(actor=request.user, unit=unit, period=period, today=timezone.localdate())
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = f"indicators-{unit.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def export_create(request, code):
    unit = selectors.statistics_unit_for(actor=request.user, code=code)
    period, _error = _period(request)
    try:
        job = services.export_request(
            actor=request.user, kind=request.POST.get("kind", ""), unit=unit, period=period
        )
    except ValidationError as exc:
        from django.contrib import messages

        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("reports:dashboard_unit", args=[unit.code]) + "?" + _period_query(period))
    return redirect("reports:export_job", pk=job.pk)


def _job_for(request, pk) -> ExportJob:
    job = ExportJob.objects.select_related("unit").filter(pk=pk, requested_by=request.user).first()
    if job is None or not permissions.can_download_export(request.user, job):
        raise Http404("job not found")
    return job


@login_required
@replica_view
def export_job(request, pk):
    job = _job_for(request, pk)
    template = "reports/_job_status.html" if request.headers.get("HX-Request") else "reports/job.html"
    return render(request, template, {"job": job})


@login_required
def export_download(request, pk):
    job = _job_for(request, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404("not ready")
    services.export_download_record(actor=request.user, job=job)
    return FileResponse(open(job.file_path, "rb"), as_attachment=True, filename=job.file_name)


@login_required
@replica_view
def matter_list(request, code):
    """The matters behind the received figure (accepted in the period), newest first, keyset-paginated:
    `?before=<accepted_at ISO>,<id>` continues after the last row shown; no COUNT(*) over the table."""
    unit = selectors.statistics_unit_for(actor=request.user, code=code)
    permissions.require(permissions.can_list_statistics_matters(request.user, unit))
    period, _error = _period(request)
    before = None
    raw = request.GET.get("before", "")
    if raw:
        try:
            stamp, pk = raw.rsplit(",", 1)
            before = (datetime.fromisoformat(stamp), int(pk))
        except ValueError:
            before = None
    figure = request.GET.get("figure", "received")
    if figure not in selectors.LIST_FIGURES:
        figure = "received"
    rows = selectors.matters_behind(
        actor=request.user, unit=unit, period=period, before=before, limit=MATTER_PAGE_SIZE + 1, figure=figure
    )
    has_next, rows = len(rows) > MATTER_PAGE_SIZE, rows[:MATTER_PAGE_SIZE]
    next_key = f"{rows[-1].accepted_at.isoformat()},{rows[-1].pk}" if has_next else ""
    codes = ind.by_code()
    # Counted once, on the first page, and only over a bounded slice (one station, or at most a quarter);
    # later pages only walk the keyset.
    countable = unit.level == UnitLevel.COMMUNITY or period.days <= 92
    totals = (
        selectors.matters_behind_totals(actor=request.user, unit=unit, period=period)
        if countable and not before
        else None
    )
    return render(
        request,
        "reports/matter_list.html",
        {
            "unit": unit,
            "period": period,
            "rows": rows,
            "next_key": next_key,
            "period_query": _period_query(period),
            "figure": figure,
            "figure_name": codes[figure].name,
            "figures": [
                (code, codes[code].name, (totals or {}).get(code)) for code in selectors.LIST_FIGURES
            ],
            "totals": totals,
            "figure_total": (totals or {}).get(figure),
            "first_page": before is None,
            "day_after": period.end + timedelta(days=1),
        },
    )
