"""The donated resources ledger: money and goods received and disbursed, kept as balances per item."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanke.core import ledger, permissions
from quanke.core.audit import snapshot
from quanke.network.models import (
    MONEY_ITEM,
    MONEY_UNIT,
    Activity,
    Direction,
    LedgerEntry,
    RecipientKind,
    ResourceBalance,
    ResourceKind,
    SocialOrganisation,
)
from quanke.network.services.cleaning import positive


def _item_key(kind: str, item: str, item_unit: str) -> tuple[str, str]:
    if kind == ResourceKind.MONEY:
        return MONEY_ITEM, MONEY_UNIT
    if kind != ResourceKind.IN_KIND:
        raise ValidationError({"kind": _("请选择资源类型。")})
    item, item_unit = (item or "").strip(), (item_unit or "").strip()
    if not item or not item_unit:
        raise ValidationError({"item": _("物资须填写名称和计量单位。")})
    return item, item_unit


LEDGER_AUDIT_FIELDS = [
    "direction",
    "kind",
    "item",
    "quantity",
    "entry_on",
    "purpose",
    "donor_name",
    "recipient_kind",
    "case_reference",
]


def _post_entry(*, actor, unit, balance: ResourceBalance, direction: str, quantity, **fields) -> LedgerEntry:
    """Write the ledger line for the locked balance row (its kind, item and measure) and move the balance:
    up for money or goods in, down for out."""
    entry = LedgerEntry(
        unit=unit,
        direction=direction,
        kind=balance.kind,
        item=balance.item,
        item_unit=balance.item_unit,
        quantity=quantity,
        recorded_by=actor,
        **fields,
    )
    delta = quantity if direction == Direction.IN else -quantity
    return ledger.post(
        actor=actor, movement=entry, postings=[(balance, delta)], changes=snapshot(entry, LEDGER_AUDIT_FIELDS)
    )


def ledger_receive(
    *,
    actor,
    unit,
    kind: str,
    quantity,
    entry_on: date,
    donor_name: str,
    purpose: str,
    item: str = "",
    item_unit: str = "",
    donor_organisation: SocialOrganisation | None = None,
    estimated_value=None,
    note: str = "",
) -> LedgerEntry:
    """Record a donation in (money in yuan, or goods by quantity) and raise the balance."""
    permissions.require(permissions.can_record_ledger(actor, unit))
    item, item_unit = _item_key(kind, item, item_unit)
    quantity = positive(quantity, "quantity", _("金额/数量"))
    donor_name = (donor_name or (donor_organisation.name if donor_organisation else "")).strip()
    if not donor_name:
        raise ValidationError({"donor_name": _("请填写捐赠方。")})
    with transaction.atomic():
        balance = ledger.lock_balance(
            ResourceBalance,
            lookup={"unit": unit, "kind": kind, "item": item},
            defaults={"item_unit": item_unit},
        )
        if balance.item_unit != item_unit:
            raise ValidationError(
                {"item_unit": _("%(i)s 的计量单位应为「%(u)s」。") % {"i": item, "u": balance.item_unit}}
            )
        return _post_entry(
            actor=actor,
            unit=unit,
            balance=balance,
            direction=Direction.IN,
            quantity=quantity,
            entry_on=entry_on,
            purpose=purpose,
            note=note,
            estimated_value=quantity if kind == ResourceKind.MONEY else estimated_value,
            donor_name=donor_name,
            donor_organisation=donor_organisation,
        )


def ledger_disburse(
    *,
    actor,
    unit,
    kind: str,
    quantity,
    entry_on: date,
    purpose: str,
    recipient_kind: str,
    item: str = "",
    recipient_resident=None,
    recipient_activity: Activity | None = None,
    recipient_organisation: SocialOrganisation | None = None,
    case_reference: str = "",
    note: str = "",
) -> LedgerEntry:
    """Pay out money or hand out goods. Refused when the balance would go negative: the balance row is locked
    (select_for_update) and the database's CHECK (balance >= 0) is the last line of defence."""
    permissions.require(permissions.can_record_ledger(actor, unit))
    item, _unit = _item_key(kind, item, "-")
    quantity = positive(quantity, "quantity", _("金额/数量"))
    targets = {
        RecipientKind.RESIDENT: recipient_resident,
        RecipientKind.CASE: case_reference,
        RecipientKind.ACTIVITY: recipient_activity,
        RecipientKind.ORGANISATION: recipient_organisation,
    }
    if recipient_kind not in targets or not targets[recipient_kind]:
        raise ValidationError({"recipient_kind": _("请选择接收方。")})
    if recipient_resident is not None:
        permissions.require(permissions.unit_in_scope(actor, recipient_resident.unit))
    if recipient_activity is not None:
        permissions.require(permissions.unit_in_scope(actor, recipient_activity.unit))
    with transaction.atomic():
        balance = ledger.lock_balance(
            ResourceBalance,
            lookup={"unit": unit, "kind": kind, "item": item},
            defaults={"item_unit": ""},
            create=False,
        )
        return _post_entry(
            actor=actor,
            unit=unit,
            balance=balance,
            direction=Direction.OUT,
            quantity=quantity,
            entry_on=entry_on,
            purpose=purpose,
            note=note,
            recipient_kind=recipient_kind,
            recipient_resident=recipient_resident,
            recipient_activity=recipient_activity,
            recipient_organisation=recipient_organisation,
            case_reference=case_reference,
        )
