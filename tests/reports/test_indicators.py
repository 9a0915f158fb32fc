"""Every indicator on the hand-built data set, for a community, a street and the county."""

from datetime import date

import pytest

from quanke.reports import indicators as ind
from quanke.reports import selectors

TODAY = date(2026, 11, 23)

EXPECTED_A_MARCH = {
    "received": 9,
    "consultations": 1,
    "on_spot": 3,
    "routed": 4,
    "on_spot_rate": pytest.approx(33.3),
    "refused": 1,
    "finished": 4,  # 4, 5, 6 and 10 (accepted in February, closed in March)
    "finished_in_time": 2,
    "finished_late": 1,
    "in_time_rate": pytest.approx(66.7),  # 2 / 3: matter 6 has no deadline
    "avg_working_days": pytest.approx(4.5),  # (4 + 9 + 1 + 4) / 4
    "closed": 7,
    "avg_trips": pytest.approx(1.0),  # 7 trips / 7 closed
    "one_trip_rate": pytest.approx(85.7),  # 6 / 7
    "open_now": 2,
    "overdue_now": 1,  # the paused one is not overdue
}


def figures(actor, unit, period):
    return selectors.dashboard(actor=actor, unit=unit, period=period, today=TODAY)


def values(fig) -> dict:
    return {
        code: (float(v) if v is not None else None)
        for code, i in ind.by_code().items()
        if (v := fig.value(i)) is not None or True
    }


def test_every_matter_indicator_for_a_community(cast, hand):
    d = figures(cast.head_a, cast.community_a, hand.march)
    got = values(d.total)
    for code, expected in EXPECTED_A_MARCH.items():
        assert got[code] == expected, code
    assert {i.code for i in ind.MATTER_INDICATORS} <= set(EXPECTED_A_MARCH)


def test_previous_period_and_delta(cast, hand):
    d = figures(cast.head_a, cast.community_a, hand.march)
    rows = {r["indicator"].code: r for r in d.indicator_rows()}
    assert d.previous_period == hand.february
    assert rows["received"]["previous"] == 2  # matter 10 and the February on-the-spot one
    assert rows["received"]["delta"] == 7
    assert float(rows["received"]["pct"]) == 350.0
    assert rows["on_spot"]["previous"] == 1
    assert rows["overdue_now"]["previous"] is None  # live figures have no previous period


def test_street_and_county_are_sums_and_ratios_come_from_sums(cast, hand):
    street = figures(cast.admin, cast.street_1, hand.march)
    county = figures(cast.admin, cast.county, hand.march)
    codes = ind.by_code()
    assert street.total.value(codes["received"]) == 10
    assert street.total.value(codes["on_spot"]) == 4
    assert float(street.total.value(codes["on_spot_rate"])) == pytest.approx(40.0)
    assert county.total.value(codes["received"]) == 12
    assert county.total.value(codes["on_spot"]) == 6
    # 6/12 = 50%; the average of the communities' rates (33.3, 100, 100) would be 77.8
    assert float(county.total.value(codes["on_spot_rate"])) == pytest.approx(50.0)
    assert float(county.total.value(codes["one_trip_rate"])) == pytest.approx(9 / 10 * 100, abs=0.05)
    children = {f.unit.name: f.value(codes["received"]) for f in county.children}
    assert children == {"一街道": 10, "二街道": 2}


def test_late_evening_matter_counts_on_its_beijing_day(cast, hand):
    d = figures(cast.admin, cast.community_c, hand.march)
    assert d.total.value(ind.by_code()["received"]) == 2
    april = figures(
        cast.admin,
        cast.community_c,
        hand.march.previous().__class__("custom", date(2026, 4, 1), date(2026, 4, 1)),
    )
    assert april.total.value(ind.by_code()["received"]) == 0


def test_breakdowns_by_category_item_and_channel(cast, hand):
    b = figures(cast.head_a, cast.community_a, hand.march).breakdowns
    cats = {f.label: f.counts["received"] for f in b.by_category}
    assert cats == {"党务服务": 4, "基本公共服务": 5}
    items = {f.label: (f.counts["received"], f.counts["finished"]) for f in b.by_item}
    assert items == {"党员信息变更": (4, 0), "低保申请": (5, 4)}
    channels = {f.label: f.counts["received"] for f in b.by_channel}
    assert channels == {"窗口": 8, "电话": 1}


def test_workers_for_the_station_head(cast, hand):
    d = figures(cast.head_a, cast.community_a, hand.march)
    rows = {w["name"]: w for w in d.workers}
    assert rows["desk_a"]["received"] == 8 and rows["desk_a"]["on_spot"] == 2
    assert rows["head_a"]["received"] == 1
    assert rows["back_a"]["finished"] == 4


def test_every_indicator_has_a_definition_name_and_unit():
    for i in ind.INDICATORS:
        assert (
            i.name
            and i.definition
            and i.unit in {"件", "人次", "元", "%", "天", "次", "人", "户", "个", "场", "小时", "条", "户次"}
        )
