"""特困人员救助供养: no capacity to work, no means of living, no capable supporter, local 户籍."""

from __future__ import annotations

import numpy
from openfisca_core.periods import DAY
from openfisca_core.variables import Variable

from ..entities import Household, Person
from . import references as ref
from .common import grade_within, to_cents


class tekun_elderly(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "已达老年人年龄（无劳动能力）"
    reference = [ref.TEKUN_CONDITIONS, ref.TEKUN_RULES]

    def formula(person, period, parameters):
        return person("age", period) >= parameters(period).tekun.no_work_capacity.elderly_age


class tekun_minor(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "未成年（无劳动能力）"
    reference = ref.TEKUN_CONDITIONS

    def formula(person, period, parameters):
        return person("age", period) < parameters(period).tekun.no_work_capacity.minor_age


class tekun_disability_no_work_capacity(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "残疾类别与等级属无劳动能力"
    reference = [ref.TEKUN_RULES, ref.DISABILITY_GRADES]

    def formula(person, period, parameters):
        return grade_within(person, period, parameters(period).tekun.no_work_capacity.disability_max_grade)


class tekun_no_work_capacity(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "无劳动能力"
    reference = [ref.TEKUN_CONDITIONS, ref.TEKUN_RULES]

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
    reference = [ref.TEKUN_CONDITIONS, ref.TEKUN_RULES]

    def formula(person, period):
        return person("monthly_income_cents", period) < person.household("dibao_standard_cents", period)


class tekun_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "符合特困人员供养条件"
    reference = [ref.TEKUN_CONDITIONS, ref.TEKUN_OPINION, ref.TEKUN_RULES, ref.HUKOU]

    def formula(person, period):
        return (
            person("tekun_no_work_capacity", period)
            & person("tekun_income_below_standard", period)
            & person.household("assets_within_limits", period)
            & ~person("has_capable_supporter", period)
            & person("hukou_local", period)
        )


class tekun_basic_living_standard_cents(Variable):
    value_type = int
    entity = Household
    definition_period = DAY
    label = "特困人员基本生活标准（分/月）"
    reference = [ref.TEKUN_OPINION, ref.TEKUN_RULES]

    def formula(household, period, parameters):
        multiple = parameters(period).tekun.basic_living_multiple
        standard = household("dibao_standard_cents", period).astype(numpy.float64)
        return to_cents(standard * multiple / 100).astype(numpy.int32)


class tekun_monthly_basic_cents(Variable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "特困人员基本生活费（分/月）"
    reference = ref.TEKUN_OPINION

    def formula(person, period):
        standard = person.household("tekun_basic_living_standard_cents", period)
        return numpy.where(person("tekun_eligible", period), standard, 0)


class tekun_monthly_basic(Variable):
    value_type = float
    entity = Person
    definition_period = DAY
    label = "特困人员基本生活费（元/月）"
    reference = ref.TEKUN_OPINION

    def formula(person, period):
        return person("tekun_monthly_basic_cents", period) / 100
