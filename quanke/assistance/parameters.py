"""Locality parameters from the database, handed to the engine as ``parameters=`` overrides.

The tables are seeded from the engine's shipped YAML by a data migration; administrators add a dated value
or a whole locality in the admin. The override dict is rebuilt only when the tables change (one cheap
fingerprint query per call); the engine caches its systems by a hash of the dict, so passing it on every
call costs nothing more.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from quanke.assistance.engine import ParameterDataError, build_system
from quanke.assistance.engine.system import OPTIONAL_PARAMETERS, PROCEDURE_PARAMETERS, REQUIRED_PARAMETERS
from quanke.assistance.models import NATIONAL_CODE, Locality, LocalityParameter, UnitLocality

# Beijing-style localities give one 低保 standard for urban and rural alike.
UNIFIED_STANDARD = "dibao.standard"
KNOWN_PATHS: dict[str, str] = {
    UNIFIED_STANDARD: "money",
    **REQUIRED_PARAMETERS,
    **OPTIONAL_PARAMETERS,
    **PROCEDURE_PARAMETERS,
}
NATIONAL_PATHS = frozenset(path for path in REQUIRED_PARAMETERS if not path.startswith("dibao.standard"))

_lock = threading.Lock()
_cached: tuple[tuple, dict | None] | None = None


def _plain_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def overrides_from_rows(
    localities: list[tuple[str, str]], rows: list[tuple[str, str, object, Decimal]]
) -> dict:
    """{"national": tree, "localities": {code: tree}} from (code, name) and (code, path, date, value) rows."""
    trees: dict[str, dict] = defaultdict(dict)
    for code, name in localities:
        if code != NATIONAL_CODE:
            trees[code]["description"] = name
    for code, path, start, value in rows:
        node = trees[code]
        parts = path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if "values" in node:
                raise ParameterDataError(
                    f"{code}.{path}", _("与参数 %(p)s 冲突") % {"p": ".".join(parts[:-1])}
                )
        leaf = node.setdefault(parts[-1], {"values": {}})
        if "values" not in leaf:
            raise ParameterDataError(f"{code}.{path}", _("与其下级参数冲突"))
        leaf["values"][start.isoformat()] = _plain_number(value)
    result: dict = {"localities": {}}
    for code, tree in trees.items():
        if code == NATIONAL_CODE:
            tree.pop("description", None)
            result["national"] = tree
        else:
            result["localities"][code] = tree
    return result


def _fingerprint() -> tuple:
    params = LocalityParameter.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    places = Locality.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    return (params["n"], params["t"], places["n"], places["t"])


def parameter_overrides() -> dict | None:
    """The administrator-maintained parameters as engine overrides; None (shipped YAML) if the tables are empty."""
    global _cached
    fingerprint = _fingerprint()
    with _lock:
        if _cached is not None and _cached[0] == fingerprint:
            return _cached[1]
    if not fingerprint[0] and not fingerprint[2]:
        overrides = None
    else:
        overrides = overrides_from_rows(
            list(Locality.objects.values_list("code", "name")),
            list(LocalityParameter.objects.values_list("locality__code", "path", "start_date", "value")),
        )
    with _lock:
        _cached = (fingerprint, overrides)
    return overrides


def check_parameter_value(path: str, value: Decimal | None) -> tuple[str, str] | None:
    """(field, Chinese message) if ``value`` cannot be a value of ``path``; None when it can."""
    kind = KNOWN_PATHS.get(path)
    if kind is None:
        return "path", _("未知参数 %(p)s。可用参数：%(all)s") % {"p": path, "all": "、".join(KNOWN_PATHS)}
    if value is None:
        return "value", _("请填写取值。")
    if value < 0:
        return "value", _("取值不能为负数。")
    if kind in {"age", "grade", "count"} and value != value.to_integral_value():
        return "value", _("该参数的取值应为整数。")
    if kind == "grade" and value > 4:
        return "value", _("残疾等级应在 0–4 之间（0 表示该类别不适用）。")
    if kind == "multiple" and value == 0:
        return "value", _("倍数应大于 0。")
    return None


def validate_parameter_set(
    localities: list[tuple[str, str]], rows: list[tuple[str, str, object, Decimal]]
) -> None:
    """Raise ParameterDataError unless the whole set builds into working engine systems."""
    build_system(overrides_from_rows(localities, rows))


def locality_for_unit(unit) -> str:
    """The locality code whose parameters apply to ``unit``: the nearest mapped ancestor, else the default."""
    codes = unit.path.split("/")
    prefixes = ["/".join(codes[: i + 1]) for i in range(len(codes))]
    mapping = dict(
        UnitLocality.objects.filter(unit__path__in=prefixes).values_list("unit__path", "locality__code")
    )
    for prefix in reversed(prefixes):
        if prefix in mapping:
            return mapping[prefix]
    return settings.ASSISTANCE_DEFAULT_LOCALITY


def locality_by_unit_path() -> tuple[dict[str, str], str]:
    """All mappings as {unit path: locality code}, plus the default, for resolving many units at once."""
    mapping = dict(UnitLocality.objects.values_list("unit__path", "locality__code"))
    return mapping, settings.ASSISTANCE_DEFAULT_LOCALITY


def policy_value(path: str, *, on: date, unit=None, locality: str = "") -> int | Decimal:
    """The value of parameter ``path`` in force on ``on`` for ``unit``'s locality (or the given ``locality``).

    The one accessor for dated, per-locality policy values outside the formulas (working age, review intervals,
    公示 days, refusal-notice days): the administrator's rows over the shipped YAML, as the assessments read them.
    """
    locality = locality or locality_for_unit(unit)
    found = build_system(parameter_overrides()).parameter_value(locality, path, on.isoformat())
    if found is None:
        raise ParameterDataError(f"{locality}.{path}", _("%(d)s 无取值") % {"d": on.isoformat()})
    value = Decimal(str(found.value))
    return int(value) if value == value.to_integral_value() else value


def resolve_path(path: str, mapping: dict[str, str], default: str) -> str:
    codes = path.split("/")
    for i in range(len(codes), 0, -1):
        found = mapping.get("/".join(codes[:i]))
        if found:
            return found
    return default
