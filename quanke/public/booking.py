"""Online booking for residents: the request, the SMS code, and the booking made through the visits service.

A resident fills the form → `booking_request_start` checks the slot, sends a 6-digit code (expires, single use,
only a keyed hash kept) and returns the request; she types the code → `booking_request_confirm` books through
quanke.visits.services.booking_create with a PublicCaller for the verified phone: the same booking, the same
slot rules and database constraint as a phone booking. Code sends and wrong codes are limited per IP and per
phone (PUBLIC_ATTEMPT_LIMIT in PUBLIC_ATTEMPT_WINDOW_MINUTES, then a wait).
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from quanke.core import message_templates, notify
from quanke.core.audit import audit_record
from quanke.core.errors import invalid
from quanke.core.models import AuditEvent, MessageEvent, Notification, OrgUnit, UnitLevel
from quanke.core.permissions import PublicCaller
from quanke.public.models import BookingAttempt, BookingRequest
from quanke.visits import schedule, selectors, services

PHONE = re.compile(r"^1[3-9]\d{9}$")
PUBLIC_ACTOR = "居民自助"


# --- limits ------------------------------------------------------------------------------------------------------


def _key(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY[:16]}:{value.strip()}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after_seconds: int = 0


def limit_check(*, kind: str, ip: str, phone: str) -> Verdict:
    """Whether another code send (kind "sent") or code try (kind "wrong") is allowed for this IP and this phone."""
    window = timedelta(minutes=settings.PUBLIC_ATTEMPT_WINDOW_MINUTES)
    now = timezone.now()
    waits = []
    for scope, value in ((BookingAttempt.Scope.IP, ip or "-"), (BookingAttempt.Scope.PHONE, phone)):
        times = list(
            BookingAttempt.objects.filter(scope=scope, kind=kind, key=_key(value), at__gt=now - window)
            .order_by("-at")
            .values_list("at", flat=True)[: settings.PUBLIC_ATTEMPT_LIMIT]
        )
        if len(times) >= settings.PUBLIC_ATTEMPT_LIMIT:
            waits.append(int((times[-1] + window - now).total_seconds()) + 1)
    return Verdict(False, max(waits)) if waits else Verdict(True)


def _count(*, kind: str, ip: str, phone: str) -> None:
    BookingAttempt.objects.bulk_create(
        [
            BookingAttempt(scope=BookingAttempt.Scope.IP, kind=kind, key=_key(ip or "-")),
            BookingAttempt(scope=BookingAttempt.Scope.PHONE, kind=kind, key=_key(phone)),
        ]
    )


def _too_many(verdict: Verdict) -> ValidationError:
    minutes = max(1, (verdict.retry_after_seconds + 59) // 60)
    return invalid("public.too_many_tries", _("尝试次数过多，请%(m)s分钟后再试。") % {"m": minutes})


# --- selectors for the public pages -------------------------------------------------------------------------------


def bookable_stations():
    """Community stations residents may book at (they are the units visits books in)."""
    return OrgUnit.objects.filter(level=UnitLevel.COMMUNITY).order_by("code")


def bookable_station(unit_id) -> OrgUnit | None:
    return bookable_stations().filter(pk=unit_id).first()


def open_days(unit, *, days: int | None = None) -> list:
    """The next days with at least one open slot: [(date, [Slot])]."""
    today = timezone.localdate()
    result = []
    for offset in range(days or settings.PUBLIC_BOOKING_DAYS):
        day = today + timedelta(days=offset)
        slots = schedule.available_slots(unit, day)
        if slots:
            result.append((day, slots))
    return result


def pending_request(pk) -> BookingRequest | None:
    """A request named by a signed token (the token is the proof; the page shows only the phone's last 4 digits)."""
    return (
        BookingRequest.objects.select_related("unit").filter(pk=pk).first() if isinstance(pk, int) else None
    )


def booking_for_link(pk: int):
    return selectors.booking_for_resident_link(pk)


# --- writes --------------------------------------------------------------------------------------------------------


def _code_hash(request_pk: int, code: str) -> str:
    return salted_hmac("quanke.public.booking-code", f"{request_pk}:{code}", algorithm="sha256").hexdigest()


def booking_request_start(
    *,
    unit,
    kind: str,
    slot_start,
    caller_name: str,
    caller_phone: str,
    address: str = "",
    item=None,
    request_text: str = "",
    ip: str,
) -> BookingRequest:
    """Check what can be checked before the code (the slot is open, the fields are there), then send the code."""
    caller_phone = re.sub(r"\s|-", "", caller_phone or "")
    errors = {}
    if not (caller_name or "").strip():
        errors["caller_name"] = _("请填写姓名。")
    if not PHONE.match(caller_phone):
        errors["caller_phone"] = _("请填写11位手机号码。")
    if kind not in dict(selectors.BOOKING_KINDS):
        errors["kind"] = _("请选择上门服务或到站办理。")
    if kind == "visit" and not (address or "").strip():
        errors["address"] = _("请填写上门地址。")
    if item is None and not (request_text or "").strip():
        errors["request_text"] = _("请写明要办的事。")
    if errors:
        raise ValidationError(errors)
    if schedule.find_slot(unit, slot_start) is None:
        raise invalid("visits.slot_taken", services.SLOT_TAKEN, "slot")
    verdict = limit_check(kind=BookingAttempt.Kind.SENT, ip=ip, phone=caller_phone)
    if not verdict.allowed:
        raise _too_many(verdict)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        request = BookingRequest.objects.create(
            unit=unit,
            kind=kind,
            slot_start=slot_start,
            caller_name=caller_name.strip()[:50],
            caller_phone=caller_phone,
            address=(address or "").strip()[:200],
            item=item,
            request_text=(request_text or "").strip(),
            code_hash="-",
            expires_at=timezone.now() + timedelta(minutes=settings.PUBLIC_CODE_MINUTES),
        )
        request.code_hash = _code_hash(request.pk, code)
        request.save(update_fields=["code_hash"])
        _count(kind=BookingAttempt.Kind.SENT, ip=ip, phone=caller_phone)
        audit_record(
            actor=None,
            actor_username=PUBLIC_ACTOR,
            action=AuditEvent.Action.CREATE,
            obj=request,
            changes={"slot_start": slot_start, "kind": kind, "ip": ip},
        )
        body = message_templates.render(
            MessageEvent.BOOKING_CODE,
            station=unit.station_name or unit.name,
            code=code,
            minutes=settings.PUBLIC_CODE_MINUTES,
        ) or _("您的预约验证码是%(c)s。") % {
            "c": code
        }  # the code must go out even if the text is switched off
        notify.notify(
            recipient_name=request.caller_name, phone=caller_phone, body=body, about=request, unit=unit
        )
    return request


def booking_request_confirm(*, request: BookingRequest, code: str, ip: str):
    """The right code, in time, once: book through the visits service under the verified phone."""
    verdict = limit_check(kind=BookingAttempt.Kind.WRONG, ip=ip, phone=request.caller_phone)
    if not verdict.allowed:
        raise _too_many(verdict)
    with transaction.atomic():
        locked = BookingRequest.objects.select_for_update().get(pk=request.pk)
        if locked.used_at is not None:
            raise invalid("public.code_used", _("该验证码已使用。"), "code")
        if locked.expires_at <= timezone.now():
            raise invalid("public.code_expired", _("验证码已过期，请重新获取。"), "code")
        right = constant_time_compare(locked.code_hash, _code_hash(locked.pk, (code or "").strip()))
        if not right:
            locked.wrong_tries += 1
            locked.save(update_fields=["wrong_tries", "updated_at"])
    if not right:
        # Counted outside the atomic block above so that the count stays even though the answer is an error.
        _count(kind=BookingAttempt.Kind.WRONG, ip=ip, phone=request.caller_phone)
        raise invalid("public.code_wrong", _("验证码不正确。"), "code")
    with transaction.atomic():
        locked = BookingRequest.objects.select_for_update().get(pk=request.pk)
        if locked.used_at is not None:
            raise invalid("public.code_used", _("该验证码已使用。"), "code")
        booking = services.booking_create(
            actor=PublicCaller(locked.caller_phone),
            unit=locked.unit,
            kind=locked.kind,
            slot_start=locked.slot_start,
            caller_name=locked.caller_name,
            caller_phone=locked.caller_phone,
            address=locked.address,
            item=locked.item,
            request_text=locked.request_text,
        )
        locked.used_at, locked.booking = timezone.now(), booking
        locked.save(update_fields=["used_at", "booking", "updated_at"])
        # The code has done its work: it stays in the outbox only as long as it is worth something.
        Notification.objects.filter(object_type="public.bookingrequest", object_id=str(locked.pk)).update(
            body=_("（验证码已使用）")
        )
    return booking


def booking_cancel_by_resident(*, booking, reason: str = ""):
    return services.booking_cancel(
        actor=PublicCaller(booking.caller_phone), booking=booking, reason=reason.strip() or _("居民自行取消")
    )


def booking_change_by_resident(*, booking, slot_start):
    return services.booking_change(
        actor=PublicCaller(booking.caller_phone), booking=booking, slot_start=slot_start
    )


def can_change(booking) -> bool:
    return selectors.booking_changeable(booking)


def prune(*, now=None) -> dict[str, int]:
    """Drop what online booking no longer needs a day on: requests (used ones are copied into their booking,
    unused ones expired) and the counters of tries, long out of their window. Nothing personal lingers."""
    cutoff = (now or timezone.now()) - timedelta(days=1)
    requests, _ = BookingRequest.objects.filter(expires_at__lt=cutoff).delete()
    attempts, _ = BookingAttempt.objects.filter(at__lt=cutoff).delete()
    return {"requests": requests, "attempts": attempts}
