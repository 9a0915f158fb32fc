"""Who received family-planning supplies or rehab test strips: only the head and back-office workers of the
supply's specialty see it, and every such read is audited."""

import pytest
from django.urls import reverse

from quanke.core.models import AuditEvent
from quanke.visits import services
from tests.support import login
from tests.visits.conftest import household_with


@pytest.fixture
def handed_out(cast, supply):
    strips, condoms, bags = supply("rehab_test_strips"), supply("contraceptives"), supply("garbage_bags")
    for s in (strips, condoms, bags):
        services.stock_receive(actor=cast.head_a, unit=cast.community_a, supply=s, quantity=20)
        services.stock_issue(
            actor=cast.head_a, unit=cast.community_a, supply=s, worker=cast.desk_a, quantity=5
        )
    hh, (r,) = household_with(cast.community_a, "周某某")
    visit = services.visit_record(
        actor=cast.desk_a,
        household=hh,
        met=[r],
        handouts=[
            {"supply": strips, "quantity": 1, "resident": r},
            {"supply": condoms, "quantity": 2, "resident": r},
            {"supply": bags, "quantity": 1, "resident": r},
        ],
    )
    return visit, r


def reads(user):
    return AuditEvent.objects.filter(action="read_sensitive", actor=user)


def test_front_desk_sees_ledger_lines_without_recipients_and_no_sensitive_lines_on_the_visit(
    cast, handed_out, client
):
    visit, r = handed_out
    login(client, cast.desk_a)
    ledger = client.get(reverse("visits:stock_ledger")).content.decode()
    # Strips and contraceptives hide the recipient; so does the garbage-bag line of the same visit (defect 6).
    assert ledger.count("领取人保密") == 3
    assert ledger.count(r.name) == 0
    page = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert "垃圾分类袋" in page and "唾液检测试剂" not in page and "避孕药具" not in page
    profile = client.get(reverse("registry:resident_detail", args=[r.pk])).content.decode()
    assert "垃圾分类袋" in profile and "唾液检测试剂" not in profile and "避孕药具" not in profile
    assert not reads(cast.desk_a).exists()


def test_head_sees_recipients_and_each_read_is_audited(cast, handed_out, client):
    visit, r = handed_out
    login(client, cast.head_a)
    ledger = client.get(reverse("visits:stock_ledger")).content.decode()
    assert "领取人保密" not in ledger and ledger.count(r.name) == 3
    event = reads(cast.head_a).get()
    assert set(event.changes["supplies"]) == {"rehab_test_strips", "contraceptives"}
    page = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert "唾液检测试剂" in page and "免费避孕药具" in page
    assert reads(cast.head_a).count() == 2


def test_back_office_sees_only_her_specialtys_supply(cast, handed_out, back_general, client):
    visit, r = handed_out
    # back_a: assistance + disability -> neither; back_general: general -> test strips only.
    body = login(client, cast.back_a).get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert "唾液检测试剂" not in body and "避孕药具" not in body
    assert not reads(cast.back_a).exists()
    client.logout()
    body = login(client, back_general).get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert "唾液检测试剂" in body and "避孕药具" not in body
    assert reads(back_general).get().changes["supplies"] == ["rehab_test_strips"]


def test_the_handout_audit_row_does_not_name_the_recipient_of_a_sensitive_supply(cast, handed_out):
    visit, r = handed_out
    rows = AuditEvent.objects.filter(
        object_type="visits.stockmovement", action="create", changes__kind="handout"
    )
    by_supply = {e.changes["supply"]: e.changes for e in rows}
    assert "resident" not in by_supply["rehab_test_strips"] and by_supply["garbage_bags"]["resident"] == r.pk
