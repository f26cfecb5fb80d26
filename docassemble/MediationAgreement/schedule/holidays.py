"""Holidays on the calendar: what the agreement calls each one, and the date it falls on in a year.

Fixed dates (Independence Day), the n-th weekday of a month (Thanksgiving),
Easter and Good Friday, and dates the parents give (a custom holiday, a
parent's birthday).  School breaks take their dates from the school calendar
and children's birthdays from the case, so :func:`holiday_date` gives None for them.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from ..case.schedule import HolidayName, HolidayRule

HOLIDAY_LABELS: dict[HolidayName, str] = {
    HolidayName.NEW_YEARS_DAY: "New Year's Day",
    HolidayName.MLK_DAY: "Martin Luther King Jr. Day",
    HolidayName.PRESIDENTS_DAY: "Presidents' Day",
    HolidayName.GOOD_FRIDAY: "Good Friday",
    HolidayName.EASTER: "Easter",
    HolidayName.SPRING_BREAK: "Spring break",
    HolidayName.MOTHERS_DAY: "Mother's Day",
    HolidayName.MEMORIAL_DAY: "Memorial Day",
    HolidayName.FATHERS_DAY: "Father's Day",
    HolidayName.JUNETEENTH: "Juneteenth",
    HolidayName.INDEPENDENCE_DAY: "Independence Day",
    HolidayName.LABOR_DAY: "Labor Day",
    HolidayName.INDIGENOUS_PEOPLES_DAY: "Indigenous Peoples' Day",
    HolidayName.HALLOWEEN: "Halloween",
    HolidayName.VETERANS_DAY: "Veterans Day",
    HolidayName.THANKSGIVING: "Thanksgiving",
    HolidayName.WINTER_BREAK: "Winter break",
    HolidayName.CHRISTMAS_EVE: "Christmas Eve",
    HolidayName.CHRISTMAS_DAY: "Christmas Day",
    HolidayName.NEW_YEARS_EVE: "New Year's Eve",
    HolidayName.CHILD_BIRTHDAY: "Child's birthday",
    HolidayName.PARENT_BIRTHDAY: "Parent's birthday",
    HolidayName.CUSTOM: "Holiday",
}


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (Monday 0) of a month; ``n = -1`` for the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def easter(year: int) -> date:
    """Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def month_day(year: int, month: int, day: int) -> date:
    """``month``/``day`` in ``year``; 29 February becomes 28 February in common years."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


def holiday_date(rule: HolidayRule, year: int) -> date | None:
    """The date of a rule-based holiday in ``year`` (None for school breaks and birthdays of children)."""
    h = rule.holiday
    fixed = {
        HolidayName.NEW_YEARS_DAY: (1, 1),
        HolidayName.JUNETEENTH: (6, 19),
        HolidayName.INDEPENDENCE_DAY: (7, 4),
        HolidayName.HALLOWEEN: (10, 31),
        HolidayName.VETERANS_DAY: (11, 11),
        HolidayName.CHRISTMAS_EVE: (12, 24),
        HolidayName.CHRISTMAS_DAY: (12, 25),
        HolidayName.NEW_YEARS_EVE: (12, 31),
    }
    if h in fixed:
        return date(year, *fixed[h])
    by_weekday = {
        HolidayName.MLK_DAY: (1, 0, 3),
        HolidayName.PRESIDENTS_DAY: (2, 0, 3),
        HolidayName.MOTHERS_DAY: (5, 6, 2),
        HolidayName.MEMORIAL_DAY: (5, 0, -1),
        HolidayName.FATHERS_DAY: (6, 6, 3),
        HolidayName.LABOR_DAY: (9, 0, 1),
        HolidayName.INDIGENOUS_PEOPLES_DAY: (10, 0, 2),
        HolidayName.THANKSGIVING: (11, 3, 4),
    }
    if h in by_weekday:
        return nth_weekday(year, *by_weekday[h])
    if h is HolidayName.EASTER:
        return easter(year)
    if h is HolidayName.GOOD_FRIDAY:
        return easter(year) - timedelta(days=2)
    if h in (HolidayName.CUSTOM, HolidayName.PARENT_BIRTHDAY):
        if rule.dates:
            return next((d for d in rule.dates if d.year == year), None)
        assert rule.month is not None and rule.day is not None  # the model guarantees it
        return month_day(year, rule.month, rule.day)
    return None


__all__ = [
    "HOLIDAY_LABELS",
    "easter",
    "holiday_date",
    "month_day",
    "nth_weekday",
]
