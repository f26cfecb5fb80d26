"""The parenting-time schedule in words: the clauses' paragraphs, the holiday table, the overnights.

:func:`summarize_schedule` is what clause text sees as ``schedule``::

    {{ schedule.regular }}

    {{ schedule.summer }}

    {{ schedule.holidays_intro }}

    [[table:holidays]]

    {% if office.state_overnights %}{{ schedule.overnights_text }}

    [[table:overnights]]{% endif %}

Everything is built from the case model, never typed by hand, so the words
and the calendar always agree.  ``regular`` states the pattern only (days,
times, first day, time zone): where exchanges happen, who drives, how long a
parent waits and who supervises are stated once, by the exchange and
supervision clauses.  No address is ever printed: the exchange place is
``case.exchanges.location`` (a public place or a center), and the text is
checked against the parents' confidential addresses before it is returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby
from typing import TYPE_CHECKING

from .errors import ScheduleError
from .schedule import (
    HOLIDAY_LABELS,
    PARTIES,
    Conflict,
    OvernightFigures,
    check_case_schedule,
    default_year,
    overnight_figures,
)
from .schedule_model import WEEKDAYS, HolidayName, HolidayRule, ParentingTimeSchedule, Party, PatternKind, RegularPattern, other_party
from .templating import clock, join_and, longdate, words

if TYPE_CHECKING:
    from .case import Case, Child

PATTERN_NAMES: dict[PatternKind, str] = {
    PatternKind.ALTERNATING_WEEKS: "alternating weeks",
    PatternKind.TWO_TWO_THREE: "2-2-3",
    PatternKind.TWO_TWO_FIVE_FIVE: "2-2-5-5",
    PatternKind.THREE_FOUR_FOUR_THREE: "3-4-4-3",
    PatternKind.FIVE_TWO: "5-2",
    PatternKind.EVERY_OTHER_WEEKEND: "every other weekend",
    PatternKind.EVERY_WEEKEND: "every weekend",
    PatternKind.FIRST_THIRD_FIFTH_WEEKENDS: "first, third and fifth weekends",
    PatternKind.CUSTOM_ROTATION: "custom rotation",
}

HOLIDAY_HEADER: tuple[str, ...] = ("Holiday", "Time", "Even years", "Odd years")

ZONE_NAMES: dict[str, str] = {
    "America/New_York": "Eastern time",
    "America/Chicago": "Central time",
    "America/Denver": "Mountain time",
    "America/Phoenix": "Arizona time",
    "America/Los_Angeles": "Pacific time",
    "America/Anchorage": "Alaska time",
    "Pacific/Honolulu": "Hawaii time",
}
"""Plain names for the zones whose everyday name is unambiguous (America/Phoenix is
"Arizona time": Arizona does not observe daylight saving time, so "Mountain time" would be wrong
half the year).  Any other zone is named by its IANA name."""

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


@dataclass(frozen=True)
class ScheduleSummary:
    """The schedule as the agreement states it (see the module docstring for use in clauses)."""

    regular: str
    summer: str
    holidays_intro: str
    holiday_header: tuple[str, ...]
    holiday_rows: list[tuple[str, ...]]
    one_off_changes: str
    overnights: dict[str, float]
    percent: dict[str, float]
    overnight_header: tuple[str, ...]
    overnight_rows: list[tuple[str, ...]]
    overnights_text: str
    state_overnights: bool
    years: tuple[int, int]
    conflicts: tuple[Conflict, ...] = field(default=())
    holiday_lines: list[HolidayLine] = field(default_factory=list)
    one_off_items: list[str] = field(default_factory=list)
    missing_in_years: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- small words


def _day_name(index: int) -> str:
    return WEEKDAYS[index % 7].capitalize()


def _dated(day: date) -> str:
    return f"{_day_name(day.weekday())}, {longdate(day)}"


def tidy(text: str) -> str:
    """Collapse the doubled full stop after 'a.m.'/'p.m.' at the end of a sentence."""
    return re.sub(r"\b([ap])\.m\.\.", r"\1.m.", text)


def _count(n: float) -> str:
    return f"{n:.0f}" if float(n).is_integer() else f"{n:.1f}"


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``counted(1, 'day')`` -> ``one (1) day``; ``counted(14, 'day')`` -> ``fourteen (14) days``."""
    return f"{words(n)} {singular if n == 1 else (plural or singular + 's')}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def zone_phrase(zone: str, kids: str = "the children") -> str:
    """``America/Phoenix`` -> ``Arizona time``; an unlisted zone -> ``local time where the children live (Europe/Berlin)``."""
    if zone in ZONE_NAMES:
        return ZONE_NAMES[zone]
    verb = "lives" if kids == "the child" else "live"
    return f"local time where {kids} {verb} ({zone})"


