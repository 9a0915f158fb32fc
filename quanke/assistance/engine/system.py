"""Parameter sets and the OpenFisca tax-benefit systems built from them.

Parameter data is a plain dict with the same shape as the shipped YAML::

    {"national": {<path>: {"values": {"YYYY-MM-DD": value, ...}}, ...},
     "localities": {"beijing": {"description": "北京市", "dibao": {...}, ...}, ...}}

A leaf may also be written in the short form ``{"YYYY-MM-DD": value}``; dates may be ``datetime.date``
and values ``Decimal`` (as they come out of the database). Overrides are merged over the shipped data:
dated values are merged date by date, so an administrator adds a new value by giving just that date,
and a ``null`` value ends a parameter from its date (OpenFisca semantics). Where an override changes
the shape (e.g. splits a single standard into ``urban``/``rural``) it replaces the shipped subtree.
A locality's value for a national path is merged over the national history, so national values still
apply before the local ones; explanations say which of the two a value came from.

Design choice: one ``TaxBenefitSystem`` per locality, whose parameter tree is the national defaults
merged with that locality's values, rather than one system holding every locality and selecting by
fancy indexing on a locality Enum. Reasons:
- localities are not homogeneous (Chongqing has no 高龄津贴; each may override a different subset of
  national defaults), while fancy indexing requires identically shaped subtrees;
- under fancy indexing the tracer records only the parent node's name, so explanations could not tell
  which dated value was applied; here each lookup is traced under its own name (``dibao.standard.urban``);
- a date before a locality's first value fails for that locality only, with a precise message.
Within a locality every formula is fully vectorised; a multi-locality scan groups rows by locality,
i.e. one simulation per locality (a handful), never per household.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import functools
import hashlib
import json
import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openfisca_core.parameters import Parameter, ParameterNode
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from .entities import ENTITIES
from .errors import ParameterDataError, ParameterDateError, UnknownLocalityError
from .variables import CARE_AMOUNT_KEYS, GAOLING_BANDS, VARIABLES, DisabilityKind

PARAMETERS_DIR = Path(__file__).parent / "parameters"

NATIONAL_LABEL = "全国默认"
_COMMON_KEYS = frozenset({"description", "metadata", "documentation", "reference", "unit"})
_VALUE_KEYS = frozenset({"value", "metadata", "reference", "unit"})
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_CACHE_LIMIT = 16

_KINDS = [kind.name for kind in DisabilityKind if kind is not DisabilityKind.none]

# Every parameter a locality's tree may hold, with the kind of value it accepts.
REQUIRED_PARAMETERS: dict[str, str] = {
    "dibao.standard.urban": "money",
    "dibao.standard.rural": "money",
    "dibao_edge.upper_multiple": "multiple",
    "gradual_exit.duration_months": "count",
    "tekun.basic_living_multiple": "multiple",
    "tekun.no_work_capacity.elderly_age": "age",
    "tekun.no_work_capacity.minor_age": "age",
    **{f"tekun.no_work_capacity.disability_max_grade.{kind}": "grade" for kind in _KINDS},
    **{f"disability_care.max_grade.{kind}": "grade" for kind in _KINDS},
}
# Optional groups: a locality either defines every path of a group or none. 高龄津贴 is a local programme;
# the 残疾人两项补贴 amounts are set by each province (国发〔2015〕52号) and shipped only where cited.
OPTIONAL_GROUPS: dict[str, dict[str, str]] = {
    "gaoling": {f"gaoling.amount.{key}": "money" for key, _, _ in GAOLING_BANDS},
    "disability_living": {"disability_living.amount": "money"},
    "disability_care": {f"disability_care.amount.{key}": "money" for key in CARE_AMOUNT_KEYS},
}
OPTIONAL_PARAMETERS: dict[str, str] = {
    path: kind for group in OPTIONAL_GROUPS.values() for path, kind in group.items()
}
# Procedural values no formula reads (who may decide what), kept with the other dated local values so that
# administrators maintain them in one place; each is optional on its own.
PROCEDURE_PARAMETERS: dict[str, str] = {
    "temporary.street_limit": "money",
    "review.working_age.min": "age",
    "review.working_age.max": "age",
    "review.interval_months": "count",
    "review.irregular_income_interval_months": "count",
    "application.publicity_days": "count",
    "application.refusal_notice_working_days": "count",
}


# --- Normalisation --------------------------------------------------------------------------------


def _date_key(key: Any, path: str) -> str:
    if isinstance(key, datetime.datetime):
        key = key.date()
    if isinstance(key, datetime.date):
        return key.isoformat()
    if isinstance(key, str) and _DATE_RE.match(key):
        try:
            datetime.date.fromisoformat(key)
        except ValueError:
            pass
        else:
            return key
    raise ParameterDataError(path, f"日期 {key!r} 无效，应为 YYYY-MM-DD")


def _is_date_key(key: Any) -> bool:
    return isinstance(key, datetime.date) or (isinstance(key, str) and bool(_DATE_RE.match(key)))


def _scalar(value: Any, path: str) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, decimal.Decimal)):
        raise ParameterDataError(path, f"取值 {value!r} 应为数字")
    if isinstance(value, decimal.Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterDataError(path, f"取值 {value!r} 应为有限数字")
    return value


def _common(raw: dict, key: str, path: str) -> Any:
    value = raw[key]
    if key == "metadata":
        if not isinstance(value, dict):
            raise ParameterDataError(f"{path}.metadata", "应为对象")
        return copy.deepcopy(value)
    if value is not None and not isinstance(value, str):
        raise ParameterDataError(f"{path}.{key}", "应为文本")
    return value


def _normalise_leaf(raw: dict, path: str) -> dict:
    if "values" in raw:
        extra = set(raw) - _COMMON_KEYS - {"values"}
        if extra:
            raise ParameterDataError(path, f"不允许的字段 {sorted(extra)}")
        leaf = {key: _common(raw, key, path) for key in raw if key != "values"}
        values = raw["values"]
        if not isinstance(values, dict) or not values:
            raise ParameterDataError(f"{path}.values", "应为非空对象（日期 → 取值）")
    else:
        leaf, values = {}, raw
    normalised = {}
    for key, item in values.items():
        date = _date_key(key, f"{path}.values")
        item_path = f"{path}.values.{date}"
        if isinstance(item, dict):
            extra = set(item) - _VALUE_KEYS
            if extra or "value" not in item:
                raise ParameterDataError(item_path, "应为数字，或含 value 字段的对象")
            metadata = _common(item, "metadata", item_path) if "metadata" in item else {}
            for legacy in ("reference", "unit"):
                if legacy in item:
                    metadata[legacy] = item[legacy]
            normalised[date] = {"value": _scalar(item["value"], item_path), "metadata": metadata}
        else:
            normalised[date] = {"value": _scalar(item, item_path), "metadata": {}}
    leaf["values"] = normalised
    return leaf


def _is_leaf(node: dict) -> bool:
    return "values" in node


def _normalise_node(raw: Any, path: str) -> dict:
    if not isinstance(raw, dict):
        raise ParameterDataError(path, "应为对象")
    if "values" in raw or (raw and all(_is_date_key(key) for key in raw)):
        return _normalise_leaf(raw, path)
    node: dict = {}
    for key, child in raw.items():
        if key in _COMMON_KEYS:
            node[key] = _common(raw, key, path)
            continue
        if not isinstance(key, str) or not _NAME_RE.match(key):
            raise ParameterDataError(path, f"参数名 {key!r} 无效（应为小写字母、数字和下划线）")
        node[key] = _normalise_node(child, f"{path}.{key}")
    return node


def normalise_parameters(raw: Any) -> dict:
    """Validate a parameter dict (shipped or overrides) and bring it to the canonical long form."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ParameterDataError("parameters", "应为对象")
    extra = set(raw) - {"national", "localities"}
    if extra:
        raise ParameterDataError("parameters", f"不允许的字段 {sorted(extra)}，只允许 national、localities")
    result: dict = {}
    if raw.get("national") is not None:
        result["national"] = _normalise_node(raw["national"], "national")
    if raw.get("localities") is not None:
        localities = raw["localities"]
        if not isinstance(localities, dict):
            raise ParameterDataError("localities", "应为对象（地区代码 → 参数）")
        result["localities"] = {}
        for name, node in localities.items():
            if not isinstance(name, str) or not _NAME_RE.match(name):
                raise ParameterDataError(
                    "localities", f"地区代码 {name!r} 无效（应为小写字母、数字和下划线）"
                )
            result["localities"][name] = _normalise_node(node, f"localities.{name}")
    return result


