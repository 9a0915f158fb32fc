"""At a visit: a need becomes a matter on the spot (未诉先办, channel 入户), the booked item becomes a matter, and
materials collected for the household's waiting matters move those matters on."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from quanke.catalog.models import Item
from quanke.matters import services as matter_services
from quanke.matters.models import Matter, MatterEvent
from quanke.visits import integration, planning, schedule, services
from quanke.visits.models import Visit, VisitMatter, VisitNeed
from tests.support import login
from tests.visits.conftest import household_with


def now_field():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def data(**kw):
    base = {
        "visited_at": timezone.now(),
        "met": [],
        "met_others": "",
        "observations": "",
        "systolic": None,
        "diastolic": None,
        "pulse": None,
        "bp_resident": None,
        "needs": [],
        "handouts": [],
        "forms_list": [],
    }
    return {**base, **kw}


def awaiting_matter(actor, resident, code="EL-SENIOR-CARD"):
    m = matter_services.matter_accept(actor=actor, item=Item.objects.get(code=code), resident=resident)
    return matter_services.matter_request_materials(actor=actor, matter=m, note="缺一寸照片和申请表")


def test_a_need_found_at_the_visit_becomes_a_matter_on_the_spot(cast, client):
    hh, (grandpa,) = household_with(cast.community_a, "吴大爷")
    item = Item.objects.get(code="EL-SENIOR-CARD")
    login(client, cast.desk_a)
    url = reverse("visits:visit_new") + f"?household={hh.pk}"
    assert "当场受理为办件" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "visited_at": now_field(),
            "met": [grandpa.pk],
            "need-0-text": "老人想办老年人优待证，行动不便",
            "need-0-item": item.pk,
            "need-0-resident": grandpa.pk,
            "need-0-spawn": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    matter = Matter.objects.get()
    assert matter.channel == "home" and matter.resident == grandpa and matter.item == item
    assert matter.status == "routed" and matter.trips == 0
    assert "入户走访发现" in matter.request_text
    need = VisitNeed.objects.get()
    assert need.matter == matter
    assert VisitMatter.objects.get().role == "need"
    assert matter.tracking_code in client.get(response["Location"]).content.decode()


def test_materials_collected_at_the_visit_resume_the_waiting_matter(cast, client):
    hh, (grandpa,) = household_with(cast.community_a, "郑奶奶")
    matter = awaiting_matter(cast.desk_a, grandpa)
    assert matter.status == "awaiting"
    trips = matter.trips
    login(client, cast.desk_a)
    url = reverse("visits:visit_new") + f"?household={hh.pk}"
    page = client.get(url).content.decode()
    assert matter.tracking_code in page and "一寸免冠照片" in page
    response = client.post(url, {"visited_at": now_field(), "met": [grandpa.pk], "material": [matter.pk]})
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.status == "accepted" and matter.trips == trips
    assert not matter.materials.filter(state="missing").exists()
    event = MatterEvent.objects.filter(matter=matter, action="materials_received").get()
    assert "入户走访时收取" in event.note
    assert VisitMatter.objects.get(matter=matter).role == "materials"


def test_the_booked_item_becomes_a_matter_at_the_visit(cast, workday):
    hh, (r,) = household_with(cast.community_a, "冯阿姨")
    booking = services.booking_create(
        actor=cast.desk_a,
        unit=cast.community_a,
        slot_start=schedule.at_local(workday, time(9, 30)),
        worker=cast.desk_a,
        caller_name=r.name,
        caller_phone="13800000000",
        address=hh.address,
        item=Item.objects.get(code="EL-SENIOR-CARD"),
        resident=r,
    )
    # The booking is for a later day: recording now is an early visit, confirmed as such.
    visit = integration.record_visit(
        actor=cast.desk_a,
        household=hh,
        data=data(met=[r], before_booking_confirmed=True),
        booking=booking,
        booking_to_matter=True,
    )
    link = VisitMatter.objects.get(visit=visit)
    assert link.role == "booking" and link.matter.channel == "home" and link.matter.resident == r
    booking.refresh_from_db()
    assert booking.status == "done"


def test_a_worker_who_cannot_accept_matters_cannot_spawn_and_nothing_is_saved(cast):
    hh, (r,) = household_with(cast.community_a, "褚大爷")
    need = {
        "description": "想办优待证",
        "item": Item.objects.get(code="EL-SENIOR-CARD"),
        "resident": r,
        "spawn": True,
    }
    with pytest.raises(ValidationError):
        integration.record_visit(actor=cast.back_a, household=hh, data=data(needs=[need]))
    assert not Visit.objects.exists() and not Matter.objects.exists()


def test_a_refused_matter_step_rolls_back_the_whole_visit(cast):
    hh, (r,) = household_with(cast.community_a, "卫大爷")
    need = {
        "description": "要开亲属关系证明",
        "item": Item.objects.get(code="CT-REF-KINSHIP"),
        "resident": r,
        "spawn": True,
    }
    with pytest.raises(ValidationError) as exc:
        integration.record_visit(actor=cast.desk_a, household=hh, data=data(needs=[need]))
    assert "不予出具" in str(exc.value)
    assert not Visit.objects.exists() and not Matter.objects.exists() and not VisitNeed.objects.exists()


def test_another_communitys_matter_cannot_be_given_materials(cast):
    hh, (r,) = household_with(cast.community_a, "蒋奶奶")
    _, (other,) = household_with(cast.community_b, "沈奶奶")
    foreign = awaiting_matter(cast.desk_b, other)
    with pytest.raises(ValidationError):
        integration.record_visit(actor=cast.desk_a, household=hh, data=data(), materials=[str(foreign.pk)])
    foreign.refresh_from_db()
    assert foreign.status == "awaiting" and not Visit.objects.exists()


def test_open_matters_count_as_open_needs_in_the_plan(cast):
    hh, (r,) = household_with(cast.community_a, "韩大爷", tags=["dibao"])
    before = planning.open_needs_by_household(cast.community_a).get(hh.pk, 0)
    awaiting_matter(cast.desk_a, r)
    assert planning.open_needs_by_household(cast.community_a)[hh.pk] == before + 1
