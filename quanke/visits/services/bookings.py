"""Appointments for home visits: book, reassign, cancel, no-show; reminders queued for after commit."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import notify, permissions
from quanke.core.audit import audit_record, snapshot
from quanke.core.errors import invalid
from quanke.core.models import AuditEvent, UnitLevel, User
from quanke.visits import schedule
from quanke.visits.models import (
    ACTIVE_BOOKING,
    BOOKING_TRANSITIONS,
    Booking,
    BookingStatus,
)

SLOT_TAKEN = _("该时段已被预约，请选择其他时段。")


# The lengths of a booking's typed fields, for the API schema that states them (PostgreSQL refuses longer ones).
BOOKING_FIELD_LENGTHS = {
    name: Booking._meta.get_field(name).max_length
    for name in ("caller_name", "caller_phone", "address", "preferred_time")
}


def slot_text(booking: Booking) -> str:
    start = timezone.localtime(booking.slot_start, schedule.local_tz())
    end = timezone.localtime(booking.slot_end, schedule.local_tz())
    weekday = "一二三四五六日"[start.weekday()]
    return f"{start:%m月%d日}（周{weekday}）{start:%H:%M}–{end:%H:%M}"


def _remind(
    booking: Booking, *, worker_only: bool = False, text_worker: str = "", text_resident: str = ""
) -> None:
    station = booking.unit.station_name or booking.unit.name
    when = slot_text(booking)
    if not worker_only:
        notify.notify(
            recipient_name=booking.caller_name,
            phone=booking.caller_phone,
            body=text_resident
            or _(
                "【%(station)s】您预约的上门服务（%(what)s）安排在%(when)s，社工%(worker)s将上门，如需改约请来电%(phone)s。"
            )
            % {
                "station": station,
                "what": booking.what,
                "when": when,
                "worker": booking.worker.display_name,
                "phone": booking.unit.phone or "",
            },
            about=booking,
            unit=booking.unit,
        )
    notify.notify(
        recipient_name=booking.worker.display_name,
        phone=booking.worker.phone,
        email=booking.worker.email,
        subject=_("上门预约提醒"),
        body=text_worker
        or _("上门预约：%(when)s，%(address)s，%(name)s（%(phone)s），事项：%(what)s。")
        % {
            "when": when,
            "address": booking.address,
            "name": booking.caller_name,
            "phone": booking.caller_phone,
            "what": booking.what,
        },
        about=booking,
        unit=booking.unit,
    )


def _lock_worker(worker: User) -> None:
    # Serialises bookings of one worker: the overlap check below and the insert happen under this row lock.
    User.objects.select_for_update().filter(pk=worker.pk).first()


def overlapping_bookings(worker, start: datetime, end: datetime, exclude=None):
    qs = Booking.objects.filter(
        worker=worker, status__in=ACTIVE_BOOKING, slot_start__lt=end, slot_end__gt=start
    )
    return qs.exclude(pk=exclude.pk) if exclude is not None else qs


def booking_create(
    *,
    actor,
    unit,
    slot_start: datetime,
    caller_name: str,
    caller_phone: str,
    address: str,
    worker: User | None = None,
    item=None,
    request_text: str = "",
    preferred_time: str = "",
    resident=None,
    channel: str = "phone",
    note: str = "",
) -> Booking:
    """Book a slot. Without `worker`, the slot's best free worker is chosen (the duty worker after hours)."""
    permissions.require(permissions.can_book_visits(actor) and permissions.unit_in_scope(actor, unit))
    if unit.level != UnitLevel.COMMUNITY:
        raise ValidationError(_("上门预约须登记在社区服务站。"))
    if resident is not None and resident.unit_id != unit.pk:
        raise ValidationError({"resident": _("该居民不属于本站点。")})
    errors = {}
    if not caller_name.strip():
        errors["caller_name"] = _("请填写来电人姓名。")
    if not caller_phone.strip():
        errors["caller_phone"] = _("请填写联系电话。")
    if not address.strip():
        errors["address"] = _("请填写上门地址。")
    if item is None and not request_text.strip():
        errors["request_text"] = _("请选择预约事项或填写诉求。")
    if errors:
        raise ValidationError(errors)
    slot = schedule.find_slot(unit, slot_start)
    if slot is None or (worker is not None and worker not in slot.workers):
        raise invalid("visits.slot_taken", SLOT_TAKEN, "slot")
    worker = worker or slot.workers[0]
    try:
        with transaction.atomic():
            _lock_worker(worker)
            if overlapping_bookings(worker, slot.start, slot.end).exists():
                raise invalid("visits.slot_taken", SLOT_TAKEN, "slot")
            booking = Booking.objects.create(
                unit=unit,
                resident=resident,
                caller_name=caller_name.strip(),
                caller_phone=caller_phone.strip(),
                channel=channel,
                item=item,
                request_text=request_text.strip(),
                address=address.strip(),
                preferred_time=preferred_time.strip(),
                worker=worker,
                slot_start=slot.start,
                slot_end=slot.end,
                created_by=actor,
                note=note.strip(),
            )
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=booking,
                changes={
                    **snapshot(booking, ["caller_name", "caller_phone", "address", "slot_start", "worker"]),
                    "item": item.code if item else "",
                },
            )
            _remind(booking)
    except IntegrityError:
        # The conditional unique index caught a booking that raced past the lock (or a clashing old slot grid).
        raise invalid("visits.slot_taken", SLOT_TAKEN, "slot") from None
    return booking


