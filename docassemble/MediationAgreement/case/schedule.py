"""The parenting-time schedule as data: regular pattern, seasons, holidays, one-offs.

Layers apply in a fixed order, each overriding the one below it:
regular pattern < seasonal (summer, school breaks) < holidays < one-off changes.
The computation lives in :mod:`.schedule`; this module only says what a
schedule *is*, so that the case model, the interviews and the clause library
share one definition.

Conventions used by every field below (see ``docs/schedule.md``):

* every time is wall-clock time in ``ParentingTimeSchedule.time_zone``;
* a stretch given as two dates (a summer block, a one-off change) runs from
  the start date at the exchange time to the end date at the exchange time,
  unless ``start_time``/``end_time`` say otherwise;
* the *night* of a date is the night that begins on the evening of that date;
  it belongs to the parent who has the children at midnight.

Example (YAML, inside a case file)::

    parenting_time:
      time_zone: America/Denver
      exchange_time: "18:00"
      pattern: {kind: 2-2-5-5, anchor: 2027-01-04, starts_with: a}
      summer: {arrangement: split, even_years: b}
      holidays:
        - {holiday: thanksgiving, even_years: a, start_offset_days: 1, start_time: "18:00",
           end_offset_days: 3, end_time: "18:00"}
        - {holiday: mothers_day, assignment: fixed}
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from .limits import (
    EARLIEST_DATE,
    ID_CHARS,
    LATEST_DATE,
    MAX_CHILDREN,
    MAX_HOLIDAY_DATES,
    MAX_HOLIDAYS,
    MAX_MILES,
    MAX_NUMBER,
    MAX_ONE_OFF_CHANGES,
    MAX_SCHOOL_YEARS,
    MAX_SUMMER_BLOCKS,
    NAME_CHARS,
    TEXT_CHARS,
    Name,
)

Party = Literal["a", "b"]
"""A parent, by the letter used throughout the case file: ``a`` or ``b``."""

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""Weekday names in ``date.weekday()`` order (Monday is 0)."""


def other_party(party: Party) -> Party:
    """The other parent's letter."""
    return "b" if party == "a" else "a"


class StrictModel(BaseModel):
    """Base for every case-file model: unknown keys are errors (typos get caught), and
    every value is bounded (see :mod:`.limits`): no string longer than 10,000
    characters, dates from 1900 to 2200, numbers below a billion, wall-clock times
    without a time zone.  A field may set a tighter limit of its own.

    ``defer_build``: a model's validator is built when first used, once for the whole
    case rather than once per model at import (about a tenth of a command's start-up)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", str_strip_whitespace=True, validate_default=True, str_max_length=TEXT_CHARS)

    @field_validator("*", mode="after")
    @classmethod
    def _bounded(cls, value: Any) -> Any:
        for each in value if isinstance(value, list) else [*value, *value.values()] if isinstance(value, dict) else (value,):
            _check_bounds(each)
        return value


_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Control characters, surrogates and non-characters: no document format can hold them (DOCX and HTML are XML).
Everything outside tab, newline, return, U+0020-U+007E, U+00A0-U+D7FF, U+E000-U+FFFD and U+10000 up, listed
as it is rather than as that class negated, which takes Python's ``re`` some 8 ms to compile."""


def _check_bounds(value: Any) -> None:
    """Refuse a date, number, time or text no case can mean (and the computations or renderers could not handle)."""
    if isinstance(value, str):
        bad = _UNPRINTABLE.search(value)
        if bad:
            raise ValueError(f"contains a control character (U+{ord(bad.group(0)):04X}) that cannot be printed")
    elif isinstance(value, date) and not isinstance(value, datetime):
        if not EARLIEST_DATE <= value <= LATEST_DATE:
            raise ValueError(f"{value.isoformat()} is not a date a case can use ({EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()})")
    elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        if abs(value) > MAX_NUMBER:
            raise ValueError(f"the number is too large; the limit is {MAX_NUMBER:,}")
    elif isinstance(value, time) and value.tzinfo is not None:
        raise ValueError("give a time of day such as \"18:00\", without a time zone (the schedule's time_zone applies)")


def _invalid(title: str, loc: tuple[str | int, ...], message: str, value: Any) -> ValidationError:
    """A validation error placed on a sub-field (so the case file's line and field path point at it)."""
    return ValidationError.from_exception_data(
        title, [InitErrorDetails(type=PydanticCustomError("value_error", message.replace("{", "(").replace("}", ")")), loc=loc, input=value)]
    )


# --------------------------------------------------------------------------- time zones


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def _packaged_zone_names() -> frozenset[str]:
    """The names the tzdata package lists, from its one ``zones`` file: every one is also in
    ``available_timezones()``, which looks through the system's zone folders too (a walk of some 600 files)."""
    from importlib.resources import files

    try:
        return frozenset(files("tzdata").joinpath("zones").read_text(encoding="utf-8").split())
    except (ImportError, OSError):
        return frozenset()


