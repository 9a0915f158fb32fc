"""The resources ledger: balances never go negative, and every total reconciles with the entries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from quanke.network import selectors, services
from quanke.network.models import LedgerEntry, ResourceBalance


def receive(cast, today, amount, donor="爱心企业甲", **kw):
    return services.ledger_receive(
        actor=kw.pop("actor", cast.back_a),
        unit=kw.pop("unit", cast.community_a),
        kind=kw.pop("kind", "money"),
        quantity=Decimal(amount),
        entry_on=kw.pop("entry_on", today),
        donor_name=donor,
        purpose="困难群众帮扶",
        **kw,
    )


def disburse(cast, today, amount, **kw):
    return services.ledger_disburse(
        actor=cast.back_a,
        unit=cast.community_a,
        kind=kw.pop("kind", "money"),
        quantity=Decimal(amount),
        entry_on=kw.pop("entry_on", today),
        purpose="临时困难补助",
        recipient_kind=kw.pop("recipient_kind", "case"),
        case_reference=kw.pop("case_reference", "GA202600001"),
        **kw,
    )


def test_disbursement_beyond_balance_is_refused_and_nothing_changes(cast, today):
    receive(cast, today, "1000")
    with pytest.raises(ValidationError, match="结余不足"):
        disburse(cast, today, "1000.01")
    assert LedgerEntry.objects.count() == 1
    assert ResourceBalance.objects.get().balance == Decimal("1000")
    disburse(cast, today, "1000")
    assert ResourceBalance.objects.get().balance == 0


def test_disbursing_goods_never_received_is_refused(cast, today):
    with pytest.raises(ValidationError):
        disburse(cast, today, "1", kind="in_kind", item="大米")
    assert not LedgerEntry.objects.exists() and not ResourceBalance.objects.exists()


def test_database_refuses_negative_balance(cast, today):
    receive(cast, today, "10")
    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceBalance.objects.update(balance=Decimal("-1"))


def test_in_kind_unit_must_match(cast, today):
    receive(cast, today, "20", kind="in_kind", item="大米", item_unit="袋", estimated_value=Decimal("1200"))
    with pytest.raises(ValidationError):
        receive(cast, today, "5", kind="in_kind", item="大米", item_unit="公斤")
    assert ResourceBalance.objects.get(item="大米").balance == 20


def test_totals_reconcile_with_entries(cast, today):
    last_month = today - timedelta(days=40)
    receive(cast, last_month, "30000", donor="爱心企业甲")
    receive(cast, today, "25000.50", donor="慈善会")
    receive(
        cast, today, "50", kind="in_kind", item="米面油礼包", item_unit="份", estimated_value=Decimal("5000")
    )
    disburse(cast, today, "3200")
    disburse(cast, today, "12", kind="in_kind", item="米面油礼包")
    entries = list(LedgerEntry.objects.all())
    # Stored balances equal the sums of the entries, item by item.
    recomputed = selectors.recomputed_balances(unit=cast.community_a)
    stored = {(b.kind, b.item): b.balance for b in ResourceBalance.objects.all()}
    assert (
        stored == recomputed == {("money", ""): Decimal("51800.50"), ("in_kind", "米面油礼包"): Decimal("38")}
    )
    totals = selectors.ledger_totals(actor=cast.back_a)
    money_in = sum(e.quantity for e in entries if e.kind == "money" and e.direction == "in")
    money_out = sum(e.quantity for e in entries if e.kind == "money" and e.direction == "out")
    assert (
        (totals.money_in, totals.money_out) == (money_in, money_out) == (Decimal("55000.50"), Decimal("3200"))
    )
    assert totals.money_net == stored[("money", "")]
    assert totals.in_kind_value_in == Decimal("5000")
    assert sum((r["money"] or 0) for r in totals.by_source) == totals.money_in
    assert sum((r["money_in"] or 0) for r in totals.by_month) == totals.money_in
    # A period takes only its own entries.
    recent = selectors.ledger_totals(actor=cast.back_a, start=today - timedelta(days=7))
    assert recent.money_in == Decimal("25000.50")


def test_ledger_is_scoped_and_refused_outside(cast, today):
    receive(cast, today, "100")
    assert not selectors.ledger_for(actor=cast.desk_b).exists()
    assert not selectors.ledger_for(actor=cast.county_viewer).exists()
    with pytest.raises(PermissionDenied):
        receive(cast, today, "100", actor=cast.desk_b)
    with pytest.raises(PermissionDenied):
        receive(cast, today, "100", actor=cast.county_viewer, unit=cast.community_a)
    assert LedgerEntry.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_disbursements_cannot_overdraw(cast, today):
    import threading

    receive(cast, today, "100")
    results = []

    def take():
        try:
            disburse(cast, today, "70")
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    assert ResourceBalance.objects.get().balance == Decimal("30")
