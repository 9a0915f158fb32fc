"""A resident books online: form → SMS code → booking made by the visits service, seen in the station's list;
then she changes or cancels it from the signed link. Refusals: honeypot, too fast, no CSRF token, wrong or
expired or reused codes, too many tries per phone and per IP, a slot taken meanwhile."""

from datetime import time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quanke.core.models import AuditEvent, Notification
from quanke.public import booking as public_booking
from quanke.public.links import booking_token
from quanke.public.models import BookingRequest
from quanke.visits import schedule, services
from quanke.visits.models import Booking, BookingStatus
from tests.public.booking.conftest import form_data, last_code, started, station_url
from tests.support import login


def start(client, unit, day, **overrides):
    return client.post(station_url(unit), form_data(day, **overrides))


def book(client, cast, day, **overrides) -> Booking:
    response = start(client, cast.community_a, day, **overrides)
    assert response.status_code == 302, response.content.decode()[:2000]
    phone = overrides.get("caller_phone", "13912345678")
    response = client.post(response["Location"], {"code": last_code(phone)})
    assert response.status_code == 302 and "/m/book/manage/" in response["Location"]
    return Booking.objects.get(caller_phone=phone, status=BookingStatus.BOOKED)


def test_the_station_page_lists_open_slots_in_chinese(client, cast, workday):
    response = client.get(station_url(cast.community_a) + f"?day={workday.isoformat()}")
    text = response.content.decode()
    assert response.status_code == 200
    assert f'value="{workday.isoformat()}T08:30"' in text and "获取验证码" in text
    assert 'name="website"' in text and 'name="csrfmiddlewaretoken"' in text


def test_a_resident_books_a_home_visit_with_the_code_and_the_station_sees_it(client, cast, workday):
    b = book(client, cast, workday)
    assert b.channel == "online" and b.kind == "visit" and b.created_by is None
    assert b.slot_start == schedule.at_local(workday, time(9, 30)) and b.unit == cast.community_a
    assert b.worker in (cast.desk_a, cast.back_a)
    created = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="visits.booking")
    assert created.actor is None and created.actor_username == "居民自助"
    # The confirmation carries the signed change/cancel link; the code message no longer holds the code.
    confirmation = Notification.objects.filter(object_type="visits.booking", address="13912345678").get()
    assert f"https://m.example.cn/m/book/manage/{booking_token(b)}/" in confirmation.body
    assert not Notification.objects.filter(object_type="public.bookingrequest", body__regex=r"\d{6}").exists()
    # The station's bookings list shows it to its staff.
    staff = login(Client(), cast.desk_a)
    listing = staff.get(
        reverse("visits:booking_list") + f"?unit={cast.community_a.pk}&day={workday.isoformat()}"
    )
    assert "王秀英" in listing.content.decode() and "线上" in listing.content.decode()


def test_a_desk_appointment_needs_no_address(client, cast, workday):
    b = book(client, cast, workday, kind="desk", address="")
    assert b.kind == "desk" and b.address == ""


def test_the_code_is_stored_only_as_a_hash_and_used_once(client, cast, workday):
    start(client, cast.community_a, workday)
    code = last_code()
    pending = BookingRequest.objects.get()
    # A keyed SHA-256 of the request and the code; the code itself is in no column of the request.
    assert len(pending.code_hash) == 64 and pending.code_hash == public_booking._code_hash(pending.pk, code)
    assert code not in {str(v) for v in BookingRequest.objects.filter(pk=pending.pk).values().get().values()}
    made = public_booking.booking_request_confirm(request=pending, code=code, ip="1.2.3.4")
    with pytest.raises(Exception, match="已使用"):
        public_booking.booking_request_confirm(request=pending, code=code, ip="1.2.3.4")
    assert Booking.objects.count() == 1 and made.pk == Booking.objects.get().pk


def test_an_expired_code_books_nothing(client, cast, workday):
    response = start(client, cast.community_a, workday)
    code = last_code()
    BookingRequest.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 422 and "已过期" in response.content.decode()
    assert Booking.objects.count() == 0


def test_wrong_codes_are_limited_per_phone_then_even_the_right_code_waits(client, cast, workday, settings):
    settings.PUBLIC_ATTEMPT_LIMIT = 3
    verify = start(client, cast.community_a, workday)["Location"]
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        assert client.post(verify, {"code": wrong}).status_code == 422
    response = client.post(verify, {"code": code})
    assert response.status_code == 429 and "尝试次数过多" in response.content.decode()
    assert Booking.objects.count() == 0


