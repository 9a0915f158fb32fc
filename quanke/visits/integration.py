"""The seam between home visits and matters (办件). Until the matters app is merged, visits stand alone:
no pending materials to collect and no matter is spawned."""

from django.db import transaction

from quanke.core.models import Notification
from quanke.visits import services

MATTERS_ENABLED = False


def pending_materials(*, actor, household) -> list:
    return []


def visit_matters(*, actor, visit) -> list:
    return []


def notifications_about(booking) -> list:
    return list(
        Notification.objects.filter(object_type="visits.booking", object_id=str(booking.pk)).order_by(
            "created_at", "id"
        )
    )


def record_visit(
    *, actor, household, data: dict, booking=None, plan_entry=None, booking_to_matter=False, materials=()
):
    with transaction.atomic():
        return services.visit_record(
            actor=actor,
            household=household,
            visited_at=data["visited_at"],
            met=list(data["met"]),
            met_others=data["met_others"],
            observations=data["observations"],
            systolic=data["systolic"],
            diastolic=data["diastolic"],
            pulse=data["pulse"],
            bp_resident=data["bp_resident"],
            needs=data["needs"],
            handouts=data["handouts"],
            forms_filled=data["forms_list"],
            booking=booking,
            plan_entry=plan_entry,
        )
