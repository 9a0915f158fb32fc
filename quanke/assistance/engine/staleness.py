"""Stale parameters: an assessment that relied on a periodically revised value long after its newest date says so.

A parameter is revised periodically when its metadata carries ``stale_after_months`` (the 低保 standards, adjusted
by yearly announcements). Rule thresholds (ages, multiples, disability grades) carry none: they hold until the
rule itself changes, so their age alone says nothing. "Used" means read by a formula in this assessment's
OpenFisca trace; of the values split by 户籍 (``dibao.standard.urban``/``rural``) only the household's own counts.
When the assessed date is more than ``stale_after_months`` after the newest dated value of such a parameter, the
assessment still uses that value (it is the latest known) and adds a plain-Chinese warning naming it.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from .system import LocalitySystems
from .variables import Hukou

STALE_KEY = "stale_after_months"
_HUKOU_NAMES = frozenset(member.name for member in Hukou)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def used_parameters(tracer: Any, hukou: str | None = None) -> set[str]:
    """Names of the parameters the traced formulas read (only ``hukou``'s branch of a 户籍 split)."""
    names = {access.name for node in tracer.browse_trace() for access in node.parameters}
    if hukou is None:
        return names
    return {
        name for name in names if name.rsplit(".", 1)[-1] not in _HUKOU_NAMES or name.endswith(f".{hukou}")
    }


def stale_warnings(systems: LocalitySystems, locality: str, date: str, names: set[str]) -> list[str]:
    """One sentence per periodically revised parameter in ``names`` whose newest value is too old for ``date``."""
    place = systems.get(locality)
    assessed = datetime.date.fromisoformat(date)
    found: dict[tuple[str, str], str] = {}
    for name in sorted(names):
        parameter = systems.parameter(locality, name)
        months = (getattr(parameter, "metadata", None) or {}).get(STALE_KEY)
        if not months:
            continue
        entries = [entry for entry in parameter.values_list if entry.value is not None]  # newest first
        if not entries:
            continue
        latest = entries[0]
        if assessed <= add_months(datetime.date.fromisoformat(latest.instant_str), int(months)):
            continue
        description = parameter.description or name
        key = (description, latest.instant_str)
        if key in found:  # one standard exposed under both 户籍 keys
            continue
        found[key] = (
            f"{place.label}{description}的最新取值为 {latest.value:g}，自 {latest.instant_str} 起执行；"
            f"评估日期 {date} 距该日期已超过 {int(months)} 个月，系统中没有更新的取值。"
            f"本次评估仍按该取值计算，请核实当地是否已公布新标准。"
        )
    return list(found.values())


def revised_parameters(systems: LocalitySystems, locality: str) -> set[str]:
    """Every periodically revised parameter of the locality: what any assessment there may use (the desk's view)."""
    root = systems.get(locality).tax_benefit_system.parameters
    return {
        node.name
        for node in root.get_descendants()
        if not hasattr(node, "children") and (getattr(node, "metadata", None) or {}).get(STALE_KEY)
    }
