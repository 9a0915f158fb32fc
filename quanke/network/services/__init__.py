"""Writes to the 5+N network: one transaction each, an actor, an audit row.

One module per topic; this package re-exports the public names so callers keep writing `services.<name>`."""

from quanke.network.services.activities import (
    PHOTO_MAX_BYTES,
    PHOTO_SIGNATURES,
    activity_add_volunteers,
    activity_create,
    activity_photo_add,
    photo_content_type,
)
from quanke.network.services.engagements import engagement_create
from quanke.network.services.organisations import agreement_add, organisation_create, partner_staff_link
from quanke.network.services.resources import LEDGER_AUDIT_FIELDS, ledger_disburse, ledger_receive
from quanke.network.services.volunteers import (
    hours_redeem,
    service_record_add,
    team_create,
    volunteer_register,
)

__all__ = [
    "team_create",
    "volunteer_register",
    "service_record_add",
    "hours_redeem",
    "organisation_create",
    "agreement_add",
    "partner_staff_link",
    "LEDGER_AUDIT_FIELDS",
    "ledger_receive",
    "ledger_disburse",
    "activity_create",
    "activity_add_volunteers",
    "PHOTO_SIGNATURES",
    "PHOTO_MAX_BYTES",
    "photo_content_type",
    "activity_photo_add",
    "engagement_create",
]
