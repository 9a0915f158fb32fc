"""低保, 低保边缘 and 渐退: household income test over everyone who lives together, cover for local members."""

from __future__ import annotations

import numpy
from openfisca_core.periods import DAY
from openfisca_core.variables import Variable

from ..entities import Household, Person
from . import references as ref
from .common import MAX_CENTS, Hukou, to_cents

# --- Who is covered ------------------------------------------------------------------------------


class dibao_covered(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "计入低保保障人口"
    documentation = (
        "Local 户籍 and not eligible for 特困: 特困 support replaces 低保, and a member registered elsewhere "
        "applies where the 户籍 is. Their incomes still count in the household's per-capita income."
    )
    reference = [ref.DIBAO_PROCEDURE, ref.TEKUN_NOT_DIBAO]

    def formula(person, period):
        return person("hukou_local", period) & ~person("tekun_eligible", period)


class dibao_covered_count(Variable):
    value_type = int
    entity = Household
    definition_period = DAY
    label = "低保保障人口（人）"
    reference = [ref.DIBAO_AMOUNT, ref.TEKUN_NOT_DIBAO]

    def formula(household, period):
        return household.sum(household.members("dibao_covered", period))


class has_local_member(Variable):
    value_type = bool
    entity = Household
    definition_period = DAY
    label = "至少一名家庭成员为本地户籍"
    reference = ref.DIBAO_PROCEDURE

    def formula(household, period):
        return household.any(household.members("hukou_local", period))


# --- Income test ---------------------------------------------------------------------------------


class household_size(Variable):
    value_type = int
    entity = Household
    definition_period = DAY
    label = "家庭人数"
    reference = ref.DIBAO_CONDITIONS

    def formula(household, period):
        return household.nb_persons()


class household_income_cents(Variable):
    value_type = int
    entity = Household
    definition_period = DAY
    label = "家庭月收入合计（分）"
    reference = ref.DIBAO_CONDITIONS

    def formula(household, period):
        total = household.sum(household.members("monthly_income_cents", period))
        return numpy.minimum(total, MAX_CENTS).astype(numpy.int32)


class per_capita_monthly_income(Variable):
    value_type = float
    entity = Household
    definition_period = DAY
    label = "家庭人均月收入（元）"
    reference = ref.DIBAO_CONDITIONS

    def formula(household, period):
        return household("household_income_cents", period) / household("household_size", period) / 100


class dibao_standard_cents(Variable):
    value_type = int
    entity = Household
    definition_period = DAY
    label = "低保标准（分/人/月）"
    reference = ref.DIBAO_CONDITIONS

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
    reference = ref.DIBAO_CONDITIONS

    def formula(household, period):
        return household("dibao_standard_cents", period) / 100


class dibao_income_below_standard(Variable):
    value_type = bool
    entity = Household
    definition_period = DAY
    label = "家庭人均月收入低于低保标准"
    reference = ref.DIBAO_CONDITIONS

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
    reference = [ref.DIBAO_CONDITIONS, ref.DIBAO_PROCEDURE, ref.TEKUN_NOT_DIBAO]

    def formula(household, period):
        return (
            household("assets_within_limits", period)
            & household("dibao_income_below_standard", period)
            & (household("dibao_covered_count", period) > 0)
        )


class dibao_monthly_amount_cents(Variable):
    value_type = int
    entity = Household
    definition_period = DAY
    label = "月低保金（分）"
    reference = [ref.DIBAO_AMOUNT, ref.DIBAO_REVIEW]

    def formula(household, period):
        # (standard − income/size) × covered == (standard × size − income) × covered / size; the gap is an
        # exact number of cents and the division is rounded half up to the cent in integers.
        size = household("household_size", period).astype(numpy.int64)
        covered = household("dibao_covered_count", period).astype(numpy.int64)
        standard = household("dibao_standard_cents", period).astype(numpy.int64)
        gap = standard * size - household("household_income_cents", period)
        amount = (2 * gap * covered + size) // (2 * size)
        return numpy.where(household("dibao_eligible", period), amount, 0).astype(numpy.int32)


class dibao_monthly_amount(Variable):
    value_type = float
    entity = Household
    definition_period = DAY
    label = "月低保金（元）"
    reference = ref.DIBAO_AMOUNT

    def formula(household, period):
        return household("dibao_monthly_amount_cents", period) / 100


# --- 低保边缘 and 渐退 ----------------------------------------------------------------------------


class dibao_edge_upper_limit_cents(Variable):
    value_type = float
    entity = Household
    definition_period = DAY
    label = "低保边缘人均月收入上限（分，可含小数）"
    reference = ref.DIBAO_EDGE

    def formula(household, period, parameters):
        # Shown in explanations; the comparison itself is done in float64 in the next variable.
        multiple = parameters(period).dibao_edge.upper_multiple
        return numpy.round(household("dibao_standard_cents", period) * multiple, 6)


class dibao_edge_income_below_upper(Variable):
    value_type = bool
    entity = Household
    definition_period = DAY
    label = "家庭人均月收入低于低保边缘上限"
    reference = ref.DIBAO_EDGE

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
    reference = ref.DIBAO_EDGE

    def formula(household, period):
        below_standard = household("dibao_income_below_standard", period)
        return ~below_standard & household("dibao_edge_income_below_upper", period)


class dibao_edge_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = DAY
    label = "符合低保边缘家庭条件"
    reference = [ref.DIBAO_EDGE, ref.DIBAO_PROCEDURE]

    def formula(household, period):
        return (
            household("assets_within_limits", period)
            & household("dibao_edge_income_band", period)
            & household("has_local_member", period)
        )


class gradual_exit(Variable):
    value_type = bool
    entity = Household
    definition_period = DAY
    label = "适用低保渐退"
    reference = ref.GRADUAL_EXIT

    def formula(household, period):
        return household("receiving_dibao", period) & household("dibao_edge_income_band", period)


class gradual_exit_months(Variable):
    value_type = int
    entity = Household
    definition_period = DAY
    label = "渐退期（月）"
    reference = ref.GRADUAL_EXIT

    def formula(household, period, parameters):
        months = parameters(period).gradual_exit.duration_months
        return numpy.where(household("gradual_exit", period), months, 0)
