"""The regular pattern and the summer arrangement in words: ``schedule.regular`` and ``schedule.summer``.

``regular`` states the pattern only (days, times, first day, time zone), for
every child's pattern; ``summer`` states the summer arrangement, and says
plainly who the children are with when a long-distance plan gives one parent
every regular night (:func:`sole_home`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from itertools import groupby
from typing import TYPE_CHECKING

from ..case.schedule import WEEKDAYS, ParentingTimeSchedule, Party, PatternKind, RegularPattern, other_party
from ..wording.formats import clock
from .timeline import PARTIES
from .words import CaseWords, counted, dated, day_name, find_child, upper_first, zone_phrase

if TYPE_CHECKING:
    from ..case.model import Case


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
    PatternKind.VISITS: "visits",
}


# --------------------------------------------------------------------------- the regular pattern


def _rotation_text(pattern: RegularPattern, w: CaseWords, kids: str, at: str) -> str:
    rotation = pattern.nightly_rotation()
    assert rotation is not None
    length = len(rotation)
    anchor = pattern.anchor
    them = w.object_of(kids)
    if pattern.kind is PatternKind.ALTERNATING_WEEKS:
        day = day_name(anchor.weekday())
        first, second = w.name(pattern.starts_with), w.name(other_party(pattern.starts_with))
        return (
            f"{upper_first(kids)} {w.verb(kids, 'alternates', 'alternate')} weeks between the parents. {first} has {kids} for the week that begins on "
            f"{dated(anchor)} at {at}, and {second} has {them} for the week after; each week runs from {day} at {at} "
            f"to the next {day} at {at}, and the weeks continue to alternate in this way."
        )
    if len(set(rotation)) == 1:
        home = w.name(rotation[0])
        return (
            f"{upper_first(kids)} {w.verb(kids, 'lives', 'live')} with {home} during the school year. Time with {w.name(other_party(rotation[0]))} is set out "
            f"below for summer, school breaks and holidays."
        )
    runs = rotation_runs(rotation)
    weekly = length % 7 == 0
    unit = "week" if length == 7 else "cycle"

    def when(offset: int) -> str:
        if not weekly:
            return f"day {offset + 1}" if offset < length else "day 1 of the next cycle"
        name = day_name(anchor.weekday() + offset)
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
        f"{upper_first(kids)} {w.verb(kids, 'follows', 'follow')} a repeating {span}{name}schedule of {counted(length, 'day')}. The first {unit} begins on "
        f"{dated(anchor)}{day_one} at {at}. In each {unit}, {'; '.join(stretches)}; then the {unit} repeats. "
        f"In each {unit}, {w.name('a')} has {counted(share['a'], 'night')} and {w.name('b')} has {counted(share['b'], 'night')}."
    )


def rotation_runs(rotation: Sequence[Party]) -> list[tuple[int, int, Party]]:
    """Each stretch of nights with one parent: (first night's offset, nights, parent)."""
    runs: list[tuple[int, int, Party]] = []
    for i, parent in enumerate(rotation):
        if runs and runs[-1][2] == parent:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1, parent)
        else:
            runs.append((i, 1, parent))
    return runs


def _weekend_text(pattern: RegularPattern, w: CaseWords, kids: str) -> str:
    assert pattern.primary_parent is not None
    primary, visitor = w.name(pattern.primary_parent), w.name(other_party(pattern.primary_parent))
    ws = clock(pattern.weekend_start_time or w.case.parenting_time.exchange_time)
    we = clock(pattern.weekend_end_time or w.case.parenting_time.exchange_time)
    starts, ends = pattern.weekend_starts.capitalize(), pattern.weekend_ends.capitalize()
    span = f"from {starts} at {ws} to {ends} at {we}"
    start_day = WEEKDAYS.index(pattern.weekend_starts)
    if pattern.kind is PatternKind.EVERY_OTHER_WEEKEND:
        first = pattern.anchor + timedelta(days=(start_day - pattern.anchor.weekday()) % 7)
        which = f"every other weekend, {span}, starting with the weekend that begins on {dated(first)}"
    elif pattern.kind is PatternKind.EVERY_WEEKEND:
        which = f"every weekend, {span}"
    else:
        fridays = "the first, third and fifth Friday of the month" if pattern.weekend_starts == "friday" else "the Thursday before the first, third and fifth Friday of the month"
        which = f"on the first, third and fifth weekends of each month, {span}; a weekend is counted by its Friday, so these weekends begin on {fridays}"
    return f"{upper_first(kids)} {w.verb(kids, 'lives', 'live')} primarily with {primary}. {visitor} has {kids} {which}."


