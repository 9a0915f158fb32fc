"""Recording a visit: who was met, blood pressure with range checks, needs found, supplies from the kit; the visit
shows on the resident's profile and in statistics."""

from datetime import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from quanke.visits import schedule, services
from quanke.visits.models import Booking, StockBalance, Visit, VisitNeed
from tests.support import login
from tests.visits.conftest import household_with


@pytest.mark.parametrize(
    ("sys_", "dia", "message"),
    [
        (260, 90, "收缩压应在 70–250"),
        (120, 30, "舒张压应在 40–150"),
        (90, 95, "收缩压应高于舒张压"),
        (120, None, "同时填写"),
    ],
)
def test_blood_pressure_out_of_range_is_refused(cast, sys_, dia, message):
    hh, (r,) = household_with(cast.community_a)
    with pytest.raises(ValidationError) as exc:
        services.visit_record(actor=cast.desk_a, household=hh, systolic=sys_, diastolic=dia, bp_resident=r)
    assert message in str(exc.value)
    assert not Visit.objects.exists()


def test_high_blood_pressure_is_flagged(cast):
    hh, (r,) = household_with(cast.community_a)
    v = services.visit_record(actor=cast.desk_a, household=hh, systolic=150, diastolic=85, bp_resident=r)
    assert v.bp_high
    assert not services.visit_record(
        actor=cast.desk_a, household=hh, systolic=128, diastolic=82, bp_resident=r
    ).bp_high


def test_record_on_the_phone_form(cast, supply, client):
    bags = supply("garbage_bags")
    services.stock_receive(actor=cast.head_a, unit=cast.community_a, supply=bags, quantity=10)
    services.stock_issue(
        actor=cast.head_a, unit=cast.community_a, supply=bags, worker=cast.desk_a, quantity=4
    )
    hh, (grandpa, son) = household_with(cast.community_a, "孙大爷", "孙小明")
    login(client, cast.desk_a)
    url = reverse("visits:visit_new") + f"?household={hh.pk}"
    page = client.get(url).content.decode()
    assert "孙大爷" in page and "包内 4 卷" in page
    bad = client.post(
        url,
        {
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "systolic": "300",
            "diastolic": "80",
            "bp_resident": grandpa.pk,
        },
    )
    assert bad.status_code == 200 and "收缩压应在 70–250" in bad.content.decode()
    response = client.post(
        url,
        {
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "met": [grandpa.pk],
            "observations": "老人独自在家，精神尚可。",
            "bp_resident": grandpa.pk,
            "systolic": "146",
            "diastolic": "92",
            "pulse": "76",
            "need-0-text": "腿脚不便，想申请轮椅",
            "need-0-resident": grandpa.pk,
            f"supply-{bags.pk}-qty": "2",
            f"supply-{bags.pk}-to": grandpa.pk,
            "forms_filled": "入户走访记录表\n老年人优待证申请表",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    v = Visit.objects.get()
    assert v.worker == cast.desk_a and list(v.met.all()) == [grandpa] and v.bp_high
    assert VisitNeed.objects.get(visit=v).description == "腿脚不便，想申请轮椅"
    assert v.forms_filled == ["入户走访记录表", "老年人优待证申请表"]
    assert StockBalance.objects.get(worker=cast.desk_a, supply=bags).quantity == 2
    detail = client.get(response["Location"]).content.decode()
    assert "146/92" in detail and "偏高" in detail
    profile = client.get(reverse("registry:resident_detail", args=[son.pk])).content.decode()
    assert "146/92" in profile and "腿脚不便" in profile


def test_visit_from_a_booking_marks_it_done(cast, workday):
    hh, (r,) = household_with(cast.community_a)
    b = services.booking_create(
        actor=cast.desk_a,
        unit=cast.community_a,
        slot_start=schedule.at_local(workday, time(9, 30)),
        worker=cast.desk_a,
        caller_name=r.name,
        caller_phone="13800000000",
        address=hh.address,
        request_text="量血压",
        resident=r,
    )
    services.visit_record(actor=cast.desk_a, household=hh, booking=b, met=[r], before_booking_confirmed=True)
    b.refresh_from_db()
    assert b.status == "done" and b.visit.household == hh
    with pytest.raises(ValidationError):
        services.visit_record(actor=cast.desk_a, household=hh, booking=b)


def test_other_community_and_county_viewer_are_refused(cast, client):
    hh, (r,) = household_with(cast.community_a)
    with pytest.raises(PermissionDenied):
        services.visit_record(actor=cast.desk_b, household=hh)
    with pytest.raises(PermissionDenied):
        services.visit_record(actor=cast.county_viewer, household=hh)
    assert not Visit.objects.exists()
    assert (
        login(client, cast.desk_b).get(reverse("visits:visit_new") + f"?household={hh.pk}").status_code == 404
    )
    client.logout()
    assert (
        login(client, cast.county_viewer).get(reverse("visits:visit_new") + f"?household={hh.pk}").status_code
        == 403
    )
    assert not Visit.objects.exists()


def test_recipient_must_be_a_household_member(cast, supply):
    bags = supply("garbage_bags")
    services.stock_receive(actor=cast.head_a, unit=cast.community_a, supply=bags, quantity=10)
    services.stock_issue(
        actor=cast.head_a, unit=cast.community_a, supply=bags, worker=cast.desk_a, quantity=4
    )
    hh, _ = household_with(cast.community_a, "甲")
    _, (stranger,) = household_with(cast.community_a, "乙")
    with pytest.raises(ValidationError):
        services.visit_record(
            actor=cast.desk_a, household=hh, handouts=[{"supply": bags, "quantity": 1, "resident": stranger}]
        )
    assert StockBalance.objects.get(worker=cast.desk_a, supply=bags).quantity == 4


def test_statistics_count_visits_for_the_county_viewer_without_names(cast, client):
    hh, (r,) = household_with(cast.community_a, "高龄老人", tags=["elderly"])
    other, _ = household_with(cast.community_a, "普通居民")
    services.visit_record(actor=cast.desk_a, household=hh, systolic=150, diastolic=80, bp_resident=r)
    services.visit_record(actor=cast.back_a, household=other)
    body = login(client, cast.county_viewer).get(reverse("visits:stats")).content.decode()
    assert "高龄老人" not in body
    from quanke.visits import selectors

    stats = selectors.visit_stats(
        actor=cast.county_viewer,
        units=[cast.community_a],
        start=timezone.localdate(),
        end=timezone.localdate(),
    )
    assert (stats["total"], stats["special"], stats["high_bp"], stats["households"]) == (2, 1, 1, 2)


def test_visit_list_query_count(cast, client, django_assert_max_num_queries):
    for i in range(30):
        hh, _ = household_with(cast.community_a, f"居民{i}")
        services.visit_record(actor=cast.desk_a, household=hh)
    login(client, cast.desk_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("visits:visit_list"))
    assert response.content.decode().count("/visits/records/") >= 30
    assert Booking.objects.count() == 0


def test_showing_the_visit_form_is_one_audited_read_of_the_household(cast, client):
    from quanke.core.models import AuditEvent

    hh, (r,) = household_with(cast.community_a)
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_type="registry.household")
    url = reverse("visits:visit_new") + f"?household={hh.pk}"
    assert login(client, cast.desk_a).get(url).status_code == 200
    row = reads.get()
    assert (row.object_id, row.actor, row.changes["via"]) == (str(hh.pk), cast.desk_a, "visits.visit_form")
    client.logout()
    assert login(client, cast.desk_b).get(url).status_code == 404
    assert reads.count() == 1  # a refused read writes nothing