_OBJECT = {"she": "her", "he": "him", "they": "them"}


def _find_child(case: Case, name: str) -> Child | None:
    wanted = name.strip().casefold()
    for child in case.children:
        if wanted in {child.name.casefold(), child.full_name.casefold(), child.full_name.split()[0].casefold()}:
            return child
    return None


def _child_names(case: Case, names: list[str]) -> list[str]:
    """The children a rule names, by the names the agreement uses (in the case's order)."""
    found = [c for n in names if (c := _find_child(case, n)) is not None]
    return [c.name for c in case.children if any(c is f for f in found)]


class _Words:
    """Names and phrases for one case."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.names = {"a": case.parent_a.short_name, "b": case.parent_b.short_name}
        plural = len(case.children) != 1
        self.plural = plural
        self.kids = "the children" if plural else "the child"
        self.them = "them" if plural else _OBJECT[case.children[0].pronouns]
        self.exchange = clock(case.parenting_time.exchange_time)

    def name(self, party: Party) -> str:
        return self.names[party]

    def verb(self, subject: str, singular: str, plural: str) -> str:
        """The verb form for ``subject``: 'the children' takes the plural, a child or a name the singular."""
        return plural if subject == self.kids and self.plural else singular

    def object_of(self, subject: str) -> str:
        """The pronoun standing for ``subject`` as an object: 'them', or a named child's 'her'/'him'/'them'."""
        if subject == self.kids:
            return self.them
        child = _find_child(self.case, subject)
        return _OBJECT[child.pronouns] if child is not None else "them"

    def who(self, names: list[str]) -> tuple[str, str]:
        """The children a rule moves, as a phrase and its object pronoun (all children when ``names`` is empty)."""
        if not names:
            return self.kids, self.them
        if len(names) == 1:
            return names[0], self.object_of(names[0])
        return join_and(names), "them"


# --------------------------------------------------------------------------- the regular pattern


