"""Plain-Chinese explanations built from an OpenFisca trace.

Nothing here decides eligibility: every outcome, resident value and parameter value is read from the
trace nodes recorded while the formulas ran (``simulation.trace = True``). This module only knows how
to word each condition variable, and looks up the date each traced parameter value took effect in the
parameter's ``values_list``.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from openfisca_core.indexed_enums import EnumArray

from .system import LocalitySystems
from .variables import CARE_AMOUNT_KEYS, GAOLING_BANDS, DisabilityKind

NOT_LOCAL = "非本地户籍，不计入保障人口"
TEKUN_NOT_COVERED = "已符合特困供养条件，不重复计入低保保障人口"
LOCAL_AMOUNT = "补贴标准由当地确定"


def yuan(amount: float) -> str:
    """Format yuan with two decimals, rounding half up like the amounts themselves."""
    return str(Decimal(repr(float(amount))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _number(value: float) -> str:
    return f"{value:g}"


def _verdict(ok: bool) -> str:
    return "符合" if ok else "不符合"


class TraceReader:
    """Index of the first (computing) trace node of each variable."""

    def __init__(self, tracer: Any) -> None:
        self._nodes: dict[str, Any] = {}
        # Pre-order traversal is chronological, so the first node of a name is the one whose
        # formula ran and recorded the parameter lookups; later ones are cache hits.
        for node in tracer.browse_trace():
            self._nodes.setdefault(node.name, node)

    def _node(self, variable: str) -> Any:
        try:
            return self._nodes[variable]
        except KeyError:
            raise RuntimeError(f"variable {variable!r} missing from the trace") from None

    def value(self, variable: str, index: int) -> Any:
        values = self._node(variable).value
        if isinstance(values, EnumArray):
            return values.decode_to_str()[index]
        return values[index].item()

    def parameters(self, variable: str) -> dict[str, Any]:
        return {access.name: access.value for access in self._node(variable).parameters}


class Explainer:
    """Words the traced conditions of one household and its members."""

    def __init__(
        self,
        systems: LocalitySystems,
        locality: str,
        date: str,
        trace: TraceReader,
        member_ids: list[str] | None = None,
        member_labels: list[str | None] | None = None,
    ) -> None:
        self.member_ids = member_ids or []
        self.member_labels = member_labels or []
        self.systems = systems
        self.locality = locality
        self.place = systems.get(locality)
        self.date = date
        self.trace = trace
        self.h = 0  # the single household of an individual assessment

    # --- shared pieces ---------------------------------------------------------------------------

    def _param(self, variable: str, name: str) -> tuple[Any, str]:
        """Traced value of parameter ``name`` read by ``variable``'s formula, and its source text."""
        value = self.trace.parameters(variable)[name]
        info = self.systems.parameter_value(self.locality, name, self.date)
        source = f"{self.systems.source_label(self.locality, info)}，{info.start} 起执行"
        return value, source

    def _hv(self, variable: str) -> Any:
        return self.trace.value(variable, self.h)

    def _standard(self) -> tuple[str, str, str]:
        """(label, formatted value, source) of the 低保 standard applied to the household."""
        hukou = self._hv("hukou")
        value, source = self._param("dibao_standard_cents", f"dibao.standard.{hukou}")
        if self.place.distinguishes_hukou:
            label = "城市低保标准" if hukou == "urban" else "农村低保标准"
        else:
            label = "低保标准"
        return label, yuan(value), source

    def _per_capita(self) -> str:
        # Truncated, not rounded, when inexact: keeps "<"/"≥" against a standard in whole cents true.
        total = self._hv("household_income_cents")
        size = self._hv("household_size")
        text = str((Decimal(total) / size / 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN))
        return text if total % size == 0 else f"约 {text}"

    def _upper_limit(self) -> tuple[str, str, str]:
        multiple, source = self._param("dibao_edge_upper_limit_cents", "dibao_edge.upper_multiple")
        return yuan(self._hv("dibao_edge_upper_limit_cents") / 100), _number(multiple), source

    def _assets_line(self) -> str:
        if self._hv("assets_within_limits"):
            return "家庭财产在当地规定的限额内：符合"
        return "家庭财产超出当地规定的限额：不符合"

    def _income_text(self) -> str:
        ok = self._hv("dibao_income_below_standard")
        label, standard, source = self._standard()
        sign = "<" if ok else "≥"
        return f"家庭人均月收入 {self._per_capita()} 元 {sign} {label} {standard} 元（{source}）"

    def _income_line(self) -> str:
        return f"{self._income_text()}：{_verdict(self._hv('dibao_income_below_standard'))}"

    def _dibao_failures(self) -> list[str]:
        failed = []
        if not self._hv("assets_within_limits"):
            failed.append("家庭财产在当地规定的限额内")
        if not self._hv("dibao_income_below_standard"):
            failed.append("家庭人均月收入低于低保标准")
        if not self._hv("dibao_covered_count"):
            failed.append("至少一名家庭成员计入低保保障人口")
        return failed

    def cover_reason(self, i: int) -> str | None:
        """Why member ``i`` is not counted in the 低保 cover (None when counted)."""
        if not self.trace.value("hukou_local", i):
            return NOT_LOCAL
        if self.trace.value("tekun_eligible", i):
            return TEKUN_NOT_COVERED
        return None

    def _member_label(self, i: int) -> str:
        if i < len(self.member_labels) and self.member_labels[i]:
            return self.member_labels[i]
        return f"成员 {self.member_ids[i]}" if i < len(self.member_ids) else f"第 {i + 1} 名成员"

    def _cover_line(self) -> str:
        size = self._hv("household_size")
        covered = self._hv("dibao_covered_count")
        excluded = [
            f"{self._member_label(i)}：{reason}"
            for i in range(size)
            if (reason := self.cover_reason(i)) is not None
        ]
        line = f"低保保障人口 {covered} 人（本地户籍且不属特困供养的家庭成员）"
        if excluded:
            line += "；" + "；".join(excluded)
        # Incomes of excluded members still count: the household is assessed as it lives together.
        if covered != size:
            line += f"；家庭人均月收入仍按共同生活的 {size} 人计算"
        return f"{line}：{_verdict(covered > 0)}"

    def _hukou_line(self, i: int) -> str:
        if self.trace.value("hukou_local", i):
            return "本地户籍：符合"
        return "非本地户籍：不符合（须在户籍所在地申请）"

    def _grade_text(self, variable: str, prefix: str, index: int, scope: str) -> str:
        kind = self.trace.value("disability_kind", index)
        grade = self.trace.value("disability_grade", index)
        if kind == DisabilityKind.none.name:
            return "无残疾"
        kind_label = DisabilityKind[kind].value
        limit, source = self._param(variable, f"{prefix}.{kind}")
        if limit == 0:
            return f"{kind_label} {grade} 级，该类别不属于{scope}（{source}）"
        allowed = "1 级" if limit == 1 else f"1–{limit} 级"
        if self.trace.value(variable, index):
            return f"{kind_label} {grade} 级，属于{scope}（{kind_label} {allowed}，{source}）"
        return f"{kind_label} {grade} 级，不属于{scope}（{kind_label}限 {allowed}，{source}）"

    # --- household programmes --------------------------------------------------------------------

    def dibao(self) -> list[str]:
        size = self._hv("household_size")
        total = yuan(self._hv("household_income_cents") / 100)
        lines = [
            f"家庭共 {size} 人，月收入合计 {total} 元",
            self._assets_line(),
            self._income_line(),
            self._cover_line(),
        ]
        if self._hv("dibao_eligible"):
            label, standard, _ = self._standard()
            amount = yuan(self._hv("dibao_monthly_amount_cents") / 100)
            covered = self._hv("dibao_covered_count")
            exact = self._hv("household_income_cents") % size == 0
            if covered == size and exact:
                formula = f"（{label} {standard} 元 − 家庭人均月收入 {self._per_capita()} 元）× {size} 人"
            elif covered == size:
                formula = f" {label} {standard} 元 × {size} 人 − 家庭月收入合计 {total} 元"
            else:
                formula = (
                    f"（{label} {standard} 元 − 家庭人均月收入 {self._per_capita()} 元）× 保障人口 {covered} 人"
                    + ("" if exact else "（按分四舍五入）")
                )
            lines.append(f"符合低保条件：月低保金 ={formula} = {amount} 元")
        else:
            lines.append(f"不符合低保条件（未满足：{'、'.join(self._dibao_failures())}），月低保金 0.00 元")
        if self._hv("receiving_dibao"):
            lines.append(self._gradual_exit_line())
        return lines

    def _gradual_exit_line(self) -> str:
        label, standard, _ = self._standard()
        upper, multiple, multiple_source = self._upper_limit()
        per_capita = self._per_capita()
        if self._hv("gradual_exit"):
            months, months_source = self._param("gradual_exit_months", "gradual_exit.duration_months")
            return (
                f"家庭正在享受低保，人均月收入 {per_capita} 元已不低于{label} {standard} 元、"
                f"低于其 {multiple} 倍 {upper} 元（{multiple_source}）：适用渐退，"
                f"可继续享受低保 {months} 个月（{months_source}）"
            )
        if self._hv("dibao_eligible"):
            return "家庭正在享受低保且仍符合低保条件：不适用渐退，继续享受低保"
        if self._hv("dibao_income_below_standard"):
            return "家庭正在享受低保，但家庭财产超出当地规定的限额：不适用渐退"
        return (
            f"家庭正在享受低保，人均月收入 {per_capita} 元 ≥ {label}的 {multiple} 倍 {upper} 元"
            f"（{multiple_source}）：不适用渐退"
        )

    def dibao_edge(self) -> list[str]:
        label, standard, source = self._standard()
        upper, multiple, multiple_source = self._upper_limit()
        per_capita = self._per_capita()
        lower_ok = not self._hv("dibao_income_below_standard")
        upper_ok = self._hv("dibao_edge_income_below_upper")
        lower_line = (
            f"人均月收入不低于{label}：家庭人均月收入 {per_capita} 元 {'≥' if lower_ok else '<'} "
            f"{label} {standard} 元（{source}）：{_verdict(lower_ok)}"
        )
        upper_line = (
            f"人均月收入低于低保边缘收入上限：家庭人均月收入 {per_capita} 元 {'<' if upper_ok else '≥'} "
            f"低保边缘收入上限 {upper} 元（{label} × {multiple} 倍，倍数为{multiple_source}）："
            f"{_verdict(upper_ok)}"
        )
        local_ok = self._hv("has_local_member")
        local_line = (
            "至少一名家庭成员为本地户籍：符合"
            if local_ok
            else "家庭成员均非本地户籍，无人可在本地认定：不符合"
        )
        lines = [self._assets_line(), lower_line, upper_line, local_line]
        if self._hv("dibao_edge_eligible"):
            lines.append("符合低保边缘家庭条件")
        else:
            failed = []
            if not self._hv("assets_within_limits"):
                failed.append("家庭财产在当地规定的限额内")
            if not lower_ok:
                failed.append("家庭人均月收入不低于低保标准")
            if not upper_ok:
                failed.append("家庭人均月收入低于低保边缘收入上限")
            if not local_ok:
                failed.append("至少一名家庭成员为本地户籍")
            lines.append(f"不符合低保边缘家庭条件（未满足：{'、'.join(failed)}）")
        return lines

    # --- member programmes -----------------------------------------------------------------------

    def tekun(self, i: int) -> list[str]:
        value = self.trace.value
        age = value("age", i)
        elderly_age, elderly_source = self._param("tekun_elderly", "tekun.no_work_capacity.elderly_age")
        minor_age, minor_source = self._param("tekun_minor", "tekun.no_work_capacity.minor_age")
        if value("tekun_elderly", i):
            age_text = f"年龄 {age} 周岁 ≥ {elderly_age} 周岁（{elderly_source}）"
        elif value("tekun_minor", i):
            age_text = f"年龄 {age} 周岁 < {minor_age} 周岁（{minor_source}）"
        else:
            age_text = (
                f"年龄 {age} 周岁，不满 {elderly_age} 周岁（{elderly_source}）"
                f"且已满 {minor_age} 周岁（{minor_source}）"
            )
        disability_text = self._grade_text(
            "tekun_disability_no_work_capacity",
            "tekun.no_work_capacity.disability_max_grade",
            i,
            "无劳动能力认定范围",
        )
        capacity_ok = value("tekun_no_work_capacity", i)
        income_ok = value("tekun_income_below_standard", i)
        label, standard, source = self._standard()
        income = yuan(value("monthly_income_cents", i) / 100)
        no_supporter = not value("has_capable_supporter", i)
        assets_ok = self._hv("assets_within_limits")
        income_line = (
            f"本人月收入 {income} 元 {'<' if income_ok else '≥'} {label} {standard} 元（{source}）："
            f"{_verdict(income_ok)}"
        )
        lines = [
            f"无劳动能力：{age_text}；{disability_text}：{_verdict(capacity_ok)}",
            income_line,
            self._assets_line(),
            "无具备赡养、抚养、扶养能力的法定义务人：符合"
            if no_supporter
            else "有具备赡养、抚养、扶养能力的法定义务人：不符合",
            self._hukou_line(i),
        ]
        local_ok = value("hukou_local", i)
        if value("tekun_eligible", i):
            multiple, multiple_source = self._param(
                "tekun_basic_living_standard_cents", "tekun.basic_living_multiple"
            )
            basic = yuan(value("tekun_monthly_basic_cents", i) / 100)
            lines.append(
                f"符合特困人员供养条件：基本生活标准 = {label} {standard} 元 × {_number(multiple)} 倍"
                f"（{multiple_source}）= {basic} 元/月"
            )
        else:
            failed = [
                text
                for text, ok in (
                    ("无劳动能力", capacity_ok),
                    ("本人月收入低于低保标准", income_ok),
                    ("家庭财产在当地规定的限额内", assets_ok),
                    ("无具备履行能力的法定义务人", no_supporter),
                    ("本地户籍", local_ok),
                )
                if not ok
            ]
            lines.append(f"不符合特困人员供养条件（未满足：{'、'.join(failed)}），基本生活费 0.00 元")
        return lines

    def gaoling(self, i: int) -> list[str]:
        traced = self.trace.parameters("gaoling_monthly_amount_cents")
        if not traced:
            return [f"{self.place.label}在 {self.date} 无高龄津贴参数（本地区未设定高龄津贴）：不符合"]
        age = self.trace.value("age", i)
        band = self.trace.value("gaoling_age_band", i)
        if band > 0 and not self.trace.value("hukou_local", i):
            return [f"年龄 {age} 周岁，但非本地户籍（高龄津贴在户籍所在地申领）：不符合"]
        if self.trace.value("gaoling_eligible", i):
            key, _, band_label = GAOLING_BANDS[band - 1]
            amount, source = self._param("gaoling_monthly_amount_cents", f"gaoling.amount.{key}")
            return [
                f"年龄 {age} 周岁，属 {band_label}档：高龄津贴 {yuan(amount)} 元/月（{source}）：符合",
            ]
        key, lowest, band_label = GAOLING_BANDS[0]
        amount, source = self._param("gaoling_monthly_amount_cents", f"gaoling.amount.{key}")
        lowest_band = f"高龄津贴起始档 {band_label}，{yuan(amount)} 元/月"
        return [f"年龄 {age} 周岁 < {lowest} 周岁（{lowest_band}，{source}）：不符合"]

    def _disability_status_line(self, i: int) -> str:
        if self.trace.value("has_disability", i):
            kind = DisabilityKind[self.trace.value("disability_kind", i)].value
            return f"残疾状况：{kind} {self.trace.value('disability_grade', i)} 级：符合"
        return "残疾状况：无残疾：不符合"

    def _amount_text(self, variable: str, name: str, i: int) -> str:
        if not self.trace.parameters(variable):
            return f"{self.place.label}未设定补贴金额，{LOCAL_AMOUNT}"
        _value, source = self._param(variable, name)
        return f"补贴 {yuan(self.trace.value(variable, i) / 100)} 元/月（{source}）"

    def disability_living(self, i: int) -> list[str]:
        has_disability = self.trace.value("has_disability", i)
        dibao_ok = self._hv("dibao_eligible")
        if dibao_ok:
            household_line = f"家庭符合低保条件：{self._income_text()}，家庭财产在限额内：符合"
        else:
            reasons = []
            if not self._hv("assets_within_limits"):
                reasons.append("家庭财产超出当地规定的限额")
            if not self._hv("dibao_income_below_standard"):
                reasons.append(self._income_text())
            household_line = f"家庭不符合低保条件：{'；'.join(reasons)}：不符合"
        reason = self.cover_reason(i)
        covered = reason is None
        cover_line = "计入低保保障人口：符合" if covered else f"{reason}：不符合"
        lines = [self._disability_status_line(i), cover_line, household_line]
        if self.trace.value("disability_living_eligible", i):
            lines.append(
                "符合困难残疾人生活补贴条件："
                + self._amount_text("disability_living_monthly_amount_cents", "disability_living.amount", i)
            )
        else:
            failed = [
                text
                for text, ok in (
                    ("有残疾", has_disability),
                    ("计入低保保障人口", covered),
                    ("家庭符合低保条件", dibao_ok),
                )
                if not ok
            ]
            lines.append(f"不符合困难残疾人生活补贴条件（未满足：{'、'.join(failed)}）")
        return lines

    def disability_care(self, i: int) -> list[str]:
        care = self.trace.value("needs_long_term_care", i)
        in_scope = self.trace.value("disability_care_grade_in_scope", i)
        grade_text = self._grade_text(
            "disability_care_grade_in_scope", "disability_care.max_grade", i, "重度残疾人护理补贴范围"
        )
        local_ok = self.trace.value("hukou_local", i)
        lines = [
            "需要长期照护：符合" if care else "不需要长期照护：不符合",
            f"残疾状况：{grade_text}：{_verdict(in_scope)}",
            self._hukou_line(i),
        ]
        if self.trace.value("disability_care_eligible", i):
            key = CARE_AMOUNT_KEYS[0] if self.trace.value("disability_grade", i) == 1 else CARE_AMOUNT_KEYS[1]
            lines.append(
                "符合重度残疾人护理补贴条件："
                + self._amount_text(
                    "disability_care_monthly_amount_cents", f"disability_care.amount.{key}", i
                )
            )
        else:
            failed = [
                text
                for text, ok in (
                    ("需要长期照护", care),
                    ("残疾类别与等级在护理补贴范围内", in_scope),
                    ("本地户籍", local_ok),
                )
                if not ok
            ]
            lines.append(f"不符合重度残疾人护理补贴条件（未满足：{'、'.join(failed)}）")
        return lines
