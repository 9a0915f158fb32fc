from datetime import date

import pytest
from django.core.exceptions import ValidationError

from quanke.reports.periods import Period, parse_period, period_for


@pytest.mark.parametrize(
    "kind, anchor, start, end",
    [
        ("day", date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 1)),
        ("week", date(2026, 11, 25), date(2026, 11, 23), date(2026, 11, 29)),
        ("month", date(2024, 2, 10), date(2024, 2, 1), date(2024, 2, 29)),
        ("quarter", date(2026, 11, 23), date(2026, 10, 1), date(2026, 12, 31)),
        ("year", date(2026, 6, 1), date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_period_bounds(kind, anchor, start, end):
    p = period_for(kind, anchor)
    assert (p.start, p.end) == (start, end)


@pytest.mark.parametrize(
    "kind, anchor, prev_start, prev_end",
    [
        ("day", date(2026, 3, 1), date(2026, 2, 28), date(2026, 2, 28)),
        ("week", date(2026, 11, 25), date(2026, 11, 16), date(2026, 11, 22)),
        ("month", date(2026, 3, 31), date(2026, 2, 1), date(2026, 2, 28)),
        ("month", date(2026, 1, 15), date(2025, 12, 1), date(2025, 12, 31)),
        ("quarter", date(2026, 2, 1), date(2025, 10, 1), date(2025, 12, 31)),
        ("year", date(2026, 6, 1), date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_previous_period(kind, anchor, prev_start, prev_end):
    prev = period_for(kind, anchor).previous()
    assert (prev.start, prev.end) == (prev_start, prev_end)


def test_custom_previous_has_the_same_length():
    p = Period("custom", date(2026, 3, 10), date(2026, 3, 19))
    assert (p.previous().start, p.previous().end) == (date(2026, 2, 28), date(2026, 3, 9))


def test_parse_defaults_to_this_month():
    p = parse_period({}, today=date(2026, 11, 23))
    assert (p.kind, p.start, p.end, p.label) == ("month", date(2026, 11, 1), date(2026, 11, 30), "2026年11月")


@pytest.mark.parametrize(
    "params, message",
    [
        ({"period": "fortnight"}, "未知的统计周期"),
        ({"period": "custom", "start": "2026-03-10"}, "结束日期"),
        ({"period": "custom", "start": "2026-03-10", "end": "2026-03-01"}, "不能早于"),
        ({"period": "month", "anchor": "2026-13-01"}, "格式不正确"),
    ],
)
def test_bad_parameters_get_chinese_errors(params, message):
    with pytest.raises(ValidationError) as exc:
        parse_period(params, today=date(2026, 11, 23))
    assert message in exc.value.messages[0]
