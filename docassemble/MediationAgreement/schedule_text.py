"""The parenting-time schedule in words: the clauses' paragraphs, the holiday table, the overnights.

:func:`summarize_schedule` is what clause text sees as ``schedule``::

    {{ schedule.regular }}

    {{ schedule.summer }}

    {{ schedule.holidays_intro }}

    [[table:holidays]]

    {% if office.state_overnights %}{{ schedule.overnights_text }}

    [[table:overnights]]{% endif %}

Everything is built from the case model, never typed by hand, so the words
and the calendar always agree.  No address is ever printed: the exchange
place is ``case.exchanges.location`` (a public place or a centre), and the
text is checked against the parents' confidential addresses before it is returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
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
from .schedule_model import WEEKDAYS, HolidayName, HolidayRule, Party, PatternKind, RegularPattern, other_party
from .templating import clock, join_and, longdate, words

if TYPE_CHECKING:
    from .case import Case

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


class _Words:
    """Names and phrases for one case."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.names = {"a": case.parent_a.short_name, "b": case.parent_b.short_name}
        plural = len(case.children) != 1
        self.plural = plural
        self.kids = "the children" if plural else "the child"
        self.them = "them" if plural else {"she": "her", "he": "him", "they": "them"}[case.children[0].pronouns]
        self.exchange = clock(case.parenting_time.exchange_time)

    def name(self, party: Party) -> str:
        return self.names[party]

    def verb(self, subject: str, singular: str, plural: str) -> str:
        """The verb form for ``subject``: 'the children' takes the plural, a child or a name the singular."""
        return plural if subject == self.kids and self.plural else singular


# --------------------------------------------------------------------------- the regular pattern


