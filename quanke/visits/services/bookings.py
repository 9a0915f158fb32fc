"""Appointments for home visits: book, reassign, cancel, no-show; reminders queued for after commit."""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import hooks, message_templates, notify, permissions
from quanke.core.audit import audit_record, snapshot
from quanke.core.errors import invalid
from quanke.core.models import AuditEvent, MessageEvent, UnitLevel, User
from quanke.visits import schedule
from quanke.visits.models import (
    ACTIVE_BOOKING,
    BOOKING_TRANSITIONS,
    Booking,
    BookingChannel,
    BookingKind,
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


def manage_link(booking: Booking) -> str:
    """The resident's signed change/cancel link (quanke.public), for a booking she made online."""
    return hooks.public_link("booking", booking) if booking.channel == BookingChannel.ONLINE else ""


def resident_context(booking: Booking, *, link: str = "") -> dict:
    """The placeholders of the resident's booking messages (quanke.core.message_templates)."""
    visit = booking.kind == BookingKind.VISIT
    return {
        "station": booking.unit.station_name or booking.unit.name,
        "kind": booking.get_kind_display(),
        "what": booking.what,
        "when": slot_text(booking),
        "worker": _("，社工%(w)s将上门") % {"w": booking.worker.display_name}
        if visit
        else _("，请到%(s)s办理") % {"s": booking.unit.station_name or booking.unit.name},
        "phone": booking.unit.phone or "",
        "link": _("。改约或取消：%(u)s") % {"u": link} if link else "",
    }


def _remind(
    booking: Booking,
    *,
    worker_only: bool = False,
    text_worker: str = "",
    event: str = MessageEvent.BOOKING_CONFIRMED,
    link: str = "",
) -> None:
    if not worker_only:
        body = message_templates.render(event, **resident_context(booking, link=link))
        if body:
            notify.notify(
                recipient_name=booking.caller_name,
                phone=booking.caller_phone,
                body=body,
                about=booking,
                unit=booking.unit,
            )
    notify.notify(
        recipient_name=booking.worker.display_name,
        phone=booking.worker.phone,
        email=booking.worker.email,
        subject=_("预约提醒"),
        body=text_worker
        or _("%(kind)s预约：%(when)s，%(address)s，%(name)s（%(phone)s），事项：%(what)s。")
        % {
            "kind": booking.get_kind_display(),
            "when": slot_text(booking),
            "address": booking.address or _("到站"),
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
    kind: str = BookingKind.VISIT,
) -> Booking:
    """Book a slot. Without `worker`, the slot's best free worker is chosen (the duty worker after hours).

    The actor is a staff member taking a call, or a resident booking online (permissions.PublicCaller): the same
    booking, slot rules and reminders either way; the resident books only under the phone she verified.
    An online booking's confirmation carries the resident's signed change/cancel link (hooks.public_link)."""
    permissions.require(permissions.can_place_booking(actor, unit))
    online = isinstance(actor, permissions.PublicCaller)
    if online:
        channel, worker, resident = BookingChannel.ONLINE, None, None
        caller_phone = actor.phone
    if unit.level != UnitLevel.COMMUNITY:
        raise ValidationError(_("上门预约须登记在社区服务站。"))
    if kind not in BookingKind.values:
        raise invalid("visits.invalid", _("请选择上门服务或到站办理。"), "kind")
    if resident is not None and resident.unit_id != unit.pk:
        raise ValidationError({"resident": _("该居民不属于本站点。")})
    errors = {}
    if not caller_name.strip():
        errors["caller_name"] = _("请填写来电人姓名。")
    if not caller_phone.strip():
        errors["caller_phone"] = _("请填写联系电话。")
    if kind == BookingKind.VISIT and not address.strip():
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
                kind=kind,
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
                created_by=None if online else actor,
                note=note.strip(),
            )
            audit_record(
                actor=actor,
                actor_username=str(actor) if online else "",
                action=AuditEvent.Action.CREATE,
                obj=booking,
                changes={
                    **snapshot(
                        booking,
                        ["kind", "channel", "caller_name", "caller_phone", "address", "slot_start", "worker"],
                    ),
                    "item": item.code if item else "",
                },
            )
            _remind(booking, link=manage_link(booking))
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
    """Cancel: by staff in scope, or by the resident herself from the signed link of her confirmation."""
    permissions.require(permissions.can_cancel_booking(actor, booking))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写取消原因。")})
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        booking_move(actor=actor, booking=booking, to_status=BookingStatus.CANCELLED, note=reason.strip())
        _remind(
            booking,
            event=MessageEvent.BOOKING_CANCELLED,
            text_worker=_("%(kind)s预约已取消：%(when)s，%(address)s。")
            % {
                "kind": booking.get_kind_display(),
                "when": slot_text(booking),
                "address": booking.address or _("到站"),
            },
        )
    return booking


def booking_change(*, actor, booking: Booking, slot_start: datetime) -> Booking:
    """Move a booking to another open slot: a new booking in that slot and the old one cancelled, in one
    transaction (the slot rules and the database constraint are booking_create's). Returns the new booking."""
    permissions.require(permissions.can_cancel_booking(actor, booking))
    if booking.status != BookingStatus.BOOKED:
        raise invalid("visits.invalid", _("该预约已不能改约。"))
    with transaction.atomic():
        new = booking_create(
            actor=actor,
            unit=booking.unit,
            slot_start=slot_start,
            caller_name=booking.caller_name,
            caller_phone=booking.caller_phone,
            address=booking.address,
            item=booking.item,
            request_text=booking.request_text,
            resident=booking.resident,
            channel=booking.channel,
            kind=booking.kind,
            note=booking.note,
        )
        old = Booking.objects.select_for_update().get(pk=booking.pk)
        booking_move(
            actor=actor,
            booking=old,
            to_status=BookingStatus.CANCELLED,
            note=_("改约至%(w)s") % {"w": slot_text(new)},
        )
    return new


def booking_send_reminder(*, booking: Booking) -> bool:
    """The day-before reminder to the resident, once (reminded_at); the scheduled task calls it."""
    with transaction.atomic():
        booking = (
            # of=("self",): PostgreSQL cannot lock the nullable side (item) of the outer join.
            Booking.objects.select_for_update(of=("self",))
            .select_related("unit", "worker", "item")
            .get(pk=booking.pk)
        )
        if booking.status != BookingStatus.BOOKED or booking.reminded_at is not None:
            return False
        body = message_templates.render(
            MessageEvent.BOOKING_REMINDER, **resident_context(booking, link=manage_link(booking))
        )
        if body:
            notify.notify(
                recipient_name=booking.caller_name,
                phone=booking.caller_phone,
                body=body,
                about=booking,
                unit=booking.unit,
            )
        booking.reminded_at = timezone.now()
        booking.save(update_fields=["reminded_at", "updated_at"])
    return True


def booking_no_show(*, actor, booking: Booking, note: str = "") -> Booking:
    permissions.require(permissions.can_record_visit(actor, booking.unit))
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        return booking_move(
            actor=actor, booking=booking, to_status=BookingStatus.NO_SHOW, note=note or _("上门未遇")
        )


def bookings_to_remind(*, day):
    """Booked slots on `day` (local) whose resident has not been reminded yet."""
    start = schedule.at_local(day, time(0))
    return Booking.objects.filter(
        status=BookingStatus.BOOKED,
        reminded_at__isnull=True,
        slot_start__gte=start,
        slot_start__lt=start + timedelta(days=1),
    ).order_by("slot_start", "id")
