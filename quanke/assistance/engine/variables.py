"""OpenFisca variables: the assistance rules themselves.

Every variable is defined per day (``DAY``): the assessed date selects the parameter values in force,
and ages are counted on that exact day. Formulas are vectorised over all persons/households.

Money is compared and combined in whole cents held in ``int`` variables: OpenFisca stores ``float``
variables as float32 (about 7 significant digits), too coarse to round half cents reliably or to keep
the cents of large sums. Boundary cases such as
"income exactly equal to the standard" and benefit amounts are therefore exact; the ``float`` yuan
amounts are only cents / 100 for display and YAML tests. The API sets ``monthly_income_cents`` itself
(rounded half up with Decimal), so float32 never touches resident income on that path.
Each condition is its own variable so that explanations can read every outcome from the trace.
"""

from __future__ import annotations

import datetime

import numpy
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DAY, ETERNITY
from openfisca_core.variables import Variable

from .entities import Household, Person

# Household income saturates here instead of overflowing int32 (¥21.4M a month is far above any
# income test, so no decision changes).
MAX_CENTS = numpy.iinfo(numpy.int32).max

# (parameter key under gaoling.amount, lowest age of the band, label); ordered by band.
GAOLING_BANDS = (
    ("age_80_89", 80, "80–89 周岁"),
    ("age_90_99", 90, "90–99 周岁"),
    ("age_100_plus", 100, "100 周岁及以上"),
)


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


def _grade_limit_by_kind(node):
    """Array indexed by DisabilityKind index holding each kind's grade limit (0 for ``none``).

    Reading each kind by name (a loop over the 7 kinds, never over persons) keeps the full
    parameter name in the trace, which the explanations need to find the value's start date.
    """
    limits = numpy.zeros(len(DisabilityKind), dtype=numpy.int32)
    for kind in DisabilityKind:
        if kind is not DisabilityKind.none:
            limits[kind.index] = node[kind.name]
    return limits


def _grade_within(person, period, node):
    kind = numpy.asarray(person("disability_kind", period)).astype(numpy.intp)
    grade = person("disability_grade", period)
    limit = _grade_limit_by_kind(node)[kind]
    return (grade >= 1) & (grade <= limit)


def has_gaoling_parameters(parameters_at_date) -> bool:
    """Whether the locality defines 高龄津贴 amounts in force on the date (Chongqing does not)."""
    if "gaoling" not in parameters_at_date or "amount" not in parameters_at_date.gaoling:
        return False
    amounts = parameters_at_date.gaoling.amount
    return all(key in amounts for key, _, _ in GAOLING_BANDS)


# --- Person inputs -------------------------------------------------------------------------------


class birth_date(Variable):
    value_type = datetime.date
    entity = Person
    definition_period = ETERNITY
    label = "出生日期"


class monthly_income(Variable):
    value_type = float
    entity = Person
    definition_period = DAY
    label = "本人月收入（元）"
    documentation = "Convenience input (float32); the API sets monthly_income_cents directly."


class disability_kind(Variable):
    value_type = Enum
    possible_values = DisabilityKind
    default_value = DisabilityKind.none
    entity = Person
    definition_period = DAY
    label = "残疾类别"


