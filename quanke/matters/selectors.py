"""Reads of matters, always scoped to the actor (quanke.core.permissions decides)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.audit import audit_record
from quanke.core.models import AuditEvent, User
from quanke.matters.models import (
    Matter,
    MatterEvent,
    Status,
    closed_in_q,
    near_due_q,
    open_q,
    overdue_q,
)

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


# How a matter's personal data was read, recorded on the read audit row.
READ_VIA = ("web_detail", "web_notice", "web_notice_pdf", "web_receipt", "api_detail", "api_timeline")


def matter_read_for(*, actor, code: str, via: str) -> Matter:
    """The matter for a page or an API answer that shows the applicant's name and words: scoped like
    matter_get_for, and the read written to the audit trail here, once, whichever entry point asked.

    Writes (the actions) and their answers use matter_get_for: they are audited as the step itself."""
    assert via in READ_VIA, via
    matter = matter_get_for(actor=actor, code=code)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.READ,
        obj=matter,
        changes={"resident": matter.resident_id, "via": via},
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


QUEUES = ("unclaimed", "mine", "near_due", "overdue")


def queue_base(*, actor, specialty: str = ""):
    """Matters held by the actor's unit in her specialties (a station head: all specialties)."""
    qs = matters_for(actor=actor).filter(handling_unit=actor.unit_id).select_related(*LIST_RELATED)
    if not permissions.sees_every_specialty(actor):
        qs = qs.filter(specialty__in=permissions.matter_queue_specialties(actor))
    if specialty:
        qs = qs.filter(specialty=specialty)
    return qs


def queue(*, actor, name: str, specialty: str = "", today: date | None = None):
    today = today or timezone.localdate()
    qs = queue_base(actor=actor, specialty=specialty)
    active = qs.at_back_office()
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
        return active.near_due(today).order_by("due_date")
    if name == "overdue":
        return active.overdue(today).order_by("due_date")
    raise Http404("unknown queue")


def queue_counts(*, actor, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    base = queue_base(actor=actor).at_back_office()
    counts = base.aggregate(
        unclaimed=Count("pk", filter=Q(status=Status.ROUTED)),
        near_due=Count("pk", filter=near_due_q(today)),
        overdue=Count("pk", filter=overdue_q(today)),
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


@dataclass
class StationStats:
    received: int
    on_spot: int
    routed: int
    finished: int


def station_stats(*, unit, since: date, until: date) -> StationStats:
    """A station's figures for [since, until], each by its one definition (Matter.objects): received, on the
    spot and routed among the matters accepted in the period; finished (流转办结) among those closed in it, as
    the reports count them."""
    matters = Matter.objects.filter(unit=unit)
    row = matters.accepted_in(since, until).aggregate(
        received=Count("pk"),
        on_spot=Count("pk", filter=Q(status=Status.ON_SPOT)),
        routed=Count("pk", filter=Q(routed_at__isnull=False)),
    )
    return StationStats(**row, finished=matters.closed_in(since, until).finished().count())


@dataclass
class LiveFigures:
    open: int
    overdue: int


def station_live(*, unit, today: date) -> LiveFigures:
    """在办 and 超期 as of now (the reports' 在办件（当前） and 超期未办结（当前）)."""
    row = Matter.objects.filter(unit=unit).aggregate(
        open=Count("pk", filter=open_q()), overdue=Count("pk", filter=overdue_q(today))
    )
    return LiveFigures(**row)


def overdue_for_unit(*, unit, today: date):
    return Matter.objects.filter(unit=unit).overdue(today).select_related(*LIST_RELATED).order_by("due_date")


def workload(*, unit, since: date) -> list[dict]:
    """Per back-office worker of the station: matters in hand, overdue among them, finished since `since`."""
    today = timezone.localdate()
    workers = reassign_choices(unit=unit)
    rows = (
        Matter.objects.filter(assigned_to__in=workers)
        .values("assigned_to")
        .annotate(
            in_hand=Count("pk", filter=Q(status__in=[Status.IN_PROGRESS, Status.AWAITING_MATERIALS])),
            overdue=Count("pk", filter=overdue_q(today)),
            finished=Count("pk", filter=Q(status=Status.FINISHED) & closed_in_q(since, today)),
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
    """The station's workers a head may give a back-office matter to."""
    return [
        u
        for u in User.objects.filter(unit=unit, is_active=True).order_by("username")
        if permissions.may_take_reassigned_matters(u, unit)
    ]
