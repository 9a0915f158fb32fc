"""The HTTP SMS backend against a real local HTTP server (http.server in a thread): a signed JSON POST that the
server verifies; a provider's refusal or an unreachable gateway leaves the message failed in the outbox for a
retry; the logs carry the phone (masked) and no name or text."""

import hashlib
import hmac
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from quanke.core import notify
from quanke.core.models import Notification

SECRET = "s3cret-for-tests"


class Gateway:
    """A provider stand-in: records what it received; `answer` is (status, json body) for the next posts."""

    def __init__(self):
        self.received = []
        self.answer = (200, {"ok": True, "id": "msg-1"})
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = hmac.new(
                    SECRET.encode(), self.headers["X-Quanke-Timestamp"].encode() + b"." + body, hashlib.sha256
                ).hexdigest()
                gateway.received.append(
                    {
                        "json": json.loads(body),
                        "key": self.headers["X-Quanke-Key"],
                        "signed": hmac.compare_digest(expected, self.headers["X-Quanke-Signature"]),
                    }
                )
                status, payload = gateway.answer
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def gateway(settings):
    gw = Gateway()
    settings.NOTIFY_CHANNELS = ["sms"]
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "quanke.core.sms.HttpSmsBackend"}
    settings.SMS_HTTP_URL = gw.url
    settings.SMS_HTTP_KEY = "station-key"
    settings.SMS_HTTP_SECRET = SECRET
    settings.SMS_SIGN_NAME = "甲社区服务站"
    yield gw
    gw.close()


def queue(name="王秀英", phone="13912345678", body="【甲社区】您的预约验证码是123456。"):
    [row] = notify.notify(recipient_name=name, phone=phone, body=body)
    return row


def test_a_message_is_posted_signed_and_marked_sent(db, gateway, caplog):
    caplog.set_level(logging.DEBUG)
    row = queue()
    assert notify.send_due() == (1, 0)
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and row.attempts == 1 and row.sent_at
    [got] = gateway.received
    assert got["signed"] and got["key"] == "station-key"
    assert got["json"]["phone"] == "13912345678" and got["json"]["sign_name"] == "甲社区服务站"
    assert got["json"]["text"] == "【甲社区】您的预约验证码是123456。"
    assert set(got["json"]) == {"phone", "sign_name", "text", "request_id"}  # nothing else about the resident
    logged = caplog.text
    assert "王秀英" not in logged and "123456" not in logged and "13912345678" not in logged
    assert "139****5678" in logged


def test_a_provider_refusal_leaves_it_failed_for_a_retry_then_sent(db, gateway, caplog):
    gateway.answer = (503, {"ok": False, "error": "quota exceeded"})
    row = queue()
    assert notify.send_due() == (0, 1)
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and row.attempts == 1
    assert "HTTP 503" in row.last_error and "quota exceeded" in row.last_error
    assert row.next_attempt_at > timezone.now()
    assert "王秀英" not in caplog.text
    # The retry (the send_notifications task) goes through once the gateway is back.
    gateway.answer = (200, {"ok": True, "id": "m2"})
    assert notify.send_due(now=row.next_attempt_at) == (1, 0)
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and row.attempts == 2


def test_an_answer_without_ok_is_a_failure(db, gateway):
    gateway.answer = (200, {"ok": False, "error": "bad sign name"})
    row = queue()
    notify.send_due()
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and "bad sign name" in row.last_error


def test_an_unreachable_gateway_is_a_failure_and_gives_up_after_the_maximum(db, gateway, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    gateway.close()
    settings.SMS_HTTP_URL = gateway.url  # nothing listens there any more
    row = queue()
    notify.send_due()
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and "无法连接" in row.last_error
    notify.send_due(now=row.next_attempt_at)
    row.refresh_from_db()
    assert row.status == Notification.Status.DEAD and row.attempts == 2


def test_without_configuration_it_fails_in_words(db, settings):
    settings.NOTIFY_CHANNELS = ["sms"]
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "quanke.core.sms.HttpSmsBackend"}
    settings.SMS_HTTP_URL = ""
    row = queue()
    notify.send_due()
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and "未配置" in row.last_error
