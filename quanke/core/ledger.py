"""One ledger mechanism for every stock kept as movements beside running balances (the visits' service-kit
supplies, the network's donated resources).

A balance model inherits `BalanceRow` and names its quantity column (`balance_field`) and how it words a
shortfall; a service locks the rows it touches with `lock_balance` (in a fixed order, so two movements never
deadlock) and hands the unsaved movement to `post`, which refuses any balance going below zero, applies the
changes, saves the movement and writes its audit row, all in one transaction. The database's CHECK on each
balance model stays the last line of defence.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from quanke.core.audit import audit_record
from quanke.core.models import AuditEvent


class BalanceRow(models.Model):
    """A running balance that a ledger movement changes. Adds no columns: each model keeps its own."""

    balance_field = "quantity"

    class Meta:
        abstract = True

    @property
    def current(self):
        return getattr(self, self.balance_field)

    def shortfall(self, delta) -> ValidationError:
        """The error shown when `delta` would take this balance below zero (in the model's own words)."""
        raise NotImplementedError


def lock_balance(
    model: type[BalanceRow], *, lookup: dict, defaults: dict | None = None, create: bool = True
) -> BalanceRow:
    """The balance row, locked for this transaction; created at zero on first use. With `create=False` a missing
    row is an unsaved empty one (so taking from it is refused by `post`). Must run inside `transaction.atomic()`."""
    row = model.objects.select_for_update().filter(**lookup).first()
    if row is None and not create:
        return model(**lookup, **(defaults or {}))
    if row is None:
        try:
            with transaction.atomic():
                model.objects.create(**lookup, **(defaults or {}))
        except IntegrityError:
            pass  # created concurrently; lock the existing row below
        row = model.objects.select_for_update().get(**lookup)
    return row


def post(
    *,
    actor,
    movement: models.Model,
    postings: Sequence[tuple[BalanceRow, object]],
    changes: dict,
) -> models.Model:
    """Apply each (locked row, delta), save the unsaved `movement` and audit it. Refused, with nothing written,
    when any balance would go negative."""
    with transaction.atomic():
        for row, delta in postings:
            if delta and row.current + delta < 0:
                raise row.shortfall(delta)
        for row, delta in postings:
            if delta:
                setattr(row, row.balance_field, row.current + delta)
                row.save(update_fields=[row.balance_field])
        movement.save()
        audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=movement, changes=changes)
    return movement