def test_wrong_codes_are_limited_per_ip_across_phones(client, cast, workday, settings):
    settings.PUBLIC_ATTEMPT_LIMIT = 2
    for phone in ("13900000001", "13900000002"):
        verify = start(client, cast.community_a, workday, caller_phone=phone)["Location"]
        code = last_code(phone)
        assert client.post(verify, {"code": "000000" if code != "000000" else "111111"}).status_code == 422
    # The second phone has one wrong try of its own, but the address has used up two.
    assert client.post(verify, {"code": last_code("13900000002")}).status_code == 429
    assert Booking.objects.count() == 0
    # A third code is not even sent from this address.
    assert start(client, cast.community_a, workday, caller_phone="13900000003").status_code == 429


def test_code_sends_are_limited_per_phone(client, cast, workday, settings):
    settings.PUBLIC_ATTEMPT_LIMIT = 2
    assert start(client, cast.community_a, workday).status_code == 302
    assert start(client, cast.community_a, workday).status_code == 302
    response = start(client, cast.community_a, workday)
    assert response.status_code == 429
    assert BookingRequest.objects.count() == 2
    assert Notification.objects.filter(object_type="public.bookingrequest").count() == 2


def test_the_honeypot_and_a_too_fast_post_are_refused(client, cast, workday):
    assert start(client, cast.community_a, workday, website="http://spam").status_code == 400
    assert start(client, cast.community_a, workday, started=started(seconds_ago=0)).status_code == 400
    assert start(client, cast.community_a, workday, started="forged").status_code == 400
    assert BookingRequest.objects.count() == 0 and Notification.objects.count() == 0


def test_a_post_without_the_csrf_token_is_refused(cast, workday):
    client = Client(enforce_csrf_checks=True)
    assert start(client, cast.community_a, workday).status_code == 403
    assert BookingRequest.objects.count() == 0


def test_a_slot_taken_between_the_form_and_the_code_is_not_given_twice(client, cast, rest_day, settings):
    # One duty worker on a rest day: the 19:00 slot has a single place.
    from quanke.visits.models import DutyShift

    DutyShift.objects.create(
        unit=cast.community_a, worker=cast.desk_a, date=rest_day, start=time(18), end=time(21)
    )
    verify = start(client, cast.community_a, rest_day, hhmm="19:00")["Location"]
    code = last_code()
    services.booking_create(
        actor=cast.back_a,
        unit=cast.community_a,
        slot_start=schedule.at_local(rest_day, time(19)),
        caller_name="电话来电",
        caller_phone="13800000000",
        address="甲社区1号楼",
        request_text="上门",
    )
    response = client.post(verify, {"code": code})
    assert response.status_code == 422 and "该时段已被预约" in response.content.decode()
    assert Booking.objects.filter(channel="online").count() == 0


def test_the_signed_link_shows_her_booking_masked_and_audited(client, cast, workday):
    b = book(client, cast, workday)
    url = reverse("public:book_manage", args=[booking_token(b)])
    before = AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_id=str(b.pk)).count()
    text = client.get(url).content.decode()
    assert "王**" in text and "王秀英" not in text and "13912345678" not in text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_id=str(b.pk)).count() == before + 1
    assert client.get(reverse("public:book_manage", args=["forged-token"])).status_code == 404


def test_she_cancels_from_the_link(client, cast, workday):
    b = book(client, cast, workday)
    url = reverse("public:book_manage", args=[booking_token(b)])
    assert client.post(url, {"action": "cancel"}).status_code == 302
    b.refresh_from_db()
    assert b.status == BookingStatus.CANCELLED
    assert (
        "已取消"
        in Notification.objects.filter(object_type="visits.booking", address=b.caller_phone).latest("id").body
    )
    # A cancelled booking cannot be changed or cancelled again.
    assert client.post(url, {"action": "cancel"}).status_code == 409


def test_she_changes_to_another_slot_from_the_link(client, cast, workday):
    b = book(client, cast, workday)
    url = reverse("public:book_manage", args=[booking_token(b)])
    response = client.post(
        url, {"action": "change", "day": workday.isoformat(), "slot": f"{workday.isoformat()}T14:30"}
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.status == BookingStatus.CANCELLED
    new = Booking.objects.get(status=BookingStatus.BOOKED)
    assert new.slot_start == schedule.at_local(workday, time(14, 30)) and new.channel == "online"
    assert new.caller_phone == b.caller_phone and new.request_text == b.request_text


def test_old_requests_and_try_counters_are_pruned_after_a_day(client, cast, workday):
    from quanke.public.models import BookingAttempt
    from quanke.public.tasks import prune_booking_requests

    start(client, cast.community_a, workday)
    assert prune_booking_requests.enqueue().return_value == {"requests": 0, "attempts": 0}
    assert public_booking.prune(now=timezone.now() + timedelta(days=2)) == {"requests": 1, "attempts": 2}
    assert BookingRequest.objects.count() == 0 and BookingAttempt.objects.count() == 0