def _rotation_text(pattern: RegularPattern, w: _Words, kids: str, at: str) -> str:
    rotation = pattern.nightly_rotation()
    assert rotation is not None
    length = len(rotation)
    anchor = pattern.anchor
    them = w.object_of(kids)
    if pattern.kind is PatternKind.ALTERNATING_WEEKS:
        day = _day_name(anchor.weekday())
        first, second = w.name(pattern.starts_with), w.name(other_party(pattern.starts_with))
        return (
            f"{_cap(kids)} {w.verb(kids, 'alternates', 'alternate')} weeks between the parents. {first} has {kids} for the week that begins on "
            f"{_dated(anchor)} at {at}, and {second} has {them} for the week after; each week runs from {day} at {at} "
            f"to the next {day} at {at}, and the weeks continue to alternate in this way."
        )
    if len(set(rotation)) == 1:
        home = w.name(rotation[0])
        return (
            f"{_cap(kids)} {w.verb(kids, 'lives', 'live')} with {home} during the school year. Time with {w.name(other_party(rotation[0]))} is set out "
            f"below for summer, school breaks and holidays."
        )
    runs: list[tuple[int, int, Party]] = []
    for i, parent in enumerate(rotation):
        if runs and runs[-1][2] == parent:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1, parent)
        else:
            runs.append((i, 1, parent))
    weekly = length % 7 == 0
    unit = "week" if length == 7 else "cycle"

    def when(offset: int) -> str:
        if not weekly:
            return f"day {offset + 1}" if offset < length else "day 1 of the next cycle"
        name = _day_name(anchor.weekday() + offset)
        if offset == length:
            return f"the {name} that begins the next {unit}"
        if length == 7:
            return name
        return f"{name} of week {offset // 7 + 1}"

    stretches = [
        f"{w.name(parent)} {f'has {them} ' if n == 0 else ''}from {when(start)} at {at} to {when(start + nights)} at {at}"
        for n, (start, nights, parent) in enumerate(runs)
    ]
    share = {p: rotation.count(p) for p in PARTIES}
    name = f"{PATTERN_NAMES[pattern.kind]} " if pattern.kind is not PatternKind.CUSTOM_ROTATION else ""
    span = "weekly " if length == 7 else ""
    day_one = "" if weekly else " (day 1)"
    return (
        f"{_cap(kids)} {w.verb(kids, 'follows', 'follow')} a repeating {span}{name}schedule of {counted(length, 'day')}. The first {unit} begins on "
        f"{_dated(anchor)}{day_one} at {at}. In each {unit}, {'; '.join(stretches)}; then the {unit} repeats. "
        f"In each {unit}, {w.name('a')} has {counted(share['a'], 'night')} and {w.name('b')} has {counted(share['b'], 'night')}."
    )


def _weekend_text(pattern: RegularPattern, w: _Words, kids: str) -> str:
    assert pattern.primary_parent is not None
    primary, visitor = w.name(pattern.primary_parent), w.name(other_party(pattern.primary_parent))
    ws = clock(pattern.weekend_start_time or w.case.parenting_time.exchange_time)
    we = clock(pattern.weekend_end_time or w.case.parenting_time.exchange_time)
    starts, ends = pattern.weekend_starts.capitalize(), pattern.weekend_ends.capitalize()
    span = f"from {starts} at {ws} to {ends} at {we}"
    start_day = WEEKDAYS.index(pattern.weekend_starts)
    if pattern.kind is PatternKind.EVERY_OTHER_WEEKEND:
        first = pattern.anchor + timedelta(days=(start_day - pattern.anchor.weekday()) % 7)
        which = f"every other weekend, {span}, starting with the weekend that begins on {_dated(first)}"
    elif pattern.kind is PatternKind.EVERY_WEEKEND:
        which = f"every weekend, {span}"
    else:
        fridays = "the first, third and fifth Friday of the month" if pattern.weekend_starts == "friday" else "the Thursday before the first, third and fifth Friday of the month"
        which = f"on the first, third and fifth weekends of each month, {span}; a weekend is counted by its Friday, so these weekends begin on {fridays}"
    return f"{_cap(kids)} {w.verb(kids, 'lives', 'live')} primarily with {primary}. {visitor} has {kids} {which}."


def _midweek_text(pattern: RegularPattern, w: _Words, kids: str) -> str:
    if pattern.midweek == "none":
        return ""
    day = pattern.midweek_day.capitalize()
    nxt = _day_name(WEEKDAYS.index(pattern.midweek_day) + 1)
    if pattern.midweek == "evening":
        span = f"from {clock(pattern.midweek_start)} to {clock(pattern.midweek_end)}"
    else:
        span = f"from {clock(pattern.midweek_start)} until {clock(pattern.midweek_return)} on {nxt} (or the start of school, if earlier)"
    if pattern.is_weekend_pattern and pattern.primary_parent:
        return f"{w.name(other_party(pattern.primary_parent))} also has {kids} every {day} {span}."
    return f"Every {day}, the parent who does not have {kids} that evening has {w.object_of(kids)} {span}."