def check_time_zone(name: str) -> ZoneInfo:
    """The zone for an IANA name, or ``ValueError`` with a did-you-mean."""
    try:
        if name in _packaged_zone_names() or name in _zone_names():
            return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # pragma: no cover - tzdata is a dependency
        pass
    import difflib

    guess = difflib.get_close_matches(name, sorted(_zone_names()), n=1)
    hint = f"; did you mean '{guess[0]}'?" if guess else "; use an IANA name such as 'America/Denver'"
    raise ValueError(f"unknown time zone '{name}'{hint}")


@lru_cache(maxsize=512)
def clock_changes(zone_name: str, year: int) -> tuple[tuple[datetime, datetime, bool], ...]:
    """Wall-clock jumps in ``zone_name`` during ``year``.

    Each is ``(first, after, is_gap)`` in naive local time: for a spring-forward
    gap, wall times ``first <= t < after`` do not exist that day; for a
    fall-back, wall times ``after <= t < first`` happen twice (the engine uses
    the first occurrence, ``fold=0``).
    """
    zone = ZoneInfo(zone_name)

    def offset(instant: datetime) -> timedelta:
        return instant.astimezone(zone).utcoffset() or timedelta(0)

    changes: list[tuple[datetime, datetime, bool]] = []
    step = timedelta(days=7)
    probe = datetime(year, 1, 1, tzinfo=UTC) - timedelta(days=1)
    stop = datetime(year + 1, 1, 1, tzinfo=UTC) + timedelta(days=1)
    before = offset(probe)
    while probe < stop:
        nxt = probe + step
        after = offset(nxt)
        if after != before:
            low, high = int(probe.timestamp()), int(nxt.timestamp())  # offset(low) == before, offset(high) == after
            while high - low > 1:
                mid = (low + high) // 2
                if offset(datetime.fromtimestamp(mid, UTC)) == before:
                    low = mid
                else:
                    high = mid
            instant = datetime.fromtimestamp(high, UTC)
            first = (instant + before).replace(tzinfo=None)
            later = (instant + after).replace(tzinfo=None)
            if first.year == year or later.year == year:
                changes.append((first, later, after > before))
            before = after
        probe = nxt
    return tuple(changes)


def missing_wall_time(zone_name: str, moment: datetime) -> tuple[datetime, datetime] | None:
    """The spring-forward gap containing naive local ``moment``, or None if it exists."""
    for first, after, is_gap in clock_changes(zone_name, moment.year):
        if is_gap and first <= moment < after:
            return first, after
    return None


def recurring_time_gap(zone_name: str, at: time, years: range, *, after: date | None = None) -> tuple[datetime, datetime] | None:
    """A spring-forward gap (in ``years``) in which the daily wall time ``at`` does not exist.

    The first such gap on or after ``after`` if there is one, else the first at all.
    """
    found: list[tuple[datetime, datetime]] = []
    for year in years:
        for first, later, is_gap in clock_changes(zone_name, year):
            if not is_gap:
                continue
            for day in {first.date(), later.date()}:
                moment = datetime.combine(day, at)
                if first <= moment < later:
                    found.append((first, later))
                    break
    if not found:
        return None
    return next((gap for gap in found if after is None or gap[0].date() >= after), found[0])


def gap_message(field: str, at: time, zone_name: str, gap: tuple[datetime, datetime]) -> str:
    first, after = gap
    return (
        f"{field} {at.strftime('%H:%M')} does not exist on {first.date().isoformat()} in {zone_name} "
        f"(clocks jump from {first.strftime('%H:%M')} to {after.strftime('%H:%M')}); choose a time outside that hour"
    )


# --------------------------------------------------------------------------- the regular pattern


class PatternKind(StrEnum):
    """The regular (school-year) patterns mediators use most."""

    ALTERNATING_WEEKS = "alternating_weeks"
    TWO_TWO_THREE = "2-2-3"
    TWO_TWO_FIVE_FIVE = "2-2-5-5"
    THREE_FOUR_FOUR_THREE = "3-4-4-3"
    FIVE_TWO = "5-2"
    EVERY_OTHER_WEEKEND = "every_other_weekend"
    EVERY_WEEKEND = "every_weekend"
    FIRST_THIRD_FIFTH_WEEKENDS = "first_third_fifth_weekends"
    CUSTOM_ROTATION = "custom_rotation"
    VISITS = "visits"


WEEKEND_PATTERNS = frozenset({PatternKind.EVERY_OTHER_WEEKEND, PatternKind.EVERY_WEEKEND, PatternKind.FIRST_THIRD_FIFTH_WEEKENDS})
"""Patterns where one parent has the children during the week (``primary_parent``)."""

