"""Exceptions raised by the rules engine.

Messages are in Simplified Chinese because the Django layer shows them to station staff as-is.
"""

from __future__ import annotations


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class AssessmentInputError(EngineError, ValueError):
    """The resident data passed to an assessment is missing, malformed or out of range.

    ``field`` is the path of the offending field (e.g. ``members[1].birth_date``) so that the
    caller can attach the message to the right form control.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}：{problem}")


class UnknownLocalityError(AssessmentInputError):
    """No parameter set exists for the requested locality."""

    def __init__(self, locality: object, known: list[str], field: str = "locality") -> None:
        self.locality = locality
        known_text = "、".join(known) if known else "无"
        super().__init__(field, f"未知地区 {locality!r}，已配置的地区：{known_text}")


class ParameterDateError(EngineError, LookupError):
    """The assessed date falls before the first dated value of a parameter the rules need."""

    def __init__(
        self,
        locality: str,
        label: str,
        date: str,
        parameter: str,
        description: str | None,
        first_date: str | None,
    ) -> None:
        self.locality = locality
        self.date = date
        self.parameter = parameter
        self.first_date = first_date
        named = f"“{description}”（{parameter}）" if description else parameter
        if first_date and date < first_date:
            problem = f"早于{label}参数{named}的最早取值日期 {first_date}"
        else:
            problem = f"{label}参数{named}没有取值"
        super().__init__(f"评估日期 {date} {problem}，无法评估")


class ParameterDataError(EngineError, ValueError):
    """The parameter data (shipped YAML or administrator overrides) is structurally invalid."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"参数数据错误：{path}：{problem}")