def _pattern_text(pattern: RegularPattern, w: _Words, kids: str) -> str:
    at = w.exchange
    text = _weekend_text(pattern, w, kids) if pattern.is_weekend_pattern else _rotation_text(pattern, w, kids, at)
    midweek = _midweek_text(pattern, w, kids)
    return f"{text} {midweek}".strip()


def _regular_text(case: Case, w: _Words) -> str:
    """The pattern only: exchanges (place, transport, waiting, third party) and supervision have their own clauses."""
    s = case.parenting_time
    parts = [_pattern_text(s.pattern, w, w.kids)]
    for child_pattern in s.child_patterns:
        child = _find_child(case, child_pattern.child)
        assert child is not None  # check_case_schedule refuses unknown names
        parts.append(f"{child.name} follows a different schedule: " + _pattern_text(child_pattern.pattern, w, child.name))
    parts.append(f"All times in this plan are {zone_phrase(s.time_zone, w.kids)}.")
    return " ".join(parts)


# --------------------------------------------------------------------------- summer


def sole_home(s: ParentingTimeSchedule) -> Party | None:
    """The parent who has every regular night (a long-distance plan), or None.

    True only when every child's regular pattern gives all its nights to the
    same parent and has no midweek visit: then "the regular schedule" means
    "with that parent".
    """
    homes: set[Party] = set()
    for pattern in [s.pattern, *(cp.pattern for cp in s.child_patterns)]:
        rotation = pattern.nightly_rotation()
        if rotation is None or len(set(rotation)) != 1 or pattern.midweek != "none":
            return None
        homes.add(rotation[0])
    return homes.pop() if len(homes) == 1 else None


def _summer_text(case: Case, w: _Words) -> str:
    s = case.parenting_time
    summer = s.summer
    at = w.exchange
    kids = w.kids
    first_parent = s.summer_even_years
    first = w.name(first_parent)
    second = w.name(other_party(first_parent))
    season = f"Summer runs from {at} on the last day of school to {at} on the day before the next school year begins, using the school calendar's dates."
    day = (s.exchange_day or WEEKDAYS[s.pattern.anchor.weekday()]).capitalize()
    plans = (
        f"Each parent will tell the other in writing, by {summer.notice_by} each year, of that parent's plans for the summer, such as travel."
        if summer.notice_by
        else ""
    )

    def joined(*parts: str) -> str:
        return " ".join(p for p in parts if p)

    if summer.arrangement == "regular":
        return joined("The regular schedule continues through the summer.", plans)
    if summer.arrangement == "alternating_weeks":
        return joined(
            season,
            f"During summer, {kids} {w.verb(kids, 'alternates', 'alternate')} weeks between the parents, changing over on {day}s at {at}, starting on the first "
            f"{day} on or after the last day of school; until then the regular schedule applies.",
            f"{first} has the first week in even-numbered years and {second} in odd-numbered years.",
            plans,
            "The regular schedule resumes at the end of summer.",
        )
    if summer.arrangement == "split":
        return joined(
            season,
            f"Summer is divided in two at {at} on its middle day. {first} has the first half in even-numbered years and the second half "
            f"in odd-numbered years; {second} has the other half.",
            plans,
            "The regular schedule resumes at the end of summer.",
        )
    # blocks: the listed blocks, and (with weeks_each) two computed blocks in every summer without one
    home = sole_home(s)
    parts: list[str] = [season] if summer.weeks_each is not None else []
    for year, blocks in groupby(sorted(summer.blocks, key=lambda b: b.start), key=lambda b: b.start.year):
        stated = [
            f"{w.name(b.parent)} has {kids} from {_dated(b.start)} at {clock(b.start_time or s.exchange_time)} to {_dated(b.end)} at {clock(b.end_time or s.exchange_time)}"
            for b in blocks
        ]
        parts.append(f"In summer {year}, {'; '.join(stated)}.")
    if summer.weeks_each is not None:
        n = summer.weeks_each
        which = "In each summer for which no block is listed above" if summer.blocks else "Each summer"
        begins = f"at {at} on the first {day} on or after the last day of school"
        weeks = counted(n, "consecutive week") if n > 1 else counted(n, "week")
        if home is not None:
            # The computation gives both parents a block; the home parent's block is time
            # the regular schedule gives that parent anyway, so only the other block is news.
            visitor = other_party(home)
            visitor_parity, home_parity = ("even", "odd") if first_parent == visitor else ("odd", "even")
            parts.append(f"{which}, {w.name(visitor)} has {kids} for {weeks}.")
            parts.append(
                f"In {visitor_parity}-numbered years, {w.name(visitor)}'s {'week begins' if n == 1 else 'weeks begin'} {begins}; in {home_parity}-numbered "
                f"years, {'it begins' if n == 1 else 'they begin'} {counted(n, 'week')} after that {day}, at {at}."
            )
        else:
            parts.append(
                f"{which}, each parent has {kids} for {weeks}, one block right after the other: {first} has the first block "
                f"in even-numbered years and {second} in odd-numbered years, and the other parent has the second block."
            )
            parts.append(f"The first block begins {begins}, and the second block begins when the first ends, {counted(n, 'week')} later.")
        if summer.notice_by:
            parts.append(f"The parents may agree in writing, by {summer.notice_by} each year, on other weeks for that summer.")
        else:
            parts.append("The parents may agree in writing on other weeks.")
    else:
        parts.append(plans)
    if home is not None:
        verb = w.verb(kids, "is", "are")
        parts.append(f"At all other times in summer, the regular schedule applies: {kids} {verb} with {w.name(home)}.")
    else:
        parts.append("The regular schedule applies for the rest of the summer.")
    return joined(*parts)


