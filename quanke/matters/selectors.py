"""Reads of matters, always scoped to the actor (quanke.core.permissions decides)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import permissions, workdays
from quanke.core.models import Role, User
from quanke.matters.models import CLOCK_RUNNING, OPEN_STATUSES, Matter, MatterEvent, Status

LIST_RELATED = ("item", "unit", "handling_unit", "resident", "assigned_to")


def matters_for(*, actor):
    return Matter.objects.filter(permissions.matter_scope(actor))


def matter_get_for(*, actor, code: str) -> Matter:
    """The matter if the actor may see it; 404 otherwise (never reveal that another unit's matter exists)."""
    matter = (
        matters_for(actor=actor)
        .select_related(
            "item",
            "item__category",
            "unit",
            "handling_unit",
            "resident",
            "resident__household",
            "assigned_to",
            "accepted_by",
        )
        .prefetch_related(
            "materials", Prefetch("events", queryset=MatterEvent.objects.select_related("actor"))
        )
        .filter(tracking_code=(code or "").strip().upper())
        .first()
    )
    if matter is None:
        raise Http404(
            _("未找到受理编号为“%(code)s”的办件，请核对编号后重试。") % {"code": (code or "").strip()[:30]}
        )
    return matter


def matter_search(*, actor, query: str = "", status: str = ""):
    qs = matters_for(actor=actor).select_related(*LIST_RELATED)
    query = (query or "").strip()
    if status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(
            Q(tracking_code__icontains=query)
            | Q(applicant_name__contains=query)
            | Q(item__name__contains=query)
            | Q(resident__phone__contains=query)
        )
    return qs


def matters_of_resident(*, actor, resident):
    return matters_for(actor=actor).filter(resident=resident).select_related(*LIST_RELATED)


def near_due_limit(today: date) -> date:
    return workdays.add_working_days(today, settings.NEAR_DUE_WORKING_DAYS).date


QUEUES = ("unclaimed", "mine", "near_due", "overdue")


def queue_base(*, actor, specialty: str = ""):
    """Matters held by the actor's unit in her specialties (a station head: all specialties)."""
    qs = matters_for(actor=actor).filter(handling_unit=actor.unit_id).select_related(*LIST_RELATED)
    if not actor.has_role(Role.STATION_HEAD):
        qs = qs.filter(specialty__in=list(actor.specialties))
    if specialty:
        qs = qs.filter(specialty=specialty)
    return qs


def queue(*, actor, name: str, specialty: str = "", today: date | None = None):
    today = today or timezone.localdate()
    qs = queue_base(actor=actor, specialty=specialty)
    active = qs.filter(status__in=[Status.ROUTED, Status.IN_PROGRESS])
    if name == "unclaimed":
        return qs.filter(status=Status.ROUTED).order_by("due_date", "accepted_at")
    if name == "mine":
        return (
            matters_for(actor=actor)
            .select_related(*LIST_RELATED)
            .filter(assigned_to=actor, status__in=[Status.IN_PROGRESS, Status.AWAITING_MATERIALS])
            .order_by("due_date", "accepted_at")
        )
    if name == "near_due":
        return active.filter(due_date__gte=today, due_date__lte=near_due_limit(today)).order_by("due_date")
    if name == "overdue":
        return active.filter(due_date__lt=today).order_by("due_date")
    raise Http404("unknown queue")


def queue_counts(*, actor, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    base = queue_base(actor=actor)
    counts = base.aggregate(
        unclaimed=Count("pk", filter=Q(status=Status.ROUTED)),
        near_due=Count(
            "pk",
            filter=Q(
                status__in=[Status.ROUTED, Status.IN_PROGRESS],
                due_date__gte=today,
                due_date__lte=near_due_limit(today),
            ),
        ),
        overdue=Count("pk", filter=Q(status__in=[Status.ROUTED, Status.IN_PROGRESS], due_date__lt=today)),
    )
    counts["mine"] = (
        matters_for(actor=actor)
        .filter(assigned_to=actor, status__in=[Status.IN_PROGRESS, Status.AWAITING_MATERIALS])
        .count()
    )
    return counts


def desk_counts(*, actor) -> dict[str, int]:
    """What waits for the front desk: matters returned by the back office, and those waiting for materials."""
    qs = Matter.objects.filter(unit=actor.unit_id, handling_unit=actor.unit_id)
    return qs.aggregate(
        returned=Count("pk", filter=Q(status=Status.RETURNED)),
        awaiting=Count("pk", filter=Q(status=Status.AWAITING_MATERIALS) & ~Q(paused_from=Status.IN_PROGRESS)),
        accepted=Count("pk", filter=Q(status=Status.ACCEPTED)),
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class StationStats:
    received: int
    on_spot: int
    routed: int
    finished: int
    open: int


def station_stats(*, unit, since: date, until: date) -> StationStats:
    """Counts for matters accepted at `unit` in [since, until]; `open` and overdue are as of now."""
    qs = Matter.objects.filter(
        unit=unit, accepted_at__gte=_day_start(since), accepted_at__lt=_day_start(until + timedelta(days=1))
    )
    row = qs.aggregate(
        received=Count("pk"),
        on_spot=Count("pk", filter=Q(status=Status.ON_SPOT)),
        routed=Count("pk", filter=Q(routed_at__isnull=False)),
        finished=Count("pk", filter=Q(status=Status.FINISHED)),
        open=Count("pk", filter=Q(status__in=list(OPEN_STATUSES))),
    )
    return StationStats(**row)


def overdue_for_unit(*, unit, today: date):
    return (
        Matter.objects.filter(unit=unit, status__in=list(CLOCK_RUNNING), due_date__lt=today)
        .select_related(*LIST_RELATED)
        .order_by("due_date")
    )


def workload(*, unit, since: date) -> list[dict]:
    """Per back-office worker of the station: matters in hand, overdue among them, finished since `since`."""
    today = timezone.localdate()
    workers = User.objects.filter(unit=unit, is_active=True).order_by("username")
    workers = [w for w in workers if w.has_role(Role.BACK_OFFICE, Role.STATION_HEAD)]
    rows = (
        Matter.objects.filter(assigned_to__in=workers)
        .values("assigned_to")
        .annotate(
            in_hand=Count("pk", filter=Q(status__in=[Status.IN_PROGRESS, Status.AWAITING_MATERIALS])),
            overdue=Count("pk", filter=Q(status=Status.IN_PROGRESS, due_date__lt=today)),
            finished=Count("pk", filter=Q(status=Status.FINISHED, closed_at__gte=_day_start(since))),
        )
    )
    by_user = {r["assigned_to"]: r for r in rows}
    return [
        {
            "user": w,
            "in_hand": by_user.get(w.pk, {}).get("in_hand", 0),
            "overdue": by_user.get(w.pk, {}).get("overdue", 0),
            "finished": by_user.get(w.pk, {}).get("finished", 0),
        }
        for w in workers
    ]


def reassign_choices(*, unit):
    return [
        u
        for u in User.objects.filter(unit=unit, is_active=True).order_by("username")
        if u.has_role(Role.BACK_OFFICE, Role.STATION_HEAD)
    ]
