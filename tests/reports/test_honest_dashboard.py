"""Defect 12: a running period is compared with the same elapsed days of the one before (上月同期), days to come
are not plotted as zeros, and a change is coloured by whether it is good news (lower is better for durations)."""

import re
from datetime import date
from decimal import Decimal

from django.urls import reverse

from quanke.reports import indicators as ind
from quanke.reports import selectors
from quanke.reports.periods import Period, period_for
from tests.support import login

MARCH_2ND = date(2026, 3, 2)


def test_a_running_month_is_compared_with_the_same_days_of_last_month():
    march = period_for("month", MARCH_2ND)
    assert march.comparison(MARCH_2ND) == Period("month", date(2026, 2, 1), date(2026, 2, 2))
    assert march.comparison_name(MARCH_2ND) == "上月同期"
    assert march.comparison(MARCH_2ND).label == "2026-02-01 至 2026-02-02"
    # A finished month is compared with the whole month before.
    assert march.comparison(date(2026, 4, 1)) == period_for("month", date(2026, 2, 1))
    assert march.comparison_name(date(2026, 4, 1)) == "上月"
    # Day 31 of a running month against a 28-day February: all of February.
    assert march.comparison(date(2026, 3, 30)).end == date(2026, 2, 28)
    assert period_for("year", MARCH_2ND).comparison_name(MARCH_2ND) == "上年同期"


def test_dashboard_counts_the_comparison_over_the_elapsed_days_only(cast, hand):
    d = selectors.dashboard(actor=cast.head_a, unit=cast.community_a, period=hand.march, today=MARCH_2ND)
    assert d.previous_period == Period("month", date(2026, 2, 1), date(2026, 2, 2))
    assert d.comparison_name == "上月同期"
    same_days = selectors.dashboard(
        actor=cast.head_a,
        unit=cast.community_a,
        period=Period("custom", date(2026, 2, 1), date(2026, 2, 2)),
        today=date(2026, 11, 23),
    )
    rows = {r["indicator"].code: r for r in d.indicator_rows()}
    assert rows["received"]["previous"] == same_days.total.value(ind.by_code()["received"])
    whole = selectors.dashboard(
        actor=cast.head_a, unit=cast.community_a, period=hand.march, today=date(2026, 11, 23)
    )
    assert whole.previous_period == hand.february


def test_days_to_come_are_not_plotted_as_zeros(cast, hand):
    d = selectors.dashboard(actor=cast.head_a, unit=cast.community_a, period=hand.march, today=MARCH_2ND)
    by_label = {p["label"]: p for p in d.trend}
    assert by_label["03-01"]["received"] == 0
    assert by_label["03-02"]["received"] == 2  # matters 1 and 4
    assert all(by_label[f"03-{n:02d}"]["received"] is None for n in range(3, 32))


def test_a_falling_duration_is_good_news_and_a_falling_count_is_not():
    codes = ind.by_code()
    now = selectors.Figures(
        unit=None,
        label="",
        counts={"working_days": 4, "finished": 2, "received": 5},
        previous={"working_days": 9, "finished": 2, "received": 8},
    )
    avg = now.row(codes["avg_working_days"])
    assert avg["delta"] == Decimal("-2.5") and avg["good"] is True
    received = now.row(codes["received"])
    assert received["delta"] == -3 and received["good"] is False
    assert codes["avg_working_days"].lower_is_better and not codes["received"].lower_is_better


def test_dashboard_names_the_comparison_and_colours_changes_by_good_news(client, cast, hand):
    login(client, cast.head_a)
    html = client.get(reverse("reports:dashboard") + "?period=month&anchor=2026-03-01").content.decode()
    card = re.search(r'<div class="kpi-name">受理办件</div>.*?</div>\s*</div>', html, re.S).group(0)
    assert "上月 2" in card and 'class="delta good"' in card  # 9 against February's 2: good news
    assert "delta down" not in html and "delta up" not in html


SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def test_definitions_page_and_sheet_name_no_database_fields(client, cast, hand):
    login(client, cast.head_a)
    html = client.get(reverse("reports:definitions")).content.decode()
    body = re.sub(r"<[^>]+>", " ", html[html.index("<main>") :])
    assert SNAKE.findall(body) == []
    assert "受理时间（北京时间）" in body
    for i in ind.INDICATORS:
        assert SNAKE.findall(i.definition) == [], i.code
