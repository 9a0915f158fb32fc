"""Reporting periods: day, week (Monday–Sunday), month, quarter, year or a custom range, each with the
period just before it for comparison."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KINDS = ("day", "week", "month", "quarter", "year", "custom")
MAX_CUSTOM_DAYS = 3660


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole(self) -> bool:
        """False for the first days of a week, month, quarter or year (a like-for-like comparison period)."""
        return self.kind in ("day", "custom") or self.end == period_for(self.kind, self.start).end

    @property
    def label(self) -> str:
        if not self.whole:
            return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"
        if self.kind == "day":
            return self.start.strftime("%Y年%m月%d日")
        if self.kind == "month":
            return self.start.strftime("%Y年%m月")
        if self.kind == "quarter":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        if self.kind == "year":
            return f"{self.start.year}年"
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"

    def previous(self) -> "Period":
        if self.kind in ("day", "week", "custom"):
            return Period(self.kind, self.start - timedelta(days=self.days), self.start - timedelta(days=1))
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return period_for(self.kind, _add_months(self.start, -months))

    def comparison(self, today: date) -> "Period":
        """The period to compare with: the previous one, cut to as many days as have passed of this one while
        this one is still running — the first 2 days of last month for a month 2 days old (上月同期), never the
        whole of last month against 2 days."""
        before = self.previous()
        if not (self.start <= today < self.end):
            return before
        elapsed = (today - self.start).days + 1
        return Period(before.kind, before.start, min(before.end, before.start + timedelta(days=elapsed - 1)))

    def comparison_name(self, today: date) -> str:
        """上月 or 上月同期 (and so on for the other kinds)."""
        name = {
            "day": _("前一日"),
            "week": _("上周"),
            "month": _("上月"),
            "quarter": _("上季度"),
            "year": _("上年"),
        }
        base = name.get(self.kind, _("上一时段"))
        return base if self.comparison(today).days == self.previous().days else _("%(p)s同期") % {"p": base}


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_for(kind: str, anchor: date) -> Period:
    """The period of `kind` that contains `anchor`."""
    if kind == "day":
        return Period(kind, anchor, anchor)
    if kind == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return Period(kind, start, start + timedelta(days=6))
    if kind == "month":
        start = anchor.replace(day=1)
        return Period(kind, start, _add_months(start, 1) - timedelta(days=1))
    if kind == "quarter":
        start = date(anchor.year, (anchor.month - 1) // 3 * 3 + 1, 1)
        return Period(kind, start, _add_months(start, 3) - timedelta(days=1))
    if kind == "year":
        return Period(kind, date(anchor.year, 1, 1), date(anchor.year, 12, 31))
    raise ValidationError(_("未知的统计周期：%(k)s") % {"k": kind})


def parse_period(params, *, today: date) -> Period:
    """From request parameters: kind, anchor date (default today), or start/end for a custom range."""
    kind = params.get("period") or "month"
    if kind not in KINDS:
        raise ValidationError(_("未知的统计周期：%(k)s") % {"k": kind})

    def day(name, default=None):
        raw = params.get(name) or ""
        if not raw:
            if default is None:
                raise ValidationError(
                    _("请填写%(f)s。") % {"f": {"start": "开始日期", "end": "结束日期"}.get(name, name)}
                )
            return default
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(_("日期“%(v)s”格式不正确，应为 YYYY-MM-DD。") % {"v": raw}) from None

    if kind == "custom":
        start, end = day("start"), day("end")
        if end < start:
            raise ValidationError(_("结束日期不能早于开始日期。"))
        if (end - start).days >= MAX_CUSTOM_DAYS:
            raise ValidationError(_("自定义周期不能超过10年。"))
        return Period("custom", start, end)
    return period_for(kind, day("anchor", today))
