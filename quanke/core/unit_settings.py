"""Station settings: operational values a station, street or county keeps for itself in the database.

Each is a nullable field on OrgUnit; a unit without its own value takes its nearest ancestor's, and a chain with
none takes the default below. Policy values with a legal source are dated locality parameters instead
(quanke/assistance/engine/parameters, read through quanke.assistance.parameters.policy_value).
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q

from quanke.core.models import OrgUnit

# name → (default, its source). Product defaults are said to be so.
DEFAULTS: dict[str, tuple[int, str]] = {
    # Seed 000 (青年时报 2012-12-11, 杭州清波街道): "一个社工一个月走访的工作量大约是30户到50户".
    "visit_plan_min_per_worker": (30, "杭州清波街道：每名社工每月走访约 30–50 户（青年时报 2012-12-11）"),
    "visit_plan_max_per_worker": (50, "杭州清波街道：每名社工每月走访约 30–50 户（青年时报 2012-12-11）"),
    # Product default: about half a year before a decided lead may be raised again.
    "finding_snooze_days": (180, "产品默认"),
    # Product default: two working days' notice before a matter's deadline.
    "near_due_working_days": (2, "产品默认"),
}


def default(name: str) -> int:
    return DEFAULTS[name][0]


def unit_setting(unit: OrgUnit | None, name: str) -> int:
    """The value of setting ``name`` for ``unit``: its own, else its nearest ancestor's, else the default."""
    chain = [unit, *unit.ancestors()] if unit is not None else []
    for item in chain:
        value = getattr(item, name)
        if value is not None:
            return value
    return default(name)


class UnitValues:
    """Effective values of one setting for many units at once (two queries at most): ``get(unit_id)``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.default = default(name)
        configured = dict(OrgUnit.objects.filter(**{f"{name}__isnull": False}).values_list("path", name))
        self.by_unit: dict[int, int] = {}
        if not configured:
            return
        subtree = reduce(or_, (Q(path=p) | Q(path__startswith=f"{p}/") for p in configured))
        for pk, path in OrgUnit.objects.filter(subtree).values_list("pk", "path"):
            codes = path.split("/")
            for i in range(len(codes), 0, -1):
                found = configured.get("/".join(codes[:i]))
                if found is not None:
                    self.by_unit[pk] = found
                    break

    def get(self, unit_id: int | None) -> int:
        return self.by_unit.get(unit_id, self.default)

    def groups(self) -> dict[int, list[int]]:
        """Units whose value differs from the default, by value (everything else has the default)."""
        found: dict[int, list[int]] = {}
        for pk, value in self.by_unit.items():
            if value != self.default:
                found.setdefault(value, []).append(pk)
        return found
