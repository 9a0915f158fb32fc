"""Two back-office workers click "认领" at the same moment: one wins, the other is told who has it."""

import threading

import pytest
from django.db import connection, connections

from quanke.matters import services
from quanke.matters.models import Matter, MatterEvent
from quanke.matters.services import TransitionRefused
from tests.matters.conftest import accept

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real row locks (SELECT … FOR UPDATE) need PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_data")
def test_two_workers_claim_at_once_one_wins(cast, back_a2):
    m = services.matter_route(actor=cast.desk_a, matter=accept(cast.desk_a, "SA-HOMELESS-REFERRAL"))
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def claim(worker):
        try:
            barrier.wait()
            services.matter_claim(actor=worker, matter=m)
            results[worker.username] = "won"
        except TransitionRefused as exc:
            results[worker.username] = exc.message
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(w,)) for w in (cast.back_a, back_a2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(results) == 2 and list(results.values()).count("won") == 1
    loser_message = next(v for v in results.values() if v != "won")
    m.refresh_from_db()
    assert (
        m.status == "in_progress" and "已被" in loser_message and m.assigned_to.display_name in loser_message
    )
    assert MatterEvent.objects.filter(matter=m, action="claim").count() == 1
    assert Matter.objects.filter(
        pk=m.pk, assigned_to__username=next(k for k, v in results.items() if v == "won")
    )
