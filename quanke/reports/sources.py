"""Where indicator counts come from: one source per app, each returning additive counts per community.

A source's `collect(community_ids, period, today)` returns {community_id: {count_name: number}} in ONE grouped
query (or a few), never a query per unit. Street and county figures are sums of community figures
(quanke.reports.selectors rolls them up). Sources for apps whose models do not exist yet are simply absent.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from quanke.matters.models import CLOCK_RUNNING, OPEN_STATUSES, Matter
from quanke.reports import indicators as ind
from quanke.reports.models import MatterCounts, MatterDayTotal
from quanke.reports.periods import Period

CENT = Decimal("0.01")


def _nested():
    return defaultdict(dict)


class MatterSource:
    name = "matters"

    def collect(self, community_ids: list[int], period: Period, today: date, *, live: bool) -> dict:
        out = _nested()
        if not community_ids:
            return out
        rows = (
            MatterDayTotal.objects.filter(
                unit_id__in=community_ids, day__gte=period.start, day__lte=period.end
            )
            .values("unit_id")
            .annotate(**{name: Sum(name) for name in MatterCounts.COUNT_FIELDS})
            .order_by()
        )
        for r in rows:
            out[r.pop("unit_id")].update(r)
        for uid in community_ids:
            for name in MatterCounts.COUNT_FIELDS:
                out[uid].setdefault(name, 0)
        if live:
            live_rows = (
                Matter.objects.filter(unit_id__in=community_ids, status__in=list(OPEN_STATUSES))
                .values("unit_id")
                .annotate(
                    # COUNT(unit_id) rather than COUNT(id): the partial index reports_matter_open covers the
                    # query, so PostgreSQL answers from the index alone without visiting the table.
                    open_now=Count("unit"),
                    overdue_now=Count("unit", filter=Q(status__in=list(CLOCK_RUNNING), due_date__lt=today)),
                )
                .order_by()
            )
            for uid in community_ids:
                out[uid].update(open_now=0, overdue_now=0)
            for r in live_rows:
                out[r.pop("unit_id")].update(r)
        return out


def _period_range(period: Period):
    from datetime import timedelta

    from quanke.reports.rollup import day_start

    return day_start(period.start), day_start(period.end + timedelta(days=1))


class VisitSource:
    """Home visits (quanke.visits): small per-period slices, counted live with one grouped query each."""

    name = "visits"

    def collect(self, unit_ids, period, today, *, live):
        from quanke.visits.models import Visit

        lo, hi = _period_range(period)
        out = _nested()
        # Both counts in one pass over the covering index reports_visit_period_special; whether the household
        # was a special group's is recorded on the visit itself (Visit.special_group).
        rows = (
            Visit.objects.filter(unit_id__in=unit_ids, visited_at__gte=lo, visited_at__lt=hi)
            .values("unit_id")
            .annotate(visits=Count("unit_id"), special_visits=Count("unit_id", filter=Q(special_group=True)))
            .order_by()
        )
        for r in rows:
            out[r.pop("unit_id")].update(r)
        for uid in unit_ids:
            out[uid].setdefault("visits", 0)
            out[uid].setdefault("special_visits", 0)
        return out


class CaseSource:
    """Casework (quanke.casework): opened and closed in the period; active now."""

    name = "casework"

    def collect(self, unit_ids, period, today, *, live):
        from quanke.casework.models import Case, CaseStatus

        lo, hi = _period_range(period)
        out = _nested()
        rows = (
            Case.objects.filter(unit_id__in=unit_ids)
            .values("unit_id")
            .annotate(
                cases_opened=Count("pk", filter=Q(opened_on__gte=period.start, opened_on__lte=period.end)),
                cases_closed=Count(
                    "pk", filter=Q(status=CaseStatus.CLOSED, closed_at__gte=lo, closed_at__lt=hi)
                ),
                cases_active=Count("pk", filter=~Q(status=CaseStatus.CLOSED)),
            )
            .order_by()
        )
        for r in rows:
            uid = r.pop("unit_id")
            if not live:
                r.pop("cases_active")
            out[uid].update(r)
        for uid in unit_ids:
            out[uid].setdefault("cases_opened", 0)
            out[uid].setdefault("cases_closed", 0)
            if live:
                out[uid].setdefault("cases_active", 0)
        return out


class NetworkSource:
    """The 5+N network (quanke.network): volunteer service, organisations, resources ledger, activities."""

    name = "network"

    def collect(self, unit_ids, period, today, *, live):
        from django.db.models import F
        from django.db.models.functions import Coalesce

        from quanke.network.models import (
            Activity,
            Direction,
            LedgerEntry,
            ResourceKind,
            ServiceRecord,
            SocialOrganisation,
        )

        out = _nested()
        in_period = {"served_on__gte": period.start, "served_on__lte": period.end}
        for r in (
            ServiceRecord.objects.filter(unit_id__in=unit_ids, **in_period)
            .values("unit_id")
            .annotate(volunteer_times=Count("pk"), volunteer_hours=Sum("hours"))
            .order_by()
        ):
            out[r.pop("unit_id")].update(r)
        # Money counts at face value; goods at their estimated value (0 when none was recorded).
        value = Coalesce("estimated_value", F("quantity") * 0)
        ledger = (
            LedgerEntry.objects.filter(
                unit_id__in=unit_ids, entry_on__gte=period.start, entry_on__lte=period.end
            )
            .values("unit_id")
            .annotate(
                raised_money=Sum("quantity", filter=Q(direction=Direction.IN, kind=ResourceKind.MONEY)),
                raised_goods=Sum(value, filter=Q(direction=Direction.IN, kind=ResourceKind.IN_KIND)),
                spent_money=Sum("quantity", filter=Q(direction=Direction.OUT, kind=ResourceKind.MONEY)),
                spent_goods=Sum(value, filter=Q(direction=Direction.OUT, kind=ResourceKind.IN_KIND)),
            )
            .order_by()
        )
        for r in ledger:
            out[r["unit_id"]]["resources_raised"] = (r["raised_money"] or 0) + (r["raised_goods"] or 0)
            out[r["unit_id"]]["resources_spent"] = (r["spent_money"] or 0) + (r["spent_goods"] or 0)
        acts = Activity.objects.filter(
            unit_id__in=unit_ids, held_on__gte=period.start, held_on__lte=period.end
        )
        for r in (
            acts.values("unit_id")
            .annotate(activities=Count("pk"), extra=Sum("extra_participants"))
            .order_by()
        ):
            out[r["unit_id"]]["activities"] = r["activities"]
            out[r["unit_id"]]["activity_participants"] = r["extra"] or 0
        for through, field in (
            (Activity.participant_residents.through, "activity"),
            (Activity.participant_volunteers.through, "activity"),
        ):
            rows = (
                through.objects.filter(**{f"{field}__in": acts})
                .values(f"{field}__unit_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for r in rows:
                out[r[f"{field}__unit_id"]]["activity_participants"] += r["n"]
        if live:
            for r in (
                SocialOrganisation.objects.filter(unit_id__in=unit_ids, active=True)
                .values("unit_id")
                .annotate(n=Count("pk"))
                .order_by()
            ):
                out[r["unit_id"]]["organisations"] = r["n"]
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
            if live:
                out[uid].setdefault("organisations", 0)
        return out


class AssistanceSource:
    """Social assistance (quanke.assistance, quanke.registry benefits): applications and decisions in the
    period, recipients and monthly amounts at the period's end, proactive findings confirmed.

    Every count is kept per programme (``aid_approved@dibao``) and as the total over programmes, so a unit's
    figures and its by-programme table come from the same additive counts."""

    name = "assistance"

    def collect(self, unit_ids, period, today, *, live):
        from quanke.assistance.models import (
            PROGRAM_ITEMS,
            ApplicationStep,
            AssistanceApplication,
            Finding,
            FindingStatus,
        )
        from quanke.registry.models import Benefit, Program

        out = _nested()
        programs = list(PROGRAM_ITEMS)
        monthly = [p for p in programs if p != Program.TEMPORARY]

        def add(uid, code, program, value):
            if not value:
                return  # per-programme counts are kept only where there is something to count
            if isinstance(value, Decimal):
                value = value.quantize(CENT)  # SQLite returns sums with any exponent
            out[uid][code] = out[uid].get(code, 0) + value
            key = ind.program_key(code, program)
            out[uid][key] = out[uid].get(key, 0) + value

        accepted = Q(accepted_on__gte=period.start, accepted_on__lte=period.end)
        decided = Q(decided_on__gte=period.start, decided_on__lte=period.end)
        approved = decided & Q(step=ApplicationStep.APPROVED)
        for r in (
            AssistanceApplication.objects.filter(unit_id__in=unit_ids)
            .filter(accepted | decided)
            .values("unit_id", "program")
            .annotate(
                applications=Count("pk", filter=accepted),
                proactive=Count("pk", filter=accepted & Q(finding__isnull=False)),
                approved=Count("pk", filter=approved),
                refused=Count("pk", filter=decided & Q(step=ApplicationStep.REFUSED)),
                approved_amount=Sum("monthly_amount", filter=approved),
            )
            .order_by()
        ):
            uid, program = r["unit_id"], r["program"]
            add(uid, "aid_applications", program, r["applications"])
            add(uid, "aid_proactive", program, r["proactive"])
            add(uid, "aid_approved", program, r["approved"])
            add(uid, "aid_refused", program, r["refused"])
            add(uid, "aid_approved_amount", program, r["approved_amount"])
            if program == Program.TEMPORARY:
                out[uid]["aid_temporary_amount"] = out[uid].get(
                    ind.program_key("aid_approved_amount", program), 0
                )

        # In force on the last day of the period, or today while the period is still running.
        as_of = min(period.end, today)
        for r in (
            Benefit.objects.filter(unit_id__in=unit_ids, program__in=monthly, start_date__lte=as_of)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=as_of))
            .values("unit_id", "program")
            .annotate(
                recipients=Count("resident_id", distinct=True),
                households=Count("household_id", distinct=True),
                amount=Sum("monthly_amount"),
            )
            .order_by()
        ):
            uid, program = r["unit_id"], r["program"]
            add(uid, "aid_recipients", program, r["recipients"])
            add(uid, "aid_households", program, r["households"])
            add(uid, "aid_monthly_amount", program, r["amount"])

        lo, hi = _period_range(period)
        findings = Finding.objects.filter(unit_id__in=unit_ids)
        for r in (
            findings.filter(status=FindingStatus.CONFIRMED, decided_at__gte=lo, decided_at__lt=hi)
            .values("unit_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            out[r["unit_id"]]["findings_confirmed"] = r["n"]
        if live:
            for r in (
                findings.filter(status=FindingStatus.OPEN)
                .values("unit_id")
                .annotate(n=Count("pk"))
                .order_by()
            ):
                out[r["unit_id"]]["findings_open_now"] = r["n"]
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
            if live:
                out[uid].setdefault("findings_open_now", 0)
        return out


def _installed(app_label: str) -> bool:
    from django.apps import apps

    try:
        apps.get_app_config(app_label).get_models().__next__()
        return True
    except (LookupError, StopIteration):
        return False


SOURCES = [MatterSource()]
for _source, _label in (
    (AssistanceSource(), "assistance"),
    (VisitSource(), "visits"),
    (CaseSource(), "casework"),
    (NetworkSource(), "network"),
):
    if _installed(_label):
        SOURCES.append(_source)