def _midweek_text(pattern: RegularPattern, w: CaseWords, kids: str) -> str:
    if pattern.midweek == "none":
        return ""
    day = pattern.midweek_day.capitalize()
    nxt = day_name(WEEKDAYS.index(pattern.midweek_day) + 1)
    if pattern.midweek == "evening":
        span = f"from {clock(pattern.midweek_start)} to {clock(pattern.midweek_end)}"
    else:
        span = f"from {clock(pattern.midweek_start)} until {clock(pattern.midweek_return)} on {nxt} (or the start of school, if earlier)"
    if pattern.has_primary_parent and pattern.primary_parent:
        return f"{w.name(other_party(pattern.primary_parent))} also has {kids} every {day} {span}."
    return f"Every {day}, the parent who does not have {kids} that evening has {w.object_of(kids)} {span}."


def _visits_text(pattern: RegularPattern, w: CaseWords, kids: str) -> str:
    """The visits pattern: where the children live, and the other parent's visits by day and hour (no overnights)."""
    assert pattern.primary_parent is not None
    primary, visitor = w.name(pattern.primary_parent), w.name(other_party(pattern.primary_parent))
    ordered = sorted(pattern.visits, key=lambda v: (WEEKDAYS.index(v.day), v.start))
    times = [f"{v.day.capitalize()} from {clock(v.start)} to {clock(v.end)}" for v in ordered]
    joined = times[0] if len(times) == 1 else ", ".join(times[:-1]) + " and " + times[-1]
    hours = _hours(sum(v.hours for v in pattern.visits))
    if pattern.visit_weeks == "alternate":
        monday = pattern.anchor - timedelta(days=pattern.anchor.weekday())
        when = f"in every other week, starting with the week that begins on {dated(monday)}, on {joined} ({hours} every other week)"
    else:
        when = f"every week on {joined} ({hours} a week), starting on {dated(pattern.anchor)}"
    return (
        f"{upper_first(kids)} {w.verb(kids, 'lives', 'live')} with {primary}. {visitor} has visits with {w.object_of(kids)} {when}. "
        f"{visitor}'s time is counted in hours: {visitor} has no overnights under this schedule."
    )


def _hours(hours: float) -> str:
    whole = int(hours)
    if hours == whole:
        return counted(whole, "hour")
    return f"{hours:g} hours"


def _pattern_text(pattern: RegularPattern, w: CaseWords, kids: str) -> str:
    at = w.exchange
    if pattern.kind is PatternKind.VISITS:
        text = _visits_text(pattern, w, kids)
    else:
        text = _weekend_text(pattern, w, kids) if pattern.is_weekend_pattern else _rotation_text(pattern, w, kids, at)
    midweek = _midweek_text(pattern, w, kids)
    return f"{text} {midweek}".strip()


def regular_text(case: Case, w: CaseWords) -> str:
    """The pattern only: exchanges (place, transport, waiting, third party) and supervision have their own clauses."""
    s = case.parenting_time
    parts = [_pattern_text(s.pattern, w, w.kids)]
    for child_pattern in s.child_patterns:
        child = find_child(case, child_pattern.child)
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


def summer_text(case: Case, w: CaseWords) -> str:
    """The summer arrangement: regular schedule, alternating weeks, halves, or blocks."""
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
            f"{w.name(b.parent)} has {kids} from {dated(b.start)} at {clock(b.start_time or s.exchange_time)} to {dated(b.end)} at {clock(b.end_time or s.exchange_time)}"
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


__all__ = [
    "PATTERN_NAMES",
    "regular_text",
    "rotation_runs",
    "sole_home",
    "summer_text",
]
