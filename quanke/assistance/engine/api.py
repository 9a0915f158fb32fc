"""Public entry points: explained single-household assessment and vectorised bulk assessment."""

from __future__ import annotations

import datetime
import decimal
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy

from .errors import AssessmentInputError
from .explain import Explainer, TraceReader
from .simulation import HOUSEHOLD_OUTPUTS, PERSON_OUTPUTS, build_simulation
from .staleness import stale_warnings, used_parameters
from .system import LocalitySystems, build_system
from .variables import DisabilityKind, Hukou, to_cents

# Integer codes used by ``assess_many`` (position in the tuple = code).
HUKOU_CODES: tuple[str, ...] = tuple(member.name for member in Hukou)
DISABILITY_KIND_CODES: tuple[str, ...] = tuple(member.name for member in DisabilityKind)

RECEIVABLE_PROGRAMS = ("dibao", "dibao_edge", "tekun", "gaoling", "disability_living", "disability_care")
# Sex is validated, not used by any rule; accept the spellings other systems send (GB/T 2261.1 codes M/F too).
SEXES = ("male", "female", "M", "F", "m", "f", "男", "女")
_KINDS = DISABILITY_KIND_CODES[1:]  # "none" is expressed as ``disability: null``
_HOUSEHOLD_FIELDS = ("locality", "date", "hukou", "assets_within_limits", "receiving", "members")
_MEMBER_FIELDS = (
    "id",
    "birth_date",
    "sex",
    "monthly_income",
    "disability",
    "in_school",
    "needs_long_term_care",
    "has_capable_supporter",
)
# Optional member fields and their defaults (older callers and files written before 户籍 was asked).
# ``label`` is what the explanations call the member (a name on a worker's page); no rule reads it.
_MEMBER_DEFAULTS = {"hukou_local": True, "label": None}
MAX_LABEL_LENGTH = 50
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Keeps every income within int32 cents; far above any income test.
MAX_MONTHLY_INCOME = 10_000_000
# Variables the explanations read that no output depends on.
_EXPLAINED_ONLY = ("dibao_edge_upper_limit_cents", "has_local_member")


def available_localities(parameters: dict | None = None) -> list[str]:
    """Codes of the localities that have a parameter set (shipped, plus any added by ``parameters``)."""
    return build_system(parameters).localities


# --- Validation ------------------------------------------------------------------------------------


