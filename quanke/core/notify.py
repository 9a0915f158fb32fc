"""A small notification layer: messages go into an outbox inside the caller's transaction and are sent after
commit by a pluggable backend per channel. A failed send is recorded and retried by `send_notifications`.

Backends are configured by settings.NOTIFY_BACKENDS ({channel: dotted path}); settings.NOTIFY_CHANNELS lists
the channels in use. Adding a provider's SMS gateway means writing one `SmsBackend.send_sms`.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from quanke.core.models import Notification

log = logging.getLogger("quanke.notify")


class NotifyError(Exception):
    """A backend could not deliver; the message stays in the outbox for a retry."""


class Backend:
    channel = ""

    def send(self, message: Notification) -> None:
        raise NotImplementedError


class ConsoleBackend(Backend):
    """Writes the message to the log. Always works; the default for development and demos."""

    channel = "console"

    def send(self, message: Notification) -> None:
        log.warning("[通知] %s <%s>: %s", message.recipient_name, message.address, message.body)


class MemoryBackend(Backend):
    """Keeps sent messages in a list, like Django's locmem mail backend (for tests)."""

    channel = "memory"
    outbox: list = []

    def send(self, message: Notification) -> None:
        MemoryBackend.outbox.append((message.address, message.body))


class EmailBackend(Backend):
    channel = "email"

    def send(self, message: Notification) -> None:
        if not message.address:
            raise NotifyError(_("没有电子邮件地址"))
        send_mail(
            message.subject or message.body[:40],
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [message.address],
            fail_silently=False,
        )


class SmsBackend(Backend):
    """The interface for an SMS provider. Subclass and implement `send_sms` for the provider's gateway."""

    channel = "sms"

    def send(self, message: Notification) -> None:
        if not message.address:
            raise NotifyError(_("没有手机号码"))
        self.send_sms(message.address, message.body)

    def send_sms(self, phone: str, text: str) -> None:
        raise NotImplementedError("未配置短信网关（SMS_GATEWAY）")


def backend_for(channel: str) -> Backend:
    path = settings.NOTIFY_BACKENDS.get(channel)
    if not path:
        raise NotifyError(_("渠道“%(c)s”未配置发送方式") % {"c": channel})
    return import_string(path)()


def enabled_channels() -> list[str]:
    return list(settings.NOTIFY_CHANNELS)


def notify(
    *,
    recipient_name: str,
    phone: str = "",
    email: str = "",
    subject: str = "",
    body: str,
    about=None,
    unit=None,
) -> list[Notification]:
    """Queue one message per enabled channel that can reach the recipient; send them after commit.

    Call it inside the transaction that makes the news true: if that rolls back, nothing is queued or sent.
    """
    addresses = {"sms": phone, "email": email, "console": phone or email, "memory": phone or email}
    rows = []
    for channel in enabled_channels():
        address = addresses.get(channel, phone)
        if channel in ("sms", "email") and not address:
            continue
        rows.append(
            Notification.objects.create(
                channel=channel,
                recipient_name=recipient_name[:50],
                address=address[:100],
                subject=subject[:100],
                body=body,
                object_type=f"{about._meta.app_label}.{about._meta.model_name}" if about is not None else "",
                object_id=str(about.pk) if about is not None else "",
                unit=unit,
            )
        )
    ids = [r.pk for r in rows]
    if ids:
        # robust: a send that fails after the commit is logged and retried by send_notifications, never a 500.
        transaction.on_commit(lambda: dispatch(ids), robust=True)
    return rows


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=settings.NOTIFY_RETRY_BASE_SECONDS * (2 ** max(0, attempts - 1)))


def deliver(message: Notification, *, now=None) -> bool:
    """Try once; record the outcome on the row. Never raises for a backend failure."""
    now = now or timezone.now()
    message.attempts += 1
    try:
        backend_for(message.channel).send(message)
    except Exception as exc:  # noqa: BLE001 - any backend failure is recorded, never lost
        message.status = (
            Notification.Status.DEAD
            if message.attempts >= settings.NOTIFY_MAX_ATTEMPTS
            else Notification.Status.FAILED
        )
        # Workers read this on the booking page: our own refusals in Chinese, a provider's error as it came.
        message.last_error = (str(exc) if isinstance(exc, NotifyError) else f"{type(exc).__name__}: {exc}")[
            :500
        ]
        message.next_attempt_at = now + backoff(message.attempts)
        log.warning("notification %s failed (attempt %s): %s", message.pk, message.attempts, exc)
        ok = False
    else:
        message.status = Notification.Status.SENT
        message.sent_at = now
        message.last_error = ""
        ok = True
    message.save(
        update_fields=["attempts", "status", "last_error", "next_attempt_at", "sent_at", "updated_at"]
    )
    return ok


def dispatch(ids: list[int]) -> None:
    for message in Notification.objects.filter(pk__in=ids, status=Notification.Status.PENDING):
        deliver(message)


def due_messages(*, now=None):
    now = now or timezone.now()
    return Notification.objects.filter(
        Q(status=Notification.Status.PENDING) | Q(status=Notification.Status.FAILED),
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        attempts__lt=settings.NOTIFY_MAX_ATTEMPTS,
    ).order_by("created_at", "id")


def send_due(*, now=None, limit: int = 500) -> tuple[int, int]:
    """Retry what is due. Returns (sent, failed)."""
    sent = failed = 0
    for message in due_messages(now=now)[:limit]:
        if deliver(message, now=now):
            sent += 1
        else:
            failed += 1
    return sent, failed
