"""Defect 6: the ledger hid the contraceptive recipient as 领取人保密 while the row beside it (same visit, same
minute) named the resident. Every row of a visit in which a sensitive supply was handed over is shown without the
resident to whoever may not see that supply."""

import pytest
from django.urls import reverse

from quanke.core.models import AuditEvent
from quanke.visits import services
from tests.support import login
from tests.visits.conftest import household_with


@pytest.fixture
def two_visits(cast, supply):
    condoms, bags = supply("contraceptives"), supply("garbage_bags")
    for s in (condoms, bags):
        services.stock_receive(actor=cast.head_a, unit=cast.community_a, supply=s, quantity=20)
        services.stock_issue(
            actor=cast.head_a, unit=cast.community_a, supply=s, worker=cast.desk_a, quantity=5
        )
    hh, (r,) = household_with(cast.community_a, "吴某某")
    services.visit_record(
        actor=cast.desk_a,
        household=hh,
        met=[r],
        handouts=[
            {"supply": condoms, "quantity": 1, "resident": r},
            {"supply": bags, "quantity": 1, "resident": r},
        ],
    )
    other_hh, (other,) = household_with(cast.community_a, "郑某某")
    services.visit_record(
        actor=cast.desk_a,
        household=other_hh,
        met=[other],
        handouts=[{"supply": bags, "quantity": 1, "resident": other}],
    )
    return r, other


def test_rows_of_a_visit_with_a_hidden_supply_do_not_name_the_resident(cast, two_visits, client):
    r, other = two_visits
    login(client, cast.desk_a)
    ledger = client.get(reverse("visits:stock_ledger")).content.decode()
    assert r.name not in ledger
    assert ledger.count("领取人保密") == 2  # both rows of the visit, not only the contraceptive one
    assert other.name in ledger  # a visit with no sensitive supply still names its recipient
    assert not AuditEvent.objects.filter(action="read_sensitive", actor=cast.desk_a).exists()


def test_filtering_to_the_plain_supply_still_hides_the_recipient(cast, two_visits, supply, client):
    r, other = two_visits
    login(client, cast.desk_a)
    ledger = client.get(
        reverse("visits:stock_ledger"), {"supply": supply("garbage_bags").pk, "kind": "handout"}
    ).content.decode()
    assert r.name not in ledger and other.name in ledger


def test_the_head_sees_both_rows_and_the_read_is_audited(cast, two_visits, client):
    r, other = two_visits
    login(client, cast.head_a)
    ledger = client.get(reverse("visits:stock_ledger")).content.decode()
    assert "领取人保密" not in ledger and ledger.count(r.name) == 2
    assert AuditEvent.objects.get(action="read_sensitive", actor=cast.head_a).changes["supplies"] == [
        "contraceptives"
    ]
