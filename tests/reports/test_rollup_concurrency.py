"""Two refreshes of the same community-day at once: the second waits for the first and rebuilds after it,
instead of inserting beside the first one's uncommitted rows and failing on the unique key."""

import threading
import time
from datetime import date

import pytest
from django.db import connection, connections, transaction

from quanke.catalog.models import Item
from quanke.reports import rollup
from quanke.reports.models import MatterDailyStat, MatterDayTotal
from tests.reports.conftest import at, make_matter

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real row locks (SELECT … FOR UPDATE) need PostgreSQL"
)

DAY = date(2026, 3, 16)


def test_concurrent_refreshes_of_one_community_wait_for_each_other(migrated_data, cast):
    item = Item.objects.get(code="PT-INFO-CHANGE")
    for hour in (9, 10, 11):
        make_matter(
            unit=cast.community_a,
            item=item,
            accepted=at(2026, 3, 16, hour),
            closed=at(2026, 3, 16, hour),
            status="on_spot",
            accepted_by=cast.desk_a,
        )
    first_inserted, release = threading.Event(), threading.Event()
    errors, done = [], []

    def first():
        try:
            with transaction.atomic():
                rollup.refresh_range(start=DAY, end=DAY, unit_ids=[cast.community_a.pk])
                first_inserted.set()
                release.wait(timeout=30)  # hold the lock with the new rows still uncommitted
            done.append("first")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            first_inserted.set()
            connections.close_all()

    def second():
        try:
            first_inserted.wait(timeout=30)
            rollup.refresh_range(start=DAY, end=DAY, unit_ids=[cast.community_a.pk])
            done.append("second")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    first_inserted.wait(timeout=30)
    time.sleep(0.5)
    assert done == []  # the second refresh is waiting for the first one's lock
    release.set()
    for t in threads:
        t.join(timeout=30)
    assert errors == [] and done == ["first", "second"]
    row = MatterDayTotal.objects.get(unit=cast.community_a, day=DAY)
    assert (row.received, row.on_spot, row.closed) == (3, 3, 3)
    assert MatterDailyStat.objects.filter(unit=cast.community_a, day=DAY).count() == 1
