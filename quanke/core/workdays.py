"""Working days on the official calendar: Monday–Friday, minus public holidays, plus make-up working weekends.

Exceptions live in the database (seeded from the chinese-calendar package, editable in the admin). Dates in a
year with no known schedule fall back to weekends plus the statutory holidays as the national rules define them
(《全国年节及纪念日放假办法》, as amended in 2024 and in force since 2025), and the result says it is estimated:
the State Council's yearly notice also moves days (调休, 补休) in ways no rule predicts.
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
        if not self.is_known(day) and day in statutory_holidays(day.year):
            return False
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


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[date, str]:
    """The days off the national rules fix for `year` (since 2025): 元旦 1, 春节 4 (除夕 to 初三), 清明 1, 劳动节 2,
    端午 1, 中秋 1, 国庆 3. Lunar dates from `lunardate` (1900–2099) and 清明 from chinese-calendar's solar terms;
    a year outside their range gets the fixed-date holidays only.
    """
    import chinese_calendar
    from lunardate import LunarDate

    fixed = [(date(year, 1, 1), "元旦"), (date(year, 5, 1), "劳动节"), (date(year, 5, 2), "劳动节")]
    fixed += [(date(year, 10, d), "国庆节") for d in (1, 2, 3)]
    movable = []
    try:
        new_year = LunarDate(year, 1, 1).to_solar_date()
        movable += [(new_year + timedelta(days=n), "春节") for n in range(-1, 3)]  # 除夕, 初一 … 初三
        movable.append((LunarDate(year, 5, 5).to_solar_date(), "端午节"))
        movable.append((LunarDate(year, 8, 15).to_solar_date(), "中秋节"))
    except ValueError:  # beyond the lunar table (1900–2099)
        pass
    try:
        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    except NotImplementedError:  # beyond the solar-term table (1900–2100)
        terms = []
    movable += [(day, "清明节") for day, name in terms if name == "清明"]
    days: dict[date, str] = {}
    for day, name in sorted(fixed + movable, key=lambda row: row[0]):
        days[day] = f"{days[day]}、{name}" if day in days else name  # 中秋 can fall on 1 October
    return days


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