# --------------------------------------------------------------------------- holidays


def _offset_phrase(rule: HolidayRule, days: int, before: bool) -> str:
    """'the day before', 'the Wednesday before', 'two (2) days after', or '' for the day itself."""
    if days == 0:
        return ""
    if rule.is_school_break:
        if before:
            return "the day before the break begins" if days == 1 else f"{counted(days, 'day')} before the break begins"
        return "the day after the break ends" if days == 1 else f"{counted(days, 'day')} after the break ends"
    weekday = _FIXED_WEEKDAY.get(rule.holiday)
    if weekday is not None and days < 7:
        return f"the {_day_name(weekday - days if before else weekday + days)} {'before' if before else 'after'}"
    word = "the day" if days == 1 else counted(days, "day")
    return f"{word} {'before' if before else 'after'}"


def _holiday_window(rule: HolidayRule, case: Case) -> str:
    """When the holiday runs, as the table's Time column says it (without a split)."""
    s = case.parenting_time
    pattern = s.pattern
    start_time, end_time = clock(rule.start_time), clock(rule.end_time)
    if rule.is_school_break:
        start = _offset_phrase(rule, rule.start_offset_days, True) or "the first day of the break"
        end = _offset_phrase(rule, rule.end_offset_days, False) or "the last day of the break"
        text = f"From {start} at {start_time} to {end} at {end_time} (dates from the school calendar)"
    else:
        start = _offset_phrase(rule, rule.start_offset_days, True)
        end = _offset_phrase(rule, rule.end_offset_days, False)
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
            end = _offset_phrase(rule, rule.end_offset_days, False) or "the day itself"
            text = f"From {start} at {ws} (with the weekend) to {end} at {end_time}"
        else:
            start = _offset_phrase(rule, rule.start_offset_days, True) or "the day itself"
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
        names = _child_names(case, rule.children) if rule.children else [c.name for c in case.children]
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
        label += f" ({join_and(_child_names(case, rule.children))} only)"
    return label


