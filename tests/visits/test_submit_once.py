"""The booking and visit forms carry the same one-time token as the desk (quanke.core.idempotency): posting one
twice saves one record and opens it (issue 13, failure 5, generalised)."""

import re
from datetime import time

from django.urls import reverse
from django.utils import timezone

from quanke.visits.models import Booking, Visit
from tests.support import login
from tests.visits.conftest import household_with
from tests.visits.test_booking_resident_picker import booking_post


def token_of(page: str) -> str:
    return re.search(r'name="submission_token" value="([^"]+)"', page).group(1)


def test_a_booking_posted_twice_is_booked_once(cast, saturday, duty, client):
    duty(cast.back_a, saturday, time(9), time(21))
    login(client, cast.desk_a)
    token = token_of(client.get(reverse("visits:booking_new")).content.decode())
    first = client.post(reverse("visits:booking_new"), booking_post(saturday, submission_token=token))
    again = client.post(
        reverse("visits:booking_new"), booking_post(saturday, submission_token=token), follow=True
    )
    booking = Booking.objects.get()
    assert first.status_code == 302 and again.redirect_chain[-1][0] == first["Location"]
    assert first["Location"] == reverse("visits:booking_detail", args=[booking.pk])
    assert "已经提交过，未重复保存" in again.content.decode()


def test_a_visit_posted_twice_is_recorded_once(cast, client):
    hh, (grandpa,) = household_with(cast.community_a, "孙大爷")
    login(client, cast.desk_a)
    url = reverse("visits:visit_new") + f"?household={hh.pk}"
    token = token_of(client.get(url).content.decode())
    data = {
        "submission_token": token,
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "met": [grandpa.pk],
        "observations": "老人独自在家，精神尚可。",
    }
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == 302 and again.status_code == 302 and again["Location"] == first["Location"]
    assert Visit.objects.count() == 1
    changed = client.post(url, {**data, "observations": "另一次走访"})
    assert changed.status_code == 200 and "已经提交过" in changed.content.decode()
    assert Visit.objects.count() == 1
