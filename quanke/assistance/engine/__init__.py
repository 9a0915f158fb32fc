"""Rules-as-code engine for social assistance (低保, 低保边缘, 渐退, 特困, 高龄津贴, 残疾人两项补贴).

Pure Python + OpenFisca; no Django import, so the web layer (or a batch job) can call it directly.
"""

from .api import (
    DISABILITY_KIND_CODES,
    HUKOU_CODES,
    RECEIVABLE_PROGRAMS,
    assess_household,
    assess_many,
    available_localities,
)
from .errors import (
    AssessmentInputError,
    EngineError,
    ParameterDataError,
    ParameterDateError,
    UnknownLocalityError,
)
from .system import build_system, shipped_parameters

__all__ = [
    "DISABILITY_KIND_CODES",
    "HUKOU_CODES",
    "RECEIVABLE_PROGRAMS",
    "AssessmentInputError",
    "EngineError",
    "ParameterDataError",
    "ParameterDateError",
    "UnknownLocalityError",
    "assess_household",
    "assess_many",
    "available_localities",
    "build_system",
    "shipped_parameters",
]
