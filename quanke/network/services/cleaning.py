"""Input checks shared by the network writes (choice lists, positive amounts)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanke.core.models import AuditEvent

A = AuditEvent.Action


def clean_choices(values, allowed, field: str) -> list[str]:
    values = [str(v) for v in values or []]
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ValidationError({field: _("不认识的选项：%(v)s") % {"v": "、".join(bad)}})
    return sorted(set(values), key=list(allowed).index)


def positive(value, field: str, label: str) -> Decimal:
    value = Decimal(str(value))
    if value <= 0:
        raise ValidationError({field: _("%(f)s必须大于0。") % {"f": label}})
    return value
