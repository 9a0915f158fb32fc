"""Defect 11: a visit recorded before its booking's time needs an explicit confirmation. The form shows a warning
and a confirm checkbox; without the tick nothing is saved."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from quanke.visits import schedule, services
from quanke.visits.models import Booking, Visit
from tests.support import login
from tests.visits.conftest import household_with


@pytest.fixture
def booked(cast, workday):
    hh, (r,) = household_with(cast.community_a, "蒋大爷")
    booking = services.booking_create(
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
    return booking, r


def test_the_form_warns_and_refuses_an_unconfirmed_early_visit(cast, booked, client):
    booking, r = booked
    login(client, cast.desk_a)
    url = reverse("visits:visit_new") + f"?booking={booking.pk}"
    page = client.get(url).content.decode()
    assert "走访时间早于预约" in page and 'name="before_booking_confirmed"' in page
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"visited_at": now, "met": [r.pk]})
    assert response.status_code == 200 and "如确实提前上门，请勾选确认后再保存" in response.content.decode()
    assert not Visit.objects.exists()
    assert Booking.objects.get(pk=booking.pk).status == "booked"

    response = client.post(url, {"visited_at": now, "met": [r.pk], "before_booking_confirmed": "on"})
    assert response.status_code == 302
    assert Visit.objects.get().booking == booking
    assert Booking.objects.get(pk=booking.pk).status == "done"


def test_the_service_refuses_too(cast, booked):
    booking, r = booked
    with pytest.raises(ValidationError) as refused:
        services.visit_record(actor=cast.desk_a, household=r.household, booking=booking, met=[r])
    assert "before_booking_confirmed" in refused.value.message_dict
    assert not Visit.objects.exists()


def test_a_visit_after_the_booking_needs_no_confirmation(cast, booked, client):
    booking, r = booked
    start = timezone.now() - timezone.timedelta(hours=2)
    Booking.objects.filter(pk=booking.pk).update(
        slot_start=start, slot_end=start + timezone.timedelta(hours=1)
    )
    login(client, cast.desk_a)
    url = reverse("visits:visit_new") + f"?booking={booking.pk}"
    assert 'name="before_booking_confirmed"' not in client.get(url).content.decode()
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, {"visited_at": now, "met": [r.pk]}).status_code == 302
    assert Visit.objects.get().booking_id == booking.pk
