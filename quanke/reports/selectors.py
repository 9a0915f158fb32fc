"""Reads for dashboards and exports. Each figure for a unit is computed for all communities below it in one
grouped query per source, then rolled up in Python: street = sum of its communities, county = sum of all."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.http import Http404

from quanke.catalog.models import Item
from quanke.core import permissions
from quanke.core.models import OrgUnit, UnitLevel, User
from quanke.matters.models import Channel, Kind, Matter, Status
from quanke.registry.idnumber import mask_name
from quanke.reports import indicators as ind
from quanke.reports.models import MatterDailyStat, MatterDayTotal, MatterMonthStat
from quanke.reports.periods import Period, period_for
from quanke.reports.sources import SOURCES


def statistics_unit_for(*, actor, code: str | None = None) -> OrgUnit:
    """The unit whose statistics the actor asked for (default: her own); 404 if outside her scope."""
    if not permissions.can_view_statistics(actor):
        raise Http404("no statistics")
    if not code:
        return actor.unit
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None or not permissions.can_view_unit_statistics(actor, unit):
        raise Http404("unit not found")
    return unit


@dataclass
class Tree:
    root: OrgUnit
    units: dict[int, OrgUnit]  # every unit in the subtree, root included
    children: list[OrgUnit]
    communities: list[OrgUnit]

    def communities_under(self, unit: OrgUnit) -> list[OrgUnit]:
        return [c for c in self.communities if permissions.within(c, unit)]

    def units_under(self, unit: OrgUnit) -> list[OrgUnit]:
        """The unit and every unit below it (streets and the county keep some records of their own)."""
        return [u for u in self.units.values() if permissions.within(u, unit)]

    def children_of(self, unit: OrgUnit) -> list[OrgUnit]:
        return [u for u in self.units.values() if u.parent_id == unit.pk]


def unit_tree(unit: OrgUnit) -> Tree:
    units = {u.pk: u for u in OrgUnit.objects.filter(permissions.subtree(unit, "")).order_by("path")}
    units[unit.pk] = unit
    return Tree(
        root=unit,
        units=units,
        children=[u for u in units.values() if u.parent_id == unit.pk],
        communities=[u for u in units.values() if u.level == UnitLevel.COMMUNITY],
    )


def collect_many(tree: Tree, periods: list[Period], today: date, *, live: bool) -> list[dict[int, dict]]:
    """For each period, {unit_id: counts} from every source, for every unit of the tree (matters exist only at
    communities). One grouped query per source table serves all the periods; live figures go with the first."""
    ids = list(tree.units)
    results: list[dict[int, dict]] = [{uid: {} for uid in ids} for _ in periods]
    for source in SOURCES:
        for result, counts_by_unit in zip(
            results, source.collect_many(ids, periods, today, live=live), strict=True
        ):
            for uid, counts in counts_by_unit.items():
                result.setdefault(uid, {}).update(counts)
    return results


def collect(tree: Tree, period: Period, today: date, *, live: bool) -> dict[int, dict]:
    return collect_many(tree, [period], today, live=live)[0]


def sum_counts(rows) -> dict:
    total: dict = {}
    for counts in rows:
        for name, value in counts.items():
            if value is None:
                continue
            total[name] = total.get(name, 0) + value
    return total


@dataclass
class Figures:
    """Counts for one unit and its previous-period counts; indicator values come from them."""

    unit: OrgUnit | None
    label: str
    counts: dict
    previous: dict | None = None

    def value(self, indicator):
        return indicator.value(self.counts)

    def previous_value(self, indicator):
        if self.previous is None or indicator.live:
            return None
        return indicator.value(self.previous)

    def row(self, indicator) -> dict:
        cur, prev = self.value(indicator), self.previous_value(indicator)
        delta = pct = good = None
        if cur is not None and prev is not None:
            delta = cur - prev
            if prev:
                pct = round(Decimal(delta) / Decimal(prev) * 100, 1)
            if delta:  # a rise is good news unless the indicator is one where lower is better
                good = (delta > 0) != indicator.lower_is_better
        return {
            "indicator": indicator,
            "value": cur,
            "previous": prev,
            "delta": delta,
            "pct": pct,
            "good": good,
        }


def unit_figures(
    tree: Tree, per_community: dict, previous: dict | None, targets: list[OrgUnit]
) -> list[Figures]:
    out = []
    for unit in targets:
        ids = [u.pk for u in tree.units_under(unit)]
        cur = ind.complete(sum_counts(per_community.get(i, {}) for i in ids))
        prev = ind.complete(sum_counts(previous.get(i, {}) for i in ids)) if previous is not None else None
        out.append(Figures(unit=unit, label=unit.name, counts=cur, previous=prev))
    return out


def trend(tree: Tree, period: Period, today: date | None = None) -> list[dict]:
    """Received, on the spot, routed and finished per day (periods up to 62 days) or per month. Days and months
    after `today` have no figures yet (None, a gap in the chart), not zeros."""
    ids = [c.pk for c in tree.communities]
    qs = MatterDayTotal.objects.filter(unit_id__in=ids, day__gte=period.start, day__lte=period.end)
    sums = {n: Sum(n) for n in ("received", "on_spot", "routed", "finished")}
    if period.days <= 62:
        rows = {r["day"]: r for r in qs.values("day").annotate(**sums).order_by()}
        days = [period.start + timedelta(days=i) for i in range(period.days)]
        return [_point(f"{d:%m-%d}", rows.get(d), sums, today is not None and d > today) for d in days]
    rows = {
        r["month"]: r
        for r in qs.annotate(month=TruncMonth("day")).values("month").annotate(**sums).order_by()
    }
    months, cursor = [], period.start.replace(day=1)
    while cursor <= period.end:
        months.append(cursor)
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return [_point(f"{m:%Y-%m}", rows.get(m), sums, today is not None and m > today) for m in months]


def _point(label: str, row: dict | None, sums, future: bool) -> dict:
    return {"label": label, **{n: None if future else (row or {}).get(n) or 0 for n in sums}}


BREAKDOWN_SUMS = (
    "received",
    "on_spot",
    "routed",
    "finished",
    "finished_with_deadline",
    "finished_in_time",
    "working_days",
)


@dataclass
class Breakdowns:
    by_category: list[Figures] = field(default_factory=list)
    by_item: list[Figures] = field(default_factory=list)
    by_channel: list[Figures] = field(default_factory=list)


def split_months(period: Period) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The whole calendar months inside the period (first days of the first and last), and the edge days."""
    first = (
        period.start if period.start.day == 1 else period_for("month", period.start).end + timedelta(days=1)
    )
    last_end = (
        period.end
        if period.end == period_for("month", period.end).end
        else period.end.replace(day=1) - timedelta(days=1)
    )
    if first > last_end:
        return None, [(period.start, period.end)]
    edges = []
    if period.start < first:
        edges.append((period.start, first - timedelta(days=1)))
    if last_end < period.end:
        edges.append((last_end + timedelta(days=1), period.end))
    return (first, last_end.replace(day=1)), edges