ROTATIONS: dict[PatternKind, str] = {
    # One letter per night from the anchor: S = starts_with, O = the other parent.
    PatternKind.ALTERNATING_WEEKS: "SSSSSSSOOOOOOO",
    PatternKind.TWO_TWO_THREE: "SSOOSSSOOSSOOO",  # week 1: S 2, O 2, S 3; week 2: O 2, S 2, O 3
    PatternKind.TWO_TWO_FIVE_FIVE: "SSOOSSSSSOOOOO",  # S 2, O 2, S 5, O 5
    PatternKind.THREE_FOUR_FOUR_THREE: "SSSOOOOSSSSOOO",  # S 3, O 4, S 4, O 3
    PatternKind.FIVE_TWO: "SSSSSOO",  # S 5 nights, O 2 nights, every week
}
"""Fixed rotations, night by night, as mediators draw them when anchored on a Monday."""


class Visit(StrictModel):
    """A visit of a few hours on one day of the week (supervised visits are usually these)."""

    day: Weekday
    start: time
    end: time

    @model_validator(mode="after")
    def _ordered(self) -> Visit:
        if self.end <= self.start:
            raise _invalid("Visit", ("end",), f"a visit ends ({self.end:%H:%M}) when or before it starts ({self.start:%H:%M}); visits are within one day", self.end.isoformat())
        return self

    @property
    def hours(self) -> float:
        return (self.end.hour * 60 + self.end.minute - self.start.hour * 60 - self.start.minute) / 60


