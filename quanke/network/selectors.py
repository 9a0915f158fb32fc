"""Reads of the 5+N network, scoped to the actor; totals by period and source; matching."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404

from quanke.core import permissions
from quanke.core.audit import audit_read
from quanke.network.models import (
    Activity,
    Agreement,
    Direction,
    Engagement,
    HoursRedemption,
    LedgerEntry,
    ResourceBalance,
    ResourceKind,
    ServiceRecord,
    SocialOrganisation,
    Volunteer,
    VolunteerTeam,
)

ZERO = Decimal(0)


def volunteers_for(*, actor):
    return Volunteer.objects.filter(permissions.network_scope(actor))


def teams_for(*, actor):
    return VolunteerTeam.objects.filter(permissions.network_scope(actor))


def organisations_for(*, actor):
    return SocialOrganisation.objects.filter(permissions.network_scope(actor))


def activities_for(*, actor):
    return Activity.objects.filter(permissions.network_subtree_scope(actor))


def ledger_for(*, actor):
    return LedgerEntry.objects.filter(permissions.network_subtree_scope(actor))


def balances_for(*, actor):
    return ResourceBalance.objects.filter(permissions.network_subtree_scope(actor)).select_related("unit")


def _get(qs, pk):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404("not found")
    return obj


def volunteer_get_for(*, actor, pk, via: str = "") -> Volunteer:
    """The volunteer (name, phone, resident record) if in the actor's scope; 404 otherwise. `via` names the entry
    point that shows her (one read row, core.audit.audit_read); empty only to look her up for a write."""
    volunteer = _get(volunteers_for(actor=actor).select_related("team", "unit", "resident"), pk)
    if via:
        audit_read(actor=actor, obj=volunteer, via=via)
    return volunteer


def team_get_for(*, actor, pk) -> VolunteerTeam:
    return _get(teams_for(actor=actor).select_related("unit"), pk)


def organisation_get_for(*, actor, pk) -> SocialOrganisation:
    return _get(
        organisations_for(actor=actor).select_related("unit").prefetch_related("service_area", "agreements"),
        pk,
    )


def activity_get_for(*, actor, pk) -> Activity:
    return _get(
        activities_for(actor=actor)
        .select_related("unit", "created_by")
        .prefetch_related(
            "organiser_workers",
            "organiser_organisations",
            "participant_residents",
            "participant_volunteers",
            "photos",
        ),
        pk,
    )


# --- Volunteer hours ----------------------------------------------------------------------------------------------


@dataclass
class TimeBank:
    earned: Decimal
    redeemed: Decimal

    @property
    def balance(self) -> Decimal:
        return self.earned - self.redeemed


def time_bank(volunteer: Volunteer) -> TimeBank:
    return TimeBank(
        earned=volunteer.service_records.aggregate(s=Sum("hours"))["s"] or ZERO,
        redeemed=volunteer.redemptions.aggregate(s=Sum("hours"))["s"] or ZERO,
    )


def volunteers_with_hours(*, actor):
    """Volunteers annotated with hours earned, redeemed and left, and person-times. Subqueries, because two
    joined aggregates would multiply each other's rows."""

    def total(model):
        return Coalesce(
            Subquery(
                model.objects.filter(volunteer=OuterRef("pk"))
                .values("volunteer")
                .annotate(s=Sum("hours"))
                .values("s")[:1]
            ),
            ZERO,
        )

    return volunteers_for(actor=actor).annotate(
        hours_earned=total(ServiceRecord),
        hours_redeemed=total(HoursRedemption),
        hours_balance=F("hours_earned") - F("hours_redeemed"),
        person_times=Coalesce(
            Subquery(
                ServiceRecord.objects.filter(volunteer=OuterRef("pk"))
                .values("volunteer")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
        ),
    )


def service_records_for(*, actor, start: date | None = None, end: date | None = None, unit=None):
    qs = ServiceRecord.objects.filter(permissions.network_subtree_scope(actor))
    if unit is not None:
        qs = qs.filter(permissions.subtree(unit))
    if start:
        qs = qs.filter(served_on__gte=start)
    if end:
        qs = qs.filter(served_on__lte=end)
    return qs


def person_times(records) -> int:
    """人次: one volunteer serving on one day in one activity (or outside any activity) counts once."""
    return records.values("volunteer_id", "served_on", "activity_id").distinct().count()


@dataclass
class HoursTotals:
    person_times: int
    volunteers: int
    hours: Decimal
    by_month: list[dict] = field(default_factory=list)
    by_team: list[dict] = field(default_factory=list)


def volunteer_totals(*, actor, start: date | None = None, end: date | None = None, unit=None) -> HoursTotals:
    records = service_records_for(actor=actor, start=start, end=end, unit=unit)
    agg = records.aggregate(hours=Sum("hours"), volunteers=Count("volunteer", distinct=True))
    by_month = list(
        records.annotate(month=TruncMonth("served_on"))
        .values("month")
        .annotate(hours=Sum("hours"), records=Count("pk"), volunteers=Count("volunteer", distinct=True))
        .order_by("month")
    )
    by_team = list(
        records.values("volunteer__team__name")
        .annotate(hours=Sum("hours"), records=Count("pk"), volunteers=Count("volunteer", distinct=True))
        .order_by("-hours")
    )
    return HoursTotals(
        person_times=person_times(records),
        volunteers=agg["volunteers"] or 0,
        hours=agg["hours"] or ZERO,
        by_month=by_month,
        by_team=by_team,
    )


# --- Ledger totals ------------------------------------------------------------------------------------------------


@dataclass
class LedgerTotals:
    money_in: Decimal
    money_out: Decimal
    in_kind_value_in: Decimal
    by_item: list[dict]
    by_source: list[dict]
    by_month: list[dict]

    @property
    def money_net(self) -> Decimal:
        return self.money_in - self.money_out


def ledger_totals(*, actor, start: date | None = None, end: date | None = None) -> LedgerTotals:
    qs = ledger_for(actor=actor)
    if start:
        qs = qs.filter(entry_on__gte=start)
    if end:
        qs = qs.filter(entry_on__lte=end)
    money = qs.filter(kind=ResourceKind.MONEY)
    agg = money.aggregate(
        i=Sum("quantity", filter=Q(direction=Direction.IN)),
        o=Sum("quantity", filter=Q(direction=Direction.OUT)),
    )
    in_kind_value = qs.filter(kind=ResourceKind.IN_KIND, direction=Direction.IN).aggregate(
        v=Sum("estimated_value")
    )["v"]
    by_item = list(
        qs.values("kind", "item", "item_unit")
        .annotate(
            qty_in=Sum("quantity", filter=Q(direction=Direction.IN)),
            qty_out=Sum("quantity", filter=Q(direction=Direction.OUT)),
        )
        .order_by("kind", "item")
    )
    for row in by_item:
        row["qty_in"], row["qty_out"] = row["qty_in"] or ZERO, row["qty_out"] or ZERO
        row["net"] = row["qty_in"] - row["qty_out"]
    by_source = list(
        qs.filter(direction=Direction.IN)
        .values("donor_name")
        .annotate(
            money=Sum("quantity", filter=Q(kind=ResourceKind.MONEY)),
            in_kind_value=Sum("estimated_value", filter=Q(kind=ResourceKind.IN_KIND)),
            entries=Count("pk"),
        )
        .order_by("-money", "donor_name")
    )
    by_month = list(
        qs.annotate(month=TruncMonth("entry_on"))
        .values("month")
        .annotate(
            money_in=Sum("quantity", filter=Q(kind=ResourceKind.MONEY, direction=Direction.IN)),
            money_out=Sum("quantity", filter=Q(kind=ResourceKind.MONEY, direction=Direction.OUT)),
            entries=Count("pk"),
        )
        .order_by("month")
    )
    return LedgerTotals(
        money_in=agg["i"] or ZERO,
        money_out=agg["o"] or ZERO,
        in_kind_value_in=in_kind_value or ZERO,
        by_item=by_item,
        by_source=by_source,
        by_month=by_month,
    )


def recomputed_balances(*, unit) -> dict[tuple[str, str], Decimal]:
    """Balances summed from the entries alone (for reconciliation against ResourceBalance)."""
    rows = (
        LedgerEntry.objects.filter(unit=unit)
        .values("kind", "item")
        .annotate(
            i=Sum("quantity", filter=Q(direction=Direction.IN)),
            o=Sum("quantity", filter=Q(direction=Direction.OUT)),
        )
    )
    return {(r["kind"], r["item"]): (r["i"] or ZERO) - (r["o"] or ZERO) for r in rows}


# --- Organisations ------------------------------------------------------------------------------------------------

AGREEMENT_EXPIRING_DAYS = 30


def agreement_state(org: SocialOrganisation, day: date) -> str:
    """'valid', 'expiring' (within 30 days), 'expired' or 'none' — uses the prefetched agreements."""
    agreements = list(org.agreements.all())
    if not agreements:
        return "none"
    current = [a for a in agreements if a.is_valid_on(day)]
    if not current:
        return "expired" if any(a.start_on <= day for a in agreements) else "none"
    if any(a.end_on is None or a.end_on > day + timedelta(days=AGREEMENT_EXPIRING_DAYS) for a in current):
        return "valid"
    return "expiring"


def organisations_with_state(*, actor, day: date):
    orgs = list(
        organisations_for(actor=actor)
        .select_related("unit")
        .prefetch_related(
            Prefetch("agreements", queryset=Agreement.objects.order_by("-start_on")), "service_area"
        )
        .annotate(n_engagements=Count("engagements", distinct=True))
        .order_by("name")
    )
    for org in orgs:
        org.agreement_state = agreement_state(org, day)
    return orgs


# --- Matching -----------------------------------------------------------------------------------------------------


@dataclass
class Suggestion:
    obj: object
    score: float
    reasons: list[str]


@dataclass
class Matches:
    volunteers: list[Suggestion]
    organisations: list[Suggestion]
    resources: list[ResourceBalance]


RECENT_LOAD_DAYS = 30


def match_for_need(*, actor, need: str, unit, day: date, slot: str = "", limit: int = 8) -> Matches:
    """Suggest volunteers, partners and resources for a need in `unit` (a community).

    Volunteers: skill match first, then nearness (same community, then same street), availability in the
    requested slot, and a light penalty for recent load so the same three people are not always asked.
    Organisations: offers the service, serves the area (or registered above it), valid agreement on the day.
    Resources: positive balances in the ledgers the actor can see (money always helps; goods by name).
    """
    from django.utils.translation import gettext as _

    ancestors = {u.pk for u in unit.ancestors()}
    street_id = unit.parent_id
    since = day - timedelta(days=RECENT_LOAD_DAYS)
    volunteers = (
        volunteers_for(actor=actor)
        .filter(active=True)
        .select_related("team", "unit")
        .annotate(recent_hours=Sum("service_records__hours", filter=Q(service_records__served_on__gte=since)))
    )
    vs = []
    for v in volunteers:
        if need not in v.skills:
            continue
        score, reasons = 10.0, [_("技能匹配")]
        if v.unit_id == unit.pk:
            score, reasons = score + 4, [*reasons, _("同社区")]
        elif v.unit_id == street_id or v.unit.parent_id == street_id:
            score, reasons = score + 2, [*reasons, _("同街道")]
        if slot and slot in v.availability:
            score, reasons = score + 3, [*reasons, _("时段可约")]
        elif not slot and v.availability:
            score += 0.5
        load = float(v.recent_hours or 0)
        if load:
            score -= min(load / 4, 5)
            reasons.append(_("近30天已服务%(h)s小时") % {"h": v.recent_hours})
        vs.append(Suggestion(v, score, reasons))
    vs.sort(key=lambda s: (-s.score, s.obj.name, s.obj.pk))

    orgs = []
    for org in (
        organisations_for(actor=actor)
        .filter(active=True)
        .prefetch_related("service_area", "agreements")
        .order_by("name")
    ):
        if need not in org.services:
            continue
        area = {u.pk for u in org.service_area.all()}
        score, reasons = 10.0, [_("提供该服务")]
        if unit.pk in area:
            score, reasons = score + 4, [*reasons, _("服务本社区")]
        elif area & ancestors:
            score, reasons = score + 2, [*reasons, _("服务所在街道/区")]
        elif area:
            continue  # serves other areas only
        state = agreement_state(org, day)
        if state in ("valid", "expiring"):
            score, reasons = score + 3, [*reasons, _("协议有效")]
        else:
            score, reasons = score - 6, [*reasons, _("无有效协议")]
        orgs.append(Suggestion(org, score, reasons))
    orgs.sort(key=lambda s: (-s.score, s.obj.name))

    resources = [
        b
        for b in balances_for(actor=actor).filter(balance__gt=0).order_by("kind", "item")
        if b.kind == ResourceKind.MONEY or need == "material" or b.unit_id == unit.pk
    ]
    return Matches(volunteers=vs[:limit], organisations=orgs[:limit], resources=resources)


def engagements_for_subject(*, subject_kind: str, subject_reference: str):
    """Engagements of one case or matter. The caller has already decided the actor may read that subject."""
    return (
        Engagement.objects.filter(subject_kind=subject_kind, subject_reference=subject_reference)
        .select_related("volunteer", "organisation", "ledger_entry", "engaged_by")
        .order_by("-created_at", "-id")
    )
