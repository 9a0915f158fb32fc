"""Two residents confirm their codes for the same single-place slot at the same moment: exactly one booking is
made (the visits service's row lock and the database's unique index), the other is told the slot is taken."""

import threading
from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from quanke.public import booking as public_booking
from quanke.visits import schedule
from quanke.visits.models import Booking, DutyShift
from tests.public.booking.conftest import last_code


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real concurrent connections"
)
@pytest.mark.django_db(transaction=True)
def test_two_residents_confirming_one_slot_at_once_get_it_once(cast, rest_day):
    DutyShift.objects.create(
        unit=cast.community_a, worker=cast.desk_a, date=rest_day, start=time(18), end=time(21)
    )
    start = schedule.at_local(rest_day, time(19))
    pending = []
    for name, phone in (("甲", "13900000001"), ("乙", "13900000002")):
        request = public_booking.booking_request_start(
            unit=cast.community_a,
            kind="visit",
            slot_start=start,
            caller_name=name,
            caller_phone=phone,
            address="甲社区1号楼",
            request_text="上门量血压",
            ip=f"10.0.0.{len(pending) + 1}",
        )
        pending.append((request, last_code(phone)))
    barrier = threading.Barrier(2)
    results = []

    def attempt(request, code):
        try:
            barrier.wait(timeout=10)
            public_booking.booking_request_confirm(request=request, code=code, ip="10.0.0.9")
            results.append(("ok", request.caller_phone))
        except ValidationError as exc:
            results.append(("refused", " ".join(exc.messages)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=p) for p in pending]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert "该时段已被预约" in next(r[1] for r in results if r[0] == "refused")
    assert Booking.objects.filter(slot_start=start, status="booked").count() == 1
