"""The party register over the API, read only, with the UI's rules: only the party specialty and heads (403 for
anyone else); the list masked with one READ_SENSITIVE row naming who was listed, one member's read audited."""

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from quanke.api.errors import responses
from quanke.core import permissions
from quanke.party import selectors
from quanke.registry import idnumber

router = Router(tags=["party"])


class MemberRow(Schema):
    id: int
    resident: str
    id_number_masked: str
    unit: str
    branch: str
    membership: str
    relation: str


class ReportOut(Schema):
    reported_on: date
    workplace: str
    commitments: str
    pledged_hours: Decimal
    served_hours: Decimal
    matter: str | None


class MemberOut(MemberRow):
    resident_id: int
    joined_on: date | None
    full_member_on: date | None
    relation_in_on: date | None
    relation_in_from: str
    relation_out_on: date | None
    relation_out_to: str
    workplace: str
    reports: list[ReportOut]


def _row(m) -> dict:
    return {
        "id": m.pk,
        "resident": m.resident.name,
        "id_number_masked": idnumber.mask(m.resident.id_number),
        "unit": m.unit.name,
        "branch": m.branch,
        "membership": m.membership,
        "relation": m.relation,
    }


@router.get(
    "/members",
    response=responses(list[MemberRow]),
    summary="党员名册（证件号已脱敏；查看记入审计日志）",
)
def member_list(request: HttpRequest, relation: str = "", q: str = "", limit: int = 50, offset: int = 0):
    permissions.require(permissions.can_view_party_register(request.user))
    rows, _more = selectors.member_page(
        actor=request.user,
        via="api",
        query=q,
        relation=relation,
        offset=max(0, offset),
        size=max(1, min(limit, 200)),
    )
    return [MemberRow(**_row(m)) for m in rows]


@router.get(
    "/members/{member_id}", response=responses(MemberOut), summary="党员详情及报到记录（记录访问日志）"
)
def member_get(request: HttpRequest, member_id: int):
    permissions.require(permissions.can_view_party_register(request.user))
    m = selectors.member_get_for(actor=request.user, pk=member_id, via="api")
    return MemberOut(
        **_row(m),
        resident_id=m.resident_id,
        joined_on=m.joined_on,
        full_member_on=m.full_member_on,
        relation_in_on=m.relation_in_on,
        relation_in_from=m.relation_in_from,
        relation_out_on=m.relation_out_on,
        relation_out_to=m.relation_out_to,
        workplace=m.workplace,
        reports=[
            ReportOut(
                reported_on=r.reported_on,
                workplace=r.workplace,
                commitments=r.commitments,
                pledged_hours=r.pledged_hours,
                served_hours=r.served_hours,
                matter=r.matter.tracking_code if r.matter else None,
            )
            for r in selectors.reports_of(m)
        ],
    )
