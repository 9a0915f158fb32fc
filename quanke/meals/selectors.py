"""Reads of meal cards, scoped to the actor's units; showing one card is an audited read."""

from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum

from quanke.core import permissions
from quanke.core.audit import audited_get
from quanke.meals.models import LIVE_STATUSES, MealCard, MealRecord, MealSubsidyRate


def cards_for(*, actor):
    return MealCard.objects.filter(permissions.meal_scope(actor)).select_related("resident", "unit")


def card_get_for(*, actor, pk, via: str = "") -> MealCard:
    """The card if the actor may see it, else 404; `via` names the page that shows it (one read row)."""
    return audited_get(
        cards_for(actor=actor).select_related("resident__household", "matter"),
        pk,
        actor=actor,
        via=via,
        missing="没有找到该助餐卡，或您无权查看。",
    )


def live_card(resident) -> MealCard | None:
    return MealCard.objects.filter(resident=resident, status__in=LIVE_STATUSES).first()


def resident_cards(*, actor, resident) -> list[MealCard]:
    """The resident's cards for her page (the page's own read row covers them)."""
    if not permissions.can_view_meal_cards(actor):
        return []
    return list(cards_for(actor=actor).filter(resident=resident).order_by("-issued_on", "-id"))


def records_of(card: MealCard):
    return MealRecord.objects.filter(card=card).select_related("rate").order_by("-served_on", "-id")


def rates_for(*, actor):
    """The rates that apply in the actor's units: her unit's and below, and those set above her for all of them."""
    if not permissions.can_view_meal_cards(actor):
        return MealSubsidyRate.objects.none()
    above = [u.pk for u in actor.unit.ancestors()]
    return (
        MealSubsidyRate.objects.filter(permissions.subtree(actor.unit) | Q(unit__in=above))
        .select_related("unit")
        .order_by("unit__path", "category", "-start_date")
    )


def rate_on(*, unit, category: str, on: date) -> MealSubsidyRate | None:
    """The rate for a meal of `category` eaten on `on` in `unit`: the nearest unit (the community, then its street,
    then the county) that has one in force, its latest value on that day."""
    chain = [unit, *unit.ancestors()]
    rates = list(
        MealSubsidyRate.objects.filter(unit__in=chain, category=category, start_date__lte=on).order_by(
            "-start_date"
        )
    )
    for u in chain:
        for rate in rates:
            if rate.unit_id == u.pk:
                return rate
    return None


def subsidy_in_month(card: MealCard, on: date) -> Decimal:
    first = on.replace(day=1)
    total = MealRecord.objects.filter(
        card=card, served_on__gte=first, served_on__lt=_next_month(first)
    ).aggregate(s=Sum("subsidy"))["s"]
    return total or Decimal("0")


def _next_month(first: date) -> date:
    return (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )
