"""Writes to the meal register: issuing a card (at the desk or when an EL-MEAL matter is finished), changing it,
recording meals with their subsidy, and a station's subsidy rates. Each checks permission, writes in one
transaction and leaves an audit row."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.audit import audit_record, diff, snapshot
from quanke.core.models import AuditEvent, OrgUnit
from quanke.meals import selectors
from quanke.meals.models import (
    CARD_ITEMS,
    CARD_TRANSITIONS,
    CardStatus,
    MealCard,
    MealCategory,
    MealRecord,
    MealSubsidyRate,
)
from quanke.registry.selectors import current_programs

A = AuditEvent.Action
CARD_FIELDS = ["number", "issued_on", "status", "category", "canteen", "home_delivery", "note"]
CENT = Decimal("0.01")


def default_category(resident) -> str:
    """The category a new card starts with, from what the registry already records (the benefits she receives and
    her care need), so that the desk confirms it rather than asks; staff may change it."""
    programs = current_programs(resident)
    if "tekun" in programs:
        return MealCategory.TEKUN
    if "dibao" in programs:
        return MealCategory.DIBAO
    if resident.needs_long_term_care:
        return MealCategory.DISABLED
    if "gaoling" in programs:
        return MealCategory.GAOLING
    if resident.lives_alone:
        return MealCategory.ALONE
    return MealCategory.GENERAL


def _next_number(unit: OrgUnit) -> str:
    OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()  # one issuer at a time per community
    n = MealCard.objects.filter(unit=unit).count() + 1
    while MealCard.objects.filter(number=f"ZC{unit.code}{n:05d}").exists():
        n += 1
    return f"ZC{unit.code}{n:05d}"


def _issue(
    *, actor, resident, category, issued_on, canteen="", home_delivery=False, number="", note="", matter=None
):
    if category not in MealCategory.values:
        raise ValidationError({"category": _("补贴类别未知。")})
    if selectors.live_card(resident) is not None:
        raise ValidationError({"resident": _("该居民已有在用的助餐卡，请先注销原卡。")})
    number = (number or "").strip() or _next_number(resident.unit)
    if MealCard.objects.filter(number=number).exists():
        raise ValidationError({"number": _("卡号已被使用。")})
    card = MealCard.objects.create(
        resident=resident,
        unit=resident.unit,
        number=number,
        issued_on=issued_on,
        category=category,
        canteen=canteen.strip(),
        home_delivery=home_delivery,
        note=note,
        matter=matter,
    )
    audit_record(actor=actor, action=A.CREATE, obj=card, changes=snapshot(card, [*CARD_FIELDS, "resident"]))
    return card


def meal_card_issue(
    *,
    actor,
    resident,
    category: str,
    issued_on: date,
    canteen: str = "",
    home_delivery: bool = False,
    number: str = "",
    note: str = "",
) -> MealCard:
    """Issue a card from the resident's page (a staff action)."""
    permissions.require(permissions.can_manage_meal_cards(actor, resident.unit))
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("发卡日期不能晚于今天。")})
    with transaction.atomic():
        return _issue(
            actor=actor,
            resident=resident,
            category=category,
            issued_on=issued_on,
            canteen=canteen,
            home_delivery=home_delivery,
            number=number,
            note=note,
        )


def issue_on_matter_finished(matter, *, actor, on) -> None:
    """Finishing an EL-MEAL application for a registered resident issues her card, in the same transaction (the
    matter service has already checked that the actor may finish it). A resident who already holds a card, an
    anonymous caller or a consultation gets none: the matter is finished as before."""
    if matter.item.code not in CARD_ITEMS or matter.kind != "application" or matter.resident_id is None:
        return
    resident = matter.resident
    if selectors.live_card(resident) is not None:
        return
    _issue(
        actor=actor,
        resident=resident,
        category=default_category(resident),
        issued_on=on,
        matter=matter,
        note=_("由办件 %(code)s 办结发卡") % {"code": matter.tracking_code},
    )


def meal_card_update(
    *, actor, card: MealCard, category: str, canteen: str, home_delivery: bool, note: str
) -> MealCard:
    permissions.require(permissions.can_manage_meal_cards(actor, card.unit))
    if category not in MealCategory.values:
        raise ValidationError({"category": _("补贴类别未知。")})
    with transaction.atomic():
        card = MealCard.objects.select_for_update().get(pk=card.pk)
        before = snapshot(card, CARD_FIELDS)
        card.category, card.canteen, card.home_delivery, card.note = (
            category,
            canteen.strip(),
            home_delivery,
            note,
        )
        changes = diff(before, snapshot(card, CARD_FIELDS))
        if changes:
            card.save(update_fields=["category", "canteen", "home_delivery", "note", "updated_at"])
            audit_record(actor=actor, action=A.UPDATE, obj=card, changes=changes)
    return card


