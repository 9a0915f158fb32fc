"""Service-kit stock: every movement in the ledger, balances equal the ledger, never negative, low-stock alerts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from quanke.visits import selectors, services
from quanke.visits.models import StockBalance, StockMovement
from tests.support import login
from tests.visits.conftest import household_with

SIGN = {  # kind -> (station delta, kit delta) per unit of quantity
    "receive": (1, 0),
    "issue": (-1, 1),
    "return": (1, -1),
    "handout": (0, -1),
}


def ledger_balances(unit, supply):
    station, kits = 0, {}
    for m in StockMovement.objects.filter(unit=unit, supply=supply):
        s, k = SIGN.get(m.kind, (0, 0))
        if m.kind == "write_off":
            s, k = (0, -1) if m.worker_id else (-1, 0)
        station += s * m.quantity
        if m.worker_id:
            kits[m.worker_id] = kits.get(m.worker_id, 0) + k * m.quantity
    return station, kits


def assert_ledger_matches(unit, supply):
    station, kits = ledger_balances(unit, supply)
    assert StockBalance.objects.get(unit=unit, supply=supply, worker=None).quantity == station
    for worker_id, qty in kits.items():
        assert StockBalance.objects.get(worker_id=worker_id, supply=supply).quantity == qty


def test_full_cycle_keeps_balances_equal_to_the_ledger(cast, supply):
    bags = supply("garbage_bags")
    hh, (r,) = household_with(cast.community_a, "王奶奶")
    services.stock_receive(actor=cast.head_a, unit=cast.community_a, supply=bags, quantity=50)
    services.stock_issue(
        actor=cast.back_a, unit=cast.community_a, supply=bags, worker=cast.desk_a, quantity=10
    )
    services.visit_record(
        actor=cast.desk_a, household=hh, met=[r], handouts=[{"supply": bags, "quantity": 3, "resident": r}]
    )
    services.stock_return(
        actor=cast.desk_a, unit=cast.community_a, supply=bags, worker=cast.desk_a, quantity=2
    )
    services.stock_write_off(actor=cast.head_a, unit=cast.community_a, supply=bags, quantity=4, reason="受潮")
    services.stock_write_off(
        actor=cast.head_a, unit=cast.community_a, supply=bags, quantity=1, reason="遗失", worker=cast.desk_a
    )
    assert (
        StockBalance.objects.get(unit=cast.community_a, supply=bags, worker=None).quantity == 50 - 10 + 2 - 4
    )
    assert StockBalance.objects.get(worker=cast.desk_a, supply=bags).quantity == 10 - 3 - 2 - 1
    assert StockMovement.objects.filter(supply=bags).count() == 6
    assert StockMovement.objects.filter(kind="handout").aggregate(n=Sum("quantity"))["n"] == 3
    assert_ledger_matches(cast.community_a, bags)


def test_stock_never_goes_negative_and_a_refusal_changes_nothing(cast, supply):
    locks = supply("mailbox_lock")
    services.stock_receive(actor=cast.head_a, unit=cast.community_a, supply=locks, quantity=2)
    with pytest.raises(ValidationError) as exc:
        services.stock_issue(
            actor=cast.head_a, unit=cast.community_a, supply=locks, worker=cast.desk_a, quantity=3
        )
    assert "只剩 2" in str(exc.value)
    hh, (r,) = household_with(cast.community_a, "李爷爷")
    with pytest.raises(ValidationError):
        services.visit_record(
            actor=cast.desk_a, household=hh, handouts=[{"supply": locks, "quantity": 1, "resident": r}]
        )
    assert StockMovement.objects.filter(supply=locks).count() == 1
    assert StockBalance.objects.get(unit=cast.community_a, supply=locks, worker=None).quantity == 2
    assert not hh.visits.exists()  # the whole visit rolled back with the refused hand-out
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(supply=locks, worker=None).update(quantity=-1)


def test_low_stock_alerts_per_item(cast, supply):
    strips = supply("rehab_test_strips")  # station alert 10, kit alert 2
    services.stock_receive(actor=cast.head_a, unit=cast.community_a, supply=strips, quantity=12)
    services.stock_issue(
        actor=cast.head_a, unit=cast.community_a, supply=strips, worker=cast.desk_a, quantity=3
    )
    alerts = selectors.low_stock(unit=cast.community_a)
    station = [a for a in alerts if a["supply"] == strips and a["where"] is None]
    assert station and station[0]["quantity"] == 9
    assert not [a for a in alerts if a["supply"] == strips and a["where"] == cast.desk_a]
    services.stock_return(
        actor=cast.desk_a, unit=cast.community_a, supply=strips, worker=cast.desk_a, quantity=2
    )
    assert [
        a
        for a in selectors.low_stock(unit=cast.community_a)
        if a["where"] == cast.desk_a and a["supply"] == strips
    ]
    # Never-stocked items alert at the station as zero.
    assert any(a["supply"].code == "garbage_bags" and a["quantity"] == 0 for a in alerts)


def test_front_desk_cannot_receive_or_issue_and_nothing_changes(cast, supply, client):
    bags = supply("garbage_bags")
    with pytest.raises(PermissionDenied):
        services.stock_receive(actor=cast.desk_a, unit=cast.community_a, supply=bags, quantity=5)
    with pytest.raises(PermissionDenied):
        services.stock_receive(actor=cast.head_a, unit=cast.community_b, supply=bags, quantity=5)
    login(client, cast.desk_a)
    response = client.post("/visits/stock/", {"action": "receive", "supply": bags.pk, "quantity": 5})
    assert response.status_code == 403
    assert StockMovement.objects.count() == 0 and StockBalance.objects.count() == 0


def test_stock_page_and_ledger_query_counts(cast, supply, client, django_assert_max_num_queries):
    bags = supply("garbage_bags")
    services.stock_receive(actor=cast.head_a, unit=cast.community_a, supply=bags, quantity=100)
    for _ in range(20):
        services.stock_issue(
            actor=cast.head_a, unit=cast.community_a, supply=bags, worker=cast.desk_a, quantity=1
        )
    login(client, cast.head_a)
    with django_assert_max_num_queries(12):
        response = client.get("/visits/stock/ledger/")
    assert response.content.decode().count("领用到服务包") >= 20
    with django_assert_max_num_queries(14):
        assert client.get("/visits/stock/").status_code == 200
