"""Writes to casework: one transaction each, an actor, an audit row and a timeline entry.

Other apps open cases through `case_open` (matters, visits, scan findings, referrals).

One module per topic; this package re-exports the public names so callers keep writing `services.<name>`."""

from quanke.casework.services.assessments import (
    assessment_record,
    assessment_review_emergency,
    current_assessment,
)
from quanke.casework.services.cases import case_assign_workers, case_open
from quanke.casework.services.closure import (
    case_reopen,
    case_request_closure,
    case_review_closure,
    closure_blockers,
)
from quanke.casework.services.consent import consent_covers, consent_record, consent_withdraw, valid_consents
from quanke.casework.services.plans import (
    approved_plan,
    open_plan_actions,
    plan_action_complete,
    plan_action_drop,
    plan_mark,
    plan_review,
    plan_save,
    plan_submit,
)
from quanke.casework.services.records import (
    case_link_organisation,
    case_link_resource,
    case_link_volunteer,
    followup_complete,
    followup_schedule,
    reminders_send,
    service_deliver,
)

__all__ = [
    "case_open",
    "case_assign_workers",
    "valid_consents",
    "consent_covers",
    "consent_record",
    "consent_withdraw",
    "assessment_record",
    "assessment_review_emergency",
    "current_assessment",
    "plan_mark",
    "plan_save",
    "plan_submit",
    "plan_review",
    "approved_plan",
    "plan_action_complete",
    "plan_action_drop",
    "open_plan_actions",
    "service_deliver",
    "case_link_volunteer",
    "case_link_organisation",
    "case_link_resource",
    "followup_schedule",
    "followup_complete",
    "reminders_send",
    "case_request_closure",
    "case_review_closure",
    "case_reopen",
    "closure_blockers",
]
