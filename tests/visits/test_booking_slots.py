"""Slot offering from working hours and the duty roster; the duty worker gets evening and weekend bookings;
a worker is never double-booked; the head reassigns."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from quanke.core.models import AuditEvent
from quanke.visits import schedule, services
from quanke.visits.models import Booking
from tests.support import login


def local(day, hh, mm=0):
    return schedule.at_local(day, time(hh, mm))


def book(actor, unit, start, **kw):
    kw.setdefault("caller_name", "王阿姨")
    kw.setdefault("caller_phone", "13800000001")
    kw.setdefault("address", "甲社区3号楼2单元101")
    kw.setdefault("request_text", "想请社工上门量血压")
    return services.booking_create(actor=actor, unit=unit, slot_start=start, **kw)


def test_workday_offers_working_hours_for_every_worker_and_evening_only_for_duty(cast, workday, duty):
    duty(cast.back_a, workday, time(17, 30), time(21))
    slots = schedule.available_slots(cast.community_a, workday)
    starts = [s.start for s in slots]
    assert starts[0] == local(workday, 8, 30)
    day_slot = next(s for s in slots if s.start == local(workday, 10, 30))
    assert {w.username for w in day_slot.workers} == {"desk_a", "back_a"} and not day_slot.on_duty
    evening = [s for s in slots if s.start >= local(workday, 17, 30)]
    assert [s.start for s in evening] == [local(workday, h, 30) for h in (17, 18, 19, 20)]
    assert evening[-1].end == local(workday, 21)  # the last, shorter piece reaches 21:00
    assert all(s.on_duty and [w.username for w in s.workers] == ["back_a"] for s in evening)
    # The head (station_head only) does not go on visits.
    assert all(cast.head_a not in s.workers for s in slots)


def test_saturday_evening_booking_lands_on_the_duty_worker(cast, saturday, duty):
    assert schedule.available_slots(cast.community_a, saturday) == []  # nobody on duty: nothing to offer
    duty(cast.desk_a, saturday)
    slots = schedule.available_slots(cast.community_a, saturday)
    assert slots[0].start == local(saturday, 9) and slots[-1].start == local(saturday, 20)
    booking = book(cast.back_a, cast.community_a, local(saturday, 19))
    assert booking.worker == cast.desk_a and booking.slot_end == local(saturday, 20)
    assert AuditEvent.objects.filter(
        action="create", object_type="visits.booking", object_id=str(booking.pk)
    ).exists()
    assert local(saturday, 19) not in [s.start for s in schedule.available_slots(cast.community_a, saturday)]


def test_second_booking_of_the_same_slot_is_refused_in_chinese(cast, saturday, duty):
    duty(cast.desk_a, saturday)
    book(cast.desk_a, cast.community_a, local(saturday, 19))
    with pytest.raises(ValidationError) as exc:
        book(cast.desk_a, cast.community_a, local(saturday, 19), caller_name="李大爷")
    assert "该时段已被预约" in str(exc.value)
    assert Booking.objects.count() == 1


def test_busy_worker_is_skipped_and_the_other_one_booked_on_a_workday(cast, workday):
    first = book(cast.desk_a, cast.community_a, local(workday, 9, 30))
    second = book(cast.desk_a, cast.community_a, local(workday, 9, 30))
    assert {first.worker, second.worker} == {cast.desk_a, cast.back_a}
    with pytest.raises(ValidationError):
        book(cast.desk_a, cast.community_a, local(workday, 9, 30))
    with pytest.raises(ValidationError):
        book(cast.desk_a, cast.community_a, local(workday, 9, 30), worker=cast.desk_a)


def test_database_refuses_two_active_bookings_in_one_workers_slot(cast, workday):
    b = book(cast.desk_a, cast.community_a, local(workday, 9, 30), worker=cast.desk_a)
    fields = {
        f.name: getattr(b, f.name)
        for f in Booking._meta.concrete_fields
        if f.name not in ("id", "created_at", "updated_at")
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(**fields)
    # A cancelled booking frees the slot.
    services.booking_cancel(actor=cast.desk_a, booking=b, reason="居民改期")
    again = book(cast.desk_a, cast.community_a, local(workday, 9, 30), worker=cast.desk_a)
    assert again.status == "booked"


def test_past_and_off_roster_slots_are_refused(cast, saturday):
    yesterday = schedule.at_local(saturday - timedelta(days=30), time(10))
    with pytest.raises(ValidationError):
        book(cast.desk_a, cast.community_a, yesterday)
    with pytest.raises(ValidationError):
        book(cast.desk_a, cast.community_a, local(saturday, 19))  # nobody on duty
    assert Booking.objects.count() == 0


def test_head_reassigns_only_to_a_worker_free_in_that_slot(cast, saturday, workday, duty):
    duty(cast.desk_a, saturday)
    b = book(cast.desk_a, cast.community_a, local(saturday, 10))
    with pytest.raises(ValidationError) as exc:
        services.booking_reassign(actor=cast.head_a, booking=b, worker=cast.back_a)
    assert "不当班" in str(exc.value)
    b.refresh_from_db()
    assert b.worker == cast.desk_a
    w = book(cast.desk_a, cast.community_a, local(workday, 14, 30), worker=cast.desk_a)
    services.booking_reassign(actor=cast.head_a, booking=w, worker=cast.back_a)
    w.refresh_from_db()
    assert w.worker == cast.back_a


def test_front_desk_cannot_reassign_and_nothing_changes(cast, workday, client):
    b = book(cast.desk_a, cast.community_a, local(workday, 14, 30), worker=cast.desk_a)
    with pytest.raises(PermissionDenied):
        services.booking_reassign(actor=cast.desk_a, booking=b, worker=cast.back_a)
    response = login(client, cast.desk_a).post(
        reverse("visits:booking_reassign", args=[b.pk]), {"worker": cast.back_a.pk}
    )
    assert response.status_code == 403
    b.refresh_from_db()
    assert b.worker == cast.desk_a
    assert not AuditEvent.objects.filter(object_type="visits.booking", action="update").exists()


def test_other_communitys_worker_cannot_book_here_or_see_the_booking(cast, workday, client):
    with pytest.raises(PermissionDenied):
        book(cast.desk_b, cast.community_a, local(workday, 9, 30))
    assert Booking.objects.count() == 0
    b = book(cast.desk_a, cast.community_a, local(workday, 9, 30))
    response = login(client, cast.desk_b).get(reverse("visits:booking_detail", args=[b.pk]))
    assert response.status_code == 404


def test_booking_by_phone_through_the_page(cast, saturday, duty, client):
    duty(cast.back_a, saturday)
    login(client, cast.desk_a)
    page = client.get(reverse("visits:booking_slots"), {"day": saturday.isoformat()})
    assert "19:00–20:00" in page.content.decode() and "值班" in page.content.decode()
    key = f"{saturday.isoformat()}T19:00"
    response = client.post(
        reverse("visits:booking_new"),
        {
            "caller_phone": "13900000002",
            "caller_name": "赵奶奶",
            "request_text": "腿脚不便，想请社工上门办高龄津贴",
            "address": "甲社区5号楼101",
            "preferred_time": "周六晚上",
            "day": saturday.isoformat(),
            "slot": key,
        },
    )
    booking = Booking.objects.get()
    assert response.status_code == 302 and booking.worker == cast.back_a
    assert booking.slot_start == datetime.fromisoformat(key).replace(tzinfo=schedule.local_tz())
    detail = client.get(response["Location"]).content.decode()
    assert "已预约" in detail and "back_a" in detail


def test_booking_list_query_count(cast, workday, client, django_assert_max_num_queries):
    for hh in (9, 10, 11, 14):
        book(cast.desk_a, cast.community_a, local(workday, hh, 30))
        book(cast.desk_a, cast.community_a, local(workday, hh, 30))
    login(client, cast.desk_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("visits:booking_list"), {"day": workday.isoformat()})
    assert response.content.decode().count("/visits/bookings/") >= 8
