"""Defect 11: choosing a resident in the booking form fills the address with her household's: with JavaScript
(visits_booking.js asks `booking_resident_address`), and without it (a posted form with an empty address takes the
household's). Each fill is an audited read; a resident outside the station is never read."""

from pathlib import Path

from django.conf import settings
from django.urls import reverse

from quanke.core.models import AuditEvent
from quanke.registry.models import Household
from quanke.visits.models import Booking
from tests.conftest import make_resident
from tests.support import login
from tests.visits.test_booking_resident_picker import booking_post


def _resident(unit, name, address):
    hh = Household.objects.create(unit=unit, number=f"A{Household.objects.count() + 1:04d}", address=address)
    return make_resident(unit, name, household=hh)


def test_the_form_is_wired_to_fill_the_address(cast, client):
    body = login(client, cast.desk_a).get(reverse("visits:booking_new")).content.decode()
    assert (
        f'data-address-url="{reverse("visits:booking_resident_address")}?unit={cast.community_a.pk}"' in body
    )
    script = (Path(settings.BASE_DIR) / "static/js/visits_booking.js").read_text(encoding="utf-8")
    assert "addressUrl" in script and "fillAddress(radio.value)" in script


def test_the_address_endpoint_returns_the_household_address_as_an_audited_read(cast, client):
    r = _resident(cast.community_a, "魏秀兰", "甲社区8号楼302")
    login(client, cast.desk_a)
    response = client.get(reverse("visits:booking_resident_address"), {"resident": r.pk})
    assert response.status_code == 200 and response.content.decode() == "甲社区8号楼302"
    event = AuditEvent.objects.get(action=AuditEvent.Action.READ)
    assert (event.actor, event.object_id, event.changes) == (
        cast.desk_a,
        str(r.pk),
        {"via": "visits.booking.address"},
    )


def test_another_communitys_resident_is_404_and_not_read(cast, client):
    other = _resident(cast.community_b, "外社区", "乙社区1号楼101")
    login(client, cast.desk_a)
    response = client.get(reverse("visits:booking_resident_address"), {"resident": other.pk})
    assert response.status_code == 404 and "乙社区" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.READ).exists()


def test_without_javascript_an_empty_address_takes_the_households(cast, saturday, duty, client):
    from datetime import time

    duty(cast.back_a, saturday, time(9), time(21))
    r = _resident(cast.community_a, "魏秀兰", "甲社区8号楼302")
    login(client, cast.desk_a)
    # "查找" post-back with the resident picked: the address field comes back filled.
    body = client.post(
        reverse("visits:booking_new"),
        booking_post(saturday, resident=r.pk, address="", resident_q="wxl", find_resident="1"),
    ).content.decode()
    assert 'value="甲社区8号楼302"' in body and not Booking.objects.exists()
    # Booking with the address left empty books at the household's address.
    response = client.post(reverse("visits:booking_new"), booking_post(saturday, resident=r.pk, address=""))
    assert response.status_code == 302
    assert Booking.objects.get().address == "甲社区8号楼302"


def test_an_address_typed_by_the_worker_is_kept(cast, saturday, duty, client):
    from datetime import time

    duty(cast.back_a, saturday, time(9), time(21))
    r = _resident(cast.community_a, "魏秀兰", "甲社区8号楼302")
    login(client, cast.desk_a)
    client.post(
        reverse("visits:booking_new"), booking_post(saturday, resident=r.pk, address="女儿家：丙小区2号")
    )
    assert Booking.objects.get().address == "女儿家：丙小区2号"


def test_an_empty_address_without_a_resident_is_refused_in_chinese(cast, saturday, duty, client):
    from datetime import time

    duty(cast.back_a, saturday, time(9), time(21))
    login(client, cast.desk_a)
    page = client.get(reverse("visits:booking_new")).content.decode()
    # The browser does not block the empty field, so the server can fill it from a picked resident.
    assert 'name="address" maxlength="200" required' not in page
    response = client.post(reverse("visits:booking_new"), booking_post(saturday, address=""))
    assert response.status_code == 200 and "请填写上门地址" in response.content.decode()
    assert not Booking.objects.exists()
