"""The test oracle, kept out of the product package (tests and bench/reports.py import it from here): every
figure straight from the source tables, one ORM query per unit (or per breakdown group, worker or day) and per
count, as a first version would do it. Slow by design; the tests check the optimised paths against it and
bench/reports.py times it beside them.

`station_report` computes every figure the station monthly report and the station dashboard show (headline
figures of this and the previous period, the breakdowns by category, channel and item, the workers' workload and
the trend), so that the benchmark compares like with like."""

from datetime import date, timedelta

from django.db.models import Q, Sum
from django.utils import timezone

from quanke.core import permissions, workdays
from quanke.core.models import OrgUnit, UnitLevel
from quanke.matters.models import CLOCK_RUNNING, OPEN_STATUSES, Channel, Kind, Matter, Status
from quanke.reports.periods import Period
from quanke.reports.rollup import day_start, period_bounds


def matter_counts(matters, period: Period, today: date, *, live: bool = True) -> dict:
    """The additive matter counts of `matters` (a queryset) for the period, one query per count."""
    lo, hi = period_bounds(period)
    acc = matters.filter(accepted_at__gte=lo, accepted_at__lt=hi)
    closed = matters.filter(status__in=[Status.ON_SPOT, Status.FINISHED], closed_at__gte=lo, closed_at__lt=hi)
    finished = closed.filter(status=Status.FINISHED)
    counts = {
        "received": acc.count(),
        "consultations": acc.filter(kind=Kind.CONSULTATION).count(),
        "on_spot": acc.filter(status=Status.ON_SPOT).count(),
        "routed": acc.filter(routed_at__isnull=False).count(),
        "refused": acc.filter(status=Status.REFUSED).count(),
        "closed": closed.count(),
        "finished": finished.count(),
        "finished_with_deadline": finished.filter(due_date__isnull=False).count(),
        "one_trip": closed.filter(trips__lte=1).count(),
    }
    if live:
        counts["open_now"] = matters.filter(status__in=list(OPEN_STATUSES)).count()
        counts["overdue_now"] = matters.filter(status__in=list(CLOCK_RUNNING), due_date__lt=today).count()
    in_time = working = trips = 0
    for accepted_at, closed_at, due, status, n_trips in closed.values_list(
        "accepted_at", "closed_at", "due_date", "status", "trips"
    ):
        trips += n_trips
        if status != Status.FINISHED:
            continue
        closed_day = timezone.localtime(closed_at).date()
        working += max(workdays.working_days_between(timezone.localtime(accepted_at).date(), closed_day), 0)
        if due is not None and closed_day <= due:
            in_time += 1
    counts.update(finished_in_time=in_time, working_days=working, trips=trips)
    return counts


def community_counts(unit: OrgUnit, period: Period, today: date, *, live: bool = True) -> dict:
    return matter_counts(Matter.objects.filter(unit=unit), period, today, live=live)


def unit_counts(unit: OrgUnit, period: Period, today: date) -> dict:
    total: dict = {}
    communities = OrgUnit.objects.filter(permissions.subtree(unit, ""), level=UnitLevel.COMMUNITY)
    for community in communities:
        for k, v in community_counts(community, period, today).items():
            total[k] = total.get(k, 0) + v
    return total


