"""Build one OpenFisca simulation from columnar arrays.

Both the single-household assessment and the bulk scan go through here, so they run the very same
formulas on the very same kind of input; only tracing differs.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy
from openfisca_core.simulations import Simulation, SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

# What both entry points compute; money is read in integer cents (float variables are float32).
HOUSEHOLD_OUTPUTS = (
    "dibao_standard_cents",
    "dibao_income_below_standard",
    "dibao_covered_count",
    "dibao_eligible",
    "dibao_monthly_amount_cents",
    "dibao_edge_eligible",
    "gradual_exit",
    "gradual_exit_months",
)
PERSON_OUTPUTS = (
    "age",
    "dibao_covered",
    "tekun_eligible",
    "tekun_monthly_basic_cents",
    "gaoling_eligible",
    "gaoling_monthly_amount_cents",
    "disability_living_eligible",
    "disability_living_monthly_amount_cents",
    "disability_care_eligible",
    "disability_care_monthly_amount_cents",
)


def build_simulation(
    system: TaxBenefitSystem,
    date: str,
    person_household: numpy.ndarray,
    household_count: int,
    person_inputs: Mapping[str, numpy.ndarray],
    household_inputs: Mapping[str, numpy.ndarray],
    *,
    trace: bool = False,
) -> Simulation:
    """A simulation for ``date`` where person ``i`` belongs to household ``person_household[i]``.

    Every household index in ``0..household_count-1`` must have at least one member (callers check).
    """
    person_count = len(person_household)
    builder = SimulationBuilder()
    builder.create_entities(system)
    builder.declare_person_entity("person", numpy.arange(person_count))
    households = builder.declare_entity("household", numpy.arange(household_count))
    # A single role: every person is a "member" (role index 0).
    builder.join_with_persons(households, person_household, numpy.zeros(person_count, dtype=numpy.int64))
    simulation = builder.build(system)
    simulation.trace = trace
    for name, values in person_inputs.items():
        simulation.set_input(name, date, values)
    for name, values in household_inputs.items():
        simulation.set_input(name, date, values)
    return simulation