def meal_card_set_status(*, actor, card: MealCard, status: str, reason: str = "") -> MealCard:
    """Suspend, restore or cancel a card (the allowed moves are CARD_TRANSITIONS)."""
    permissions.require(permissions.can_manage_meal_cards(actor, card.unit))
    with transaction.atomic():
        card = MealCard.objects.select_for_update().get(pk=card.pk)
        if status not in CARD_TRANSITIONS.get(card.status, frozenset()):
            raise ValidationError({"status": _("助餐卡当前状态不允许该操作。")})
        if status != CardStatus.ACTIVE and not reason.strip():
            raise ValidationError({"reason": _("暂停或注销须写明理由。")})
        old = card.status
        card.status = status
        card.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=A.TRANSITION,
            obj=card,
            changes={"status": [old, status], "reason": reason.strip()},
        )
    return card


def meal_record_add(
    *, actor, card: MealCard, served_on: date, meals: int, price, canteen: str = ""
) -> MealRecord:
    """Record meals on an active card; the subsidy follows the rate in force on that day for the card's category,
    never more than the price, and within the rate's monthly cap for the card."""
    permissions.require(permissions.can_manage_meal_cards(actor, card.unit))
    price = Decimal(str(price)).quantize(CENT, ROUND_HALF_UP)
    if meals < 1:
        raise ValidationError({"meals": _("餐数至少为1。")})
    if price < 0:
        raise ValidationError({"price": _("餐费不能为负数。")})
    if served_on > timezone.localdate():
        raise ValidationError({"served_on": _("就餐日期不能晚于今天。")})
    if served_on < card.issued_on:
        raise ValidationError({"served_on": _("就餐日期早于发卡日期。")})
    canteen = (canteen or card.canteen).strip()
    if not canteen:
        raise ValidationError({"canteen": _("请填写助餐点。")})
    with transaction.atomic():
        card = MealCard.objects.select_for_update().get(pk=card.pk)
        if card.status != CardStatus.ACTIVE:
            raise ValidationError({"card": _("助餐卡不在有效状态，不能登记就餐。")})
        rate = selectors.rate_on(unit=card.unit, category=card.category, on=served_on)
        subsidy = Decimal("0")
        if rate is not None:
            subsidy = min(rate.per_meal * meals, price)
            if rate.monthly_cap is not None:
                left = rate.monthly_cap - selectors.subsidy_in_month(card, served_on)
                subsidy = max(Decimal("0"), min(subsidy, left))
        record = MealRecord.objects.create(
            card=card,
            unit=card.unit,
            served_on=served_on,
            meals=meals,
            canteen=canteen,
            price=price,
            subsidy=subsidy.quantize(CENT, ROUND_HALF_UP),
            rate=rate,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=record,
            changes=snapshot(record, ["card", "served_on", "meals", "canteen", "price", "subsidy", "rate"]),
        )
    return record


def meal_rate_set(
    *, actor, unit, category: str, start_date: date, per_meal, monthly_cap=None, reference: str = ""
) -> MealSubsidyRate:
    """A dated subsidy rate for `unit` and below; a later date adds a value, the earlier ones stay for the meals
    they paid."""
    permissions.require(permissions.can_set_meal_rates(actor, unit))
    if category not in MealCategory.values:
        raise ValidationError({"category": _("补贴类别未知。")})
    if MealSubsidyRate.objects.filter(unit=unit, category=category, start_date=start_date).exists():
        raise ValidationError({"start_date": _("该单位该类别在此日期已有补贴标准。")})
    per_meal = Decimal(str(per_meal))
    if per_meal < 0 or (monthly_cap is not None and Decimal(str(monthly_cap)) < 0):
        raise ValidationError({"per_meal": _("补贴金额不能为负数。")})
    with transaction.atomic():
        rate = MealSubsidyRate.objects.create(
            unit=unit,
            category=category,
            start_date=start_date,
            per_meal=per_meal,
            monthly_cap=monthly_cap,
            reference=reference.strip(),
        )
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=rate,
            changes=snapshot(rate, ["category", "start_date", "per_meal", "monthly_cap", "reference"]),
        )
    return rate
