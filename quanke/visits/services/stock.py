"""Service-kit supplies: received into the station store, issued to and returned from workers' kits, written off."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import ledger, permissions
from quanke.core.models import User
from quanke.visits import schedule
from quanke.visits.models import (
    MovementKind,
    StockBalance,
    StockMovement,
    SupplyItem,
)


def _row(unit, supply: SupplyItem, worker: User | None) -> StockBalance:
    """The station store's row (no worker) or the worker's kit row, locked."""
    lookup = (
        {"supply": supply, "worker": worker}
        if worker is not None
        else {"unit": unit, "supply": supply, "worker": None}
    )
    return ledger.lock_balance(
        StockBalance, lookup=lookup, defaults={"unit": unit} if worker is not None else {}
    )


def stock_move(
    *, actor, unit, supply, kind, quantity: int, worker=None, visit=None, resident=None, note="", at=None
):
    if quantity is None or int(quantity) <= 0:
        raise ValidationError({"quantity": _("数量须为正整数。")})
    quantity = int(quantity)
    station_delta = {
        "receive": quantity,
        "issue": -quantity,
        "return": quantity,
        "handout": 0,
        "write_off": 0,
    }[kind]
    kit_delta = {"receive": 0, "issue": quantity, "return": -quantity, "handout": -quantity, "write_off": 0}[
        kind
    ]
    if kind == MovementKind.WRITE_OFF:
        if worker is not None:
            kit_delta = -quantity
        else:
            station_delta = -quantity
    # Lock in a fixed order (station row, then kit row) so two movements never deadlock.
    postings = []
    if station_delta:
        postings.append((_row(unit, supply, None), station_delta))
    if kit_delta:
        postings.append((_row(unit, supply, worker), kit_delta))
    movement = StockMovement(
        unit=unit,
        supply=supply,
        kind=kind,
        quantity=quantity,
        worker=worker,
        visit=visit,
        resident=resident,
        at=at or timezone.now(),
        actor=actor,
        note=note,
    )
    changes = {
        "kind": kind,
        "supply": supply.code,
        "quantity": quantity,
        "worker": worker.pk if worker else None,
    }
    if not supply.sensitive and resident is not None:
        changes["resident"] = resident.pk
    return ledger.post(actor=actor, movement=movement, postings=postings, changes=changes)


def _kit_owner_ok(unit, worker) -> None:
    if worker is None or worker not in schedule.station_workers(unit):
        raise ValidationError({"worker": _("服务包须属于本站点的社工。")})


def _station_move(
    *,
    actor,
    unit,
    supply: SupplyItem,
    kind,
    quantity: int,
    worker: User | None = None,
    note: str = "",
    at=None,
) -> StockMovement:
    """A movement made at the station (no visit), once the caller has checked permission.

    Issues, returns and kit write-offs first check that the kit belongs to one of the station's workers."""
    if worker is not None or kind in (MovementKind.ISSUE, MovementKind.RETURN):
        _kit_owner_ok(unit, worker)
    with transaction.atomic():
        return stock_move(
            actor=actor,
            unit=unit,
            supply=supply,
            kind=kind,
            quantity=quantity,
            worker=worker,
            note=note,
            at=at,
        )


def stock_receive(
    *, actor, unit, supply: SupplyItem, quantity: int, note: str = "", at=None
) -> StockMovement:
    permissions.require(permissions.can_manage_stock(actor, unit))
    return _station_move(
        actor=actor, unit=unit, supply=supply, kind=MovementKind.RECEIVE, quantity=quantity, note=note, at=at
    )


def stock_issue(
    *, actor, unit, supply: SupplyItem, worker: User, quantity: int, note: str = "", at=None
) -> StockMovement:
    """From the station store into a worker's kit."""
    permissions.require(permissions.can_manage_stock(actor, unit))
    return _station_move(
        actor=actor,
        unit=unit,
        supply=supply,
        kind=MovementKind.ISSUE,
        quantity=quantity,
        worker=worker,
        note=note,
        at=at,
    )


def stock_return(
    *, actor, unit, supply: SupplyItem, worker: User, quantity: int, note: str = "", at=None
) -> StockMovement:
    """From a worker's kit back to the station store; the kit's owner or a stock manager may do it."""
    permissions.require(
        permissions.can_manage_stock(actor, unit)
        or (actor.pk == worker.pk and permissions.unit_in_scope(actor, unit))
    )
    return _station_move(
        actor=actor,
        unit=unit,
        supply=supply,
        kind=MovementKind.RETURN,
        quantity=quantity,
        worker=worker,
        note=note,
        at=at,
    )


def stock_write_off(
    *, actor, unit, supply: SupplyItem, quantity: int, reason: str, worker: User | None = None, at=None
) -> StockMovement:
    """Expired, damaged or lost stock, from the store or from a kit. A reason is required."""
    permissions.require(permissions.can_manage_stock(actor, unit))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写报损原因。")})
    return _station_move(
        actor=actor,
        unit=unit,
        supply=supply,
        kind=MovementKind.WRITE_OFF,
        quantity=quantity,
        worker=worker,
        note=reason.strip(),
        at=at,
    )
