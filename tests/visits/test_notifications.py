"""Reminders: queued in the transaction, sent after commit, failures recorded and retried, never lost."""

from datetime import time, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from quanke.core import notify
from quanke.core.models import Notification
from quanke.visits import schedule, services


class FlakyBackend(notify.Backend):
    """Fails while `down` is set, like a gateway that is unreachable for a while."""

    down = True
    sent: list = []

    def send(self, message):
        if FlakyBackend.down:
            raise ConnectionError("gateway unreachable")
        FlakyBackend.sent.append(message.body)


@pytest.fixture
def memory(settings):
    settings.NOTIFY_CHANNELS = ["memory"]
    notify.MemoryBackend.outbox = []
    return notify.MemoryBackend.outbox


@pytest.fixture
def flaky(settings):
    settings.NOTIFY_CHANNELS = ["flaky"]
    settings.NOTIFY_BACKENDS = {
        **settings.NOTIFY_BACKENDS,
        "flaky": "tests.visits.test_notifications.FlakyBackend",
    }
    FlakyBackend.down, FlakyBackend.sent = True, []
    return FlakyBackend


def book(cast, day):
    return services.booking_create(
        actor=cast.desk_a,
        unit=cast.community_a,
        slot_start=schedule.at_local(day, time(10, 30)),
        worker=cast.desk_a,
        caller_name="王阿姨",
        caller_phone="13800000001",
        address="甲社区1号楼",
        request_text="量血压",
    )


def test_booking_reminds_resident_and_worker_after_commit(
    cast, workday, memory, django_capture_on_commit_callbacks
):
    cast.desk_a.phone = "13911112222"
    cast.desk_a.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking = book(cast, workday)
    assert memory == []  # nothing leaves before the commit
    assert Notification.objects.filter(status="pending").count() == 2
    for cb in callbacks:
        cb()
    assert {addr for addr, _ in memory} == {"13800000001", "13911112222"}
    assert any("王阿姨" in body and "甲社区1号楼" in body for _, body in memory)
    assert all(
        n.status == "sent" and n.sent_at for n in Notification.objects.filter(object_id=str(booking.pk))
    )


def test_nothing_is_queued_or_sent_when_the_transaction_rolls_back(
    cast, workday, memory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        book(cast, workday)
        raise RuntimeError("the caller's later step failed")
    assert memory == []
    assert Notification.objects.count() == 0


def test_failed_send_is_recorded_and_a_later_retry_succeeds(
    cast, workday, flaky, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(cast, workday)
    rows = list(Notification.objects.all())
    assert len(rows) == 2 and all(n.status == "failed" and n.attempts == 1 for n in rows)
    assert "gateway unreachable" in rows[0].last_error and rows[0].next_attempt_at > timezone.now()
    # Not due yet: the retry command leaves them alone.
    call_command("send_notifications")
    assert Notification.objects.filter(status="failed", attempts=1).count() == 2
    flaky.down = False
    sent, failed = notify.send_due(now=timezone.now() + timedelta(hours=1))
    assert (sent, failed) == (2, 0) and len(flaky.sent) == 2
    assert Notification.objects.filter(status="sent", attempts=2).count() == 2


def test_a_message_stops_after_max_attempts_and_stays_visible(
    cast, workday, flaky, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        book(cast, workday)
    notify.send_due(now=timezone.now() + timedelta(hours=1))
    assert Notification.objects.filter(status="dead", attempts=2).count() == 2
    assert notify.send_due(now=timezone.now() + timedelta(days=1)) == (0, 0)


def test_sms_backend_without_a_gateway_fails_loudly(
    cast, workday, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_CHANNELS = ["sms"]
    with django_capture_on_commit_callbacks(execute=True):
        book(cast, workday)
    n = Notification.objects.get(address="13800000001")
    assert n.status == "failed" and "未配置短信网关" in n.last_error
