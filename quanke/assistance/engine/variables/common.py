"""Shared pieces of the rules: enums, money in cents, grade tables, and the inputs every programme reads."""

from __future__ import annotations

import datetime

import numpy
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DAY, ETERNITY
from openfisca_core.variables import Variable

from ..entities import Household, Person
from . import references as ref

# Household income saturates here instead of overflowing int32 (¥21.4M a month is far above any
# income test, so no decision changes).
MAX_CENTS = numpy.iinfo(numpy.int32).max


class Hukou(Enum):
    urban = "城市"
    rural = "农村"


class DisabilityKind(Enum):
    none = "无残疾"
    visual = "视力残疾"
    hearing = "听力残疾"
    speech = "言语残疾"
    physical = "肢体残疾"
    intellectual = "智力残疾"
    mental = "精神残疾"
    multiple = "多重残疾"


def to_cents(amount):
    """Round non-negative yuan amounts to whole cents, half up.

    Rounding to 6 decimals first absorbs binary noise (1.005 * 100 == 100.49999…), so the result
    matches decimal ROUND_HALF_UP for amounts written with a few decimals.
    """
    return numpy.floor(numpy.round(numpy.asarray(amount, dtype=numpy.float64) * 100, 6) + 0.5)


def grade_limit_by_kind(node):
    """Array indexed by DisabilityKind index holding each kind's grade limit (0 for ``none``).

    Reading each kind by name (a loop over the 7 kinds, never over persons) keeps the full
    parameter name in the trace, which the explanations need to find the value's start date.
    """
    limits = numpy.zeros(len(DisabilityKind), dtype=numpy.int32)
    for kind in DisabilityKind:
        if kind is not DisabilityKind.none:
            limits[kind.index] = node[kind.name]
    return limits


def grade_within(person, period, node):
    kind = numpy.asarray(person("disability_kind", period)).astype(numpy.intp)
    grade = person("disability_grade", period)
    limit = grade_limit_by_kind(node)[kind]
    return (grade >= 1) & (grade <= limit)


# --- Person inputs -------------------------------------------------------------------------------


class birth_date(Variable):
    value_type = datetime.date
    entity = Person
    definition_period = ETERNITY
    label = "出生日期"
    reference = ref.INPUT


class monthly_income(Variable):
    value_type = float
    entity = Person
    definition_period = DAY
    label = "本人月收入（元）"
    documentation = "Convenience input (float32); the API sets monthly_income_cents directly."
    reference = ref.DIBAO_CONDITIONS


class hukou_local(Variable):
    value_type = bool
    default_value = True
    entity = Person
    definition_period = DAY
    label = "本地户籍"
    documentation = "户籍 in the assessing locality; 低保 cover, 特困, 高龄津贴 and 护理补贴 require it."
    reference = ref.HUKOU


class disability_kind(Variable):
    value_type = Enum
    possible_values = DisabilityKind
    default_value = DisabilityKind.none
    entity = Person
    definition_period = DAY
    label = "残疾类别"
    reference = ref.DISABILITY_GRADES


class disability_grade(Variable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "残疾等级（1–4，0 表示无）"
    reference = ref.DISABILITY_GRADES


class in_school(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "在校就读"
    documentation = "Recorded for future rules (特困 support past 16 while in school); not used yet."
    reference = ref.TEKUN_RULES


class needs_long_term_care(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "需要长期照护"
    reference = ref.DISABILITY_CARE


class has_capable_supporter(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "有履行能力的法定赡养、抚养、扶养义务人"
    reference = ref.TEKUN_CONDITIONS


# --- Household inputs ----------------------------------------------------------------------------


class hukou(Variable):
    value_type = Enum
    possible_values = Hukou
    default_value = Hukou.urban
    entity = Household
    definition_period = DAY
    label = "户籍类别（城市/农村）"
    reference = ref.DIBAO_CONDITIONS


class assets_within_limits(Variable):
    value_type = bool
    entity = Household
    definition_period = DAY
    label = "家庭财产在当地限额内"
    reference = ref.DIBAO_CONDITIONS


class receiving_dibao(Variable):
    value_type = bool
    entity = Household
    definition_period = DAY
    label = "正在享受低保"
    reference = ref.GRADUAL_EXIT


# --- Person derived ------------------------------------------------------------------------------


class age(Variable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "年龄（周岁）"
    reference = ref.TEKUN_CONDITIONS

    def formula(person, period):
        # Whole years on the day; a 29 February birthday is reached on 1 March in common years,
        # which falls out of comparing (month, day) pairs.
        born = numpy.asarray(person("birth_date", period), dtype="datetime64[D]")
        today = numpy.datetime64(period.start.date.isoformat(), "D")
        born_month = born.astype("datetime64[M]")
        today_month = today.astype("datetime64[M]")
        born_md = (born_month.astype(numpy.int64) % 12) * 100 + (born - born_month).astype(numpy.int64)
        today_md = (today_month.astype(numpy.int64) % 12) * 100 + (today - today_month).astype(numpy.int64)
        years = today.astype("datetime64[Y]").astype(numpy.int64) - born.astype("datetime64[Y]").astype(
            numpy.int64
        )
        return years - (born_md > today_md)


class monthly_income_cents(Variable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "本人月收入（分）"
    reference = ref.DIBAO_CONDITIONS

    def formula(person, period):
        return to_cents(person("monthly_income", period)).astype(numpy.int32)


class has_disability(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "有残疾"
    reference = ref.DISABILITY_GRADES

    def formula(person, period):
        kind = person("disability_kind", period)
        return (kind != DisabilityKind.none) & (person("disability_grade", period) >= 1)
