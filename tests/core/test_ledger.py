"""The one ledger mechanism both stocks use: a movement never takes a balance below zero, and a refused movement
writes nothing (no balance change, no movement, no audit row)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from quanke.core import ledger
from quanke.core.models import AuditEvent
from quanke.network import services as network_services
from quanke.network.models import LedgerEntry, ResourceBalance
from quanke.visits import services as visit_services
from quanke.visits.models import StockBalance, StockMovement, SupplyItem


def test_both_balance_models_are_ledger_rows():
    assert issubclass(StockBalance, ledger.BalanceRow)
    assert issubclass(ResourceBalance, ledger.BalanceRow)


def test_post_refuses_a_negative_balance_and_writes_nothing(cast):
    supply = SupplyItem.objects.filter(sensitive=False).first()
    unit = cast.community_a
    visit_services.stock_receive(actor=cast.head_a, unit=unit, supply=supply, quantity=3)
    audits = AuditEvent.objects.count()
    with transaction.atomic():
        row = ledger.lock_balance(StockBalance, lookup={"unit": unit, "supply": supply, "worker": None})
        movement = StockMovement(unit=unit, supply=supply, kind="write_off", quantity=4, actor=cast.head_a)
        with pytest.raises(ValidationError, match="只剩 3"):
            ledger.post(actor=cast.head_a, movement=movement, postings=[(row, -4)], changes={})
    assert StockBalance.objects.get(unit=unit, supply=supply, worker=None).quantity == 3
    assert StockMovement.objects.filter(kind="write_off").count() == 0
    assert AuditEvent.objects.count() == audits


def test_visits_and_network_write_through_the_same_post(cast, monkeypatch):
    """Both services hand their movement to `ledger.post` (counted here by wrapping it)."""
    seen = []
    real = ledger.post

    def counting(**kw):
        seen.append(type(kw["movement"]).__name__)
        return real(**kw)

    monkeypatch.setattr(ledger, "post", counting)
    supply = SupplyItem.objects.filter(sensitive=False).first()
    visit_services.stock_receive(actor=cast.head_a, unit=cast.community_a, supply=supply, quantity=2)
    network_services.ledger_receive(
        actor=cast.back_a,
        unit=cast.community_a,
        kind="money",
        quantity=Decimal("10"),
        entry_on=timezone.localdate(),
        donor_name="爱心企业",
        purpose="帮扶",
    )
    with pytest.raises(ValidationError, match="结余不足"):
        network_services.ledger_disburse(
            actor=cast.back_a,
            unit=cast.community_a,
            kind="in_kind",
            item="大米",
            quantity=Decimal("1"),
            entry_on=timezone.localdate(),
            purpose="帮扶",
            recipient_kind="case",
            case_reference="GA202600001",
        )
    assert seen == ["StockMovement", "LedgerEntry", "LedgerEntry"]
    assert not ResourceBalance.objects.filter(item="大米").exists()
    assert LedgerEntry.objects.count() == 1
