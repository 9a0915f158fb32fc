"""Where indicator counts come from: one source per app, each returning additive counts per community.

A source's `collect_many(unit_ids, periods, today, live=...)` returns, for each period, {unit_id: {count: number}}
from ONE grouped query per table (or a few) for all the periods together — conditional aggregates, one column per
period — never a query per unit or per period. The first period is the one whose live (“当前”) figures are wanted.
Street and county figures are sums of community figures (quanke.reports.selectors rolls them up). Sources for apps
whose models do not exist yet are simply absent.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from quanke.matters.models import Matter, overdue_q
from quanke.reports import indicators as ind
from quanke.reports.models import MatterCounts, MatterDayTotal
from quanke.reports.periods import Period
from quanke.reports.rollup import period_bounds

CENT = Decimal("0.01")


def _nested():
    return defaultdict(dict)


def _days(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _moments(field: str, period: Period) -> Q:
    lo, hi = period_bounds(period)
    return Q(**{f"{field}__gte": lo, f"{field}__lt": hi})


def _any(periods, make) -> Q:
    """The rows any of the periods needs (a WHERE that keeps the grouped scan to the periods' span)."""
    q = Q()
    for p in periods:
        q |= make(p)
    return q


def _per_period(periods, **aggregates) -> dict:
    """{name__i: aggregate limited to period i} for each (name, (function, field, condition-maker, extra))."""
    out = {}
    for i, p in enumerate(periods):
        for name, (fn, field, make, extra) in aggregates.items():
            condition = make(p) & extra
            out[f"{name}__{i}"] = fn(field, filter=condition)
    return out


def _take(row: dict, names, i: int) -> dict:
    return {n: row[f"{n}__{i}"] for n in names}


class MatterSource:
    name = "matters"

    def collect_many(self, community_ids, periods, today: date, *, live: bool) -> list[dict]:
        outs = [_nested() for _ in periods]
        if not community_ids:
            return outs
        fields = MatterCounts.COUNT_FIELDS
        rows = (
            MatterDayTotal.objects.filter(unit_id__in=community_ids)
            .filter(_any(periods, lambda p: _days("day", p)))
            .values("unit_id")
            .annotate(**_per_period(periods, **{n: (Sum, n, lambda p: _days("day", p), Q()) for n in fields}))
            .order_by()
        )
        for r in rows:
            for i, out in enumerate(outs):
                out[r["unit_id"]].update({n: v or 0 for n, v in _take(r, fields, i).items()})
        for out in outs:
            for uid in community_ids:
                for name in fields:
                    out[uid].setdefault(name, 0)
        if live:
            # The definitions of 在办 and 超期 are the Matter QuerySet's (.open(), .overdue(today)), as on the
            # head's dashboard and the queues.
            live_rows = (
                Matter.objects.filter(unit_id__in=community_ids)
                .open()
                .values("unit_id")
                .annotate(
                    # COUNT(unit_id) rather than COUNT(id): the partial index reports_matter_open covers the
                    # query, so PostgreSQL answers from the index alone without visiting the table.
                    open_now=Count("unit"),
                    overdue_now=Count("unit", filter=overdue_q(today)),
                )
                .order_by()
            )
            for uid in community_ids:
                outs[0][uid].update(open_now=0, overdue_now=0)
            for r in live_rows:
                outs[0][r.pop("unit_id")].update(r)
        return outs


class VisitSource:
    """Home visits (quanke.visits): both counts in one pass over the covering index reports_visit_period_special;
    whether the household was a special group's is recorded on the visit itself (Visit.special_group)."""

    name = "visits"

    def collect_many(self, unit_ids, periods, today, *, live):
        from quanke.visits.models import Visit

        outs = [_nested() for _ in periods]
        when = lambda p: _moments("visited_at", p)  # noqa: E731
        rows = (
            Visit.objects.filter(unit_id__in=unit_ids)
            .filter(_any(periods, when))
            .values("unit_id")
            .annotate(
                **_per_period(
                    periods,
                    visits=(Count, "unit_id", when, Q()),
                    special_visits=(Count, "unit_id", when, Q(special_group=True)),
                )
            )
            .order_by()
        )
        for r in rows:
            for i, out in enumerate(outs):
                out[r["unit_id"]].update(_take(r, ("visits", "special_visits"), i))
        for out in outs:
            for uid in unit_ids:
                out[uid].setdefault("visits", 0)
                out[uid].setdefault("special_visits", 0)
        return outs


class CaseSource:
    """Casework (quanke.casework): opened and closed in the period; active now."""

    name = "casework"

    def collect_many(self, unit_ids, periods, today, *, live):
        from quanke.casework.models import Case, CaseStatus

        outs = [_nested() for _ in periods]
        closed = Q(status=CaseStatus.CLOSED)
        rows = (
            Case.objects.filter(unit_id__in=unit_ids)
            .values("unit_id")
            .annotate(
                **_per_period(
                    periods,
                    cases_opened=(Count, "pk", lambda p: _days("opened_on", p), Q()),
                    cases_closed=(Count, "pk", lambda p: _moments("closed_at", p), closed),
                ),
                cases_active=Count("pk", filter=~closed),
            )
            .order_by()
        )
        for r in rows:
            for i, out in enumerate(outs):
                out[r["unit_id"]].update(_take(r, ("cases_opened", "cases_closed"), i))
            if live:
                outs[0][r["unit_id"]]["cases_active"] = r["cases_active"]
        for i, out in enumerate(outs):
            for uid in unit_ids:
                out[uid].setdefault("cases_opened", 0)
                out[uid].setdefault("cases_closed", 0)
                if live and i == 0:
                    out[uid].setdefault("cases_active", 0)
        return outs


class NetworkSource:
    """The 5+N network (quanke.network): volunteer service, organisations, resources ledger, activities."""

    name = "network"

    def collect_many(self, unit_ids, periods, today, *, live):
        from quanke.network.models import (
            Activity,
            Direction,
            LedgerEntry,
            ResourceKind,
            ServiceRecord,
            SocialOrganisation,
        )

        outs = [_nested() for _ in periods]
        served = lambda p: _days("served_on", p)  # noqa: E731
        for r in (
            ServiceRecord.objects.filter(unit_id__in=unit_ids)
            .filter(_any(periods, served))
            .values("unit_id")
            .annotate(
                **_per_period(
                    periods,
                    volunteer_times=(Count, "pk", served, Q()),
                    volunteer_hours=(Sum, "hours", served, Q()),
                )
            )
            .order_by()
        ):
            for i, out in enumerate(outs):
                out[r["unit_id"]].update(_take(r, ("volunteer_times", "volunteer_hours"), i))
        # Money counts at face value; goods at their estimated value (0 when none was recorded).
        value = Coalesce("estimated_value", F("quantity") * 0)
        entered = lambda p: _days("entry_on", p)  # noqa: E731
        money, goods = Q(kind=ResourceKind.MONEY), Q(kind=ResourceKind.IN_KIND)
        incoming, outgoing = Q(direction=Direction.IN), Q(direction=Direction.OUT)
        for r in (
            LedgerEntry.objects.filter(unit_id__in=unit_ids)
            .filter(_any(periods, entered))
            .values("unit_id")
            .annotate(
                **_per_period(
                    periods,
                    raised_money=(Sum, "quantity", entered, incoming & money),
                    raised_goods=(Sum, value, entered, incoming & goods),
                    spent_money=(Sum, "quantity", entered, outgoing & money),
                    spent_goods=(Sum, value, entered, outgoing & goods),
                )
            )
            .order_by()
        ):
            for i, out in enumerate(outs):
                v = _take(r, ("raised_money", "raised_goods", "spent_money", "spent_goods"), i)
                out[r["unit_id"]]["resources_raised"] = (v["raised_money"] or 0) + (v["raised_goods"] or 0)
                out[r["unit_id"]]["resources_spent"] = (v["spent_money"] or 0) + (v["spent_goods"] or 0)
        held = lambda p: _days("held_on", p)  # noqa: E731
        acts = Activity.objects.filter(unit_id__in=unit_ids).filter(_any(periods, held))
        for r in (
            acts.values("unit_id")
            .annotate(
                **_per_period(
                    periods,
                    activities=(Count, "pk", held, Q()),
                    extra=(Sum, "extra_participants", held, Q()),
                )
            )
            .order_by()
        ):
            for i, out in enumerate(outs):
                v = _take(r, ("activities", "extra"), i)
                out[r["unit_id"]]["activities"] = v["activities"]
                out[r["unit_id"]]["activity_participants"] = v["extra"] or 0
        for through in (Activity.participant_residents.through, Activity.participant_volunteers.through):
            on_day = lambda p: _days("activity__held_on", p)  # noqa: E731
            rows = (
                through.objects.filter(activity__in=acts)
                .values("activity__unit_id")
                .annotate(**_per_period(periods, n=(Count, "pk", on_day, Q())))
                .order_by()
            )
            for r in rows:
                for i, out in enumerate(outs):
                    counts = out[r["activity__unit_id"]]
                    counts["activity_participants"] = counts.get("activity_participants", 0) + r[f"n__{i}"]
        if live:
            for r in (
                SocialOrganisation.objects.filter(unit_id__in=unit_ids, active=True)
                .values("unit_id")
                .annotate(n=Count("pk"))
                .order_by()
            ):
                outs[0][r["unit_id"]]["organisations"] = r["n"]
        for i, out in enumerate(outs):
            for uid in unit_ids:
                for name in (
                    "volunteer_times",
                    "resources_raised",
                    "resources_spent",
                    "activities",
                    "activity_participants",
                ):
                    out[uid].setdefault(name, 0)
                out[uid]["volunteer_hours"] = out[uid].get("volunteer_hours") or 0
                if live and i == 0:
                    out[uid].setdefault("organisations", 0)
        return outs


class AssistanceSource:
    """Social assistance (quanke.assistance, quanke.registry benefits): applications and decisions in the
    period, recipients and monthly amounts at the period's end, proactive findings confirmed.

    Every count is kept per programme (``aid_approved@dibao``) and as the total over programmes, so a unit's
    figures and its by-programme table come from the same additive counts."""

    name = "assistance"

    def collect_many(self, unit_ids, periods, today, *, live):
        from quanke.assistance.models import (
            PROGRAM_ITEMS,
            ApplicationStep,
            AssistanceApplication,
            Finding,
            FindingStatus,
        )
        from quanke.registry.models import Benefit, Program

        outs = [_nested() for _ in periods]
        programs = list(PROGRAM_ITEMS)
        monthly = [p for p in programs if p != Program.TEMPORARY]

        def add(out, uid, code, program, value):
            if not value:
                return  # per-programme counts are kept only where there is something to count
            if isinstance(value, Decimal):
                value = value.quantize(CENT)  # SQLite returns sums with any exponent
            out[uid][code] = out[uid].get(code, 0) + value
            key = ind.program_key(code, program)
            out[uid][key] = out[uid].get(key, 0) + value

        accepted = lambda p: _days("accepted_on", p)  # noqa: E731
        decided = lambda p: _days("decided_on", p)  # noqa: E731
        approved, refused = Q(step=ApplicationStep.APPROVED), Q(step=ApplicationStep.REFUSED)
        names = ("applications", "proactive", "approved", "refused", "approved_amount")
        for r in (
            AssistanceApplication.objects.filter(unit_id__in=unit_ids)
            .filter(_any(periods, accepted) | _any(periods, decided))
            .values("unit_id", "program")
            .annotate(
                **_per_period(
                    periods,
                    applications=(Count, "pk", accepted, Q()),
                    proactive=(Count, "pk", accepted, Q(finding__isnull=False)),
                    approved=(Count, "pk", decided, approved),
                    refused=(Count, "pk", decided, refused),
                    approved_amount=(Sum, "monthly_amount", decided, approved),
                )
            )
            .order_by()
        ):
            uid, program = r["unit_id"], r["program"]
            for i, out in enumerate(outs):
                v = _take(r, names, i)
                for name in names:
                    add(out, uid, f"aid_{name}", program, v[name])
                if program == Program.TEMPORARY:
                    out[uid]["aid_temporary_amount"] = out[uid].get(
                        ind.program_key("aid_approved_amount", program), 0
                    )

        # In force on the last day of each period, or today while the period is still running.
        as_of = [min(p.end, today) for p in periods]

        def in_force(day):
            return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))

        aggregates = {}
        for i, day in enumerate(as_of):
            aggregates[f"recipients__{i}"] = Count("resident_id", distinct=True, filter=in_force(day))
            aggregates[f"households__{i}"] = Count("household_id", distinct=True, filter=in_force(day))
            aggregates[f"amount__{i}"] = Sum("monthly_amount", filter=in_force(day))
        for r in (
            Benefit.objects.filter(unit_id__in=unit_ids, program__in=monthly, start_date__lte=max(as_of))
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=min(as_of)))
            .values("unit_id", "program")
            .annotate(**aggregates)
            .order_by()
        ):
            uid, program = r["unit_id"], r["program"]
            for i, out in enumerate(outs):
                add(out, uid, "aid_recipients", program, r[f"recipients__{i}"])
                add(out, uid, "aid_households", program, r[f"households__{i}"])
                add(out, uid, "aid_monthly_amount", program, r[f"amount__{i}"])

        confirmed = lambda p: _moments("decided_at", p)  # noqa: E731
        findings = Finding.objects.filter(unit_id__in=unit_ids)
        for r in (
            findings.filter(status=FindingStatus.CONFIRMED)
            .filter(_any(periods, confirmed))
            .values("unit_id")
            .annotate(**_per_period(periods, n=(Count, "pk", confirmed, Q())))
            .order_by()
        ):
            for i, out in enumerate(outs):
                out[r["unit_id"]]["findings_confirmed"] = r[f"n__{i}"]
        if live:
            for r in (
                findings.filter(status=FindingStatus.OPEN)
                .values("unit_id")
                .annotate(n=Count("pk"))
                .order_by()
            ):
                outs[0][r["unit_id"]]["findings_open_now"] = r["n"]
        for i, out in enumerate(outs):
            for uid in unit_ids:
                for name in (
                    "aid_applications",
                    "aid_proactive",
                    "aid_approved",
                    "aid_refused",
                    "aid_approved_amount",
                    "aid_temporary_amount",
                    "aid_recipients",
                    "aid_households",
                    "aid_monthly_amount",
                    "findings_confirmed",
                ):
                    out[uid].setdefault(name, 0)
                if live and i == 0:
                    out[uid].setdefault("findings_open_now", 0)
        return outs


def _installed(app_label: str) -> bool:
    from django.apps import apps

    try:
        apps.get_app_config(app_label).get_models().__next__()
        return True
    except (LookupError, StopIteration):
        return False


# Apps of the same tier as reports (quanke.public's ratings) add their source in their AppConfig.ready().
SOURCES = [MatterSource()]
for _source, _label in (
    (AssistanceSource(), "assistance"),
    (VisitSource(), "visits"),
    (CaseSource(), "casework"),
    (NetworkSource(), "network"),
):
    if _installed(_label):
        SOURCES.append(_source)
