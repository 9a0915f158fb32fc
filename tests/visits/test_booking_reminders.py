"""The day-before reminder (quanke.visits.tasks.booking_reminders, scheduled at 18:00): each booked resident of
tomorrow hears once, with the change/cancel link for an online booking; cancelled bookings and other days do not."""

from datetime import time, timedelta

import pytest

from quanke.core.models import Notification
from quanke.core.permissions import PublicCaller
from quanke.core.schedule import entry
from quanke.visits import schedule, services
from quanke.visits.tasks import booking_reminders


@pytest.fixture(autouse=True)
def memory_channel(settings):
    settings.NOTIFY_CHANNELS = ["memory"]
    settings.PUBLIC_BASE_URL = "https://m.example.cn"


def resident_messages(phone):
    return list(Notification.objects.filter(address=phone).order_by("id").values_list("body", flat=True))


def test_tomorrows_bookings_are_reminded_once(cast, saturday, duty):
    duty(cast.desk_a, saturday)
    online = services.booking_create(
        actor=PublicCaller("13911112222"),
        unit=cast.community_a,
        slot_start=schedule.at_local(saturday, time(10)),
        caller_name="李大爷",
        caller_phone="ignored: the verified phone counts",
        address="甲社区5号楼",
        request_text="上门量血压",
    )
    assert online.caller_phone == "13911112222" and online.channel == "online"
    cancelled = services.booking_create(
        actor=cast.back_a,
        unit=cast.community_a,
        slot_start=schedule.at_local(saturday, time(11)),
        caller_name="赵阿姨",
        caller_phone="13933334444",
        address="甲社区6号楼",
        request_text="咨询",
    )
    services.booking_cancel(actor=cast.back_a, booking=cancelled, reason="不需要了")
    next_week = saturday + timedelta(days=7)
    duty(cast.desk_a, next_week)
    services.booking_create(
        actor=cast.back_a,
        unit=cast.community_a,
        slot_start=schedule.at_local(next_week, time(10)),
        caller_name="钱先生",
        caller_phone="13955556666",
        address="甲社区7号楼",
        request_text="咨询",
    )
    before = {p: len(resident_messages(p)) for p in ("13911112222", "13933334444", "13955556666")}
    result = booking_reminders.enqueue(day=saturday.isoformat()).return_value
    assert result == {"reminded": 1}
    reminder = resident_messages("13911112222")[-1]
    assert "温馨提醒" in reminder and "/m/book/manage/" in reminder
    assert len(resident_messages("13933334444")) == before["13933334444"]
    assert len(resident_messages("13955556666")) == before["13955556666"]
    online.refresh_from_db()
    assert online.reminded_at is not None
    # A second run (a retry, a second scheduler) reminds nobody again.
    assert booking_reminders.enqueue(day=saturday.isoformat()).return_value == {"reminded": 0}
    assert len(resident_messages("13911112222")) == before["13911112222"] + 1


def test_the_reminder_is_scheduled_in_the_evening(db):
    row = entry("booking_reminders")
    assert row.task == "quanke.visits.tasks.booking_reminders" and row.cron == "0 18 * * *"