class RegularPattern(StrictModel):
    """The pattern that repeats through the school year.

    Rotations (alternating weeks, 2-2-3, 2-2-5-5, 3-4-4-3, 5-2, custom): ``anchor``
    is the first day of a cycle and ``starts_with`` has the children from the
    exchange time on that day; each day's exchange happens at the schedule's
    ``exchange_time``.

    Weekend patterns give the children to ``primary_parent`` except during the
    other parent's weekends, which run from ``weekend_starts`` at
    ``weekend_start_time`` to ``weekend_ends`` at ``weekend_end_time`` (both
    default to the exchange time).  For ``every_other_weekend`` the other
    parent's first weekend is the first one starting on or after ``anchor``;
    ``first_third_fifth_weekends`` are the weekends starting on the 1st, 3rd and
    5th Friday (or Thursday) of each month (as in Texas Family Code 153.312).

    ``midweek``: the parent who does not have the children that evening has them
    every week on ``midweek_day`` from ``midweek_start`` to ``midweek_end``
    (``evening``) or until ``midweek_return`` the next morning (``overnight``).
    """

    kind: PatternKind
    anchor: date
    starts_with: Party = "a"
    primary_parent: Party | None = None
    weekend_starts: Literal["thursday", "friday"] = "friday"
    weekend_ends: Literal["sunday", "monday"] = "sunday"
    weekend_start_time: time | None = Field(default=None, description="When a weekend starts; default: the exchange time")
    weekend_end_time: time | None = Field(default=None, description="When a weekend ends; default: the exchange time (use e.g. 08:00 for 'back to school on Monday')")
    midweek: Literal["none", "evening", "overnight"] = "none"
    midweek_day: Weekday = "wednesday"
    midweek_start: time = time(17, 0)
    midweek_end: time = time(19, 30)
    midweek_return: time = Field(default=time(8, 0), description="Overnight midweek: when the children return the next morning")
    rotation: list[Party] = Field(default_factory=list, description="Custom rotation: the parent for each night of the cycle, in order.")
    visits: list[Visit] = Field(default_factory=list, max_length=7, description="Visits pattern: the other parent's visits each week (day, start and end, within the day)")
    visit_weeks: Literal["every", "alternate"] = Field(default="every", description="Visits pattern: every week, or every other week counting from the anchor's week")

    @model_validator(mode="after")
    def _check_pattern(self) -> RegularPattern:
        if self.kind in WEEKEND_PATTERNS and self.primary_parent is None:
            raise ValueError(f"pattern '{self.kind.value}' needs primary_parent (the parent the children live with during the week)")
        if self.kind is PatternKind.VISITS and self.primary_parent is None:
            raise ValueError("pattern 'visits' needs primary_parent (the parent the children live with)")
        if self.kind is PatternKind.VISITS and not self.visits:
            # Typed "missing": an interview asks the visits on the screens after the pattern's.
            raise ValidationError.from_exception_data(
                "RegularPattern", [InitErrorDetails(type=PydanticCustomError("missing", "pattern 'visits' needs at least one visit (day, start, end)"), loc=("visits",), input=[])]
            )
        ordered = sorted(enumerate(self.visits), key=lambda item: (WEEKDAYS.index(item[1].day), item[1].start))
        for (_, first), (index, second) in zip(ordered, ordered[1:]):
            if first.day == second.day and second.start < first.end:
                raise _invalid("RegularPattern", ("visits", index), f"visits overlap on {second.day.capitalize()}s: one runs to {first.end:%H:%M}, the next starts at {second.start:%H:%M}", second.start.isoformat())
        if self.kind is not PatternKind.VISITS and self.visits:
            raise ValueError(f"'visits' is only used with the visits pattern, not '{self.kind.value}'")
        if self.kind is PatternKind.CUSTOM_ROTATION and not self.rotation:
            raise ValueError("custom_rotation needs a non-empty 'rotation' list (one parent per day)")
        if self.kind is not PatternKind.CUSTOM_ROTATION and self.rotation:
            raise ValueError(f"'rotation' is only used with custom_rotation, not '{self.kind.value}'")
        if self.kind is PatternKind.CUSTOM_ROTATION and len(self.rotation) > 366:
            raise _invalid("RegularPattern", ("rotation",), f"a custom rotation of {len(self.rotation)} days is longer than a year", len(self.rotation))
        if self.midweek == "evening" and self.midweek_end <= self.midweek_start:
            raise _invalid("RegularPattern", ("midweek_end",), "midweek_end must be after midweek_start for a midweek evening", self.midweek_end.isoformat())
        return self

    @property
    def is_weekend_pattern(self) -> bool:
        return self.kind in WEEKEND_PATTERNS

    @property
    def other_parent(self) -> Party:
        """Weekend patterns: the weekend parent.  Rotations: the parent who does not start."""
        primary = self.primary_parent if self.has_primary_parent and self.primary_parent else self.starts_with
        return other_party(primary)

    @property
    def has_primary_parent(self) -> bool:
        """Weekend and visits patterns: the children live with ``primary_parent`` outside the other parent's time."""
        return self.is_weekend_pattern or self.kind is PatternKind.VISITS

    def nightly_rotation(self) -> list[Party] | None:
        """The parent for each night of one cycle from the anchor (None for weekend patterns)."""
        if self.kind is PatternKind.CUSTOM_ROTATION:
            return list(self.rotation)
        letters = ROTATIONS.get(self.kind)
        if letters is None:
            return None
        other = other_party(self.starts_with)
        return [self.starts_with if letter == "S" else other for letter in letters]

    def cycle_days(self) -> int | None:
        """Length of one cycle in days (None when the cycle follows the calendar month)."""
        rotation = self.nightly_rotation()
        if rotation is not None:
            return len(rotation)
        if self.kind is PatternKind.VISITS:
            return 14 if self.visit_weeks == "alternate" else 7
        return {PatternKind.EVERY_OTHER_WEEKEND: 14, PatternKind.EVERY_WEEKEND: 7}.get(self.kind)

    def recurring_times(self) -> dict[str, time | None]:
        """Every wall time this pattern uses each week (for the DST check), by field name."""
        times: dict[str, time | None] = {"weekend_start_time": self.weekend_start_time, "weekend_end_time": self.weekend_end_time}
        for i, visit in enumerate(self.visits):
            times[f"visits[{i}].start"], times[f"visits[{i}].end"] = visit.start, visit.end
        if self.midweek != "none":
            times["midweek_start"] = self.midweek_start
            times["midweek_end" if self.midweek == "evening" else "midweek_return"] = (
                self.midweek_end if self.midweek == "evening" else self.midweek_return
            )
        return times


class ChildPattern(StrictModel):
    """A different regular pattern for one child (for instance a teenager on alternating weeks).

    ``child`` is the child's short name (or first name, or full name) from the case.
    Holidays, summer and one-off changes still apply unless they name other children.
    """

    child: str = Field(min_length=1, max_length=NAME_CHARS)
    pattern: RegularPattern


# --------------------------------------------------------------------------- seasons


class SchoolYear(StrictModel):
    """Dates from the children's school calendar: inputs, never guesses.

    Break dates are the first and last *days off school* (``winter_break_end``
    is the last day before classes resume).
    """

    first_day: date
    last_day: date
    winter_break_start: date | None = None
    winter_break_end: date | None = None
    spring_break_start: date | None = None
    spring_break_end: date | None = None
    thanksgiving_break_start: date | None = None
    thanksgiving_break_end: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> SchoolYear:
        if self.last_day <= self.first_day:
            raise ValueError("last_day must be after first_day")
        if (self.last_day - self.first_day).days > 366:
            raise _invalid("SchoolYear", ("last_day",), "a school year cannot last more than a year", self.last_day.isoformat())
        for name in ("winter_break", "spring_break", "thanksgiving_break"):
            start, end = getattr(self, f"{name}_start"), getattr(self, f"{name}_end")
            if (start is None) != (end is None):
                raise ValueError(f"{name}_start and {name}_end go together")
            if start is not None and end is not None and end < start:
                raise ValueError(f"{name}_end is before {name}_start")
            if start is not None and not (self.first_day <= start and end <= self.last_day):
                raise _invalid("SchoolYear", (f"{name}_start",), f"{name} ({start}..{end}) is outside the school year {self.first_day}..{self.last_day}", start.isoformat())
        return self