def _check_fields(value: Any, field: str, allowed: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
    if not isinstance(value, dict):
        raise AssessmentInputError(field or "data", "应为对象")
    prefix = f"{field}." if field else ""
    for key in value:
        if key not in allowed and key not in optional:
            known = "、".join(allowed + optional)
            raise AssessmentInputError(f"{prefix}{key}", f"未知字段，允许的字段：{known}")
    for key in allowed:
        if key not in value:
            raise AssessmentInputError(f"{prefix}{key}", "缺少必填字段")
    return value


def _date(value: Any, field: str) -> str:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise AssessmentInputError(field, "日期格式应为 YYYY-MM-DD")
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise AssessmentInputError(field, f"日期 {value} 不存在（格式应为 YYYY-MM-DD）") from None
    return value


def _bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise AssessmentInputError(field, "应为 true 或 false")
    return value


def _choice(value: Any, field: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise AssessmentInputError(field, f"取值 {value!r} 无效，应为 {'、'.join(choices)} 之一")
    return value


def _income_cents(value: Any, field: str) -> int:
    """Income in whole cents, rounded half up in decimal (repr of a float is what the caller wrote)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, decimal.Decimal)):
        raise AssessmentInputError(field, "应为数字（元）")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AssessmentInputError(field, "应为有限数字")
        value = decimal.Decimal(repr(value))
    value = decimal.Decimal(value)
    if not value.is_finite():
        raise AssessmentInputError(field, "应为有限数字")
    if value < 0:
        raise AssessmentInputError(field, "月收入不能为负数")
    if value > MAX_MONTHLY_INCOME:
        raise AssessmentInputError(field, f"月收入超出合理范围（不超过 {MAX_MONTHLY_INCOME} 元）")
    return int((value * 100).quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))


def _member(raw: Any, field: str, date: str) -> dict:
    member = _check_fields(raw, field, _MEMBER_FIELDS, tuple(_MEMBER_DEFAULTS))
    member = {**_MEMBER_DEFAULTS, **member}
    member_id = member["id"]
    if isinstance(member_id, bool) or not isinstance(member_id, (str, int)) or member_id == "":
        raise AssessmentInputError(f"{field}.id", "应为非空文本或整数")
    label = member["label"]
    if label is not None and (not isinstance(label, str) or not 0 < len(label.strip()) <= MAX_LABEL_LENGTH):
        raise AssessmentInputError(f"{field}.label", f"应为 1–{MAX_LABEL_LENGTH} 字的文本")
    birth = _date(member["birth_date"], f"{field}.birth_date")
    if birth > date:
        raise AssessmentInputError(f"{field}.birth_date", f"出生日期 {birth} 晚于评估日期 {date}")
    _choice(member["sex"], f"{field}.sex", SEXES)
    kind, grade = "none", 0
    disability = member["disability"]
    if disability is not None:
        _check_fields(disability, f"{field}.disability", ("kind", "grade"))
        kind = _choice(disability["kind"], f"{field}.disability.kind", _KINDS)
        grade = disability["grade"]
        if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 4:
            raise AssessmentInputError(
                f"{field}.disability.grade", f"残疾等级 {grade!r} 无效，应为 1–4 的整数"
            )
    return {
        "id": str(member_id),
        "label": label.strip() if label else None,
        "birth_date": birth,
        "monthly_income_cents": _income_cents(member["monthly_income"], f"{field}.monthly_income"),
        "disability_kind": DISABILITY_KIND_CODES.index(kind),
        "disability_grade": grade,
        "in_school": _bool(member["in_school"], f"{field}.in_school"),
        "needs_long_term_care": _bool(member["needs_long_term_care"], f"{field}.needs_long_term_care"),
        "has_capable_supporter": _bool(member["has_capable_supporter"], f"{field}.has_capable_supporter"),
        "hukou_local": _bool(member["hukou_local"], f"{field}.hukou_local"),
    }


def _validate_household(data: Any, systems: LocalitySystems) -> dict:
    _check_fields(data, "", _HOUSEHOLD_FIELDS)
    locality = data["locality"]
    systems.get(locality)  # raises UnknownLocalityError naming the field
    date = _date(data["date"], "date")
    receiving = data["receiving"]
    if not isinstance(receiving, list):
        raise AssessmentInputError("receiving", '应为列表，如 ["dibao"]')
    for index, program in enumerate(receiving):
        _choice(program, f"receiving[{index}]", RECEIVABLE_PROGRAMS)
    raw_members = data["members"]
    if not isinstance(raw_members, list):
        raise AssessmentInputError("members", "应为列表")
    if not raw_members:
        raise AssessmentInputError("members", "至少需要一名家庭成员")
    members, seen = [], {}
    for index, raw in enumerate(raw_members):
        member = _member(raw, f"members[{index}]", date)
        if member["id"] in seen:
            raise AssessmentInputError(
                f"members[{index}].id", f"成员编号 {member['id']!r} 与 members[{seen[member['id']]}] 重复"
            )
        seen[member["id"]] = index
        members.append(member)
    return {
        "locality": locality,
        "date": date,
        "hukou": HUKOU_CODES.index(_choice(data["hukou"], "hukou", HUKOU_CODES)),
        "assets_within_limits": _bool(data["assets_within_limits"], "assets_within_limits"),
        "receiving_dibao": "dibao" in receiving,
        "members": members,
    }


# --- Single household -----------------------------------------------------------------------------


def _yuan(cents: Any) -> float:
    return round(int(cents) / 100, 2)


def assess_household(data: dict, *, parameters: dict | None = None) -> dict:
    """Assess one household on one date, with a plain-Chinese explanation for every programme.

    ``parameters`` are administrator overrides merged over the shipped parameter YAML
    (see ``system.build_system``). Raises ``AssessmentInputError`` (including ``UnknownLocalityError``)
    for bad input, ``ParameterDateError`` when the date precedes the locality's parameters and
    ``ParameterDataError`` for malformed ``parameters``.
    """
    systems = build_system(parameters)
    household = _validate_household(data, systems)
    locality, date, members = household["locality"], household["date"], household["members"]
    systems.check_date(locality, date)

    person_inputs = {
        "birth_date": numpy.array([m["birth_date"] for m in members], dtype="datetime64[D]"),
        "monthly_income_cents": numpy.array([m["monthly_income_cents"] for m in members], dtype=numpy.int32),
        "disability_kind": numpy.array([m["disability_kind"] for m in members], dtype=numpy.int16),
        "disability_grade": numpy.array([m["disability_grade"] for m in members], dtype=numpy.int32),
    }
    for name in ("in_school", "needs_long_term_care", "has_capable_supporter", "hukou_local"):
        person_inputs[name] = numpy.array([m[name] for m in members], dtype=bool)
    household_inputs = {
        "hukou": numpy.array([household["hukou"]], dtype=numpy.int16),
        "assets_within_limits": numpy.array([household["assets_within_limits"]]),
        "receiving_dibao": numpy.array([household["receiving_dibao"]]),
    }
    simulation = build_simulation(
        systems.get(locality).tax_benefit_system,
        date,
        numpy.zeros(len(members), dtype=numpy.int64),
        1,
        person_inputs,
        household_inputs,
        trace=True,
    )
    names = HOUSEHOLD_OUTPUTS + PERSON_OUTPUTS + _EXPLAINED_ONLY
    values = {name: simulation.calculate(name, date) for name in names}
    explain = Explainer(
        systems,
        locality,
        date,
        TraceReader(simulation.tracer),
        member_ids=[m["id"] for m in members],
        member_labels=[m["label"] for m in members],
    )
    amounts_set = {
        "disability_living": bool(explain.trace.parameters("disability_living_monthly_amount_cents")),
        "disability_care": bool(explain.trace.parameters("disability_care_monthly_amount_cents")),
    }

    def _subsidy(program: str, i: int) -> float | None:
        # None when the locality has no amount on the date: it is set locally, not zero.
        if not amounts_set[program]:
            return None
        return _yuan(values[f"{program}_monthly_amount_cents"][i])

    result_members = {}
    for i, member in enumerate(members):
        result_members[member["id"]] = {
            "age": int(values["age"][i]),
            "hukou_local": member["hukou_local"],
            "dibao_covered": bool(values["dibao_covered"][i]),
            "tekun": {
                "eligible": bool(values["tekun_eligible"][i]),
                "monthly_basic": _yuan(values["tekun_monthly_basic_cents"][i]),
                "explanation": explain.tekun(i),
            },
            "gaoling": {
                "eligible": bool(values["gaoling_eligible"][i]),
                "monthly_amount": _yuan(values["gaoling_monthly_amount_cents"][i]),
                "explanation": explain.gaoling(i),
            },
            "disability_living": {
                "eligible": bool(values["disability_living_eligible"][i]),
                "monthly_amount": _subsidy("disability_living", i),
                "explanation": explain.disability_living(i),
            },
            "disability_care": {
                "eligible": bool(values["disability_care_eligible"][i]),
                "monthly_amount": _subsidy("disability_care", i),
                "explanation": explain.disability_care(i),
            },
        }
    return {
        "standard": _yuan(values["dibao_standard_cents"][0]),
        "dibao": {
            "eligible": bool(values["dibao_eligible"][0]),
            "monthly_amount": _yuan(values["dibao_monthly_amount_cents"][0]),
            "covered_members": int(values["dibao_covered_count"][0]),
            "explanation": explain.dibao(),
        },
        "dibao_edge": {
            "eligible": bool(values["dibao_edge_eligible"][0]),
            "explanation": explain.dibao_edge(),
        },
        "gradual_exit": bool(values["gradual_exit"][0]),
        "members": result_members,
        # Periodically revised values used long after their newest date (see staleness.py); empty when none.
        "warnings": stale_warnings(
            systems,
            locality,
            date,
            used_parameters(simulation.tracer, HUKOU_CODES[household["hukou"]]),
        ),
    }


# --- Bulk -----------------------------------------------------------------------------------------

_PERSON_ARRAYS = (
    "household",
    "birth_date",
    "age",
    "monthly_income",
    "disability_kind",
    "disability_grade",
    "in_school",
    "needs_long_term_care",
    "has_capable_supporter",
    "hukou_local",
)
_HOUSEHOLD_ARRAYS = ("hukou", "assets_within_limits", "receiving_dibao")


def _array(columns: Mapping[str, Any], table: str, name: str, length: int | None) -> numpy.ndarray:
    field = f"{table}[{name!r}]"
    values = numpy.asarray(columns[name])
    if values.ndim != 1:
        raise AssessmentInputError(field, "应为一维数组")
    if length is not None and len(values) != length:
        raise AssessmentInputError(field, f"长度 {len(values)} 与其他列的长度 {length} 不一致")
    return values


def _first_bad(field: str, bad: numpy.ndarray, values: numpy.ndarray, problem: str) -> None:
    if bad.any():
        index = int(numpy.flatnonzero(bad)[0])
        raise AssessmentInputError(f"{field}[{index}]", f"取值 {values[index]!r} {problem}")


def _int_column(values: numpy.ndarray, field: str, low: int, high: int) -> numpy.ndarray:
    if not numpy.issubdtype(values.dtype, numpy.integer):
        raise AssessmentInputError(field, "应为整数数组")
    _first_bad(field, (values < low) | (values > high), values, f"应在 {low}–{high} 之间")
    return values


def _bool_column(values: numpy.ndarray, field: str) -> numpy.ndarray:
    if values.dtype != bool:
        raise AssessmentInputError(field, "应为布尔数组")
    return values


def assess_many(
    persons: Mapping[str, Any],
    households: Mapping[str, Any],
    *,
    locality: str,
    date: str | datetime.date,
    parameters: dict | None = None,
) -> dict[str, dict[str, numpy.ndarray]]:
    """Assess many households of one locality on one date in a single vectorised simulation.

    ``persons`` columns (length P): ``household`` (int index into the household columns, required),
    ``birth_date`` (``datetime64[D]`` or int days since 1970-01-01) or ``age`` (int), ``monthly_income``
    (float yuan, required), and optionally ``disability_kind`` (int codes, see ``DISABILITY_KIND_CODES``),
    ``disability_grade`` (0 for none, else 1–4), ``needs_long_term_care``, ``has_capable_supporter``,
    ``in_school``, ``hukou_local`` (bool; absent = every member local).
    ``households`` columns (length H): ``hukou`` (int codes, see ``HUKOU_CODES``) and
    ``assets_within_limits`` (bool), both required; ``receiving_dibao`` (bool) optional.

    Returns ``{"households": {...}, "persons": {...}}`` of numpy arrays aligned with the inputs. No
    explanations are produced; the formulas are the same as ``assess_household``'s.
    """
    systems = build_system(parameters)
    systems.get(locality)
    date = _date(date, "date")
    systems.check_date(locality, date)

    for table, columns, allowed in (
        ("persons", persons, _PERSON_ARRAYS),
        ("households", households, _HOUSEHOLD_ARRAYS),
    ):
        if not isinstance(columns, Mapping):
            raise AssessmentInputError(table, "应为列名到数组的映射")
        for name in columns:
            if name not in allowed:
                raise AssessmentInputError(f"{table}[{name!r}]", f"未知列，允许的列：{'、'.join(allowed)}")
    for table, columns, required in (
        ("persons", persons, ("household", "monthly_income")),
        ("households", households, ("hukou", "assets_within_limits")),
    ):
        for name in required:
            if name not in columns:
                raise AssessmentInputError(f"{table}[{name!r}]", "缺少必需的列")

    household_count = len(_array(households, "households", "assets_within_limits", None))
    household_inputs = {
        "hukou": _int_column(
            _array(households, "households", "hukou", household_count),
            "households['hukou']",
            0,
            len(HUKOU_CODES) - 1,
        ).astype(numpy.int16),
        "assets_within_limits": _bool_column(
            _array(households, "households", "assets_within_limits", household_count),
            "households['assets_within_limits']",
        ),
    }
    if "receiving_dibao" in households:
        household_inputs["receiving_dibao"] = _bool_column(
            _array(households, "households", "receiving_dibao", household_count),
            "households['receiving_dibao']",
        )

    person_household = _array(persons, "persons", "household", None)
    person_count = len(person_household)
    if household_count == 0 or person_count == 0:
        raise AssessmentInputError("persons", "至少需要一户家庭和一名成员")
    _int_column(person_household, "persons['household']", 0, household_count - 1)
    empty = numpy.bincount(person_household, minlength=household_count) == 0
    if empty.any():
        raise AssessmentInputError(
            f"households[{int(numpy.flatnonzero(empty)[0])}]",
            "该户没有任何成员（persons['household'] 未指向它）",
        )

    person_inputs: dict[str, numpy.ndarray] = {}
    if ("birth_date" in persons) == ("age" in persons):
        raise AssessmentInputError("persons['birth_date']", "应提供 birth_date 或 age 之一（且只提供一个）")
    if "birth_date" in persons:
        births = _array(persons, "persons", "birth_date", person_count)
        if numpy.issubdtype(births.dtype, numpy.integer):
            births = births.astype("datetime64[D]")
        if not numpy.issubdtype(births.dtype, numpy.datetime64):
            raise AssessmentInputError("persons['birth_date']", "应为 datetime64[D] 或自 1970-01-01 起的天数")
        births = births.astype("datetime64[D]")
        _first_bad("persons['birth_date']", births > numpy.datetime64(date), births, f"晚于评估日期 {date}")
        person_inputs["birth_date"] = births
    else:
        ages = _int_column(_array(persons, "persons", "age", person_count), "persons['age']", 0, 200)
        person_inputs["age"] = ages.astype(numpy.int32)

    incomes = _array(persons, "persons", "monthly_income", person_count)
    if not numpy.issubdtype(incomes.dtype, numpy.number):
        raise AssessmentInputError("persons['monthly_income']", "应为数值数组")
    incomes = incomes.astype(numpy.float64)
    _first_bad("persons['monthly_income']", ~numpy.isfinite(incomes), incomes, "应为有限数字")
    _first_bad("persons['monthly_income']", incomes < 0, incomes, "不能为负数")
    _first_bad(
        "persons['monthly_income']",
        incomes > MAX_MONTHLY_INCOME,
        incomes,
        f"超出合理范围（不超过 {MAX_MONTHLY_INCOME} 元）",
    )
    # Rounded here in float64: OpenFisca would store yuan as float32.
    person_inputs["monthly_income_cents"] = to_cents(incomes).astype(numpy.int32)

    kinds = numpy.zeros(person_count, dtype=numpy.int16)
    grades = numpy.zeros(person_count, dtype=numpy.int32)
    if "disability_kind" in persons:
        kinds = _int_column(
            _array(persons, "persons", "disability_kind", person_count),
            "persons['disability_kind']",
            0,
            len(DISABILITY_KIND_CODES) - 1,
        ).astype(numpy.int16)
    if "disability_grade" in persons:
        grades = _int_column(
            _array(persons, "persons", "disability_grade", person_count), "persons['disability_grade']", 0, 4
        ).astype(numpy.int32)
    # A kind needs a grade and a grade needs a kind, as in assess_household's {"kind", "grade"}.
    _first_bad("persons['disability_grade']", (kinds == 0) != (grades == 0), grades, "与残疾类别不一致")
    person_inputs["disability_kind"] = kinds
    person_inputs["disability_grade"] = grades
    for name in ("in_school", "needs_long_term_care", "has_capable_supporter", "hukou_local"):
        if name in persons:
            person_inputs[name] = _bool_column(
                _array(persons, "persons", name, person_count), f"persons[{name!r}]"
            )

    simulation = build_simulation(
        systems.get(locality).tax_benefit_system,
        date,
        person_household.astype(numpy.int64),
        household_count,
        person_inputs,
        household_inputs,
    )
    result: dict[str, dict[str, numpy.ndarray]] = {"households": {}, "persons": {}}
    for table, names in (("households", HOUSEHOLD_OUTPUTS), ("persons", PERSON_OUTPUTS)):
        for name in names:
            values = numpy.asarray(simulation.calculate(name, date))
            if name.endswith("_cents"):
                result[table][name.removesuffix("_cents")] = values / 100
            else:
                result[table][name] = values
    return result
