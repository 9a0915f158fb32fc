"""Issue 15: an urgent item (走失老人及紧急求助) tells the worker on duty at once, from every entry point, in the
accepting transaction; a sensitive item (社区矫正对象报到) exists only for its specialty and the station head."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from quanke.catalog.models import Item
from quanke.core.models import Notification, Role
from quanke.matters import services
from quanke.matters.models import Matter
from quanke.visits.models import DutyShift
from tests.conftest import make_resident, make_user
from tests.matters.test_desk_once import page_token
from tests.support import bearer, login

URGENT, SENSITIVE = "CV-URGENT-HELP", "HS-CORRECTION-REPORT"


@pytest.fixture
def on_duty(cast):
    """A back-office worker of community A on duty right now (the shift spans the current moment)."""
    worker = make_user("duty_a", cast.community_a, [Role.BACK_OFFICE], ["general"])
    worker.phone = "13900000001"
    worker.save()
    now = timezone.localtime()
    start = (now - timedelta(minutes=30)).time() if now.time() >= time(0, 30) else time(0, 0)
    end = (now + timedelta(minutes=30)).time() if now.time() <= time(23, 29) else time(23, 59, 59)
    DutyShift.objects.create(unit=cast.community_a, worker=worker, date=now.date(), start=start, end=end)
    return worker


def _notices(matter):
    return Notification.objects.filter(object_type="matters.matter", object_id=str(matter.pk))


def test_urgent_matter_at_the_desk_notifies_the_worker_on_duty(client, cast, on_duty):
    r = make_resident(cast.community_a, "张大爷")
    login(client, cast.desk_a)
    response = client.post(
        reverse("matters:desk"),
        {
            "submission_token": page_token(client),
            "resident": r.pk,
            "item": URGENT,
            "channel": "phone",
            "kind": "application",
            "request_text": "父亲早上出门买菜至今未归，有认知障碍",
            "then": "route",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    matter = Matter.objects.get(item__code=URGENT)
    notices = list(_notices(matter))
    assert notices and {n.recipient_name for n in notices} == {on_duty.display_name}
    assert all("紧急" in n.body and matter.tracking_code in n.body and "未归" in n.body for n in notices)
    assert notices[0].address == on_duty.phone and notices[0].unit == cast.community_a


def test_urgent_matter_over_the_api_notifies_the_worker_on_duty(client, cast, on_duty):
    response = client.post(
        "/api/matters/",
        {"item": URGENT, "applicant_name": "李女士", "request_text": "楼上独居老人敲不开门", "then": "keep"},
        content_type="application/json",
        **bearer(cast.desk_a),
    )
    assert response.status_code == 201, response.content
    matter = Matter.objects.get(tracking_code=response.json()["tracking_code"])
    assert {n.recipient_name for n in _notices(matter)} == {on_duty.display_name}


def test_urgent_matter_at_a_home_visit_notifies_the_worker_on_duty(client, cast, on_duty):
    from tests.visits.conftest import household_with

    hh, (grandma,) = household_with(cast.community_a, "钱奶奶")
    login(client, cast.desk_a)
    url = reverse("visits:visit_new") + f"?household={hh.pk}"
    response = client.post(
        url,
        {
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "met": [grandma.pk],
            "need-0-text": "老伴昨晚出门散步未回",
            "need-0-item": Item.objects.get(code=URGENT).pk,
            "need-0-resident": grandma.pk,
            "need-0-spawn": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    matter = Matter.objects.get(item__code=URGENT)
    assert matter.channel == "home"
    assert {n.recipient_name for n in _notices(matter)} == {on_duty.display_name}


def test_nobody_on_duty_notifies_the_station_head(cast):
    matter = services.intake(
        actor=cast.desk_a, item=Item.objects.get(code=URGENT), applicant_name="王先生", channel="phone"
    )
    assert {n.recipient_name for n in _notices(matter)} == {cast.head_a.display_name}


def test_an_ordinary_item_notifies_nobody(cast, on_duty):
    matter = services.intake(
        actor=cast.desk_a,
        item=Item.objects.get(code="CV-PARKING"),
        applicant_name="王先生",
        then="on_spot",
        note="已告知",
    )
    assert not _notices(matter).exists()


def test_the_notice_rolls_back_with_the_matter(cast, on_duty):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.intake(actor=cast.desk_a, item=Item.objects.get(code=URGENT), applicant_name="王先生")
        assert Notification.objects.count() == 1  # queued in the same transaction
        raise RuntimeError("the caller fails after accepting")
    assert not Matter.objects.exists() and not Notification.objects.exists()


# --- the sensitive item -------------------------------------------------------------------------------------


@pytest.fixture
def correction_desk(cast):
    return make_user("desk_corr", cast.community_a, [Role.FRONT_DESK], ["correction"])


def test_sensitive_item_is_hidden_from_a_front_desk_worker_outside_its_specialty(client, cast):
    login(client, cast.desk_a)
    listing = client.get(reverse("catalog:item_list")).content.decode()
    assert "社区矫正对象报到" not in listing and "家庭医生签约" in listing
    assert client.get(reverse("catalog:item_detail", args=[SENSITIVE])).status_code == 404
    api = client.get("/api/catalog/items", **bearer(cast.desk_a)).json()
    assert SENSITIVE not in {i["code"] for i in api}
    assert client.get(f"/api/catalog/items/{SENSITIVE}", **bearer(cast.desk_a)).status_code == 404
    found = client.get(reverse("intake:search"), {"q": "社区矫正报到"}).content.decode()
    assert "社区矫正对象报到" not in found
    picker = client.get(reverse("matters:item_picker"), {"q": "缓刑报到"}).content.decode()
    assert SENSITIVE not in picker


def test_front_desk_outside_the_specialty_cannot_accept_it_and_nothing_is_saved(client, cast):
    with pytest.raises(PermissionDenied):
        services.intake(actor=cast.desk_a, item=Item.objects.get(code=SENSITIVE), applicant_name="某某")
    response = client.post(
        "/api/matters/",
        {"item": SENSITIVE, "applicant_name": "某某", "then": "keep"},
        content_type="application/json",
        **bearer(cast.desk_a),
    )
    assert response.status_code == 404
    assert not Matter.objects.exists()


def test_its_specialty_and_the_station_head_see_and_accept_it(client, cast, correction_desk):
    for user in (correction_desk, cast.head_a):
        api = client.get("/api/catalog/items", {"q": "社区矫正"}, **bearer(user)).json()
        assert SENSITIVE in {i["code"] for i in api}, user
    r = make_resident(cast.community_a, "赵某")
    matter = services.intake(
        actor=correction_desk, item=Item.objects.get(code=SENSITIVE), resident=r, then="route"
    )
    assert matter.specialty == "correction" and matter.status == "routed"


def test_its_matters_are_hidden_from_the_rest_of_the_desk(client, cast, correction_desk):
    from quanke.core import permissions
    from quanke.matters import selectors

    r = make_resident(cast.community_a, "赵某")
    matter = services.intake(actor=correction_desk, item=Item.objects.get(code=SENSITIVE), resident=r)
    ordinary = services.intake(actor=cast.desk_a, item=Item.objects.get(code="CV-PARKING"), resident=r)
    assert set(selectors.matters_for(actor=cast.desk_a)) == {ordinary}
    assert not permissions.can_view_matter(cast.desk_a, matter)
    assert not permissions.can_act_at_desk(cast.desk_a, matter)
    assert permissions.can_view_matter(cast.head_a, matter) and permissions.can_view_matter(
        correction_desk, matter
    )
    login(client, cast.desk_a)
    assert client.get(reverse("matters:detail", args=[matter.tracking_code])).status_code == 404
    assert client.get(f"/api/matters/{matter.tracking_code}", **bearer(cast.desk_a)).status_code == 404
    assert Matter.objects.get(pk=matter.pk).status == matter.status