class SummerBlock(StrictModel):
    """A block of summer time given to one parent: ``start`` at the exchange time
    (or ``start_time``) to ``end`` at the exchange time (or ``end_time``)."""

    parent: Party
    start: date
    end: date
    start_time: time | None = None
    end_time: time | None = None

    @model_validator(mode="after")
    def _ordered(self) -> SummerBlock:
        if self.end < self.start:
            raise ValueError("summer block ends before it starts")
        return self


class Summer(StrictModel):
    """How summer differs from the school year.

    Summer runs from the last day of school (at the exchange time) to the day
    before the first day of the next school year (at the exchange time); both
    dates come from ``school_years``.

    ``regular``: the school-year pattern continues.  ``alternating_weeks``:
    week on, week off from the first exchange day on or after the last day of
    school.  ``blocks``: each parent's listed blocks; the regular pattern fills
    the rest; with ``weeks_each`` and no listed blocks, each parent has
    ``weeks_each`` consecutive weeks from the first exchange day after school
    ends, one after the other, unless they choose other weeks by ``notice_by``.
    ``split``: summer is cut in half at the exchange time on its middle day.
    ``even_years`` is the parent with the first week / first block / first half
    in even years (the other parent in odd years); by default the parent who does
    not have the children at the start of the pattern (``pattern.other_parent``).
    """

    arrangement: Literal["regular", "alternating_weeks", "blocks", "split"] = "regular"
    weeks_each: int | None = Field(default=None, ge=1, le=8)
    blocks: list[SummerBlock] = Field(default_factory=list, max_length=MAX_SUMMER_BLOCKS)
    even_years: Party | None = Field(default=None, description="Parent with the first week/block/half in even years")
    notice_by: str | None = Field(default=None, max_length=NAME_CHARS, description="e.g. 'April 1' each year")

    @model_validator(mode="after")
    def _blocks(self) -> Summer:
        ordered = sorted(self.blocks, key=lambda b: b.start)
        for first, second in zip(ordered, ordered[1:]):
            if second.start < first.end:  # same-day hand-overs are checked with times in ParentingTimeSchedule
                index = self.blocks.index(second)
                raise _invalid(
                    "Summer",
                    ("blocks", index),
                    f"summer blocks overlap: {first.start}..{first.end} and {second.start}..{second.end}",
                    second.start.isoformat(),
                )
        if self.arrangement == "blocks" and not self.blocks and self.weeks_each is None:
            raise ValueError("summer 'blocks' needs either blocks or weeks_each")
        if self.blocks and self.arrangement != "blocks":
            raise _invalid("Summer", ("blocks",), f"summer blocks are only used with arrangement 'blocks', not '{self.arrangement}'", len(self.blocks))
        return self


# --------------------------------------------------------------------------- holidays


class HolidayName(StrEnum):
    """Holidays the engine can place on the calendar by rule."""

    NEW_YEARS_DAY = "new_years_day"
    MLK_DAY = "martin_luther_king_day"
    PRESIDENTS_DAY = "presidents_day"
    GOOD_FRIDAY = "good_friday"
    EASTER = "easter"
    SPRING_BREAK = "spring_break"
    MOTHERS_DAY = "mothers_day"
    MEMORIAL_DAY = "memorial_day"
    FATHERS_DAY = "fathers_day"
    JUNETEENTH = "juneteenth"
    INDEPENDENCE_DAY = "independence_day"
    LABOR_DAY = "labor_day"
    INDIGENOUS_PEOPLES_DAY = "indigenous_peoples_day"
    HALLOWEEN = "halloween"
    VETERANS_DAY = "veterans_day"
    THANKSGIVING = "thanksgiving"
    WINTER_BREAK = "winter_break"
    CHRISTMAS_EVE = "christmas_eve"
    CHRISTMAS_DAY = "christmas_day"
    NEW_YEARS_EVE = "new_years_eve"
    CHILD_BIRTHDAY = "child_birthday"
    PARENT_BIRTHDAY = "parent_birthday"
    CUSTOM = "custom"


SCHOOL_BREAKS = frozenset({HolidayName.WINTER_BREAK, HolidayName.SPRING_BREAK})
"""School breaks: placed from the school calendar, in the seasonal layer (below holidays)."""


