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