def _merge(base: dict, override: dict) -> dict:
    """Deep-merge ``override`` over ``base`` without mutating either; dated values merge by date."""
    if _is_leaf(base) and _is_leaf(override):
        merged = copy.deepcopy(base)
        for key, value in override.items():
            if key != "values":
                merged[key] = copy.deepcopy(value)
        merged["values"].update(copy.deepcopy(override["values"]))
        return merged
    if _is_leaf(base) or _is_leaf(override):
        return copy.deepcopy(override)
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if key in _COMMON_KEYS or key not in merged:
            merged[key] = copy.deepcopy(value)
        else:
            merged[key] = _merge(merged[key], value)
    return merged


def merge_parameters(base: dict, override: dict) -> dict:
    merged = {"national": _merge(base.get("national", {}), override.get("national", {}))}
    localities = copy.deepcopy(base.get("localities", {}))
    for name, node in override.get("localities", {}).items():
        localities[name] = _merge(localities[name], node) if name in localities else copy.deepcopy(node)
    merged["localities"] = localities
    return merged


def _tag_scope(node: dict, scope: str) -> dict:
    """Copy of ``node`` where every dated value records whether it is national or local."""
    node = copy.deepcopy(node)

    def walk(item: dict) -> None:
        if _is_leaf(item):
            for entry in item["values"].values():
                entry["metadata"]["scope"] = scope
            return
        for key, child in item.items():
            if key not in _COMMON_KEYS:
                walk(child)

    walk(node)
    return node


