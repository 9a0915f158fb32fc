"""Deadlines on the official calendar. 2025 National Day: 1–8 October off; Sunday 28 September and Saturday
11 October are make-up working days (国办发明电〔2024〕12号)."""

from datetime import date

from quanke.core import workdays
from quanke.core.models import CalendarDay, CalendarYear


def test_2025_national_day_schedule_is_seeded(db):
    assert workdays.is_workday(date(2025, 9, 28))  # Sunday, make-up
    assert workdays.is_workday(date(2025, 10, 11))  # Saturday, make-up
    assert not any(workdays.is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert not workdays.is_workday(date(2025, 9, 27))  # an ordinary Saturday


def test_deadline_across_national_day(db):
    # Accepted Friday 26 Sept; working days: 28 (Sun), 29, 30 Sept, 9, 10, 11 (Sat) Oct, 13 Oct ...
    assert workdays.add_working_days(date(2025, 9, 26), 1).date == date(2025, 9, 28)
    assert workdays.add_working_days(date(2025, 9, 26), 3).date == date(2025, 9, 30)
    assert workdays.add_working_days(date(2025, 9, 26), 4).date == date(2025, 10, 9)
    deadline = workdays.add_working_days(date(2025, 9, 26), 6)
    assert deadline.date == date(2025, 10, 11) and not deadline.estimated
    assert workdays.add_working_days(date(2025, 9, 26), 7).date == date(2025, 10, 13)


def test_zero_days_is_the_same_day(db):
    assert workdays.add_working_days(date(2025, 10, 3), 0).date == date(2025, 10, 3)


def test_working_days_between(db):
    assert workdays.working_days_between(date(2025, 9, 26), date(2025, 10, 13)) == 7
    assert workdays.working_days_between(date(2025, 10, 13), date(2025, 9, 26)) == -7


def test_beyond_known_calendar_falls_back_to_weekends_and_says_so(db):
    last = max(CalendarYear.objects.values_list("year", flat=True))
    start = date(last, 12, 30)
    deadline = workdays.add_working_days(start, 5)
    assert deadline.estimated
    assert deadline.date.year == last + 1 and deadline.date.weekday() < 5


def test_admin_can_add_next_years_schedule(db):
    CalendarYear.objects.create(year=2027, source="国务院办公厅通知")
    CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
    # Thursday 31 Dec 2026 + 1 working day skips the new holiday on Friday 1 Jan 2027 to Monday 4 Jan.
    deadline = workdays.add_working_days(date(2026, 12, 31), 1)
    assert deadline.date == date(2027, 1, 4)
    assert not deadline.estimated


def _official_days_off(year):
    """chinese-calendar's official days off in `year`, less the 调休 days moved from a working weekend."""
    import chinese_calendar

    return {d for d in chinese_calendar.holidays if d.year == year and d not in chinese_calendar.in_lieu_days}


def test_statutory_fallback_matches_the_official_schedules_of_2025_and_2026():
    for year in (2025, 2026):
        fallback = workdays.statutory_holidays(year)
        assert len(fallback) == 13  # 元旦 1, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3
        assert set(fallback) <= _official_days_off(year)
        # The official weekdays off beyond the fallback are only 补休 for a holiday that fell on a weekend.
        extra = {d for d in _official_days_off(year) - set(fallback) if d.weekday() < 5}
        assert extra == {date(2025, 6, 2)} if year == 2025 else {date(2026, 4, 6)}
    assert sorted(workdays.statutory_holidays(2026)) == [
        date(2026, 1, 1),
        *(date(2026, 2, d) for d in (16, 17, 18, 19)),  # 除夕 to 初三
        date(2026, 4, 5),
        date(2026, 5, 1),
        date(2026, 5, 2),
        date(2026, 6, 19),
        date(2026, 9, 25),
        *(date(2026, 10, d) for d in (1, 2, 3)),
    ]


def test_statutory_fallback_computes_any_year():
    days = workdays.statutory_holidays(2031)
    assert days[date(2031, 1, 22)] == "春节"  # 除夕: the lunar new year of 2031 falls on 23 January
    assert [d for d, n in days.items() if n == "春节"] == [date(2031, 1, d) for d in (22, 23, 24, 25)]
    assert days[date(2031, 4, 5)] == "清明节"
    assert days[date(2031, 6, 24)] == "端午节"
    assert days[date(2031, 10, 1)] == "国庆节、中秋节"  # they coincide that year


def test_deadline_after_the_known_years_skips_the_new_years_holiday_and_stays_estimated(db):
    assert max(CalendarYear.objects.values_list("year", flat=True)) == 2026
    deadline = workdays.add_working_days(date(2026, 12, 31), 1)
    assert deadline.date == date(2027, 1, 4)  # Fri 1 Jan 2027 元旦, then the weekend
    assert deadline.estimated
    # 春节 2027: 除夕 Fri 5 Feb to 初三 Mon 8 Feb.
    assert workdays.add_working_days(date(2027, 2, 4), 1).date == date(2027, 2, 9)
    assert not workdays.is_workday(date(2027, 10, 1))
