"""Writes for home visits: one transaction each, an actor, an audit row; reminders queued for after commit.

One module per topic; this package re-exports the public names so callers keep writing `services.<name>`."""

from quanke.visits.services.bookings import (
    BOOKING_FIELD_LENGTHS,
    SLOT_TAKEN,
    booking_cancel,
    booking_change,
    booking_create,
    booking_no_show,
    booking_reassign,
    booking_send_reminder,
    bookings_to_remind,
    resident_context,
    slot_text,
)
from quanke.visits.services.duty import (
    EVENING_END,
    WEEKEND_START,
    duty_shift_add,
    duty_shift_remove,
    duty_week_fill,
)
from quanke.visits.services.plans import (
    plan_approve,
    plan_entry_add,
    plan_entry_move,
    plan_entry_remove,
    plan_generate,
    plan_reopen,
)
from quanke.visits.services.stock import stock_issue, stock_receive, stock_return, stock_write_off
from quanke.visits.services.visit import check_blood_pressure, visit_need_resolve, visit_record

__all__ = [
    "BOOKING_FIELD_LENGTHS",
    "SLOT_TAKEN",
    "slot_text",
    "booking_create",
    "booking_reassign",
    "booking_cancel",
    "booking_change",
    "booking_send_reminder",
    "bookings_to_remind",
    "resident_context",
    "booking_no_show",
    "duty_shift_add",
    "duty_shift_remove",
    "EVENING_END",
    "WEEKEND_START",
    "duty_week_fill",
    "stock_receive",
    "stock_issue",
    "stock_return",
    "stock_write_off",
    "check_blood_pressure",
    "visit_record",
    "visit_need_resolve",
    "plan_generate",
    "plan_entry_move",
    "plan_entry_add",
    "plan_entry_remove",
    "plan_approve",
    "plan_reopen",
]
