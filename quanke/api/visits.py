"""Home visits over the API: free slots, phone bookings (e.g. from a 12345 hotline system) and who is on duty."""

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from quanke.api.errors import responses
from quanke.catalog.models import Item
from quanke.core import limits, permissions
from quanke.visits import schedule, selectors, services

router = Router(tags=["visits"])


class SlotOut(Schema):
    start: datetime
    end: datetime
    on_duty: bool
    workers: list[str]


def _len(field: str) -> int:
    return services.BOOKING_FIELD_LENGTHS[field]


class BookingIn(Schema):
    unit_id: int
    slot_start: datetime = Field(
        description="时段开始时间（见 /api/visits/slots）；已约满时 422 visits.slot_taken"
    )
    caller_name: str = Field(max_length=_len("caller_name"), description="来电人；必填")
    caller_phone: str = Field(max_length=_len("caller_phone"), description="联系电话；必填")
    address: str = Field(max_length=_len("address"), description="上门地址；必填")
    item_code: str = Field("", max_length=100, description="预约事项代码；与 request_text 至少填一项")
    request_text: str = Field("", max_length=limits.REQUEST_TEXT, description="诉求（原话）")
    preferred_time: str = Field("", max_length=_len("preferred_time"))


class BookingOut(Schema):
    id: int
    worker: str
    slot_start: datetime
    slot_end: datetime
    status: str


class DutyOut(Schema):
    worker: str
    phone: str
    start: str
    end: str


@router.get("/slots", response=responses(list[SlotOut]), summary="某站点某日可预约的上门时段")
def slots(request: HttpRequest, unit_id: int, day: date):
    permissions.require(permissions.can_book_visits(request.user))
    unit = selectors.station_get_for(actor=request.user, pk=unit_id)
    return [
        SlotOut(start=s.start, end=s.end, on_duty=s.on_duty, workers=[w.display_name for w in s.workers])
        for s in schedule.available_slots(unit, day)
    ]


@router.post(
    "/bookings",
    response=responses(BookingOut, 201, write=True),
    summary="登记上门预约（自动安排社工，并发送提醒）",
)
def booking_create(request: HttpRequest, payload: BookingIn):
    permissions.require(permissions.can_book_visits(request.user))
    unit = selectors.station_get_for(actor=request.user, pk=payload.unit_id)
    item = Item.objects.filter(code=payload.item_code, active=True).first() if payload.item_code else None
    start = (
        payload.slot_start
        if timezone.is_aware(payload.slot_start)
        else timezone.make_aware(payload.slot_start)
    )
    b = services.booking_create(
        actor=request.user,
        unit=unit,
        slot_start=start,
        caller_name=payload.caller_name,
        caller_phone=payload.caller_phone,
        address=payload.address,
        item=item,
        request_text=payload.request_text,
        preferred_time=payload.preferred_time,
    )
    return Status(
        201,
        BookingOut(
            id=b.pk,
            worker=b.worker.display_name,
            slot_start=b.slot_start,
            slot_end=b.slot_end,
            status=b.status,
        ),
    )


@router.get("/on-duty", response=responses(list[DutyOut]), summary="当前值班社工")
def on_duty(request: HttpRequest, unit_id: int):
    permissions.require(permissions.can_view_personal_data(request.user))
    unit = selectors.station_get_for(actor=request.user, pk=unit_id)
    return [
        DutyOut(
            worker=s.worker.display_name, phone=s.worker.phone, start=f"{s.start:%H:%M}", end=f"{s.end:%H:%M}"
        )
        for s in schedule.on_duty_now(unit)
    ]