def _occasion(rule: HolidayRule, case: Case) -> str:
    """The holiday as a sentence names it: 'Mother's Day', 'each child's birthday', 'winter break'."""
    if rule.holiday is HolidayName.CHILD_BIRTHDAY:
        names = _child_names(case, rule.children) if rule.children else [c.name for c in case.children]
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


def _holiday_parents(rule: HolidayRule, case: Case, w: _Words) -> tuple[str, str]:
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


def _holiday_sentence(rule: HolidayRule, case: Case, w: _Words) -> str:
    occasion = _occasion(rule, case)
    kids, them = w.who(_child_names(case, rule.children) if rule.children else [])
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
    return f"{_cap(occasion)} goes with the weekend {side} it: the parent who has that weekend under the regular schedule has {kids} {span}."


def _holiday_line(rule: HolidayRule, case: Case, w: _Words) -> HolidayLine:
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
        children=tuple(_child_names(case, rule.children)),
        sentence=tidy(_holiday_sentence(rule, case, w)),
    )


def _holidays_intro(case: Case, w: _Words) -> str:
    if not case.parenting_time.holidays:
        return "There is no separate holiday schedule: the regular and summer schedules apply on holidays."
    return (
        "The holidays and school breaks below take priority over the regular schedule and the summer schedule, and a holiday takes "
        "priority over a school break it falls in. In even-numbered years the parent named under \"Even years\" has the holiday, and in "
        "odd-numbered years the parent under \"Odd years\"; a school break belongs to the year in which it begins. Each holiday runs for "
        "the time shown, after which the schedule that would otherwise apply resumes. Exchanges for holidays follow the same "
        "arrangements as other exchanges."
    )


def _one_off_stated(case: Case, w: _Words) -> list[str]:
    """Each one-off change, without a final full stop, with its own start and end times when it has them."""
    s = case.parenting_time
    stated = []
    for change in sorted(s.one_off_changes, key=lambda c: c.start):
        who, _ = w.who(_child_names(case, change.children) if change.children else [])
        why = f" ({change.reason})" if change.reason else ""
        stated.append(
            f"{w.name(change.parent)} has {who} from {_dated(change.start)} at {clock(change.start_time or s.exchange_time)} "
            f"to {_dated(change.end)} at {clock(change.end_time or s.exchange_time)}{why}"
        )
    return stated


def _one_off_text(stated: list[str]) -> str:
    if not stated:
        return ""
    return (
        "The parents have agreed to these one-time changes, each of which takes priority over every other part of the schedule "
        f"for its own dates: {'; '.join(stated)}."
    )


# --------------------------------------------------------------------------- overnights


def _overnight_table(case: Case, figures: OvernightFigures, w: _Words) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    y1, y2 = figures.years
    header = ("Parent", str(y1), str(y2), "Average per year", "Share")
    rows: list[tuple[str, ...]] = []
    for key, (first, second) in figures.by_child.items():
        for party in PARTIES:
            label = w.name(party) if key == "all" else f"{w.name(party)} ({key})"
            total = first[party] + second[party]
            nights = first["a"] + first["b"] + second["a"] + second["b"]
            rows.append((label, str(first[party]), str(second[party]), _count(total / 2), f"{100 * total / nights:.1f}%"))
    return header, rows


def _overnights(n: float) -> str:
    return "overnight" if n == 1 else "overnights"


def _overnights_text(figures: OvernightFigures, w: _Words) -> str:
    y1, y2 = figures.years
    a, b = figures.average, figures.percent
    return (
        f"Under this schedule, {w.name('a')} has {w.kids} for about {_count(a['a'])} {_overnights(a['a'])} a year ({b['a']:.1f}%) and "
        f"{w.name('b')} for about {_count(a['b'])} {_overnights(a['b'])} a year ({b['b']:.1f}%), averaged over {y1} and {y2}, "
        f"counting holidays and summer as scheduled."
    )


