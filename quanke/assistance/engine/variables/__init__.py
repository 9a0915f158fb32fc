"""OpenFisca variables: the assistance rules themselves, one module per programme.

Every variable is defined per day (``DAY``): the assessed date selects the parameter values in force,
and ages are counted on that exact day. Formulas are vectorised over all persons/households.

Money is compared and combined in whole cents held in ``int`` variables: OpenFisca stores ``float``
variables as float32 (about 7 significant digits), too coarse to round half cents reliably or to keep
the cents of large sums. Boundary cases such as "income exactly equal to the standard" and benefit
amounts are therefore exact; the ``float`` yuan amounts are only cents / 100 for display and YAML tests.
The API sets ``monthly_income_cents`` itself (rounded half up with Decimal), so float32 never touches
resident income on that path. Each condition is its own variable so that explanations can read every
outcome from the trace, and each variable's ``reference`` cites the policy text it implements.
"""

from openfisca_core.variables import Variable

from . import common, dibao, disability, gaoling, tekun
from .common import MAX_CENTS, DisabilityKind, Hukou, to_cents
from .disability import CARE_AMOUNT_KEYS, has_care_amounts, has_living_amount
from .gaoling import GAOLING_BANDS, has_gaoling_parameters

VARIABLES = [
    obj
    for module in (common, dibao, tekun, gaoling, disability)
    for obj in vars(module).values()
    if isinstance(obj, type) and issubclass(obj, Variable) and obj is not Variable
]

__all__ = [
    "CARE_AMOUNT_KEYS",
    "GAOLING_BANDS",
    "MAX_CENTS",
    "VARIABLES",
    "DisabilityKind",
    "Hukou",
    "has_care_amounts",
    "has_gaoling_parameters",
    "has_living_amount",
    "to_cents",
]