class HolidayRule(StrictModel):
    """One holiday and who has the children for it.

    ``assignment``:
      * ``alternate``: ``even_years`` has it in even years, the other parent in odd years;
      * ``fixed``: ``parent`` has it every year (Mother's Day with the mother: for
        ``mothers_day``/``fathers_day`` ``parent`` defaults to the parent whose role
        is mother/father);
      * ``split``: the period is split at ``split_date`` (``MM-DD``) or
        ``split_after_days`` days after its first day, at ``split_time`` (default: the
        exchange time); ``even_years`` has the first part in even years;
      * ``with_weekend``: the parent who has the adjacent weekend under the regular
        pattern (for Monday and Friday holidays).
    The time window runs from ``start_time`` on the first day (``start_offset_days``
    before the holiday) to ``end_time`` on the last day (``end_offset_days`` after).
    School breaks (``winter_break``, ``spring_break``; ``thanksgiving`` with
    ``school_break: true``) take their first and last day from the school calendar.
    Monday and Friday holidays with ``attach_to_weekend`` extend the adjacent
    weekend: the window starts (Monday) or ends (Friday) with the weekend.
    Years: a period belongs to the year in which it starts (winter break 2026-27 is 2026's).
    """

    holiday: HolidayName
    label: str | None = Field(default=None, max_length=NAME_CHARS)
    month: int | None = Field(default=None, ge=1, le=12, description="for custom holidays and parent birthdays")
    day: int | None = Field(default=None, ge=1, le=31, description="for custom holidays and parent birthdays")
    dates: list[date] = Field(default_factory=list, max_length=MAX_HOLIDAY_DATES, description="custom holidays whose date moves (e.g. Eid, Lunar New Year): each year's date")
    assignment: Literal["alternate", "fixed", "split", "with_weekend"] = "alternate"
    even_years: Party | None = None
    parent: Party | None = None
    split_after_days: int | None = Field(default=None, ge=1, le=60)
    split_date: str | None = Field(default=None, pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", description="MM-DD, e.g. 12-26")
    split_time: time | None = None
    start_offset_days: int = Field(default=0, ge=0, le=14)
    start_time: time = time(9, 0)
    end_offset_days: int = Field(default=0, ge=0, le=14)
    end_time: time = time(18, 0)
    attach_to_weekend: bool = False
    school_break: bool = Field(default=False, description="thanksgiving: use the school calendar's Thanksgiving break dates")
    children: list[Name] = Field(default_factory=list, max_length=MAX_CHILDREN, description="Only these children (short or first names); default: all")

    @model_validator(mode="after")
    def _assigned(self) -> HolidayRule:
        name = self.label or self.holiday.value
        if self.assignment in ("alternate", "split") and self.even_years is None:
            raise ValueError(f"holiday '{name}' is assigned to nobody: set even_years (the parent who has it in even years)")
        if self.assignment == "fixed" and self.parent is None and self.holiday not in (HolidayName.MOTHERS_DAY, HolidayName.FATHERS_DAY):
            raise ValueError(f"holiday '{name}' is assigned to nobody: set parent")
        if self.assignment == "split" and self.split_after_days is None and self.split_date is None:
            raise ValueError(f"holiday '{name}' is split but split_after_days is not set")
        if self.split_after_days is not None and self.split_date is not None:
            raise _invalid("HolidayRule", ("split_date",), f"holiday '{name}': give split_date or split_after_days, not both", self.split_date)
        if self.holiday is HolidayName.CUSTOM and (not self.label or (not self.dates and (self.month is None or self.day is None))):
            raise ValueError("a custom holiday needs label, month and day")
        if self.holiday is HolidayName.PARENT_BIRTHDAY and (self.month is None or self.day is None):
            raise ValueError(f"holiday '{name}' needs month and day (the parent's birthday)")
        if self.month is not None and self.day is not None:
            try:
                date(2000, self.month, self.day)  # a leap year: 02-29 is allowed
            except ValueError:
                raise _invalid("HolidayRule", ("day",), f"there is no day {self.day} in month {self.month}", self.day) from None
        if self.school_break and self.holiday is not HolidayName.THANKSGIVING:
            raise _invalid("HolidayRule", ("school_break",), f"school_break is only for thanksgiving ('{self.holiday.value}' dates come from its own rule)", True)
        if self.start_offset_days == 0 and self.end_offset_days == 0 and self.end_time <= self.start_time and not self.attach_to_weekend and not self.is_school_break:
            raise _invalid("HolidayRule", ("end_time",), f"holiday '{name}' ends ({self.end_time.strftime('%H:%M')}) before it starts ({self.start_time.strftime('%H:%M')}) on the same day", self.end_time.isoformat())
        return self

    @property
    def is_school_break(self) -> bool:
        return self.holiday in SCHOOL_BREAKS or (self.holiday is HolidayName.THANKSGIVING and self.school_break)


# --------------------------------------------------------------------------- one-offs and the whole schedule


class OneOffChange(StrictModel):
    """A single agreed change (a wedding, a trip): ``parent`` has the children from
    ``start`` (at the exchange time, or ``start_time``) to ``end`` (at the exchange
    time, or ``end_time``)."""

    parent: Party
    start: date
    end: date
    start_time: time | None = None
    end_time: time | None = None
    reason: str | None = Field(default=None, max_length=TEXT_CHARS)
    children: list[Name] = Field(default_factory=list, max_length=MAX_CHILDREN, description="Only these children (short or first names); default: all")

    @model_validator(mode="after")
    def _ordered(self) -> OneOffChange:
        if self.end < self.start:
            raise ValueError("one-off change ends before it starts")
        return self


StepKind = Literal["longer_supervised_visits", "unsupervised_day_visits", "unsupervised_overnights"]
"""What a step of a step-up plan gives the supervised parent."""


class SupervisionStep(StrictModel):
    """One step of a step-up plan: it takes effect only on its condition (or by written agreement or court order)."""

    then: StepKind = Field(description="What the step gives: longer_supervised_visits, unsupervised_day_visits or unsupervised_overnights")
    after_months: int | None = Field(default=None, ge=1, le=60, description="Months of supervised time (without a missed or ended visit) before the step")
    condition: str | None = Field(default=None, max_length=TEXT_CHARS, description="What the supervised parent must do first, e.g. complete a named program")
    gives: str | None = Field(default=None, max_length=TEXT_CHARS, description="The time the step gives, in words (e.g. 'Saturdays from 10 a.m. to 6 p.m.')")

    @model_validator(mode="after")
    def _when(self) -> SupervisionStep:
        if self.after_months is None and not self.condition:
            raise ValueError("a step needs after_months, a condition, or both: a step with neither would take effect at once")
        return self


class Supervision(StrictModel):
    """How supervised parenting time is really done: who pays, calls, the step-up path and the review."""

    fees: Literal["a", "b", "shared"] | None = Field(default=None, description="Who pays the supervisor's fees: a, b, or shared")
    fees_parent_a_percent: int | None = Field(default=None, ge=0, le=100, description="Shared fees: parent a's percent (parent b pays the rest)")
    calls: Literal["supervised", "none"] = Field(default="supervised", description="Phone and video calls with the supervised parent: supervised like visits, or none")
    steps: list[SupervisionStep] = Field(default_factory=list, max_length=5, description="The step-up path, in order")
    review_date: date | None = Field(default=None, description="When supervision is reviewed; default: the protective order's expiry")

    @model_validator(mode="after")
    def _fees(self) -> Supervision:
        if self.fees == "shared" and self.fees_parent_a_percent is None:
            raise _invalid("Supervision", ("fees_parent_a_percent",), "shared fees need fees_parent_a_percent (parent b pays the rest)", None)
        if self.fees != "shared" and self.fees_parent_a_percent is not None:
            raise _invalid("Supervision", ("fees_parent_a_percent",), "fees_parent_a_percent is only for fees: shared", self.fees_parent_a_percent)
        return self


class ParentingTimeSchedule(StrictModel):
    """Everything needed to say who has the children on any day and night."""

    pattern: RegularPattern
    exchange_day: Weekday | None = None
    exchange_time: time = time(18, 0)
    time_zone: str = Field(default="America/Phoenix", max_length=ID_CHARS)
    school_years: list[SchoolYear] = Field(default_factory=list, max_length=MAX_SCHOOL_YEARS)
    summer: Summer = Field(default_factory=Summer)
    holidays: list[HolidayRule] = Field(default_factory=list, max_length=MAX_HOLIDAYS)
    one_off_changes: list[OneOffChange] = Field(default_factory=list, max_length=MAX_ONE_OFF_CHANGES)
    child_patterns: list[ChildPattern] = Field(default_factory=list, max_length=MAX_CHILDREN, description="Children who follow a different regular pattern")
    supervised: bool = False
    supervisor: str | None = Field(default=None, max_length=NAME_CHARS, description="Who supervises parenting time, when supervised")
    supervised_parent: Party | None = None
    supervision: Supervision | None = Field(default=None, description="Supervised time: fees, calls, step-up path and review date")
    long_distance: bool = False
    distance_miles: int | None = Field(default=None, ge=0, le=MAX_MILES)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        check_time_zone(value)
        return value

    @model_validator(mode="after")
    def _supervision(self) -> ParentingTimeSchedule:
        if self.supervised and (self.supervisor is None or self.supervised_parent is None):
            raise ValueError("supervised parenting time needs supervisor and supervised_parent")
        if self.supervision is not None and not self.supervised:
            raise _invalid("ParentingTimeSchedule", ("supervision",), "supervision terms are given, but parenting time is not supervised: add supervised: true with supervisor and supervised_parent, or leave supervision out", None)
        return self

    @model_validator(mode="after")
    def _consistent(self) -> ParentingTimeSchedule:
        title = "ParentingTimeSchedule"
        pattern = self.pattern
        if pattern.kind is PatternKind.ALTERNATING_WEEKS and self.exchange_day is not None:
            anchor_day = WEEKDAYS[pattern.anchor.weekday()]
            if anchor_day != self.exchange_day:
                raise _invalid(title, ("pattern", "anchor"), f"anchor {pattern.anchor} is a {anchor_day.capitalize()} but exchange_day is {self.exchange_day}; alternating weeks change over on the anchor's weekday", pattern.anchor.isoformat())
        # Recurring wall times must exist every day: a 2:30 a.m. exchange vanishes on a spring-forward day.
        years = range(pattern.anchor.year - 1, pattern.anchor.year + 11)
        recurring: list[tuple[tuple[str | int, ...], time]] = [(("exchange_time",), self.exchange_time)]
        for prefix, each in [(("pattern",), pattern)] + [(("child_patterns", i, "pattern"), cp.pattern) for i, cp in enumerate(self.child_patterns)]:
            recurring += [((*prefix, name), value) for name, value in each.recurring_times().items() if value is not None]
        for loc, value in recurring:
            gap = recurring_time_gap(self.time_zone, value, years, after=pattern.anchor)
            if gap is not None:
                raise _invalid(title, loc, gap_message(str(loc[-1]), value, self.time_zone, gap), value.isoformat())
        for index, change in enumerate(self.one_off_changes):
            begins = datetime.combine(change.start, change.start_time or self.exchange_time)
            ends = datetime.combine(change.end, change.end_time or self.exchange_time)
            if ends <= begins:
                raise _invalid(title, ("one_off_changes", index, "end"), f"one-off change ends ({ends:%Y-%m-%d %H:%M}) when or before it starts ({begins:%Y-%m-%d %H:%M}); give end_time", change.end.isoformat())
        for index, block in enumerate(self.summer.blocks):
            begins = datetime.combine(block.start, block.start_time or self.exchange_time)
            ends = datetime.combine(block.end, block.end_time or self.exchange_time)
            if ends <= begins:
                raise _invalid(title, ("summer", "blocks", index, "end"), f"summer block ends ({ends:%Y-%m-%d %H:%M}) when or before it starts ({begins:%Y-%m-%d %H:%M})", block.end.isoformat())
        spans = sorted(
            (datetime.combine(b.start, b.start_time or self.exchange_time), datetime.combine(b.end, b.end_time or self.exchange_time), i)
            for i, b in enumerate(self.summer.blocks)
        )
        for (_, first_end, _), (second_start, _, index) in zip(spans, spans[1:]):
            if second_start < first_end:
                raise _invalid(title, ("summer", "blocks", index), f"summer blocks overlap: one ends {first_end:%Y-%m-%d %H:%M}, the next starts {second_start:%Y-%m-%d %H:%M}", second_start.isoformat())
        ordered = sorted(enumerate(self.school_years), key=lambda item: item[1].first_day)
        for (_, first), (index, second) in zip(ordered, ordered[1:]):
            if second.first_day <= first.last_day:
                raise _invalid(title, ("school_years", index, "first_day"), f"school years overlap: {first.first_day}..{first.last_day} and {second.first_day}..{second.last_day}", second.first_day.isoformat())
        seen: dict[str, int] = {}
        for index, child_pattern in enumerate(self.child_patterns):
            key = child_pattern.child.casefold()
            if key in seen:
                raise _invalid(title, ("child_patterns", index, "child"), f"child '{child_pattern.child}' already has a pattern (child_patterns[{seen[key]}])", child_pattern.child)
            seen[key] = index
        return self

    @property
    def summer_even_years(self) -> Party:
        """The parent with the first summer week/block/half in even years."""
        return self.summer.even_years or self.pattern.other_parent

    def with_anchor_shift(self, days: int) -> ParentingTimeSchedule:
        """A copy whose regular pattern(s) start ``days`` later (for tests and what-ifs)."""
        shift = timedelta(days=days)
        pattern = self.pattern.model_copy(update={"anchor": self.pattern.anchor + shift})
        children = [cp.model_copy(update={"pattern": cp.pattern.model_copy(update={"anchor": cp.pattern.anchor + shift})}) for cp in self.child_patterns]
        return self.model_copy(update={"pattern": pattern, "child_patterns": children})


__all__ = [
    "ROTATIONS",
    "SCHOOL_BREAKS",
    "WEEKDAYS",
    "WEEKEND_PATTERNS",
    "ChildPattern",
    "HolidayName",
    "HolidayRule",
    "OneOffChange",
    "ParentingTimeSchedule",
    "Party",
    "PatternKind",
    "RegularPattern",
    "SchoolYear",
    "Summer",
    "SummerBlock",
    "Weekday",
    "check_time_zone",
    "clock_changes",
    "missing_wall_time",
    "other_party",
]