def _detail_rows(community_ids: list[int], period: Period) -> list[dict]:
    """Sums per (item, channel) over the period: whole months from the monthly roll-up, edges from the daily."""
    months, edges = split_months(period)
    sums = {n: Sum(n) for n in BREAKDOWN_SUMS}
    parts = []
    if months:
        parts.append(MatterMonthStat.objects.filter(day__gte=months[0], day__lte=months[1]))
    if edges:
        days = Q()
        for lo, hi in edges:
            days |= Q(day__gte=lo, day__lte=hi)
        parts.append(MatterDailyStat.objects.filter(days))
    merged: dict[tuple, dict] = {}
    for qs in parts:
        for r in (
            qs.filter(unit_id__in=community_ids).values("item_id", "channel").annotate(**sums).order_by()
        ):
            row = merged.setdefault(
                (r["item_id"], r["channel"]), {"item_id": r["item_id"], "channel": r["channel"]}
            )
            for n in BREAKDOWN_SUMS:
                row[n] = row.get(n, 0) + (r[n] or 0)
    return list(merged.values())


def breakdowns(community_ids: list[int], period: Period) -> Breakdowns:
    """By category, item and channel from one grouped query per roll-up table (months, then edge days)."""
    rows = _detail_rows(community_ids, period)
    items = {
        i["pk"]: i
        for i in Item.objects.filter(pk__in={r["item_id"] for r in rows}).values(
            "pk", "name", "category__name", "category__order"
        )
    }
    cat, item, chan = defaultdict(list), defaultdict(list), defaultdict(list)
    cat_order = {}
    for r in rows:
        meta = items.get(r["item_id"], {"name": "?", "category__name": "?", "category__order": 99})
        counts = {n: r[n] or 0 for n in BREAKDOWN_SUMS}
        cat[meta["category__name"]].append(counts)
        cat_order[meta["category__name"]] = meta["category__order"]
        item[meta["name"]].append(counts)
        chan[r["channel"]].append(counts)

    def figures(groups, key):
        out = [
            Figures(unit=None, label=label, counts=ind.complete(sum_counts(v))) for label, v in groups.items()
        ]
        return sorted(out, key=key)

    labels = dict(Channel.choices)
    result = Breakdowns(
        by_category=figures(cat, key=lambda f: cat_order.get(f.label, 99)),
        by_item=figures(item, key=lambda f: (-f.counts.get("received", 0), f.label)),
        by_channel=figures(
            {str(labels.get(k, k)): v for k, v in chan.items()}, key=lambda f: -f.counts.get("received", 0)
        ),
    )
    return result


