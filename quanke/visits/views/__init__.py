"""Home-visit pages: thin views over selectors and services.

One module per topic; this package re-exports the public names so urls.py keeps writing `views.<name>`."""

from quanke.visits.views.bookings import (
    booking_cancel,
    booking_detail,
    booking_list,
    booking_new,
    booking_no_show,
    booking_reassign,
    booking_resident_address,
    booking_residents,
    booking_slots,
)
from quanke.visits.views.duty import duty_fill, duty_remove, duty_week
from quanke.visits.views.plans import (
    overdue_list,
    plan_adjust,
    plan_detail,
    plan_list,
    plan_route,
)
from quanke.visits.views.records import (
    visit_detail,
    visit_list,
    visit_need_resolve,
    visit_new,
    visit_stats,
)
from quanke.visits.views.station import index
from quanke.visits.views.supplies import stock, stock_ledger

__all__ = [
    "index",
    "booking_list",
    "booking_new",
    "booking_resident_address",
    "booking_residents",
    "booking_slots",
    "booking_detail",
    "booking_reassign",
    "booking_cancel",
    "booking_no_show",
    "duty_week",
    "duty_fill",
    "duty_remove",
    "plan_list",
    "plan_detail",
    "plan_route",
    "plan_adjust",
    "overdue_list",
    "visit_new",
    "visit_detail",
    "visit_need_resolve",
    "visit_list",
    "visit_stats",
    "stock",
    "stock_ledger",
]