def _leaves(node: dict, prefix: str = "") -> dict[str, dict]:
    found = {}
    for key, child in node.items():
        if key in _COMMON_KEYS:
            continue
        path = f"{prefix}{key}"
        if _is_leaf(child):
            found[path] = child
        else:
            found.update(_leaves(child, path + "."))
    return found


def _check_value(kind: str, value: Any, path: str) -> None:
    if value is None:
        return
    if kind in {"age", "grade", "count"} and (isinstance(value, float) and not value.is_integer()):
        raise ParameterDataError(path, f"取值 {value!r} 应为整数")
    if value < 0:
        raise ParameterDataError(path, f"取值 {value!r} 不能为负数")
    if kind == "grade" and value > 4:
        raise ParameterDataError(path, f"取值 {value!r} 应在 0–4 之间（残疾等级）")
    if kind == "multiple" and value == 0:
        raise ParameterDataError(path, "倍数应大于 0")


def _locality_tree(national: dict, local: dict, name: str) -> tuple[dict, bool]:
    """The merged parameter tree of one locality, validated, plus whether it splits urban/rural."""
    tree = _merge(_tag_scope(national, "national"), _tag_scope(local, "locality"))
    tree["description"] = local.get("description") or name
    distinguishes_hukou = True
    standard = tree.get("dibao", {}).get("standard")
    if isinstance(standard, dict) and _is_leaf(standard):
        # One standard for everyone: expose it under both hukou keys so formulas stay uniform.
        distinguishes_hukou = False
        tree["dibao"]["standard"] = {
            "description": standard.get("description"),
            "urban": standard,
            "rural": copy.deepcopy(standard),
        }
    leaves = _leaves(tree)
    known = {**REQUIRED_PARAMETERS, **OPTIONAL_PARAMETERS, **PROCEDURE_PARAMETERS}
    for path in sorted(set(leaves) - set(known)):
        raise ParameterDataError(f"localities.{name}.{path}", "未知参数")
    for path in REQUIRED_PARAMETERS:
        if path not in leaves:
            raise ParameterDataError(f"localities.{name}.{path}", "缺少必需参数（地区或全国默认均未提供）")
    group_labels = {"gaoling": "高龄津贴各年龄段", "disability_care": "重度残疾人护理补贴各档金额"}
    for group, paths in OPTIONAL_GROUPS.items():
        present = [path for path in paths if path in leaves]
        if present and len(present) != len(paths):
            missing = sorted(set(paths) - set(present))
            label = group_labels.get(group, group)
            raise ParameterDataError(f"localities.{name}.{group}", f"{label}须同时提供，缺少 {missing}")
    for path, leaf in leaves.items():
        for date, entry in leaf["values"].items():
            _check_value(known[path], entry["value"], f"localities.{name}.{path}.values.{date}")
    return tree, distinguishes_hukou


# --- Systems --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterValue:
    """One dated parameter value as applied on a given date."""

    name: str
    value: float | int
    start: str  # date the value took effect
    scope: str  # "national" or "locality"
    description: str | None