class disability_grade(Variable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "残疾等级（1–4，0 表示无）"


class in_school(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "在校就读"
    documentation = "Recorded for future rules (特困 support past 16 while in school); not used yet."


class needs_long_term_care(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "需要长期照护"


class has_capable_supporter(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "有履行能力的法定赡养、抚养、扶养义务人"


# --- Household inputs ----------------------------------------------------------------------------


class hukou(Variable):
    value_type = Enum
    possible_values = Hukou
    default_value = Hukou.urban
    entity = Household
    definition_period = DAY
    label = "户籍类别（城市/农村）"


class assets_within_limits(Variable):
    value_type = bool
    entity = Household
    definition_period = DAY
    label = "家庭财产在当地限额内"


class receiving_dibao(Variable):
    value_type = bool
    entity = Household
    definition_period = DAY
    label = "正在享受低保"


# --- Person derived ------------------------------------------------------------------------------


class age(Variable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "年龄（周岁）"

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

    def formula(person, period):
        return to_cents(person("monthly_income", period)).astype(numpy.int32)


class has_disability(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "有残疾"

    def formula(person, period):
        kind = person("disability_kind", period)
        return (kind != DisabilityKind.none) & (person("disability_grade", period) >= 1)


# --- Household derived: 低保 ---------------------------------------------------------------------


class household_size(Variable):
    value_type = int
    entity = Household
    definition_period = DAY
    label = "家庭人数"

    def formula(household, period):
        return household.nb_persons()


class household_income_cents(Variable):
    value_type = int
    entity = Household
    definition_period = DAY
    label = "家庭月收入合计（分）"

    def formula(household, period):
        total = household.sum(household.members("monthly_income_cents", period))
        return numpy.minimum(total, MAX_CENTS).astype(numpy.int32)


class per_capita_monthly_income(Variable):
    value_type = float
    entity = Household
    definition_period = DAY
    label = "家庭人均月收入（元）"

    def formula(household, period):
        return household("household_income_cents", period) / household("household_size", period) / 100


class dibao_standard_cents(Variable):
    value_type = int
    entity = Household
    definition_period = DAY
    label = "低保标准（分/人/月）"

    def formula(household, period, parameters):
        # Read straight from the (float64) parameter so float32 storage never rounds the standard.
        standard = parameters(period).dibao.standard
        urban = household("hukou", period) == Hukou.urban
        return to_cents(numpy.where(urban, standard.urban, standard.rural)).astype(numpy.int32)


class dibao_standard(Variable):
    value_type = float
    entity = Household
    definition_period = DAY
    label = "低保标准（元/人/月）"

    def formula(household, period):
        return household("dibao_standard_cents", period) / 100


class dibao_income_below_standard(Variable):
    value_type = bool
    entity = Household
    definition_period = DAY
    label = "家庭人均月收入低于低保标准"

    def formula(household, period):
        # income / size < standard, without dividing: exact in integer cents.
        size = household("household_size", period).astype(numpy.int64)
        standard = household("dibao_standard_cents", period).astype(numpy.int64)
        return household("household_income_cents", period) < standard * size


class dibao_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = DAY
    label = "符合低保条件"

    def formula(household, period):
        return household("assets_within_limits", period) & household("dibao_income_below_standard", period)


class dibao_monthly_amount_cents(Variable):
    value_type = int
    entity = Household
    definition_period = DAY
    label = "月低保金（分）"

    def formula(household, period):
        # (standard − income/size) × size == standard × size − income, an exact number of cents.
        size = household("household_size", period).astype(numpy.int64)
        standard = household("dibao_standard_cents", period).astype(numpy.int64)
        gap = standard * size - household("household_income_cents", period)
        return numpy.where(household("dibao_eligible", period), gap, 0).astype(numpy.int32)


class dibao_monthly_amount(Variable):
    value_type = float
    entity = Household
    definition_period = DAY
    label = "月低保金（元）"

    def formula(household, period):
        return household("dibao_monthly_amount_cents", period) / 100


# --- 低保边缘 and 渐退 ----------------------------------------------------------------------------


class dibao_edge_upper_limit_cents(Variable):
    value_type = float
    entity = Household
    definition_period = DAY
    label = "低保边缘人均月收入上限（分，可含小数）"

    def formula(household, period, parameters):
        # Shown in explanations; the comparison itself is done in float64 in the next variable.
        multiple = parameters(period).dibao_edge.upper_multiple
        return numpy.round(household("dibao_standard_cents", period) * multiple, 6)


class dibao_edge_income_below_upper(Variable):
    value_type = bool
    entity = Household
    definition_period = DAY
    label = "家庭人均月收入低于低保边缘上限"

    def formula(household, period, parameters):
        multiple = parameters(period).dibao_edge.upper_multiple
        size = household("household_size", period)
        standard = household("dibao_standard_cents", period).astype(numpy.float64)
        limit = numpy.round(standard * multiple * size, 6)
        return household("household_income_cents", period) < limit


class dibao_edge_income_band(Variable):
    value_type = bool
    entity = Household
    definition_period = DAY
    label = "人均月收入不低于低保标准且低于低保边缘上限"

    def formula(household, period):
        below_standard = household("dibao_income_below_standard", period)
        return ~below_standard & household("dibao_edge_income_below_upper", period)


class dibao_edge_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = DAY
    label = "符合低保边缘家庭条件"

    def formula(household, period):
        return household("assets_within_limits", period) & household("dibao_edge_income_band", period)


class gradual_exit(Variable):
    value_type = bool
    entity = Household
    definition_period = DAY
    label = "适用低保渐退"

    def formula(household, period):
        return household("receiving_dibao", period) & household("dibao_edge_income_band", period)


class gradual_exit_months(Variable):
    value_type = int
    entity = Household
    definition_period = DAY
    label = "渐退期（月）"

    def formula(household, period, parameters):
        months = parameters(period).gradual_exit.duration_months
        return numpy.where(household("gradual_exit", period), months, 0)


# --- 特困 ----------------------------------------------------------------------------------------


class tekun_elderly(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "已达老年人年龄（无劳动能力）"

    def formula(person, period, parameters):
        return person("age", period) >= parameters(period).tekun.no_work_capacity.elderly_age


class tekun_minor(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "未成年（无劳动能力）"

    def formula(person, period, parameters):
        return person("age", period) < parameters(period).tekun.no_work_capacity.minor_age


class tekun_disability_no_work_capacity(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "残疾类别与等级属无劳动能力"

    def formula(person, period, parameters):
        return _grade_within(person, period, parameters(period).tekun.no_work_capacity.disability_max_grade)


class tekun_no_work_capacity(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "无劳动能力"

    def formula(person, period):
        return (
            person("tekun_elderly", period)
            | person("tekun_minor", period)
            | person("tekun_disability_no_work_capacity", period)
        )


class tekun_income_below_standard(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "本人月收入低于低保标准"

    def formula(person, period):
        return person("monthly_income_cents", period) < person.household("dibao_standard_cents", period)


class tekun_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "符合特困人员供养条件"

    def formula(person, period):
        return (
            person("tekun_no_work_capacity", period)
            & person("tekun_income_below_standard", period)
            & person.household("assets_within_limits", period)
            & ~person("has_capable_supporter", period)
        )


class tekun_basic_living_standard_cents(Variable):
    value_type = int
    entity = Household
    definition_period = DAY
    label = "特困人员基本生活标准（分/月）"

    def formula(household, period, parameters):
        multiple = parameters(period).tekun.basic_living_multiple
        standard = household("dibao_standard_cents", period).astype(numpy.float64)
        return to_cents(standard * multiple / 100).astype(numpy.int32)


class tekun_monthly_basic_cents(Variable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "特困人员基本生活费（分/月）"

    def formula(person, period):
        standard = person.household("tekun_basic_living_standard_cents", period)
        return numpy.where(person("tekun_eligible", period), standard, 0)


class tekun_monthly_basic(Variable):
    value_type = float
    entity = Person
    definition_period = DAY
    label = "特困人员基本生活费（元/月）"

    def formula(person, period):
        return person("tekun_monthly_basic_cents", period) / 100


# --- 高龄津贴 ------------------------------------------------------------------------------------


class gaoling_age_band(Variable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "高龄津贴年龄段（0 = 未满 80 周岁，1–3 依次为各档）"

    def formula(person, period):
        age = person("age", period)
        conditions = [age >= lowest for _, lowest, _ in reversed(GAOLING_BANDS)]
        choices = list(range(len(GAOLING_BANDS), 0, -1))
        return numpy.select(conditions, choices, 0)


class gaoling_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "符合高龄津贴条件"

    def formula(person, period, parameters):
        band = person("gaoling_age_band", period)
        if not has_gaoling_parameters(parameters(period)):
            return numpy.zeros(band.shape, dtype=bool)
        return band > 0


class gaoling_monthly_amount_cents(Variable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "高龄津贴（分/月）"

    def formula(person, period, parameters):
        band = person("gaoling_age_band", period)
        eligible = person("gaoling_eligible", period)
        p = parameters(period)
        if not has_gaoling_parameters(p):
            return numpy.zeros(band.shape, dtype=numpy.int32)
        amounts = to_cents([0.0] + [p.gaoling.amount[key] for key, _, _ in GAOLING_BANDS])
        return numpy.where(eligible, amounts[band], 0).astype(numpy.int32)


class gaoling_monthly_amount(Variable):
    value_type = float
    entity = Person
    definition_period = DAY
    label = "高龄津贴（元/月）"

    def formula(person, period):
        return person("gaoling_monthly_amount_cents", period) / 100


# --- 残疾人两项补贴 -------------------------------------------------------------------------------


class disability_living_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "符合困难残疾人生活补贴条件"

    def formula(person, period):
        return person("has_disability", period) & person.household("dibao_eligible", period)


class disability_care_grade_in_scope(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "残疾类别与等级属护理补贴范围"

    def formula(person, period, parameters):
        return _grade_within(person, period, parameters(period).disability_care.max_grade)


class disability_care_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "符合重度残疾人护理补贴条件"

    def formula(person, period):
        return person("needs_long_term_care", period) & person("disability_care_grade_in_scope", period)


VARIABLES = [
    obj
    for obj in list(globals().values())
    if isinstance(obj, type) and issubclass(obj, Variable) and obj is not Variable
]
