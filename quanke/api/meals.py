"""助餐 over the API, read only, with the UI's rules: cards in the caller's units; lists masked, one card's read
audited."""

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from quanke.api.errors import responses
from quanke.core import permissions
from quanke.meals import selectors
from quanke.registry import idnumber

router = Router(tags=["meals"])


class CardRow(Schema):
    id: int
    number: str
    resident: str
    id_number_masked: str
    unit: str
    category: str
    status: str
    canteen: str
    home_delivery: bool
    issued_on: date


class MealOut(Schema):
    served_on: date
    meals: int
    canteen: str
    price: Decimal
    subsidy: Decimal


class CardOut(CardRow):
    resident_id: int
    matter: str | None
    subsidy_this_month: Decimal
    records: list[MealOut]


def _row(c) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "resident": c.resident.name,
        "id_number_masked": idnumber.mask(c.resident.id_number),
        "unit": c.unit.name,
        "category": c.category,
        "status": c.status,
        "canteen": c.canteen,
        "home_delivery": c.home_delivery,
        "issued_on": c.issued_on,
    }


@router.get("/cards", response=responses(list[CardRow]), summary="助餐卡列表（证件号已脱敏）")
def card_list(request: HttpRequest, status: str = "", limit: int = 50, offset: int = 0):
    permissions.require(permissions.can_view_meal_cards(request.user))
    qs = selectors.cards_for(actor=request.user).order_by("unit__path", "number", "id")
    if status:
        qs = qs.filter(status=status)
    offset, limit = max(0, offset), max(1, min(limit, 200))
    return [CardRow(**_row(c)) for c in qs[offset : offset + limit]]


@router.get("/cards/{card_id}", response=responses(CardOut), summary="助餐卡详情及就餐记录（记录访问日志）")
def card_get(request: HttpRequest, card_id: int):
    permissions.require(permissions.can_view_meal_cards(request.user))
    c = selectors.card_get_for(actor=request.user, pk=card_id, via="api")
    return CardOut(
        **_row(c),
        resident_id=c.resident_id,
        matter=c.matter.tracking_code if c.matter else None,
        subsidy_this_month=selectors.subsidy_in_month(c, timezone.localdate()),
        records=[
            MealOut(served_on=r.served_on, meals=r.meals, canteen=r.canteen, price=r.price, subsidy=r.subsidy)
            for r in selectors.records_of(c)[:100]
        ],
    )
