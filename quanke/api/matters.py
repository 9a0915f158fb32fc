"""Matters over HTTP: create, read, move through the lifecycle, read the timeline. Same services, same rules."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja import Status as Reply
from pydantic import StringConstraints

from quanke.api.errors import responses
from quanke.catalog import selectors as catalog_selectors
from quanke.core import limits, permissions
from quanke.core.dbrouter import replica_view
from quanke.core.errors import invalid
from quanke.core.limits import model_max_length
from quanke.core.models import OrgUnit
from quanke.core.unit_settings import UnitValues
from quanke.matters import selectors, services, steps
from quanke.matters.models import Channel, Kind, Matter
from quanke.registry import selectors as registry_selectors

router = Router(tags=["matters"])


class MatterIn(Schema):
    item: str = Field(max_length=100, description="服务事项代码（见 /api/catalog/items）")
    resident_id: int | None = Field(None, description="居民；不填时须填写 applicant_name（匿名咨询的称呼）")
    applicant_name: str = Field(
        "",
        max_length=model_max_length(Matter, "applicant_name"),
        description="申请人或咨询人称呼；未选居民时必填（否则 422 matters.invalid）",
    )
    applicant_phone: str = Field("", max_length=model_max_length(Matter, "applicant_phone"))
    channel: Channel = Channel.WINDOW
    kind: Kind = Kind.APPLICATION
    request_text: str = Field("", max_length=limits.REQUEST_TEXT, description="居民诉求（原话）")
    received_material_ids: list[int] = []
    then: Literal["keep", "on_spot", "route", "request_materials", "refuse"] = Field(
        "keep",
        description="受理后随即：keep 仅受理；on_spot 当场办结；route 流转；request_materials 待补正"
        "（须填 note）；refuse 不予受理（note 为理由，缺省用事项的不予受理说明）",
    )
    note: str = Field("", max_length=limits.NOTE)
    route_unit: str | None = Field(
        None, max_length=100, description="流转对象的单位代码；默认按事项的流转层级"
    )


class ActionIn(Schema):
    """The fields of every step (quanke.matters.steps.STEPS says which step reads which)."""

    note: str = Field(
        "",
        max_length=limits.NOTE,
        description="说明；不予受理、待补正、退回等步骤必填（空白时 422 matters.note_required）",
    )
    route_unit: str | None = Field(None, max_length=100, description="流转对象的单位代码")
    department: str | None = Field(None, max_length=100, description="转办部门的单位代码")
    to_user: str | None = Field(None, max_length=150, description="改派对象的用户名")
    in_person: bool = True
    received_lines: list[int] = Field([], description="办结时已收取的材料行 id")
    waived_lines: dict[int, Annotated[str, StringConstraints(max_length=limits.SHORT)]] = Field(
        {},
        description="材料行 id → 免交理由；办结时仍缺的材料须收取或免交（否则 422 matters.materials_missing）",
        json_schema_extra={"propertyNames": {"pattern": "^[0-9]+$"}},
    )


class MaterialLine(Schema):
    id: int
    name: str
    detail: str
    state: str
    waived_reason: str


class MatterOut(Schema):
    tracking_code: str
    status: str
    status_label: str
    kind: str
    channel: str
    item: str
    item_name: str
    resident_id: int | None
    applicant_name: str
    unit: str
    handling_unit: str
    specialty: str
    assigned_to: str | None
    accepted_at: datetime
    closed_at: datetime | None
    limit_days: int | None
    due_date: date | None
    due_estimated: bool
    deadline_state: str
    paused_working_days: int
    trips: int
    request_text: str
    result_note: str
    materials: list[MaterialLine]
    allowed_actions: list[str]


class MatterRow(Schema):
    tracking_code: str
    status: str
    item_name: str
    applicant_name: str
    handling_unit: str
    due_date: date | None
    deadline_state: str


class EventOut(Schema):
    at: datetime
    action: str
    action_label: str
    actor: str | None
    from_status: str
    to_status: str
    note: str
    data: dict


def _out(request, m) -> MatterOut:
    return MatterOut(
        tracking_code=m.tracking_code,
        status=m.status,
        status_label=str(m.get_status_display()),
        kind=m.kind,
        channel=m.channel,
        item=m.item.code,
        item_name=m.item.name,
        resident_id=m.resident_id,
        applicant_name=m.applicant_name,
        unit=m.unit.code,
        handling_unit=m.handling_unit.code,
        specialty=m.specialty,
        assigned_to=m.assigned_to.username if m.assigned_to_id else None,
        accepted_at=m.accepted_at,
        closed_at=m.closed_at,
        limit_days=m.limit_days,
        due_date=m.due_date,
        due_estimated=m.due_estimated,
        deadline_state=m.deadline_state(),
        paused_working_days=m.paused_working_days,
        trips=m.trips,
        request_text=m.request_text,
        result_note=m.result_note,
        materials=[
            MaterialLine(id=x.pk, name=x.name, detail=x.detail, state=x.state, waived_reason=x.waived_reason)
            for x in m.materials.all()
        ],
        allowed_actions=[str(a) for a in services.available_actions(request.user, m)],
    )


def _unit(code: str | None, allowed) -> OrgUnit | None:
    if not code:
        return None
    unit = next((u for u in allowed if u.code == code), None)
    if unit is None:
        raise invalid("matters.bad_target", _("该单位不是可选的流转对象。"), "route_unit")
    return unit


@router.get("/", response=responses(list[MatterRow]), summary="办件列表（按权限范围）")
@replica_view
def matter_list(request: HttpRequest, q: str = "", status: str = "", queue: str = "", limit: int = 50):
    permissions.require(permissions.can_view_personal_data(request.user))
    if queue:
        if queue not in selectors.QUEUES:
            raise Http404("unknown queue")
        permissions.require(permissions.can_use_matter_queues(request.user))
        qs = selectors.queue(actor=request.user, name=queue)
    else:
        qs = selectors.matter_search(actor=request.user, query=q, status=status)
    near = UnitValues("near_due_working_days")
    return [
        MatterRow(
            tracking_code=m.tracking_code,
            status=m.status,
            item_name=m.item.name,
            applicant_name=m.applicant_name,
            handling_unit=m.handling_unit.code,
            due_date=m.due_date,
            deadline_state=m.deadline_state(near_days=near.get(m.unit_id)),
        )
        for m in qs[: max(1, min(limit, 200))]
    ]


@router.post(
    "/",
    response=responses(MatterOut, 201, write=True),
    summary="受理办件（可同时当场办结、流转、待补正或不予受理）",
)
def matter_create(request: HttpRequest, payload: MatterIn):
    actor = request.user
    permissions.require(permissions.can_take_intake(actor))
    resident = (
        registry_selectors.resident_get_for(actor=actor, pk=payload.resident_id)
        if payload.resident_id
        else None
    )
    item = (
        catalog_selectors.items_for_unit(actor.unit, actor=actor)
        .prefetch_related("materials")
        .filter(code=payload.item)
        .first()
    )
    if item is None:
        raise Http404("item not found")
    matter = services.intake(
        actor=actor,
        then=payload.then,
        note=payload.note,
        route_unit=_unit(payload.route_unit, services.route_targets(actor.unit)),
        item=item,
        resident=resident,
        applicant_name=payload.applicant_name,
        applicant_phone=payload.applicant_phone,
        channel=payload.channel,
        kind=payload.kind,
        request_text=payload.request_text,
        received_material_ids=payload.received_material_ids,
    )
    return Reply(201, _out(request, selectors.matter_get_for(actor=actor, code=matter.tracking_code)))


@router.get("/{code}", response=responses(MatterOut), summary="办件详情")
def matter_get(request: HttpRequest, code: str):
    permissions.require(permissions.can_view_personal_data(request.user))
    return _out(request, selectors.matter_read_for(actor=request.user, code=code, via="api_detail"))


@router.get("/{code}/timeline", response=responses(list[EventOut]), summary="办理过程")
def matter_timeline(request: HttpRequest, code: str):
    permissions.require(permissions.can_view_personal_data(request.user))
    m = selectors.matter_read_for(actor=request.user, code=code, via="api_timeline")
    return [
        EventOut(
            at=e.at,
            action=e.action,
            action_label=str(e.get_action_display()),
            actor=e.actor.username if e.actor_id else None,
            from_status=e.from_status,
            to_status=e.to_status,
            note=e.note,
            data=e.data,
        )
        for e in m.events.all()
    ]


@router.post(
    "/{code}/actions/{action}",
    response=responses(MatterOut, write=True),
    summary="办理操作：" + ", ".join(steps.STEPS),
)
def matter_action(request: HttpRequest, code: str, action: str, payload: ActionIn):
    actor = request.user
    permissions.require(permissions.can_view_personal_data(actor))
    m = selectors.matter_get_for(actor=actor, code=code)
    m = steps.run(actor, m, action, steps.JsonPayload(payload.dict()))
    try:
        return _out(request, selectors.matter_get_for(actor=actor, code=code))
    except Http404:
        # Forwarded out of the actor's sight: report the new state without further detail.
        return _out(request, m)
