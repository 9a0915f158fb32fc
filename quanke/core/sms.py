"""An SMS backend that speaks a small, generic HTTP contract (docs/DEPLOY.md, "SMS provider"): one JSON POST per
message, signed with HMAC-SHA256 over the timestamp and the body, answered with JSON. A provider whose own API
differs gets a thin adapter in front that speaks this contract; the platform needs no code per provider.

Only the phone number and the message leave; the log lines carry the outbox row's id, a masked phone and the
outcome, never the recipient's name or the text.
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.utils.translation import gettext as _

from quanke.core.models import Notification
from quanke.core.notify import NotifyError, SmsBackend

log = logging.getLogger("quanke.sms")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def mask(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


class HttpSmsBackend(SmsBackend):
    """settings.SMS_HTTP_URL / SMS_HTTP_KEY / SMS_HTTP_SECRET / SMS_SIGN_NAME / SMS_HTTP_TIMEOUT (environment)."""

    def send(self, message: Notification) -> None:
        self._message_id = message.pk
        super().send(message)

    def send_sms(self, phone: str, text: str) -> None:
        if not (settings.SMS_HTTP_URL and settings.SMS_HTTP_KEY and settings.SMS_HTTP_SECRET):
            raise NotifyError(_("短信网关未配置（SMS_HTTP_URL、SMS_HTTP_KEY、SMS_HTTP_SECRET）"))
        request_id = f"qk-{getattr(self, '_message_id', '') or ''}-{uuid.uuid4().hex[:12]}"
        body = json.dumps(
            {"phone": phone, "sign_name": settings.SMS_SIGN_NAME, "text": text, "request_id": request_id},
            ensure_ascii=False,
        ).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            settings.SMS_HTTP_URL,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Quanke-Key": settings.SMS_HTTP_KEY,
                "X-Quanke-Timestamp": timestamp,
                "X-Quanke-Signature": signature(settings.SMS_HTTP_SECRET, timestamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as response:
                answer = _json(response.read())
        except urllib.error.HTTPError as exc:
            answer = _json(exc.read())
            log.warning("sms %s to %s refused: HTTP %s", request_id, mask(phone), exc.code)
            raise NotifyError(
                _("短信网关拒绝（HTTP %(s)s）：%(e)s") % {"s": exc.code, "e": answer.get("error", "")[:200]}
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            log.warning("sms %s to %s: gateway unreachable", request_id, mask(phone))
            raise NotifyError(
                _("短信网关无法连接：%(e)s") % {"e": str(getattr(exc, "reason", exc))[:200]}
            ) from None
        if not answer.get("ok"):
            log.warning("sms %s to %s refused by the provider", request_id, mask(phone))
            raise NotifyError(_("短信网关拒绝：%(e)s") % {"e": str(answer.get("error", ""))[:200]})
        log.info("sms %s to %s accepted as %s", request_id, mask(phone), answer.get("id", ""))


def _json(raw: bytes) -> dict:
    try:
        value = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
