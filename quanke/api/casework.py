"""Casework and 5+N network over the API, with the UI's rules: a case is readable only by its workers, the head
and partners a valid consent covers (404 otherwise); every read of a case is audited."""

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from quanke.api.errors import responses
from quanke.casework import selectors, services
from quanke.core import permissions
from quanke.core.dbrouter import replica_view
from quanke.network import selectors as network_selectors

router = Router(tags=["casework"])


class CaseRow(Schema):
    id: int
    number: str
    resident: str
    unit: str
    status: str
    risk_level: str
    origin_kind: str
    origin_reference: str
    opened_on: date


class CaseOut(CaseRow):
    stage: str
    presenting_problem: str
    consent_valid: bool
    workers: list[str]
    plan_status: str | None
    open_followups: list[date]
    engagements: list[str]
    closure_blockers: list[str]


class LedgerTotalsOut(Schema):
    money_in: Decimal
    money_out: Decimal
    money_net: Decimal
    in_kind_value_in: Decimal
    volunteer_person_times: int
    volunteer_hours: Decimal


def _row(c) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "resident": c.resident.name,
        "unit": c.unit.name,
        "status": c.status,
        "risk_level": c.risk_level,
        "origin_kind": c.origin_kind,
        "origin_reference": c.origin_reference,
        "opened_on": c.opened_on,
    }


@router.get("/cases", response=responses(list[CaseRow]), summary="我可查看的个案")
def case_list(request: HttpRequest, status: str = "", limit: int = 50):
    rows = selectors.case_list(actor=request.user, status=status)[: max(1, min(limit, 200))]
    return [_row(c) for c in rows]


@router.get("/cases/{case_id}", response=responses(CaseOut), summary="个案详情（记录访问日志）")
def case_get(request: HttpRequest, case_id: int):
    case = selectors.case_get_for(actor=request.user, pk=case_id, via="api")
    detail = selectors.case_detail(case)
    return {
        **_row(case),
        "stage": selectors.stage(case, detail),
        "presenting_problem": case.presenting_problem,
        "consent_valid": detail["valid_consent"],
        "workers": [w.display_name for w in case.workers.all()],
        "plan_status": detail["plan"].status if detail["plan"] else None,
        "open_followups": [f.due_on for f in detail["followups"] if f.done_on is None],
        "engagements": [e.party_label for e in detail["engagements"]],
        # Why the case may not be closed yet (the same check the closure services apply); empty once it may.
        "closure_blockers": services.closure_blockers(case) if case.status == "open" else [],
    }


@router.get(
    "/network/totals", response=responses(LedgerTotalsOut), summary="五社联动合计（资源台账与志愿服务）"
)
@replica_view
def network_totals(request: HttpRequest, start: date | None = None, end: date | None = None):
    permissions.require(permissions.can_view_network(request.user))
    ledger = network_selectors.ledger_totals(actor=request.user, start=start, end=end or timezone.localdate())
    hours = network_selectors.volunteer_totals(actor=request.user, start=start, end=end)
    return {
        "money_in": ledger.money_in,
        "money_out": ledger.money_out,
        "money_net": ledger.money_net,
        "in_kind_value_in": ledger.in_kind_value_in,
        "volunteer_person_times": hours.person_times,
        "volunteer_hours": hours.hours,
    }
