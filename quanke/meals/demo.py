"""Demo 助餐: subsidy rates set by the county for every community (station-configured values, no cited source)
with one community's own higher rate for 特困, and in each community a few elderly residents' cards with three weeks
of meals. Cards issued by the matters demo (finished EL-MEAL matters) are kept. Deterministic and idempotent."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from quanke.core import permissions
from quanke.meals import selectors, services
from quanke.meals.models import MealCard, MealRecord, MealSubsidyRate
from quanke.registry.models import Resident

# Per meal (¥) and monthly cap, set here as the demo county's own choice: no national amount exists.
COUNTY_RATES = {
    "gaoling": ("3.00", None),
    "tekun": ("8.00", "240.00"),
    "dibao": ("6.00", "180.00"),
    "disabled": ("6.00", "180.00"),
    "alone": ("3.00", None),
}
CARDS_PER_COMMUNITY = 6
PRICE = Decimal("15.00")


def _head(ctx, community):
    for user in ctx.users.values():
        if user.unit_id == community.pk and permissions.can_set_meal_rates(user, community):
            return user
    return None


@transaction.atomic
def seed(ctx) -> None:
    if MealSubsidyRate.objects.filter(unit=ctx.county).exists():
        ctx.say("助餐演示数据已存在，跳过。")
        return
    rng, today = ctx.rng, ctx.today
    admin = ctx.users["admin"]
    start = today.replace(month=1, day=1)
    for category, (per_meal, cap) in COUNTY_RATES.items():
        services.meal_rate_set(
            actor=admin,
            unit=ctx.county,
            category=category,
            start_date=start,
            per_meal=per_meal,
            monthly_cap=Decimal(cap) if cap else None,
        )
    first = ctx.communities[0]
    services.meal_rate_set(
        actor=_head(ctx, first),
        unit=first,
        category="tekun",
        start_date=start,
        per_meal="10.00",
        monthly_cap=Decimal("300.00"),
    )
    cards = records = 0
    for community in ctx.communities:
        head = _head(ctx, community)
        canteen = f"{community.name}老年食堂"
        elderly = [
            r
            for r in Resident.objects.filter(
                unit=community, birth_date__lte=today.replace(year=today.year - 65)
            )
            .prefetch_related("benefits")
            .order_by("id")
            if selectors.live_card(r) is None
        ]
        for resident in rng.sample(elderly, min(CARDS_PER_COMMUNITY, len(elderly))):
            card = services.meal_card_issue(
                actor=head,
                resident=resident,
                category=services.default_category(resident),
                issued_on=today - timedelta(days=30),
                canteen=canteen,
                home_delivery=resident.needs_long_term_care,
            )
            cards += 1
            for back in range(21, 0, -1):
                if rng.random() < 0.6:
                    services.meal_record_add(
                        actor=head,
                        card=card,
                        served_on=today - timedelta(days=back),
                        meals=rng.choice([1, 1, 2]),
                        price=PRICE,
                    )
                    records += 1
    total = MealCard.objects.filter(unit__in=ctx.communities).count()
    subsidy = sum(r.subsidy for r in MealRecord.objects.filter(unit__in=ctx.communities))
    ctx.say(
        f"助餐演示数据：助餐卡 {total} 张（本步发卡 {cards} 张），就餐记录 {records} 条，补贴合计 ¥{subsidy}。"
    )
