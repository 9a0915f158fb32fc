from datetime import time

from quanke.visits.models import Booking
from tests.support import bearer


def test_slots_and_booking_over_the_api(client, cast, saturday, duty):
    duty(cast.back_a, saturday)
    slots = client.get(
        f"/api/visits/slots?unit_id={cast.community_a.pk}&day={saturday.isoformat()}", **bearer(cast.desk_a)
    ).json()
    evening = next(s for s in slots if "T19:00" in s["start"])
    assert evening["on_duty"] and evening["workers"] == ["back_a"]
    body = {
        "unit_id": cast.community_a.pk,
        "slot_start": evening["start"],
        "caller_name": "王阿姨",
        "caller_phone": "13800000001",
        "address": "甲社区1号楼",
        "item_code": "HS-BP-CHECK",
    }
    response = client.post(
        "/api/visits/bookings", body, content_type="application/json", **bearer(cast.desk_a)
    )
    assert response.status_code == 201 and response.json()["worker"] == "back_a"
    again = client.post("/api/visits/bookings", body, content_type="application/json", **bearer(cast.desk_a))
    assert again.status_code == 422 and "该时段已被预约" in again.json()["message"]
    assert Booking.objects.count() == 1


def test_other_station_is_404_and_county_viewer_403(client, cast, saturday, duty):
    duty(cast.desk_b, saturday, time(9), time(21))
    url = f"/api/visits/slots?unit_id={cast.community_b.pk}&day={saturday.isoformat()}"
    assert client.get(url, **bearer(cast.desk_a)).status_code == 404
    assert client.get(url, **bearer(cast.county_viewer)).status_code == 403
