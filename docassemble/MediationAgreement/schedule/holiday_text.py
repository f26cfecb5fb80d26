"""The holidays in words: the holiday table and one :class:`HolidayLine` per holiday rule.

Each rule gives a row (name, time, even years' parent, odd years' parent) and a
sentence saying who has the holiday and when; :func:`holidays_intro` is the
paragraph above the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..case.schedule import HolidayName, HolidayRule, Party, other_party
from ..wording.formats import clock, join_and, longdate
from .holidays import HOLIDAY_LABELS
from .words import CaseWords, child_names, counted, day_name, tidy, upper_first

if TYPE_CHECKING:
    from ..case.model import Case


HOLIDAY_HEADER: tuple[str, ...] = ("Holiday", "Time", "Even years", "Odd years")


# Holidays that always fall on the same weekday, so "Wednesday before" can be said.
_FIXED_WEEKDAY: dict[HolidayName, int] = {
    HolidayName.MLK_DAY: 0,
    HolidayName.PRESIDENTS_DAY: 0,
    HolidayName.GOOD_FRIDAY: 4,
    HolidayName.EASTER: 6,
    HolidayName.MOTHERS_DAY: 6,
    HolidayName.MEMORIAL_DAY: 0,
    HolidayName.FATHERS_DAY: 6,
    HolidayName.LABOR_DAY: 0,
    HolidayName.INDIGENOUS_PEOPLES_DAY: 0,
    HolidayName.THANKSGIVING: 3,
}


@dataclass(frozen=True)
class HolidayLine:
    """One holiday rule as the agreement states it, for clauses that speak of one holiday.

    ``holiday`` is the rule's kind (``'mothers_day'``), ``assignment`` its assignment;
    ``name``, ``time``, ``even`` and ``odd`` are its row of the holiday table;
    ``parents`` the parents who can have it (``('a',)`` for a fixed holiday, even
    years' parent first otherwise; empty when the regular schedule decides);
    ``children`` the children it moves (empty: all of them); ``sentence`` says
    who has it and when, in one sentence.
    """

    holiday: str
    assignment: str
    name: str
    time: str
    even: str
    odd: str
    parents: tuple[Party, ...]
    children: tuple[str, ...]
    sentence: str

    @property
    def row(self) -> tuple[str, str, str, str]:
        return (self.name, self.time, self.even, self.odd)


def offset_phrase(rule: HolidayRule, days: int, before: bool) -> str:
    """'the day before', 'the Wednesday before', 'two (2) days after', or '' for the day itself."""
    if days == 0:
        return ""
    if rule.is_school_break:
        if before:
            return "the day before the break begins" if days == 1 else f"{counted(days, 'day')} before the break begins"
        return "the day after the break ends" if days == 1 else f"{counted(days, 'day')} after the break ends"
    weekday = _FIXED_WEEKDAY.get(rule.holiday)
    if weekday is not None and days < 7:
        return f"the {day_name(weekday - days if before else weekday + days)} {'before' if before else 'after'}"
    word = "the day" if days == 1 else counted(days, "day")
    return f"{word} {'before' if before else 'after'}"


def weekday_of(holiday: HolidayName) -> int | None:
    """The weekday a holiday always falls on (Monday 0), or ``None`` when it moves through the week."""
    return _FIXED_WEEKDAY.get(holiday)


def _holiday_window(rule: HolidayRule, case: Case) -> str:
    """When the holiday runs, as the table's Time column says it (without a split)."""
    s = case.parenting_time
    pattern = s.pattern
    start_time, end_time = clock(rule.start_time), clock(rule.end_time)
    if rule.is_school_break:
        start = offset_phrase(rule, rule.start_offset_days, True) or "the first day of the break"
        end = offset_phrase(rule, rule.end_offset_days, False) or "the last day of the break"
        text = f"From {start} at {start_time} to {end} at {end_time} (dates from the school calendar)"
    else:
        start = offset_phrase(rule, rule.start_offset_days, True)
        end = offset_phrase(rule, rule.end_offset_days, False)
        if not start and not end:
            text = f"On the day, {start_time} to {end_time}"
        else:
            text = f"From {start or 'the day itself'} at {start_time} to {end or 'the day itself'} at {end_time}"
    weekday = _FIXED_WEEKDAY.get(rule.holiday)
    if rule.attach_to_weekend and weekday in (0, 4):
        ws = clock(pattern.weekend_start_time or s.exchange_time)
        we = clock(pattern.weekend_end_time or s.exchange_time)
        if weekday == 0:
            start = "the Thursday before" if pattern.weekend_starts == "thursday" else "the Friday before"
            end = offset_phrase(rule, rule.end_offset_days, False) or "the day itself"
            text = f"From {start} at {ws} (with the weekend) to {end} at {end_time}"
        else:
            start = offset_phrase(rule, rule.start_offset_days, True) or "the day itself"
            end = "the Monday after" if pattern.weekend_ends == "monday" else "the Sunday after"
            text = f"From {start} at {start_time} to {end} at {we} (with the weekend)"
    elif rule.attach_to_weekend:
        ws = clock(pattern.weekend_start_time or s.exchange_time)
        we = clock(pattern.weekend_end_time or s.exchange_time)
        text += (
            f"; when the holiday falls on a Monday it starts with the weekend ({pattern.weekend_starts.capitalize()} at {ws}), "
            f"and on a Friday it runs to the end of the weekend ({pattern.weekend_ends.capitalize()} at {we})"
        )
    return text


def _split_phrase(rule: HolidayRule, case: Case) -> str:
    """'at 12:00 noon on December 26' or 'at 12:00 noon eight (8) days after the first day'."""
    at = clock(rule.split_time or case.parenting_time.exchange_time)
    if rule.split_date:
        month, day = (int(x) for x in rule.split_date.split("-"))
        return f"at {at} on {date(2000, month, day):%B} {day}"
    return f"at {at} {counted(rule.split_after_days or 0, 'day')} after the first day"


def _weekend_side(rule: HolidayRule) -> str | None:
    """with_weekend: 'before'/'after' for Monday/Friday holidays, 'next to' for holidays on any weekday, None when never placed."""
    weekday = _FIXED_WEEKDAY.get(rule.holiday)
    if weekday is None or rule.is_school_break:
        return "next to"
    return {0: "before", 4: "after"}.get(weekday)


def _holiday_time(rule: HolidayRule, case: Case) -> str:
    text = _holiday_window(rule, case)
    if rule.assignment == "split":
        text += f"; divided {_split_phrase(rule, case)}"
    if rule.assignment == "with_weekend" and _weekend_side(rule) == "next to":
        text += "; only when the day falls on a Monday or a Friday"
    return text


def _holiday_name(rule: HolidayRule, case: Case) -> str:
    if rule.holiday is HolidayName.CHILD_BIRTHDAY:
        names = child_names(case, rule.children) if rule.children else [c.name for c in case.children]
        label = rule.label or (f"{names[0]}'s birthday" if len(names) == 1 else "Each child's birthday")
        if rule.children and len(names) > 1:
            label += f" ({join_and(names)})"
        return label
    label = rule.label or HOLIDAY_LABELS[rule.holiday]
    if rule.holiday is HolidayName.CUSTOM and rule.dates:
        label += f" ({join_and(longdate(d) for d in sorted(rule.dates))})"
    elif rule.holiday in (HolidayName.CUSTOM, HolidayName.PARENT_BIRTHDAY) and rule.month and rule.day:
        label += f" ({date(2000, rule.month, rule.day):%B} {rule.day})"
    if rule.children:
        label += f" ({join_and(child_names(case, rule.children))} only)"
    return label


def _occasion(rule: HolidayRule, case: Case) -> str:
    """The holiday as a sentence names it: 'Mother's Day', 'each child's birthday', 'winter break'."""
    if rule.holiday is HolidayName.CHILD_BIRTHDAY:
        names = child_names(case, rule.children) if rule.children else [c.name for c in case.children]
        if len(names) == 1:
            return f"{names[0]}'s birthday"
        if not rule.children:
            return "each child's birthday"
        return f"each of {join_and(n + chr(39) + 's' for n in names)} birthdays"
    if rule.label:
        return rule.label
    label = HOLIDAY_LABELS[rule.holiday]
    generic = (HolidayName.WINTER_BREAK, HolidayName.SPRING_BREAK, HolidayName.PARENT_BIRTHDAY, HolidayName.CHILD_BIRTHDAY)
    return label[:1].lower() + label[1:] if rule.holiday in generic else label


def fixed_parent(rule: HolidayRule, case: Case) -> Party:
    """The parent of a ``fixed`` holiday: ``parent``, else (Mother's/Father's Day) the parent with that role, as the engine decides."""
    if rule.parent is not None:
        return rule.parent
    role = "mother" if rule.holiday is HolidayName.MOTHERS_DAY else "father"
    return "a" if case.parent_a.role == role else "b"


def _holiday_parents(rule: HolidayRule, case: Case, w: CaseWords) -> tuple[str, str]:
    if rule.assignment == "alternate":
        assert rule.even_years is not None
        return w.name(rule.even_years), w.name(other_party(rule.even_years))
    if rule.assignment == "split":
        assert rule.even_years is not None
        even, odd = w.name(rule.even_years), w.name(other_party(rule.even_years))
        return f"{even} first, then {odd}", f"{odd} first, then {even}"
    if rule.assignment == "with_weekend":
        side = _weekend_side(rule)
        if side is None:
            return "Regular schedule", "Regular schedule"
        who = f"The parent who has the weekend {side} it under the regular schedule"
        return who, who
    parent = fixed_parent(rule, case)
    return w.name(parent), w.name(parent)


def _span(window: str) -> str:
    """The Time column's words inside a sentence: 'On the day, 9:00 a.m. to 6:00 p.m.' -> 'from 9:00 a.m. to 6:00 p.m.'."""
    if window.startswith("On the day, "):
        return "from " + window[len("On the day, ") :]
    return window[:1].lower() + window[1:]


def _holiday_sentence(rule: HolidayRule, case: Case, w: CaseWords) -> str:
    occasion = _occasion(rule, case)
    kids, them = w.who(child_names(case, rule.children) if rule.children else [])
    span = _span(_holiday_window(rule, case))
    if rule.assignment == "fixed":
        return f"{w.name(fixed_parent(rule, case))} has {kids} on {occasion} every year, {span}, even when it falls in the other parent's time."
    if rule.assignment == "alternate":
        assert rule.even_years is not None
        even, odd = w.name(rule.even_years), w.name(other_party(rule.even_years))
        return f"On {occasion}, {even} has {kids} {span} in even-numbered years, and {odd} has {them} at those times in odd-numbered years."
    if rule.assignment == "split":
        assert rule.even_years is not None
        even, odd = w.name(rule.even_years), w.name(other_party(rule.even_years))
        return (
            f"On {occasion}, the time {span} is divided {_split_phrase(rule, case)}: {even} has {kids} for the first part in even-numbered "
            f"years and {odd} in odd-numbered years, and the other parent has {them} for the second part."
        )
    side = _weekend_side(rule)
    if side is None:
        return f"On {occasion}, the regular schedule applies."
    if side == "next to":
        return (
            f"When {occasion} falls on a Monday or a Friday, the parent who has the weekend next to it under the regular schedule (the weekend "
            f"before a Monday, the weekend after a Friday) has {kids} {span}. On other days, the regular schedule applies."
        )
    return f"{upper_first(occasion)} goes with the weekend {side} it: the parent who has that weekend under the regular schedule has {kids} {span}."


def holiday_line(rule: HolidayRule, case: Case, w: CaseWords) -> HolidayLine:
    """One holiday rule's table row and sentence."""
    even, odd = _holiday_parents(rule, case, w)
    if rule.assignment == "fixed":
        parents: tuple[Party, ...] = (fixed_parent(rule, case),)
    elif rule.assignment == "with_weekend" and _weekend_side(rule) is None:
        parents = ()
    else:
        first = rule.even_years or "a"
        parents = (first, other_party(first))
    return HolidayLine(
        holiday=rule.holiday.value,
        assignment=rule.assignment,
        name=_holiday_name(rule, case),
        time=tidy(_holiday_time(rule, case)),
        even=even,
        odd=odd,
        parents=parents,
        children=tuple(child_names(case, rule.children)),
        sentence=tidy(_holiday_sentence(rule, case, w)),
    )


def holidays_intro(case: Case, w: CaseWords) -> str:
    """The paragraph above the holiday table."""
    if not case.parenting_time.holidays:
        return "There is no separate holiday schedule: the regular and summer schedules apply on holidays."
    return (
        "The holidays and school breaks below take priority over the regular schedule and the summer schedule, and a holiday takes "
        "priority over a school break it falls in. In even-numbered years the parent named under \"Even years\" has the holiday, and in "
        "odd-numbered years the parent under \"Odd years\"; a school break belongs to the year in which it begins. Each holiday runs for "
        "the time shown, after which the schedule that would otherwise apply resumes. Exchanges for holidays follow the same "
        "arrangements as other exchanges."
    )


__all__ = [
    "HOLIDAY_HEADER",
    "HolidayLine",
    "fixed_parent",
    "holiday_line",
    "holidays_intro",
    "offset_phrase",
    "weekday_of",
]
