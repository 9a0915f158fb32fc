"""Defect 12: workers read the reminder channel and a delivery refusal in Chinese, not "console" or English."""

from quanke.core import notify
from quanke.core.models import Notification


def test_channels_have_chinese_labels():
    for channel in ("console", "sms", "email"):
        label = Notification(channel=channel).channel_label
        assert label and not label.isascii(), channel
    assert "console" not in str(Notification(channel="console", recipient_name="王"))


def test_a_refused_delivery_is_recorded_in_chinese(db, settings):
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "quanke.core.notify.SmsBackend"}
    message = Notification.objects.create(channel="sms", recipient_name="王", address="", body="明天上门")
    assert notify.deliver(message) is False
    message.refresh_from_db()
    assert message.last_error == "没有手机号码"