def other_counts(unit: OrgUnit, period: Period, *, live: bool = True) -> dict:
    """Visits, casework and the volunteer network recorded at this one unit, one query per count."""
    from quanke.casework.models import Case, CaseStatus
    from quanke.network.models import (
        Activity,
        Direction,
        LedgerEntry,
        ResourceKind,
        ServiceRecord,
        SocialOrganisation,
    )
    from quanke.visits.models import Visit

    lo, hi = period_bounds(period)
    days = {"gte": period.start, "lte": period.end}
    visits = Visit.objects.filter(unit=unit, visited_at__gte=lo, visited_at__lt=hi)
    services = ServiceRecord.objects.filter(unit=unit, served_on__gte=days["gte"], served_on__lte=days["lte"])
    counts = {
        "visits": visits.count(),
        "special_visits": visits.filter(special_group=True).count(),
        "cases_opened": Case.objects.filter(
            unit=unit, opened_on__gte=period.start, opened_on__lte=period.end
        ).count(),
        "cases_closed": Case.objects.filter(
            unit=unit, status=CaseStatus.CLOSED, closed_at__gte=lo, closed_at__lt=hi
        ).count(),
        "volunteer_times": services.count(),
        "volunteer_hours": services.aggregate(h=Sum("hours"))["h"] or 0,
    }
    if live:
        counts["cases_active"] = Case.objects.filter(unit=unit).exclude(status=CaseStatus.CLOSED).count()
        counts["organisations"] = SocialOrganisation.objects.filter(unit=unit, active=True).count()
    raised = spent = 0
    entries = LedgerEntry.objects.filter(unit=unit, entry_on__gte=period.start, entry_on__lte=period.end)
    for direction, kind, quantity, value in entries.values_list(
        "direction", "kind", "quantity", "estimated_value"
    ):
        amount = quantity if kind == ResourceKind.MONEY else (value or 0)
        if direction == Direction.IN:
            raised += amount
        else:
            spent += amount
    activities = participants = 0
    for activity in Activity.objects.filter(unit=unit, held_on__gte=period.start, held_on__lte=period.end):
        activities += 1
        participants += (
            activity.participant_residents.count()
            + activity.participant_volunteers.count()
            + activity.extra_participants
        )
    counts.update(
        resources_raised=raised,
        resources_spent=spent,
        activities=activities,
        activity_participants=participants,
    )
    # 好差评 (quanke.public): ratings of the period, satisfied and bad, and the bad ones put right by now.
    from quanke.public.models import Rating

    ratings = list(Rating.objects.filter(unit=unit, rated_at__gte=lo, rated_at__lt=hi))
    bad = [r for r in ratings if r.level <= 2]
    counts.update(
        ratings=len(ratings),
        ratings_satisfied=sum(1 for r in ratings if r.level >= 3),
        ratings_bad=len(bad),
        ratings_rectified=sum(
            1 for r in bad if getattr(getattr(r, "rectification", None), "status", "") == "closed"
        ),
    )
    return counts


def _grouped(matters, period: Period, today: date, groups) -> dict:
    """{label: counts} for each (label, filter) group with any matter accepted or closed in the period."""
    out = {}
    for label, condition in groups:
        counts = matter_counts(matters.filter(condition), period, today, live=False)
        if counts["received"] or counts["closed"]:
            out[label] = counts
    return out


def breakdowns(unit: OrgUnit, period: Period, today: date) -> dict[str, dict]:
    """Matter counts by category, by channel and by item: every count, per group, one query each."""
    from quanke.catalog.models import Category, Item

    matters = Matter.objects.filter(unit=unit)
    return {
        "category": _grouped(
            matters, period, today, [(c.name, Q(item__category=c)) for c in Category.objects.all()]
        ),
        "channel": _grouped(
            matters, period, today, [(str(label), Q(channel=v)) for v, label in Channel.choices]
        ),
        "item": _grouped(matters, period, today, [(i.name, Q(item=i)) for i in Item.objects.all()]),
    }


def workers(unit: OrgUnit, period: Period) -> dict[str, dict]:
    """Per worker: matters she accepted, of which on the spot, and matters she finished, one query per count."""
    from quanke.core.models import User

    lo, hi = period_bounds(period)
    accepted = Matter.objects.filter(unit=unit, accepted_at__gte=lo, accepted_at__lt=hi)
    finished = Matter.objects.filter(unit=unit, status=Status.FINISHED, closed_at__gte=lo, closed_at__lt=hi)
    people = User.objects.filter(
        Q(pk__in=accepted.values("accepted_by")) | Q(pk__in=finished.values("assigned_to"))
    )
    return {
        p.display_name: {
            "received": accepted.filter(accepted_by=p).count(),
            "on_spot": accepted.filter(accepted_by=p, status=Status.ON_SPOT).count(),
            "finished": finished.filter(assigned_to=p).count(),
        }
        for p in people
    }


