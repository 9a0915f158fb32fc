"""高龄津贴: a local programme by age band, for residents with local 户籍 (Chongqing has none)."""

from __future__ import annotations

import numpy
from openfisca_core.periods import DAY
from openfisca_core.variables import Variable

from ..entities import Person
from . import references as ref
from .common import to_cents

# (parameter key under gaoling.amount, lowest age of the band, label); ordered by band.
GAOLING_BANDS = (
    ("age_80_89", 80, "80–89 周岁"),
    ("age_90_99", 90, "90–99 周岁"),
    ("age_100_plus", 100, "100 周岁及以上"),
)


def has_gaoling_parameters(parameters_at_date) -> bool:
    """Whether the locality defines 高龄津贴 amounts in force on the date (Chongqing does not)."""
    if "gaoling" not in parameters_at_date or "amount" not in parameters_at_date.gaoling:
        return False
    amounts = parameters_at_date.gaoling.amount
    return all(key in amounts for key, _, _ in GAOLING_BANDS)


class gaoling_age_band(Variable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "高龄津贴年龄段（0 = 未满 80 周岁，1–3 依次为各档）"
    reference = ref.GAOLING

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
    reference = [ref.GAOLING, ref.HUKOU]

    def formula(person, period, parameters):
        band = person("gaoling_age_band", period)
        if not has_gaoling_parameters(parameters(period)):
            return numpy.zeros(band.shape, dtype=bool)
        return (band > 0) & person("hukou_local", period)


class gaoling_monthly_amount_cents(Variable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "高龄津贴（分/月）"
    reference = ref.GAOLING

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
    reference = ref.GAOLING

    def formula(person, period):
        return person("gaoling_monthly_amount_cents", period) / 100