def _missing_in_years(figures: OvernightFigures) -> list[str]:
    """What the overnight figures could not count: summers and breaks the school calendar gives no dates for."""
    found: list[str] = []
    for conflict in figures.conflicts:  # only the notices that touch the two years counted
        if conflict.kind != "missing_dates":
            continue
        what = conflict.message.split(" is not placed", 1)[0]
        if what.startswith(("Winter break ", "Spring break ")):
            what = what[:1].lower() + what[1:]
        what = re.sub(r"\b(\d{4})-(\d{2})\b", "\\1\u2013\\2", what)  # 2028-29 -> 2028–29, as the school calendar writes years
        if what not in found:
            found.append(what)
    return found


# --------------------------------------------------------------------------- the summary


def confidential_fragments(case: Case) -> list[str]:
    """Street and postal code of every confidential address (text must never contain them)."""
    fragments: list[str] = []
    for parent in (case.parent_a, case.parent_b):
        if parent.address is not None and parent.address.confidential:
            fragments += [f for f in (parent.address.street, parent.address.postal_code) if f and len(f) >= 4]
    return fragments


def guard_confidential(case: Case, *texts: str) -> None:
    """Raise :class:`ScheduleError` if any text contains a confidential address."""
    fragments = [f.casefold() for f in confidential_fragments(case)]
    for text in texts:
        lowered = text.casefold()
        if any(f in lowered for f in fragments):
            raise ScheduleError(
                "the exchange place contains a confidential address; use a public place or an exchange center",
                field_path="exchanges.location",
            )


def summarize_schedule(case: Case, year: int | None = None) -> ScheduleSummary:
    """The schedule in the agreement's words, with overnights for ``year`` and ``year + 1``.

    ``year`` defaults to the first full calendar year the agreement is in force
    (:func:`.schedule.default_year`).  Raises :class:`~.errors.ScheduleError` for a
    schedule the parents cannot have meant (see :func:`.schedule.check_case_schedule`).
    """
    check_case_schedule(case)
    first_year = year if year is not None else default_year(case)
    figures = overnight_figures(case, first_year)
    w = _Words(case)
    header, rows = _overnight_table(case, figures, w)
    lines = [_holiday_line(rule, case, w) for rule in case.parenting_time.holidays]
    stated = _one_off_stated(case, w)
    summary = ScheduleSummary(
        regular=tidy(_regular_text(case, w)),
        summer=tidy(_summer_text(case, w)),
        holidays_intro=_holidays_intro(case, w),
        holiday_header=HOLIDAY_HEADER,
        holiday_rows=[line.row for line in lines],
        one_off_changes=tidy(_one_off_text(stated)),
        overnights={p: figures.average[p] for p in PARTIES},
        percent={p: figures.percent[p] for p in PARTIES},
        overnight_header=header,
        overnight_rows=rows,
        overnights_text=_overnights_text(figures, w),
        state_overnights=case.office.state_overnights,
        years=figures.years,
        conflicts=figures.conflicts,
        holiday_lines=lines,
        one_off_items=[tidy(f"{item}.") for item in stated],
        missing_in_years=_missing_in_years(figures),
    )
    guard_confidential(
        case,
        case.exchanges.location or "",  # printed by the exchange clauses, the calendar and the .ics files
        summary.regular,
        summary.summer,
        summary.holidays_intro,
        summary.one_off_changes,
        *summary.one_off_items,
        *(cell for row in summary.holiday_rows for cell in row),
        *(line.sentence for line in lines),
        *summary.missing_in_years,
    )
    return summary


__all__ = [
    "HOLIDAY_HEADER",
    "PATTERN_NAMES",
    "ZONE_NAMES",
    "HolidayLine",
    "ScheduleSummary",
    "confidential_fragments",
    "counted",
    "fixed_parent",
    "guard_confidential",
    "sole_home",
    "summarize_schedule",
    "zone_phrase",
]
