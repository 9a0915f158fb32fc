"""Stale parameters: an assessment long after the newest 低保 standard says so, naming it and its date."""

from quanke.assistance.engine import assess_household

from .test_engine_assess_household import household


def test_beijing_2026_assessment_warns_that_the_2023_standard_is_the_latest():
    result = assess_household(household(date="2026-03-01"))
    assert len(result["warnings"]) == 1
    warning = result["warnings"][0]
    assert "北京市低保标准" in warning
    assert "2023-07-01" in warning
    assert "1395" in warning
    # The amount is still computed with the latest known value.
    assert result["standard"] == 1395


def test_assessment_within_twelve_months_of_the_latest_standard_has_no_warning():
    assert assess_household(household(date="2024-07-01"))["warnings"] == []
    assert assess_household(household(date="2023-07-01"))["warnings"] == []


def test_warning_starts_the_day_after_twelve_months():
    assert assess_household(household(date="2024-07-02"))["warnings"] != []


def test_chongqing_warns_only_about_the_standard_of_the_households_hukou():
    rural = assess_household(household(locality="chongqing", hukou="rural", date="2025-01-01"))
    assert len(rural["warnings"]) == 1
    assert "农村低保标准" in rural["warnings"][0] and "2023-09-01" in rural["warnings"][0]
    urban = assess_household(household(locality="chongqing", hukou="urban", date="2025-01-01"))
    assert len(urban["warnings"]) == 1 and "城市低保标准" in urban["warnings"][0]


def test_a_later_dated_value_from_the_administrator_clears_the_warning():
    overrides = {"localities": {"beijing": {"dibao": {"standard": {"values": {"2025-07-01": 1470}}}}}}
    result = assess_household(household(date="2026-03-01"), parameters=overrides)
    assert result["warnings"] == []
    assert result["standard"] == 1470


def test_rule_thresholds_never_warn_however_old():
    # Ages, multiples and grades date from 2014/2016 and are read by every assessment; only revised amounts warn.
    result = assess_household(household(date="2024-06-30"))
    assert result["warnings"] == []
