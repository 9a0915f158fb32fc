"""The audit trail: every write records who, when, what and what changed; sensitive reads too."""

from datetime import date, datetime
from decimal import Decimal

from quanke.core.models import AuditEvent


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    return value


def snapshot(obj, fields: list[str]) -> dict:
    values = {}
    for name in fields:
        value, field = getattr(obj, name), obj._meta.get_field(name)
        # Decimal("1000") and Decimal("1000.00") are one stored value; compare them in the column's own scale.
        if isinstance(value, Decimal) and getattr(field, "decimal_places", None) is not None:
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
        values[name] = _plain(value)
    return values


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def audit_record(
    *, actor, action: str, obj=None, object_type: str = "", changes: dict | None = None, unit=None
):
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        unit = unit if unit is not None else getattr(obj, "unit", None)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        unit=unit if getattr(unit, "pk", None) else None,
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )


def audit_read(*, actor, obj, via: str, **details) -> AuditEvent:
    """One row for one showing of a person's record: who read which record, through which entry point (`via`:
    "web" for the record's own page, "api", or "<app>.<page>" for another page or print that shows it) and, in
    `details`, which part. The selector that selects the record for display calls it, never the view, so that
    every entry point (web, API, export) writes the row."""
    return audit_record(actor=actor, action=AuditEvent.Action.READ, obj=obj, changes={"via": via, **details})