def trend(unit: OrgUnit, period: Period) -> list[dict]:
    """Received, on the spot, routed and finished per day (periods up to 62 days) or per month."""
    if period.days <= 62:
        buckets = [(period.start + timedelta(days=i),) * 2 for i in range(period.days)]
    else:
        buckets, cursor = [], period.start.replace(day=1)
        while cursor <= period.end:
            nxt = (cursor + timedelta(days=32)).replace(day=1)
            buckets.append((max(cursor, period.start), min(nxt - timedelta(days=1), period.end)))
            cursor = nxt
    out = []
    for first, last in buckets:
        lo, hi = day_start(first), day_start(last + timedelta(days=1))
        acc = Matter.objects.filter(unit=unit, accepted_at__gte=lo, accepted_at__lt=hi)
        out.append(
            {
                "received": acc.count(),
                "on_spot": acc.filter(status=Status.ON_SPOT).count(),
                "routed": acc.filter(routed_at__isnull=False).count(),
                "finished": Matter.objects.filter(
                    unit=unit, status=Status.FINISHED, closed_at__gte=lo, closed_at__lt=hi
                ).count(),
            }
        )
    return out


def assistance_counts(unit: OrgUnit, period: Period, today: date, *, live: bool = True) -> dict:
    """Social assistance at this one unit, per programme and in total, one query per count and programme."""
    from decimal import Decimal

    from quanke.assistance.models import PROGRAM_ITEMS, AssistanceApplication, Finding
    from quanke.registry.models import Benefit, Program
    from quanke.reports.indicators import program_key

    lo, hi = period_bounds(period)
    as_of = min(period.end, today)
    counts: dict = {}

    def put(code, program, value):
        if value:  # like the optimised source: per-programme counts only where there is something to count
            counts[program_key(code, program)] = value
        counts[code] = counts.get(code, 0) + value

    for program in PROGRAM_ITEMS:
        apps = AssistanceApplication.objects.filter(unit=unit, program=program)
        decided = apps.filter(decided_on__gte=period.start, decided_on__lte=period.end)
        accepted = apps.filter(accepted_on__gte=period.start, accepted_on__lte=period.end)
        approved = decided.filter(step="approved")
        put("aid_applications", program, accepted.count())
        put("aid_proactive", program, accepted.filter(finding__isnull=False).count())
        put("aid_approved", program, approved.count())
        put("aid_refused", program, decided.filter(step="refused").count())
        amount = approved.aggregate(a=Sum("monthly_amount"))["a"]
        put("aid_approved_amount", program, amount.quantize(Decimal("0.01")) if amount else 0)
        if program == Program.TEMPORARY:
            counts["aid_temporary_amount"] = counts.get(program_key("aid_approved_amount", program), 0)
            continue
        in_force = Benefit.objects.filter(unit=unit, program=program, start_date__lte=as_of).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=as_of)
        )
        put("aid_recipients", program, in_force.values("resident").distinct().count())
        put("aid_households", program, in_force.values("household").distinct().count())
        total = in_force.aggregate(a=Sum("monthly_amount"))["a"]
        put("aid_monthly_amount", program, total.quantize(Decimal("0.01")) if total else 0)
    counts.setdefault("aid_temporary_amount", 0)
    findings = Finding.objects.filter(unit=unit)
    counts["findings_confirmed"] = findings.filter(
        status="confirmed", decided_at__gte=lo, decided_at__lt=hi
    ).count()
    if live:
        counts["findings_open_now"] = findings.filter(status="open").count()
    return counts


def station_report(unit: OrgUnit, period: Period, today: date) -> dict:
    """Every figure of one station's monthly report and dashboard, computed naively."""
    previous = period.previous()
    return {
        "current": {
            **community_counts(unit, period, today),
            **assistance_counts(unit, period, today),
            **other_counts(unit, period),
        },
        "previous": {
            **community_counts(unit, previous, today, live=False),
            **assistance_counts(unit, previous, today, live=False),
            **other_counts(unit, previous, live=False),
        },
        "breakdowns": breakdowns(unit, period, today),
        "workers": workers(unit, period),
        "trend": trend(unit, period),
    }