@dataclass(frozen=True)
class Locality:
    key: str
    label: str
    distinguishes_hukou: bool
    tax_benefit_system: TaxBenefitSystem


def _make_tax_benefit_system(tree: dict) -> TaxBenefitSystem:
    system = TaxBenefitSystem(ENTITIES)
    system.add_variables(*VARIABLES)
    system.parameters = ParameterNode("", data=copy.deepcopy(tree))
    return system


class LocalitySystems:
    """The per-locality tax-benefit systems for one version of the parameter data."""

    def __init__(self, data: dict, digest: str) -> None:
        self.digest = digest
        self.data = data
        national = data.get("national", {})
        self._localities: dict[str, Locality] = {}
        for name, local in sorted(data.get("localities", {}).items()):
            tree, distinguishes_hukou = _locality_tree(national, local, name)
            self._localities[name] = Locality(
                key=name,
                label=tree["description"],
                distinguishes_hukou=distinguishes_hukou,
                tax_benefit_system=_make_tax_benefit_system(tree),
            )

    @property
    def localities(self) -> list[str]:
        return list(self._localities)

    def get(self, locality: Any, field: str = "locality") -> Locality:
        if not isinstance(locality, str) or locality not in self._localities:
            raise UnknownLocalityError(locality, self.localities, field)
        return self._localities[locality]

    def parameter(self, locality: str, name: str) -> Parameter:
        node = self.get(locality).tax_benefit_system.parameters
        for part in name.split("."):
            node = node.children[part]
        return node

    def has_parameter(self, locality: str, name: str) -> bool:
        try:
            self.parameter(locality, name)
        except KeyError:
            return False
        return True

    def parameter_value(self, locality: str, name: str, date: str) -> ParameterValue | None:
        parameter = self.parameter(locality, name)
        for entry in parameter.values_list:  # newest first
            if entry.instant_str <= date:
                if entry.value is None:
                    return None
                return ParameterValue(
                    name=name,
                    value=entry.value,
                    start=entry.instant_str,
                    scope=entry.metadata.get("scope", "locality"),
                    description=parameter.description,
                )
        return None

    def source_label(self, locality: str, value: ParameterValue) -> str:
        return NATIONAL_LABEL if value.scope == "national" else self.get(locality).label

    def check_date(self, locality: str, date: str) -> None:
        """Raise ``ParameterDateError`` unless every required parameter has a value on ``date``."""
        place = self.get(locality)
        for name in REQUIRED_PARAMETERS:
            if self.parameter_value(locality, name, date) is None:
                parameter = self.parameter(locality, name)
                starts = [entry.instant_str for entry in parameter.values_list if entry.value is not None]
                raise ParameterDateError(
                    locality, place.label, date, name, parameter.description, min(starts, default=None)
                )


@functools.cache
def _shipped_parameters() -> dict:
    raw = {"localities": {}}
    with open(PARAMETERS_DIR / "national.yaml", encoding="utf-8") as handle:
        raw["national"] = yaml.safe_load(handle)
    for path in sorted((PARAMETERS_DIR / "localities").glob("*.yaml")):
        with open(path, encoding="utf-8") as handle:
            raw["localities"][path.stem] = yaml.safe_load(handle)
    return normalise_parameters(raw)


def shipped_parameters() -> dict:
    """A copy of the shipped parameter data in canonical form (a starting point for an admin UI)."""
    return copy.deepcopy(_shipped_parameters())


_cache: OrderedDict[str, LocalitySystems] = OrderedDict()
_cache_lock = threading.Lock()


def build_system(parameter_overrides: dict | None = None) -> LocalitySystems:
    """Systems for the shipped parameters with ``parameter_overrides`` merged over them.

    Results are cached by a hash of the normalised overrides, so the Django layer can pass the
    administrator-edited values on every call and only pays for a rebuild when they change.
    """
    overrides = normalise_parameters(parameter_overrides)
    canonical = json.dumps(overrides, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    with _cache_lock:
        cached = _cache.get(digest)
        if cached is not None:
            _cache.move_to_end(digest)
            return cached
    systems = LocalitySystems(merge_parameters(_shipped_parameters(), overrides), digest)
    with _cache_lock:
        _cache[digest] = systems
        while len(_cache) > _CACHE_LIMIT:
            _cache.popitem(last=False)
    return systems
