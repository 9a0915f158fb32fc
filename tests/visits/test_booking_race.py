"""Two desk workers book the same worker's slot at the same moment: exactly one wins (real row locks)."""

import threading
from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from quanke.visits import schedule, services
from quanke.visits.models import Booking, DutyShift


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real concurrent connections"
)
@pytest.mark.django_db(transaction=True)
def test_two_bookings_racing_for_one_slot_exactly_one_wins(cast, saturday):
    DutyShift.objects.create(
        unit=cast.community_a, worker=cast.desk_a, date=saturday, start=time(9), end=time(21)
    )
    start = schedule.at_local(saturday, time(19))
    barrier = threading.Barrier(2)
    results = []

    def attempt(name):
        try:
            barrier.wait(timeout=10)
            services.booking_create(
                actor=cast.back_a,
                unit=cast.community_a,
                slot_start=start,
                worker=cast.desk_a,
                caller_name=name,
                caller_phone="13800000000",
                address="甲社区1号楼",
                request_text="上门量血压",
            )
            results.append(("ok", name))
        except ValidationError as exc:
            results.append(("refused", " ".join(exc.messages)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert "该时段已被预约" in next(r[1] for r in results if r[0] == "refused")
    assert Booking.objects.filter(worker=cast.desk_a, slot_start=start).count() == 1
