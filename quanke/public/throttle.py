"""Failed progress look-ups are limited per IP and per tracking code (PUBLIC_LOOKUP_MAX_FAILURES in
PUBLIC_LOOKUP_WINDOW_MINUTES, then a wait until the oldest failure leaves the window), so that neither tracking
codes nor the four digits that unlock them can be enumerated. The counter is a table, not the cache: the
production cache is per process (locmem), and the limit must hold across gunicorn workers."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from quanke.public.models import LookupFailure

Scope = LookupFailure.Scope


def _key(value: str) -> str:
    # Only a digest is kept: the table is a counter, not a log of who looked up what (the audit trail is that).
    return hashlib.sha256(value.strip().upper().encode()).hexdigest()[:32]


def _window() -> timedelta:
    return timedelta(minutes=settings.PUBLIC_LOOKUP_WINDOW_MINUTES)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after_seconds: int = 0


def check(*, ip: str, code: str) -> Verdict:
    """Whether another try is allowed for this address and this code; if not, how long to wait."""
    now = timezone.now()
    since = now - _window()
    waits = []
    for scope, value in ((Scope.IP, ip), (Scope.CODE, code)):
        times = list(
            LookupFailure.objects.filter(scope=scope, key=_key(value), at__gt=since)
            .order_by("-at")
            .values_list("at", flat=True)[: settings.PUBLIC_LOOKUP_MAX_FAILURES]
        )
        if len(times) >= settings.PUBLIC_LOOKUP_MAX_FAILURES:
            # Free again when the oldest of the last N failures leaves the window.
            waits.append(int((times[-1] + _window() - now).total_seconds()) + 1)
    if waits:
        return Verdict(False, max(waits))
    return Verdict(True)


def record_failure(*, ip: str, code: str) -> None:
    now = timezone.now()
    LookupFailure.objects.bulk_create(
        [
            LookupFailure(scope=Scope.IP, key=_key(ip), at=now),
            LookupFailure(scope=Scope.CODE, key=_key(code), at=now),
        ]
    )
    # Rows older than the window count for nothing; drop this address's and this code's (indexed).
    for scope, value in ((Scope.IP, ip), (Scope.CODE, code)):
        LookupFailure.objects.filter(scope=scope, key=_key(value), at__lt=now - _window()).delete()