def _rotation_text(pattern: RegularPattern, w: _Words, kids: str, at: str) -> str:
    rotation = pattern.nightly_rotation()
    assert rotation is not None
    length = len(rotation)
    anchor = pattern.anchor
    if pattern.kind is PatternKind.ALTERNATING_WEEKS:
        day = _day_name(anchor.weekday())
        first, second = w.name(pattern.starts_with), w.name(other_party(pattern.starts_with))
        return (
            f"{kids[:1].upper() + kids[1:]} {w.verb(kids, 'alternates', 'alternate')} weeks between the parents. {first} has {kids} for the week that begins on "
            f"{_dated(anchor)} at {at}, and {second} has {w.them if kids == w.kids else 'them'} for the week after; each week runs from {day} at {at} "
            f"to the next {day} at {at}, and the weeks continue to alternate in this way."
        )
    if len(set(rotation)) == 1:
        home = w.name(rotation[0])
        return (
            f"{kids[:1].upper() + kids[1:]} {w.verb(kids, 'lives', 'live')} with {home} during the school year. Time with {w.name(other_party(rotation[0]))} is set out "
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

    them = w.them if kids == w.kids else "them"
    stretches = [
        f"{w.name(parent)} {f'has {them} ' if n == 0 else ''}from {when(start)} at {at} to {when(start + nights)} at {at}"
        for n, (start, nights, parent) in enumerate(runs)
    ]
    share = {p: rotation.count(p) for p in PARTIES}
    name = f"{PATTERN_NAMES[pattern.kind]} " if pattern.kind is not PatternKind.CUSTOM_ROTATION else ""
    span = "weekly " if length == 7 else ""
    day_one = "" if weekly else " (day 1)"
    return (
        f"{kids[:1].upper() + kids[1:]} {w.verb(kids, 'follows', 'follow')} a repeating {span}{name}schedule of {words(length)} days. The first {unit} begins on "
        f"{_dated(anchor)}{day_one} at {at}. In each {unit}, {'; '.join(stretches)}; then the {unit} repeats. "
        f"In each {unit}, {w.name('a')} has {words(share['a'])} nights and {w.name('b')} has {words(share['b'])} nights."
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
    return f"{kids[:1].upper() + kids[1:]} {w.verb(kids, 'lives', 'live')} primarily with {primary}. {visitor} has {kids} {which}."


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
    return f"Every {day}, the parent who does not have {kids} that evening has them {span}."


def _pattern_text(pattern: RegularPattern, w: _Words, kids: str) -> str:
    at = w.exchange
    text = _weekend_text(pattern, w, kids) if pattern.is_weekend_pattern else _rotation_text(pattern, w, kids, at)
    midweek = _midweek_text(pattern, w, kids)
    return f"{text} {midweek}".strip()


def _exchange_text(w: _Words) -> str:
    ex = w.case.exchanges
    kids, them = w.kids, w.them
    place = ex.location
    if ex.method == "school":
        other_days = f"at {place}" if place else "at a public place the parents agree on in writing"
        where = (
            f"On school days, exchanges take place at school: the parent whose time is ending takes {kids} to school, and the other "
            f"parent picks {them} up when school lets out. On days without school, exchanges take place at {w.exchange} {other_days}."
        )
    elif ex.method == "curbside":
        where = f"Exchanges take place curbside at {place}, at the times stated."
    else:
        where = f"Exchanges take place at {place}, an exchange center, at the times stated and under the center's rules."
    transport = {
        "receiving_parent": f"The parent whose parenting time is beginning is responsible for transportation and collects {kids}.",
        "delivering_parent": f"The parent whose parenting time is ending is responsible for transportation and brings {kids} to the exchange.",
        "shared": f"The parents share transportation: the parent whose time is ending brings {kids} to the exchange, and the parent whose time is beginning collects {them} there.",
    }[ex.transport]
    parts = [where, transport, f"A parent waits up to {words(ex.wait_minutes)} minutes for the other at an exchange."]
    if ex.third_party:
        parts.append(f"{ex.third_party} may do an exchange in a parent's place.")
    return " ".join(parts)


def _regular_text(case: Case, w: _Words) -> str:
    s = case.parenting_time
    parts = [_pattern_text(s.pattern, w, w.kids)]
    for child_pattern in s.child_patterns:
        child = next(c for c in case.children if child_pattern.child.casefold() in {c.name.casefold(), c.full_name.casefold(), c.full_name.split()[0].casefold()})
        parts.append(f"{child.name} follows a different schedule: " + _pattern_text(child_pattern.pattern, w, child.name))
    parts.append(_exchange_text(w))
    if s.supervised and s.supervised_parent and s.supervisor:
        parts.append(f"{w.name(s.supervised_parent)}'s parenting time is supervised by {s.supervisor}.")
    parts.append(f"All times are local times in the {s.time_zone.replace('_', ' ')} time zone.")
    return " ".join(parts)


# --------------------------------------------------------------------------- summer


def _summer_text(case: Case, w: _Words) -> str:
    s = case.parenting_time
    summer = s.summer
    at = w.exchange
    kids = w.kids
    first = w.name(s.summer_even_years)
    second = w.name(other_party(s.summer_even_years))
    season = f"Summer runs from {at} on the last day of school to {at} on the day before the next school year begins, using the school calendar's dates."
    day = (s.exchange_day or WEEKDAYS[s.pattern.anchor.weekday()]).capitalize()
    notice = f" Each parent tells the other in writing by {summer.notice_by} each year which weeks they choose." if summer.notice_by else ""
    if summer.arrangement == "regular":
        return f"The regular schedule continues through the summer.{notice}"
    if summer.arrangement == "alternating_weeks":
        return (
            f"{season} During summer, {kids} {w.verb(kids, 'alternates', 'alternate')} weeks between the parents, changing over on {day}s at {at}, starting on the first "
            f"{day} on or after the last day of school; until then the regular schedule applies. {first} has the first week in even-numbered years "
            f"and {second} in odd-numbered years. The regular schedule resumes at the end of summer."
        )
    if summer.arrangement == "split":
        return (
            f"{season} Summer is divided in two at {at} on its middle day. {first} has the first half in even-numbered years and the second half "
            f"in odd-numbered years; {second} has the other half. The regular schedule resumes at the end of summer."
        )
    parts: list[str] = []
    if summer.blocks:
        blocks = [
            f"{w.name(b.parent)} has {kids} from {_dated(b.start)} at {clock(b.start_time or s.exchange_time)} to {_dated(b.end)} at {clock(b.end_time or s.exchange_time)}"
            for b in sorted(summer.blocks, key=lambda b: b.start)
        ]
        parts.append(f"Summer blocks: {'; '.join(blocks)}.")
    if summer.weeks_each is not None:
        which = "In each summer for which no block is listed above" if summer.blocks else "Each summer"
        parts.append(
            f"{season} {which}, each parent has {kids} for {words(summer.weeks_each)} consecutive weeks.{notice} Unless the parents agree on "
            f"other weeks in writing, the first block begins at {at} on the first {day} on or after the last day of school and the second "
            f"block follows immediately; {first} has the first block in even-numbered years and {second} in odd-numbered years."
        )
    elif notice:
        parts.append(notice.strip())
    parts.append("The regular schedule applies for the rest of the summer.")
    return " ".join(parts)


# --------------------------------------------------------------------------- holidays


def _offset_phrase(rule: HolidayRule, days: int, before: bool) -> str:
    """'the day before', 'Wednesday before', '2 days after', or '' for the day itself."""
    if days == 0:
        return ""
    if rule.is_school_break:
        if before:
            return "the day before the break begins" if days == 1 else f"{days} days before the break begins"
        return "the day after the break ends" if days == 1 else f"{days} days after the break ends"
    weekday = _FIXED_WEEKDAY.get(rule.holiday)
    if weekday is not None and days < 7:
        return f"the {_day_name(weekday - days if before else weekday + days)} {'before' if before else 'after'}"
    word = "the day" if days == 1 else f"{days} days"
    return f"{word} {'before' if before else 'after'}"


def _holiday_time(rule: HolidayRule, case: Case) -> str:
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
    if rule.assignment == "split":
        at = clock(rule.split_time or s.exchange_time)
        if rule.split_date:
            month, day = (int(x) for x in rule.split_date.split("-"))
            text += f"; divided at {at} on {date(2000, month, day):%B} {day}"
        else:
            text += f"; divided at {at} {words(rule.split_after_days or 0)} days after the first day"
    return text


def _holiday_name(rule: HolidayRule, case: Case) -> str:
    if rule.holiday is HolidayName.CHILD_BIRTHDAY:
        names = [c.name for c in case.children if not rule.children or any(n.casefold() in {c.name.casefold(), c.full_name.casefold(), c.full_name.split()[0].casefold()} for n in rule.children)]
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
        label += f" ({join_and(rule.children)} only)"
    return label


def _holiday_parents(rule: HolidayRule, case: Case, w: _Words) -> tuple[str, str]:
    if rule.assignment == "alternate":
        assert rule.even_years is not None
        return w.name(rule.even_years), w.name(other_party(rule.even_years))
    if rule.assignment == "split":
        assert rule.even_years is not None
        even, odd = w.name(rule.even_years), w.name(other_party(rule.even_years))
        return f"{even} first part, {odd} second part", f"{odd} first part, {even} second part"
    if rule.assignment == "with_weekend":
        return "The parent who has that weekend", "The parent who has that weekend"
    parent = rule.parent
    if parent is None:
        role = "mother" if rule.holiday is HolidayName.MOTHERS_DAY else "father"
        parent = "a" if case.parent_a.role == role else "b"
    return w.name(parent), w.name(parent)


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


def _one_off_text(case: Case, w: _Words) -> str:
    s = case.parenting_time
    if not s.one_off_changes:
        return ""
    items = []
    for change in sorted(s.one_off_changes, key=lambda c: c.start):
        who = join_and(change.children) if change.children else w.kids
        why = f" ({change.reason})" if change.reason else ""
        items.append(
            f"{w.name(change.parent)} has {who} from {_dated(change.start)} at {clock(change.start_time or s.exchange_time)} "
            f"to {_dated(change.end)} at {clock(change.end_time or s.exchange_time)}{why}"
        )
    return f"The parents also agree to these one-time changes, which take priority over every other part of the schedule: {'; '.join(items)}."


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


def _overnights_text(figures: OvernightFigures, w: _Words) -> str:
    y1, y2 = figures.years
    a, b = figures.average, figures.percent
    return (
        f"Under this schedule, {w.name('a')} has {w.kids} for about {_count(a['a'])} overnights a year ({b['a']:.1f}%) and "
        f"{w.name('b')} for about {_count(a['b'])} overnights a year ({b['b']:.1f}%), averaged over {y1} and {y2}, "
        f"counting holidays and summer as scheduled."
    )


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
                "the exchange place contains a confidential address; use a public place or an exchange centre",
                field_path="exchanges.location",
            )


def summarize_schedule(case: Case, year: int | None = None) -> ScheduleSummary:
    """The schedule in the agreement's words, with overnights for ``year`` and ``year + 1``.

    ``year`` defaults to the agreement date's year (else the anchor's).  Raises
    :class:`~.errors.ScheduleError` for a schedule the parents cannot have meant
    (see :func:`.schedule.check_case_schedule`).
    """
    check_case_schedule(case)
    first_year = year if year is not None else default_year(case)
    figures = overnight_figures(case, first_year)
    w = _Words(case)
    header, rows = _overnight_table(case, figures, w)
    summary = ScheduleSummary(
        regular=tidy(_regular_text(case, w)),
        summer=tidy(_summer_text(case, w)),
        holidays_intro=_holidays_intro(case, w),
        holiday_header=HOLIDAY_HEADER,
        holiday_rows=[(_holiday_name(r, case), tidy(_holiday_time(r, case)), *_holiday_parents(r, case, w)) for r in case.parenting_time.holidays],
        one_off_changes=tidy(_one_off_text(case, w)),
        overnights={p: figures.average[p] for p in PARTIES},
        percent={p: figures.percent[p] for p in PARTIES},
        overnight_header=header,
        overnight_rows=rows,
        overnights_text=_overnights_text(figures, w),
        state_overnights=case.office.state_overnights,
        years=figures.years,
        conflicts=figures.conflicts,
    )
    guard_confidential(
        case,
        summary.regular,
        summary.summer,
        summary.holidays_intro,
        summary.one_off_changes,
        *(cell for row in summary.holiday_rows for cell in row),
    )
    return summary


__all__ = ["HOLIDAY_HEADER", "PATTERN_NAMES", "ScheduleSummary", "confidential_fragments", "guard_confidential", "summarize_schedule"]