def booking_reassign(*, actor, booking: Booking, worker: User, note: str = "") -> Booking:
    permissions.require(
        permissions.can_manage_visits(actor) and permissions.unit_in_scope(actor, booking.unit)
    )
    if booking.status != BookingStatus.BOOKED:
        raise ValidationError(_("只有“已预约”状态的预约可以改派。"))
    if worker.pk == booking.worker_id:
        raise ValidationError({"worker": _("请选择另一位社工。")})
    slot = schedule.find_slot(booking.unit, booking.slot_start, exclude_booking=booking)
    if slot is None or worker not in slot.workers:
        raise ValidationError(
            {"worker": _("%(name)s在该时段不当班或已有预约。") % {"name": worker.display_name}}
        )
    before = booking.worker
    try:
        with transaction.atomic():
            _lock_worker(worker)
            if overlapping_bookings(worker, booking.slot_start, booking.slot_end, exclude=booking).exists():
                raise ValidationError({"worker": SLOT_TAKEN})
            booking.worker = worker
            booking.save(update_fields=["worker", "updated_at"])
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=booking,
                changes={"worker": [before.pk, worker.pk], "note": note},
            )
            _remind(booking)
    except IntegrityError:
        raise ValidationError({"worker": SLOT_TAKEN}) from None
    return booking


def booking_move(*, actor, booking: Booking, to_status: str, note: str = "") -> Booking:
    if to_status not in BOOKING_TRANSITIONS[booking.status]:
        raise ValidationError(
            _("预约当前为“%(s)s”，不能改为“%(t)s”。")
            % {"s": booking.get_status_display(), "t": BookingStatus(to_status).label}
        )
    before = booking.status
    booking.status = to_status
    if note:
        booking.note = note[:200]
    booking.save(update_fields=["status", "note", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=booking,
        changes={"status": [before, to_status], "note": note},
    )
    return booking


def booking_cancel(*, actor, booking: Booking, reason: str) -> Booking:
    permissions.require(permissions.can_book_visits(actor) and permissions.unit_in_scope(actor, booking.unit))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写取消原因。")})
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        booking_move(actor=actor, booking=booking, to_status=BookingStatus.CANCELLED, note=reason.strip())
        _remind(
            booking,
            text_resident=_("【%(station)s】您%(when)s的上门预约已取消。如有需要请再次来电。")
            % {"station": booking.unit.station_name or booking.unit.name, "when": slot_text(booking)},
            text_worker=_("上门预约已取消：%(when)s，%(address)s。")
            % {"when": slot_text(booking), "address": booking.address},
        )
    return booking


def booking_no_show(*, actor, booking: Booking, note: str = "") -> Booking:
    permissions.require(permissions.can_record_visit(actor, booking.unit))
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        return booking_move(
            actor=actor, booking=booking, to_status=BookingStatus.NO_SHOW, note=note or _("上门未遇")
        )