def workers(unit: OrgUnit, period: Period) -> list[dict]:
    """Per worker of one community: matters she accepted (and finished on the spot) and matters she finished
    after routing. Live from the matters table: one community and one period is a small, indexed slice."""
    matters = Matter.objects.filter(unit=unit)
    accepted = {
        r["accepted_by"]: r
        for r in matters.accepted_in(period.start, period.end)
        .values("accepted_by")
        .annotate(received=Count("pk"), on_spot=Count("pk", filter=Q(status=Status.ON_SPOT)))
        .order_by()
    }
    finished = {
        r["assigned_to"]: r["finished"]
        for r in matters.closed_in(period.start, period.end)
        .finished()
        .filter(assigned_to__isnull=False)
        .values("assigned_to")
        .annotate(finished=Count("pk"))
        .order_by()
    }
    people = User.objects.filter(pk__in=set(accepted) | set(finished)).order_by("username")
    return [
        {
            "name": p.display_name,
            "received": accepted.get(p.pk, {}).get("received", 0),
            "on_spot": accepted.get(p.pk, {}).get("on_spot", 0),
            "finished": finished.get(p.pk, 0),
        }
        for p in people
    ]


def assistance_programs(figures: Figures) -> list[dict] | None:
    """The 社会救助（按项目）table: one row per programme and a total, from the per-programme counts.

    None when the assistance source is absent (no such counts at all)."""
    if "aid_applications" not in figures.counts:
        return None
    from quanke.assistance.models import PROGRAM_ITEMS
    from quanke.registry.models import Program

    labels = dict(Program.choices)
    rows = []
    for program in PROGRAM_ITEMS:
        # 临时救助 is paid once: nobody is "in receipt" of it at the period's end.
        one_off = program == Program.TEMPORARY
        values = [
            None
            if one_off and code in MONTHLY_ONLY
            else figures.counts.get(ind.program_key(code, program), 0)
            for code, _h, _u in COLUMNS
        ]
        rows.append({"label": str(labels.get(program, program)), "values": values, "total": False})
    rows.append(
        {"label": "合计", "values": [figures.counts.get(code, 0) for code, _h, _u in COLUMNS], "total": True}
    )
    return rows


COLUMNS = ind.ASSISTANCE_PROGRAM_COLUMNS
MONTHLY_ONLY = {"aid_households", "aid_recipients", "aid_monthly_amount"}


@dataclass
class Dashboard:
    unit: OrgUnit
    period: Period
    previous_period: Period  # the period compared with (cut to the elapsed days while this one runs)
    comparison_name: str  # 上月, 上月同期 …
    total: Figures
    children: list[Figures]
    trend: list[dict]
    breakdowns: Breakdowns
    workers: list[dict] | None
    breadcrumb: list[OrgUnit]
    programs: list[dict] | None = None
    own: Figures | None = None  # records kept by the unit itself (街道本级), when it has children and any

    def indicator_rows(self) -> list[dict]:
        return [self.total.row(i) for i in ind.INDICATORS if self.total.value(i) is not None or not i.live]


def dashboard(*, actor, unit: OrgUnit, period: Period, today: date) -> Dashboard:
    permissions.require(permissions.can_view_unit_statistics(actor, unit))
    tree = unit_tree(unit)
    comparison = period.comparison(today)  # like with like: 上月同期 while this month is still running
    current, previous = collect_many(tree, [period, comparison], today, live=True)
    total = unit_figures(tree, current, previous, [unit])[0]
    children = unit_figures(tree, current, previous, tree.children)
    show_workers = unit.level == UnitLevel.COMMUNITY and permissions.can_view_worker_statistics(actor, unit)
    breadcrumb = [u for u in reversed([unit, *unit.ancestors()]) if permissions.unit_in_scope(actor, u)]
    return Dashboard(
        unit=unit,
        period=period,
        previous_period=comparison,
        comparison_name=period.comparison_name(today),
        total=total,
        children=children,
        trend=trend(tree, period, today),
        breakdowns=breakdowns([c.pk for c in tree.communities], period),
        workers=workers(unit, period) if show_workers else None,
        breadcrumb=breadcrumb,
        programs=assistance_programs(total),
        own=own_figures(unit, current, previous) if tree.children else None,
    )


def own_figures(unit: OrgUnit, current: dict, previous: dict | None = None) -> Figures | None:
    """The unit's own records (not its children's), when it has any: so the children rows add up to the total."""
    counts = current.get(unit.pk, {})
    before = None if previous is None else previous.get(unit.pk, {})
    if not any(counts.values()) and not any((before or {}).values()):
        return None
    return Figures(
        unit=unit,
        label=f"{unit.name}本级",
        counts=ind.complete(counts),
        previous=None if before is None else ind.complete(before),
    )


