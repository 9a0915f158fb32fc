"""Working days on the official calendar: Monday–Friday, minus public holidays, plus make-up working weekends.

Exceptions live in the database (seeded from the chinese-calendar package, editable in the admin). Dates in a
year with no known schedule fall back to plain weekends, and the result says so.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class WorkCalendar:
    exceptions: dict  # date -> is_workday
    known_years: frozenset

    def is_known(self, day: date) -> bool:
        return day.year in self.known_years

    def is_workday(self, day: date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def add_working_days(self, start: date, days: int) -> "Deadline":
        """The date `days` working days after `start` (the start day itself does not count)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        current, remaining, estimated = start, days, not self.is_known(start)
        while remaining > 0:
            current += timedelta(days=1)
            estimated = estimated or not self.is_known(current)
            if self.is_workday(current):
                remaining -= 1
        return Deadline(current, estimated)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count


@dataclass(frozen=True)
class Deadline:
    date: date
    estimated: bool  # True when part of the span lies beyond the known holiday schedule


@lru_cache(maxsize=1)
def _calendar() -> WorkCalendar:
    from quanke.core.models import CalendarDay, CalendarYear

    exceptions = dict(CalendarDay.objects.values_list("date", "is_workday"))
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    return WorkCalendar(exceptions=exceptions, known_years=years)


def calendar() -> WorkCalendar:
    return _calendar()


def invalidate() -> None:
    _calendar.cache_clear()


def add_working_days(start: date, days: int) -> Deadline:
    return calendar().add_working_days(start, days)


def deadline(start: date, days: int, *, paused_working_days: int = 0) -> Deadline:
    """Due date of a matter accepted on `start` with a limit of `days` working days.

    Working days spent waiting for missing materials (补正) do not count against the limit, so they push the
    due date back by as many working days.
    """
    return add_working_days(start, days + paused_working_days)


def is_workday(day: date) -> bool:
    return calendar().is_workday(day)


def working_days_between(start: date, end: date) -> int:
    return calendar().working_days_between(start, end)


def official_exceptions(year: int) -> list[tuple[date, bool, str]]:
    """The State Council schedule for `year` from the chinese-calendar package, as exceptions to Mon–Fri."""
    import chinese_calendar

    rows = []
    for day, name in chinese_calendar.holidays.items():
        if day.year == year and day.weekday() < 5:
            rows.append((day, False, HOLIDAY_NAMES_ZH.get(name, name)))
    for day, name in chinese_calendar.workdays.items():
        if day.year == year and day.weekday() >= 5:
            rows.append((day, True, f"{HOLIDAY_NAMES_ZH.get(name, name)}调休上班"))
    return sorted(rows)


def official_years() -> range:
    import chinese_calendar

    years = [d.year for d in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)
