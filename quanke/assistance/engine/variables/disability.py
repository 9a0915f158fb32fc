"""残疾人两项补贴 (国发〔2015〕52号): 生活补贴 for covered members of 低保 households, 护理补贴 for severe
disability needing long-term care, both with local 户籍. Amounts are set by each province: a locality
without cited amounts has none, and the explanation says so."""

from __future__ import annotations

import numpy
from openfisca_core.periods import DAY
from openfisca_core.variables import Variable

from ..entities import Person
from . import references as ref
from .common import grade_within, to_cents

# Keys under disability_care.amount: grade 1, and every other grade within the care scope.
CARE_AMOUNT_KEYS = ("grade_1", "other_grades")


def has_living_amount(parameters_at_date) -> bool:
    node = parameters_at_date
    return "disability_living" in node and "amount" in node.disability_living


def has_care_amounts(parameters_at_date) -> bool:
    node = parameters_at_date
    if "amount" not in node.disability_care:
        return False
    return all(key in node.disability_care.amount for key in CARE_AMOUNT_KEYS)


class disability_living_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "符合困难残疾人生活补贴条件"
    reference = [ref.DISABILITY_LIVING, ref.TEKUN_NOT_DIBAO]

    def formula(person, period):
        return (
            person("has_disability", period)
            & person("dibao_covered", period)
            & person.household("dibao_eligible", period)
        )


class disability_living_monthly_amount_cents(Variable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "困难残疾人生活补贴（分/月）"
    reference = ref.DISABILITY_AMOUNT

    def formula(person, period, parameters):
        eligible = person("disability_living_eligible", period)
        p = parameters(period)
        if not has_living_amount(p):
            return numpy.zeros(eligible.shape, dtype=numpy.int32)
        amount = to_cents(p.disability_living.amount)
        return numpy.where(eligible, amount, 0).astype(numpy.int32)


class disability_care_grade_in_scope(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "残疾类别与等级属护理补贴范围"
    reference = [ref.DISABILITY_CARE, ref.DISABILITY_GRADES]

    def formula(person, period, parameters):
        return grade_within(person, period, parameters(period).disability_care.max_grade)


class disability_care_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "符合重度残疾人护理补贴条件"
    reference = [ref.DISABILITY_CARE, ref.HUKOU]

    def formula(person, period):
        return (
            person("needs_long_term_care", period)
            & person("disability_care_grade_in_scope", period)
            & person("hukou_local", period)
        )


class disability_care_monthly_amount_cents(Variable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "重度残疾人护理补贴（分/月）"
    reference = ref.DISABILITY_AMOUNT

    def formula(person, period, parameters):
        eligible = person("disability_care_eligible", period)
        p = parameters(period)
        if not has_care_amounts(p):
            return numpy.zeros(eligible.shape, dtype=numpy.int32)
        amounts = p.disability_care.amount
        first = to_cents(amounts.grade_1)
        other = to_cents(amounts.other_grades)
        grade_one = person("disability_grade", period) == 1
        return numpy.where(eligible, numpy.where(grade_one, first, other), 0).astype(numpy.int32)