def summary_rows(*, actor, unit: OrgUnit, period: Period, today: date) -> list[tuple[str, Figures]]:
    """Rows of the county summary: for each street its communities then a subtotal, and a grand total.

    Records kept by a street or the county itself (a visit by street staff, an organisation registered at the
    county) get their own "own" row (街道本级 / 区县本级), so that every subtotal is the sum of the rows above it.

    Returns (kind, figures) with kind in "community", "own", "subtotal", "total".
    """
    permissions.require(permissions.can_view_unit_statistics(actor, unit))
    tree = unit_tree(unit)
    current = collect(tree, period, today, live=True)
    rows: list[tuple[str, Figures]] = []
    if unit.level == UnitLevel.COMMUNITY:
        return [("total", unit_figures(tree, current, None, [unit])[0])]

    def own(u: OrgUnit) -> None:
        figures = own_figures(u, current)
        if figures is not None:
            rows.append(("own", figures))

    streets = [unit] if unit.level == UnitLevel.STREET else tree.children
    for street in streets:
        for community in tree.children_of(street):
            rows.append(("community", unit_figures(tree, current, None, [community])[0]))
        own(street)
        if unit.level == UnitLevel.COUNTY:
            rows.append(("subtotal", unit_figures(tree, current, None, [street])[0]))
    if unit.level == UnitLevel.COUNTY:
        own(unit)
    rows.append(("total", unit_figures(tree, current, None, [unit])[0]))
    return rows


# The acceptance-side figures a user can check against the list: the same conditions as the roll-up.
LIST_FIGURES = {
    "received": Q(),
    "on_spot": Q(status=Status.ON_SPOT),
    "routed": Q(routed_at__isnull=False),
    "refused": Q(status=Status.REFUSED),
    "consultations": Q(kind=Kind.CONSULTATION),
}


def _matters_in(actor, unit: OrgUnit, period: Period):
    permissions.require(permissions.can_list_statistics_matters(actor, unit))
    return (
        Matter.objects.filter(permissions.matter_scope(actor))
        .filter(permissions.subtree(unit, "unit"))
        .accepted_in(period.start, period.end)
    )


def matters_behind_totals(*, actor, unit: OrgUnit, period: Period) -> dict[str, int]:
    """How many matters each list figure holds: one grouped COUNT over the period's slice (first page only),
    so that a user can hold the list against the report."""
    return _matters_in(actor, unit, period).aggregate(
        **{code: Count("pk", filter=cond) for code, cond in LIST_FIGURES.items()}
    )


def matters_behind(
    *, actor, unit: OrgUnit, period: Period, before=None, limit: int = 51, figure: str = "received"
) -> list:
    """Matters accepted in the period at communities under `unit`, newest first, after the keyset `before`;
    `figure` narrows them to those counted in one acceptance-side figure (当场办结, 流转办理 …)."""
    qs = (
        _matters_in(actor, unit, period)
        .filter(LIST_FIGURES.get(figure, Q()))
        .select_related("item", "unit", "assigned_to")
        .order_by("-accepted_at", "-id")
    )
    if before is not None:
        stamp, pk = before
        qs = qs.filter(Q(accepted_at__lt=stamp) | Q(accepted_at=stamp, pk__lt=pk))
    return list(qs[:limit])


def accepted_register(*, actor, unit: OrgUnit, period: Period) -> list[dict]:
    """本期受理办件清单 of the station report: every matter accepted in the period at the communities under `unit`,
    one row each, with a yes/no per acceptance-side figure (the conditions of LIST_FIGURES, which the roll-up
    counts), so that a user can recount the report's 受理办件, 当场办结, 流转办理, 不予受理 and 咨询. The applicant
    appears masked, and only to those who may read those matters (never to the county viewer)."""
    permissions.require(permissions.can_export_statistics(actor, unit))
    with_names = permissions.can_list_statistics_matters(actor, unit)
    flags = {code: cond for code, cond in LIST_FIGURES.items() if cond}  # 受理办件 is every row
    qs = (
        Matter.objects.filter(permissions.subtree(unit, "unit"))
        .accepted_in(period.start, period.end)
        .select_related("item__category", "unit", *(["resident"] if with_names else []))
        .annotate(
            **{
                f"is_{code}": Case(
                    When(cond, then=Value(True)), default=Value(False), output_field=BooleanField()
                )
                for code, cond in flags.items()
            }
        )
        .order_by("accepted_at", "id")
    )
    return [
        {
            "matter": m,
            "applicant": mask_name(m.applicant) if with_names else None,
            **{code: getattr(m, f"is_{code}") for code in flags},
        }
        for m in qs
    ]
