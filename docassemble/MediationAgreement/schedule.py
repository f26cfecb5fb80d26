"""Parenting-time computation: who has the children at every moment, each night, each year.

The schedule (:mod:`.schedule_model`) is turned into a list of :class:`Period` s,
stretches of wall-clock time each held by one parent, built in four layers:

1. **regular** — the school-year pattern (rotation or weekends, plus a midweek visit);
2. **seasonal** — summer and school breaks (dates from the school calendar);
3. **holiday** — holidays by rule, even/odd years, time windows;
4. **one-off** — single agreed changes.

A higher layer always wins.  Inside one layer two rules that give the same
time to different parents are a :class:`Conflict`: it is resolved by a fixed,
documented rule (the shorter holiday or break wins, ties go to the rule listed
first; a later one-off change wins over an earlier one) and always reported.
A one-off change that takes a holiday or break away from the other parent is
reported too.

Conventions (see ``docs/schedule.md``):

* all times are wall-clock times in the schedule's time zone; a wall time that
  does not exist (spring forward) is a :class:`~.errors.ScheduleError` naming the
  field; a wall time that happens twice (fall back) means its first occurrence;
* the **night** of date D begins on the evening of D; it belongs to the parent
  who has the children at midnight between D and D+1;
* ranges of dates are inclusive: ``compute_nights(s, date(2027, 1, 1), date(2027, 12, 31))``
  covers the 365 nights that begin in 2027;
* a holiday belongs to the year of its date, a school break to the year it starts in;
* the regular pattern is periodic, so it extends before its anchor the same way
  it runs after it.

Example::

    >>> from datetime import date
    >>> from docassemble.MediationAgreement.schedule_model import ParentingTimeSchedule
    >>> s = ParentingTimeSchedule.model_validate(
    ...     {"pattern": {"kind": "2-2-5-5", "anchor": "2027-01-04", "starts_with": "a"}})
    >>> compute_nights(s, date(2027, 1, 1), date(2027, 12, 31)).overnights()
    {'a': 182, 'b': 183}
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import IntEnum
from typing import TYPE_CHECKING, Literal, Protocol

from .errors import ScheduleError
from .schedule_model import (
    WEEKDAYS,
    HolidayName,
    HolidayRule,
    ParentingTimeSchedule,
    Party,
    PatternKind,
    RegularPattern,
    SchoolYear,
    clock_changes,
    gap_message,
    other_party,
)

if TYPE_CHECKING:
    from .case import Case

ROOT = "parenting_time"
"""Field paths in errors start here: the schedule lives at ``case.parenting_time``."""

ANCHOR_MAX_PAST = timedelta(days=2 * 365 + 1)
"""An anchor (or any schedule date) more than about two years before the agreement date is refused."""

ANCHOR_MAX_FUTURE = timedelta(days=5 * 365 + 2)
"""An anchor (or any schedule date) more than about five years after the agreement date is refused."""

PARTIES: tuple[Party, Party] = ("a", "b")

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


class Layer(IntEnum):
    """Schedule layers, lowest first: each overrides the ones below it."""

    REGULAR = 0
    SEASONAL = 1
    HOLIDAY = 2
    ONE_OFF = 3


@dataclass(frozen=True, slots=True)
class Period:
    """A stretch of wall-clock time (``start`` <= t < ``end``, naive local) held by one parent."""

    start: datetime
    end: datetime
    parent: Party
    layer: Layer
    label: str
    field_path: str

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


@dataclass(frozen=True, slots=True)
class Conflict:
    """Something the mediator should see: two rules clashing, an override, missing dates.

    ``kind``: ``overlap`` (two rules of one layer give the same time to different
    parents; ``winner`` says which applies and why), ``override`` (a one-off change
    takes a holiday or break from the other parent), ``missing_dates`` (the school
    calendar lacks dates a rule needs; that rule is left off for that year).
    """

    kind: Literal["overlap", "override", "missing_dates"]
    message: str
    field_path: str
    start: datetime | None = None
    end: datetime | None = None
    children: tuple[str, ...] = ()

    def __str__(self) -> str:
        who = f" [{', '.join(self.children)}]" if self.children else ""
        return f"{self.field_path}: {self.message}{who}"


@dataclass(frozen=True, slots=True)
class HolidayOccurrence:
    """One year's instance of a holiday or school-break rule, as placed on the calendar."""

    label: str
    day: date
    start: datetime
    end: datetime
    parents: tuple[Party, ...]
    layer: Layer
    field_path: str
    children: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DayRecord:
    """Who has the children on one date: at its start, during it (hours), and for its night."""

    day: date
    morning: Party
    night: Party
    exchanges: tuple[tuple[time, Party], ...]
    hours: tuple[float, float]

    def hours_with(self, party: Party) -> float:
        return self.hours[0 if party == "a" else 1]


class ChildLike(Protocol):
    """What the engine needs to know about a child (``case.Child`` fits)."""

    @property
    def name(self) -> str: ...

    @property
    def date_of_birth(self) -> date: ...


@dataclass(frozen=True, slots=True)
class ChildInfo:
    """A child as the engine sees it: the name used in rules and the birthday."""

    name: str
    date_of_birth: date | None = None
    aliases: tuple[str, ...] = ()

    def matches(self, text: str) -> bool:
        wanted = text.strip().casefold()
        return wanted in {n.casefold() for n in (self.name, *self.aliases)}


@dataclass(frozen=True)
class ChildTimeline:
    """The computed schedule shared by one or more children."""

    children: tuple[str, ...]
    periods: tuple[Period, ...]
    nights: tuple[Party, ...]


@dataclass(frozen=True)
class ParentingTimeline:
    """The result of :func:`compute_nights`: periods and nights for ``start``..``end`` (inclusive).

    When every child follows the same schedule there is one group; otherwise one
    group per distinct schedule, and per-child questions need ``child=``.
    """

    start: date
    end: date
    time_zone: str
    groups: tuple[ChildTimeline, ...]
    conflicts: tuple[Conflict, ...]
    holidays: tuple[HolidayOccurrence, ...]

    @property
    def uniform(self) -> bool:
        """True when all the children are always together."""
        return len(self.groups) == 1

    @property
    def children(self) -> tuple[str, ...]:
        return tuple(name for group in self.groups for name in group.children)

    def group(self, child: str | None = None) -> ChildTimeline:
        if child is None:
            if not self.uniform:
                raise ScheduleError(
                    f"the children's schedules differ ({'; '.join(', '.join(g.children) for g in self.groups)}): name a child",
                    field_path=f"{ROOT}.child_patterns",
                )
            return self.groups[0]
        for group in self.groups:
            if any(name.casefold() == child.casefold() for name in group.children):
                return group
        raise ScheduleError(f"no child named '{child}' (children: {', '.join(self.children)})", field_path=ROOT)

    def night(self, day: date, child: str | None = None) -> Party:
        """The parent who has the night that begins on ``day``."""
        if not self.start <= day <= self.end:
            raise ScheduleError(f"{day} is outside the computed range {self.start}..{self.end}", field_path=ROOT)
        return self.group(child).nights[(day - self.start).days]

    def nights_by_date(self, child: str | None = None) -> dict[date, Party]:
        return {self.start + timedelta(days=i): p for i, p in enumerate(self.group(child).nights)}

    def overnights(self, child: str | None = None, start: date | None = None, end: date | None = None) -> dict[Party, int]:
        """Nights held by each parent from ``start`` to ``end`` (inclusive; default: the whole range)."""
        nights = self.group(child).nights
        first = 0 if start is None else (start - self.start).days
        last = len(nights) - 1 if end is None else (end - self.start).days
        if first < 0 or last >= len(nights) or first > last + 1:
            raise ScheduleError(f"{start}..{end} is outside the computed range {self.start}..{self.end}", field_path=ROOT)
        chosen = nights[first : last + 1]
        a = chosen.count("a")
        return {"a": a, "b": len(chosen) - a}

    def days(self, child: str | None = None) -> Iterator[DayRecord]:
        """Each date's morning parent, exchanges, hours with each parent (elapsed, so DST-aware) and night."""
        group = self.group(child)
        periods = group.periods
        index = 0
        for offset, night in enumerate(group.nights):
            day = self.start + timedelta(days=offset)
            begin = datetime.combine(day, time())
            finish = begin + timedelta(days=1)
            while index < len(periods) and periods[index].end <= begin:
                index += 1
            morning = periods[index].parent if index < len(periods) else night
            exchanges: list[tuple[time, Party]] = []
            hours = [0.0, 0.0]
            holder, since = morning, begin
            probe = index
            while probe < len(periods) and periods[probe].start < finish:
                period = periods[probe]
                if period.parent != holder and period.start > begin:
                    hours[0 if holder == "a" else 1] += _elapsed_hours(since, period.start, self.time_zone)
                    exchanges.append((period.start.time(), period.parent))
                    holder, since = period.parent, period.start
                probe += 1
            hours[0 if holder == "a" else 1] += _elapsed_hours(since, finish, self.time_zone)
            yield DayRecord(day, morning, night, tuple(exchanges), (hours[0], hours[1]))


# --------------------------------------------------------------------------- calendar rules


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


# --------------------------------------------------------------------------- building blocks


class _Clock:
    """Turns (date, wall time, field) into naive local datetimes, refusing times that do not exist."""

    def __init__(self, zone: str, years: range) -> None:
        self.zone = zone
        self.gaps: dict[date, tuple[datetime, datetime]] = {}
        for year in years:
            for first, after, is_gap in clock_changes(zone, year):
                if is_gap:
                    self.gaps[first.date()] = (first, after)
                    self.gaps[after.date()] = (first, after)

    def at(self, day: date, at: time, field_path: str) -> datetime:
        moment = datetime.combine(day, at)
        gap = self.gaps.get(day)
        if gap is not None and gap[0] <= moment < gap[1]:
            raise ScheduleError(gap_message(field_path.rsplit(".", 1)[-1], at, self.zone, gap), field_path=field_path)
        return moment


def _elapsed_hours(start: datetime, end: datetime, zone: str) -> float:
    """Real hours between two naive wall times (23 or 25 on a DST day)."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    return (end.replace(tzinfo=tz).timestamp() - start.replace(tzinfo=tz).timestamp()) / 3600


@dataclass(slots=True)
class _Overlay:
    start: datetime
    end: datetime
    parent: Party | None  # None: 'with_weekend', resolved per child from the regular pattern
    layer: Layer
    label: str
    field_path: str
    rank: tuple[int, ...]
    children: frozenset[str] | None  # None: every child
    probe: datetime | None = None  # with_weekend: the moment whose regular holder takes the holiday
    index: int = 0

    def applies_to(self, child: str) -> bool:
        return self.children is None or child in self.children

    def period(self, parent: Party, start: datetime | None = None, end: datetime | None = None) -> Period:
        return Period(start or self.start, end or self.end, parent, self.layer, self.label, self.field_path)


def _merge(periods: list[Period]) -> list[Period]:
    """Join touching periods with the same parent, layer and label."""
    out: list[Period] = []
    for period in periods:
        if out:
            last = out[-1]
            if last.end == period.start and last.parent == period.parent and last.layer == period.layer and last.label == period.label:
                out[-1] = replace(last, end=period.end)
                continue
        out.append(period)
    return out


def _paint(base: list[Period], top: list[Period]) -> list[Period]:
    """Lay sorted, non-overlapping ``top`` periods over the contiguous ``base``."""
    if not top:
        return base
    out: list[Period] = []
    i, n = 0, len(base)
    pos = base[0].start
    for t in top:
        while i < n and base[i].start < t.start:
            b = base[i]
            s, e = max(b.start, pos), min(b.end, t.start)
            if s < e:
                out.append(b if (s == b.start and e == b.end) else replace(b, start=s, end=e))
            if b.end <= t.start:
                i += 1
            else:
                break
        out.append(t)
        pos = max(pos, t.end)
        while i < n and base[i].end <= pos:
            i += 1
    while i < n:
        b = base[i]
        s = max(b.start, pos)
        if s < b.end:
            out.append(b if s == b.start else replace(b, start=s))
        i += 1
    return out


def _clip(periods: Sequence[Period], start: datetime, end: datetime) -> list[Period]:
    out = []
    for p in periods:
        if p.end <= start or p.start >= end:
            continue
        if p.start < start or p.end > end:
            p = replace(p, start=max(p.start, start), end=min(p.end, end))
        out.append(p)
    return out


def _holder_at(periods: Sequence[Period], moment: datetime) -> Party:
    lo, hi = 0, len(periods) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if periods[mid].start <= moment:
            lo = mid
        else:
            hi = mid - 1
    return periods[lo].parent


# --------------------------------------------------------------------------- the regular layer


_WEEKEND_SPAN = {("thursday", "sunday"): 3, ("thursday", "monday"): 4, ("friday", "sunday"): 2, ("friday", "monday"): 3}


def _regular_periods(pattern: RegularPattern, schedule: ParentingTimeSchedule, clock: _Clock, begin: date, finish: date, path: str) -> list[Period]:
    """The regular layer from ``begin`` to ``finish`` (00:00 to 00:00), contiguous."""
    exchange = schedule.exchange_time
    label = "Regular schedule"
    lo, hi = datetime.combine(begin, time()), datetime.combine(finish, time())
    rotation = pattern.nightly_rotation()
    periods: list[Period]
    if rotation is not None:
        length = len(rotation)
        runs: list[tuple[int, int, Party]] = []  # (first night, nights, parent) inside one cycle
        for i, parent in enumerate(rotation):
            if runs and runs[-1][2] == parent:
                runs[-1] = (runs[-1][0], runs[-1][1] + 1, parent)
            else:
                runs.append((i, 1, parent))
        cycle_start = pattern.anchor + timedelta(days=((begin - pattern.anchor).days // length - 1) * length)
        periods = []
        field_path = f"{ROOT}.exchange_time"
        while cycle_start <= finish:
            for first, nights, parent in runs:
                s = clock.at(cycle_start + timedelta(days=first), exchange, field_path)
                e = clock.at(cycle_start + timedelta(days=first + nights), exchange, field_path)
                periods.append(Period(s, e, parent, Layer.REGULAR, label, f"{path}.kind"))
            cycle_start += timedelta(days=length)
    else:
        assert pattern.primary_parent is not None  # the model guarantees it for weekend patterns
        primary, visitor = pattern.primary_parent, other_party(pattern.primary_parent)
        start_day = WEEKDAYS.index(pattern.weekend_starts)
        span = _WEEKEND_SPAN[(pattern.weekend_starts, pattern.weekend_ends)]
        w_start = pattern.weekend_start_time or exchange
        w_end = pattern.weekend_end_time or exchange
        w_start_path = f"{path}.weekend_start_time" if pattern.weekend_start_time else f"{ROOT}.exchange_time"
        w_end_path = f"{path}.weekend_end_time" if pattern.weekend_end_time else f"{ROOT}.exchange_time"
        first_days: list[date] = []
        scan_from, scan_to = begin - timedelta(days=14), finish + timedelta(days=14)
        if pattern.kind is PatternKind.FIRST_THIRD_FIFTH_WEEKENDS:
            y, m = scan_from.year, scan_from.month
            while date(y, m, 1) <= scan_to:
                friday = nth_weekday(y, m, 4, 1)
                for k in (0, 2, 4):
                    f = friday + timedelta(days=7 * k)
                    if f.month == m:
                        first_days.append(f - timedelta(days=4 - start_day))
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        else:
            step = 14 if pattern.kind is PatternKind.EVERY_OTHER_WEEKEND else 7
            first_weekend = pattern.anchor + timedelta(days=(start_day - pattern.anchor.weekday()) % 7)
            d = first_weekend + timedelta(days=((scan_from - first_weekend).days // step) * step)
            while d <= scan_to:
                first_days.append(d)
                d += timedelta(days=step)
        base = [Period(datetime.combine(scan_from, time()), datetime.combine(scan_to, time()), primary, Layer.REGULAR, label, f"{path}.primary_parent")]
        weekends = [
            Period(clock.at(d, w_start, w_start_path), clock.at(d + timedelta(days=span), w_end, w_end_path), visitor, Layer.REGULAR, "Weekend", f"{path}.kind")
            for d in first_days
        ]
        periods = _paint(base, weekends)
    if pattern.midweek != "none":
        periods = _merge(periods)
        weekday = WEEKDAYS.index(pattern.midweek_day)
        d = begin - timedelta(days=7) + timedelta(days=(weekday - (begin - timedelta(days=7)).weekday()) % 7)
        visits: list[Period] = []
        end_time = pattern.midweek_end if pattern.midweek == "evening" else pattern.midweek_return
        end_name = "midweek_end" if pattern.midweek == "evening" else "midweek_return"
        visit_label = "Midweek evening" if pattern.midweek == "evening" else "Midweek overnight"
        while d <= finish + timedelta(days=1):
            s = clock.at(d, pattern.midweek_start, f"{path}.midweek_start")
            e = clock.at(d + timedelta(days=0 if pattern.midweek == "evening" else 1), end_time, f"{path}.{end_name}")
            holder = _holder_at(periods, s)
            visitor_now = other_party(holder)
            if pattern.is_weekend_pattern and holder != pattern.primary_parent:
                visitor_now = holder  # already the weekend parent's time: nothing changes
            if visitor_now != holder and e > s:
                visits.append(Period(s, e, visitor_now, Layer.REGULAR, visit_label, f"{path}.midweek"))
            d += timedelta(days=7)
        periods = _paint(periods, visits)
    return _clip(_merge(periods), lo, hi)


# --------------------------------------------------------------------------- seasonal, holiday and one-off layers


def _school_year_label(year: SchoolYear) -> str:
    return f"{year.first_day.year}-{str(year.last_day.year)[-2:]}"


def _summer_overlays(schedule: ParentingTimeSchedule, clock: _Clock, years: range) -> tuple[list[_Overlay], list[Conflict]]:
    summer = schedule.summer
    path = f"{ROOT}.summer"
    overlays: list[_Overlay] = []
    notices: list[Conflict] = []
    exchange = schedule.exchange_time
    ex_path = f"{ROOT}.exchange_time"
    for index, block in enumerate(summer.blocks):
        bpath = f"{path}.blocks[{index}]"
        s = clock.at(block.start, block.start_time or exchange, f"{bpath}.start_time" if block.start_time else ex_path)
        e = clock.at(block.end, block.end_time or exchange, f"{bpath}.end_time" if block.end_time else ex_path)
        overlays.append(_Overlay(s, e, block.parent, Layer.SEASONAL, f"Summer block {block.start.year}", bpath, _season_rank(s, e, index), None, index=index))
    if summer.arrangement == "regular" or (summer.arrangement == "blocks" and summer.weeks_each is None):
        return overlays, notices
    ex_weekday = WEEKDAYS.index(schedule.exchange_day) if schedule.exchange_day else schedule.pattern.anchor.weekday()
    listed_years = {block.start.year for block in summer.blocks}
    for year in years:
        if year in listed_years:
            continue  # the parents listed this summer's blocks: nothing to place
        ending = [sy for sy in schedule.school_years if sy.last_day.year == year]
        starting = [sy for sy in schedule.school_years if sy.first_day.year == year and (not ending or sy.first_day > ending[0].last_day)]
        if not ending or not starting:
            missing = "the last day of school" if not ending else "the first day of the next school year"
            if not ending and not starting:
                missing = "the last and first days of school"
            notices.append(Conflict(
                "missing_dates",
                f"summer {year} is not placed: the school calendar does not give {missing} in {year}; the regular schedule applies",
                f"{ROOT}.school_years",
                datetime(year, 5, 15),
                datetime(year, 9, 15),
            ))
            continue
        last_day, first_day = ending[0].last_day, starting[0].first_day
        window_start = clock.at(last_day, exchange, ex_path)
        window_end = clock.at(first_day - timedelta(days=1), exchange, ex_path)
        first_parent = schedule.summer_even_years if year % 2 == 0 else other_party(schedule.summer_even_years)
        week_start_day = last_day + timedelta(days=(ex_weekday - last_day.weekday()) % 7)
        if summer.arrangement == "split":
            middle = last_day + timedelta(days=(first_day - timedelta(days=1) - last_day).days // 2)
            split = clock.at(middle, exchange, ex_path)
            overlays.append(_Overlay(window_start, split, first_parent, Layer.SEASONAL, f"Summer {year} (first half)", path, _SUMMER_RANK, None))
            overlays.append(_Overlay(split, window_end, other_party(first_parent), Layer.SEASONAL, f"Summer {year} (second half)", path, _SUMMER_RANK, None))
        elif summer.arrangement == "alternating_weeks":
            d, k = week_start_day, 0
            while True:
                s = clock.at(d, exchange, ex_path)
                if s >= window_end:
                    break
                e = min(clock.at(d + timedelta(days=7), exchange, ex_path), window_end)
                parent = first_parent if k % 2 == 0 else other_party(first_parent)
                overlays.append(_Overlay(s, e, parent, Layer.SEASONAL, f"Summer {year} (alternating weeks)", path, _SUMMER_RANK, None))
                d += timedelta(days=7)
                k += 1
        else:  # blocks placed by weeks_each
            assert summer.weeks_each is not None
            days = 7 * summer.weeks_each
            s1 = clock.at(week_start_day, exchange, ex_path)
            s2 = clock.at(week_start_day + timedelta(days=days), exchange, ex_path)
            e2 = clock.at(week_start_day + timedelta(days=2 * days), exchange, ex_path)
            if e2 > window_end:
                raise ScheduleError(
                    f"two blocks of {summer.weeks_each} weeks from {week_start_day:%B %-d, %Y} do not fit in summer {year} "
                    f"({last_day:%B %-d} to {first_day:%B %-d}); shorten weeks_each or list the blocks",
                    field_path=f"{path}.weeks_each",
                )
            overlays.append(_Overlay(s1, s2, first_parent, Layer.SEASONAL, f"Summer {year} (block)", path, _SUMMER_RANK, None))
            overlays.append(_Overlay(s2, e2, other_party(first_parent), Layer.SEASONAL, f"Summer {year} (block)", path, _SUMMER_RANK, None))
    return overlays, notices


_SUMMER_RANK = (-(200 * 86400), -1000)
"""Rank of computed summer periods inside the seasonal layer: below any school break that overlaps them."""


def _season_rank(start: datetime, end: datetime, index: int) -> tuple[int, int]:
    return (-int((end - start).total_seconds()), -1000 - index)


def _break_dates(rule: HolidayRule, school_year: SchoolYear) -> tuple[date, date] | None:
    name = {HolidayName.WINTER_BREAK: "winter_break", HolidayName.SPRING_BREAK: "spring_break", HolidayName.THANKSGIVING: "thanksgiving_break"}[rule.holiday]
    start, end = getattr(school_year, f"{name}_start"), getattr(school_year, f"{name}_end")
    return (start, end) if start is not None and end is not None else None


_SEASONS: dict[HolidayName, tuple[tuple[int, int], tuple[int, int], int]] = {
    # Where a school break can fall, for saying whether a missing one matters: (from, to, years later).
    HolidayName.WINTER_BREAK: ((12, 10), (1, 10), 1),
    HolidayName.SPRING_BREAK: ((2, 15), (4, 30), 0),
    HolidayName.THANKSGIVING: ((11, 1), (11, 30), 0),
}


def _season_name(rule: HolidayRule, year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}" if rule.holiday is HolidayName.WINTER_BREAK else str(year)


def _rule_label(rule: HolidayRule) -> str:
    return rule.label or HOLIDAY_LABELS[rule.holiday]


def _holiday_overlays(
    schedule: ParentingTimeSchedule,
    clock: _Clock,
    years: range,
    children: Sequence[ChildInfo],
    roles: Mapping[Party, str],
) -> tuple[list[_Overlay], list[HolidayOccurrence], list[Conflict]]:
    overlays: list[_Overlay] = []
    occurrences: list[HolidayOccurrence] = []
    notices: list[Conflict] = []
    pattern = schedule.pattern
    for index, rule in enumerate(schedule.holidays):
        path = f"{ROOT}.holidays[{index}]"
        only = _rule_children(rule.children, children, f"{path}.children")
        fixed_parent = rule.parent
        if rule.assignment == "fixed" and fixed_parent is None:
            role = "mother" if rule.holiday is HolidayName.MOTHERS_DAY else "father"
            matching = [p for p in PARTIES if roles.get(p) == role]
            if len(matching) != 1:
                raise ScheduleError(
                    f"holiday '{rule.holiday.value}' is assigned to nobody: no single parent has role '{role}'; set parent",
                    field_path=f"{path}.parent",
                )
            fixed_parent = matching[0]
        # (label with year, holiday date, first day, last day, year, children it moves)
        instances: list[tuple[str, date, date, date, int, frozenset[str] | None]] = []
        if rule.is_school_break:
            for school_year in schedule.school_years:
                dates = _break_dates(rule, school_year)
                if dates is None:
                    continue
                first, last = dates
                if first.year not in years:
                    continue
                shown = f"{_rule_label(rule)} {_school_year_label(school_year) if rule.holiday is HolidayName.WINTER_BREAK else first.year}"
                instances.append((shown, first, first - timedelta(days=rule.start_offset_days), last + timedelta(days=rule.end_offset_days), first.year, only))
        elif rule.holiday is HolidayName.CHILD_BIRTHDAY:
            whose = [c for c in children if only is None or c.name in only]
            for child in whose:
                if child.date_of_birth is None:
                    continue
                for year in years:
                    day = month_day(year, child.date_of_birth.month, child.date_of_birth.day)
                    named = f"{rule.label} ({child.name})" if rule.label and len(whose) > 1 else (rule.label or f"{child.name}'s birthday")
                    label = f"{named} {year}"
                    instances.append((label, day, day - timedelta(days=rule.start_offset_days), day + timedelta(days=rule.end_offset_days), year, only))
        else:
            for year in years:
                when = holiday_date(rule, year)
                if when is None:
                    continue
                instances.append((f"{_rule_label(rule)} {year}", when, when - timedelta(days=rule.start_offset_days), when + timedelta(days=rule.end_offset_days), year, only))
        layer = Layer.SEASONAL if rule.is_school_break else Layer.HOLIDAY
        for label, day, first, last, year, moves in instances:
            start_path, end_path = f"{path}.start_time", f"{path}.end_time"
            start = clock.at(first, rule.start_time, start_path)
            end = clock.at(last, rule.end_time, end_path)
            probe: datetime | None = None
            if rule.attach_to_weekend or rule.assignment == "with_weekend":
                w_start = pattern.weekend_start_time or schedule.exchange_time
                w_end = pattern.weekend_end_time or schedule.exchange_time
                if day.weekday() == 0:  # Monday: the weekend before
                    lead = 4 if pattern.weekend_starts == "thursday" else 3
                    if rule.attach_to_weekend:
                        start = min(start, clock.at(day - timedelta(days=lead), w_start, f"{ROOT}.exchange_time"))
                    probe = datetime.combine(day - timedelta(days=2), time(12))
                elif day.weekday() == 4:  # Friday: the weekend after
                    tail = 3 if pattern.weekend_ends == "monday" else 2
                    if rule.attach_to_weekend:
                        end = max(end, clock.at(day + timedelta(days=tail), w_end, f"{ROOT}.exchange_time"))
                    probe = datetime.combine(day + timedelta(days=1), time(12))
                elif rule.assignment == "with_weekend":
                    continue  # not next to a weekend: the regular schedule already decides
            if end <= start:
                raise ScheduleError(f"{label} ends ({end:%Y-%m-%d %H:%M}) before it starts ({start:%Y-%m-%d %H:%M})", field_path=end_path)
            duration = int((end - start).total_seconds())
            rank = (-duration, -index)
            shown = label
            kids = tuple(sorted(moves)) if moves is not None else ()
            if rule.assignment == "split":
                assert rule.even_years is not None
                split = _split_moment(rule, first, start, end, schedule, clock, path)
                first_parent = rule.even_years if year % 2 == 0 else other_party(rule.even_years)
                second_parent = other_party(first_parent)
                overlays.append(_Overlay(start, split, first_parent, layer, shown, path, rank, moves, index=index))
                overlays.append(_Overlay(split, end, second_parent, layer, shown, path, rank, moves, index=index))
                occurrences.append(HolidayOccurrence(shown, day, start, end, (first_parent, second_parent), layer, path, kids))
                continue
            parent: Party | None
            if rule.assignment == "alternate":
                assert rule.even_years is not None
                parent = rule.even_years if year % 2 == 0 else other_party(rule.even_years)
            elif rule.assignment == "fixed":
                parent = fixed_parent
            else:
                parent = None
            overlays.append(_Overlay(start, end, parent, layer, shown, path, rank, moves, probe=probe, index=index))
            occurrences.append(HolidayOccurrence(shown, day, start, end, (parent,) if parent else (), layer, path, kids))
        if rule.is_school_break:
            have = {(_break_dates(rule, sy) or (None, None))[0] for sy in schedule.school_years} - {None}
            for year in years:
                if not any(d is not None and d.year == year for d in have):
                    season = _SEASONS[rule.holiday]
                    notices.append(Conflict(
                        "missing_dates",
                        f"{_rule_label(rule)} {_season_name(rule, year)} is not placed: the school calendar gives no dates for it; the layers below apply",
                        path,
                        datetime(year, *season[0]),
                        datetime(year + season[2], *season[1]),
                    ))
    return overlays, occurrences, notices


def _split_moment(rule: HolidayRule, first: date, start: datetime, end: datetime, schedule: ParentingTimeSchedule, clock: _Clock, path: str) -> datetime:
    at = rule.split_time or schedule.exchange_time
    at_path = f"{path}.split_time" if rule.split_time else f"{ROOT}.exchange_time"
    if rule.split_date is not None:
        month, day = (int(x) for x in rule.split_date.split("-"))
        split_day = month_day(first.year, month, day)
        if split_day < first:
            split_day = month_day(first.year + 1, month, day)
        field_path = f"{path}.split_date"
    else:
        assert rule.split_after_days is not None
        split_day = first + timedelta(days=rule.split_after_days)
        field_path = f"{path}.split_after_days"
    moment = clock.at(split_day, at, at_path)
    if not start < moment < end:
        raise ScheduleError(
            f"the split ({moment:%Y-%m-%d %H:%M}) is not inside {_rule_label(rule)} ({start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M})",
            field_path=field_path,
        )
    return moment


def _one_off_overlays(schedule: ParentingTimeSchedule, clock: _Clock, children: Sequence[ChildInfo]) -> list[_Overlay]:
    overlays = []
    for index, change in enumerate(schedule.one_off_changes):
        path = f"{ROOT}.one_off_changes[{index}]"
        only = _rule_children(change.children, children, f"{path}.children")
        s = clock.at(change.start, change.start_time or schedule.exchange_time, f"{path}.start_time" if change.start_time else f"{ROOT}.exchange_time")
        e = clock.at(change.end, change.end_time or schedule.exchange_time, f"{path}.end_time" if change.end_time else f"{ROOT}.exchange_time")
        label = f"One-off change: {change.reason}" if change.reason else "One-off change"
        overlays.append(_Overlay(s, e, change.parent, Layer.ONE_OFF, label, path, (index,), only, index=index))
    return overlays


def _rule_children(names: Sequence[str], children: Sequence[ChildInfo], field_path: str) -> frozenset[str] | None:
    if not names:
        return None
    found = set()
    for i, name in enumerate(names):
        match = next((c for c in children if c.matches(name)), None)
        if match is None:
            known = ", ".join(c.name for c in children if c is not _EVERY_CHILD) or "none given"
            raise ScheduleError(f"no child named '{name}' in the case (children: {known})", field_path=f"{field_path}[{i}]")
        found.add(match.name)
    return frozenset(found)


# --------------------------------------------------------------------------- resolving the layers


def _resolve(overlays: list[_Overlay], regular: list[Period]) -> tuple[list[Period], list[Conflict]]:
    """The winning overlay at every moment (or none), and the clashes found on the way."""
    if not overlays:
        return [], []
    resolved: list[_Overlay] = []
    for o in overlays:
        if o.parent is None:  # with_weekend: whoever has the adjacent weekend
            holder = _holder_at(regular, o.probe) if o.probe is not None else _holder_at(regular, o.start)
            o = replace(o, parent=holder)
        resolved.append(o)
    resolved.sort(key=lambda o: o.start)
    points = sorted({o.start for o in resolved} | {o.end for o in resolved})
    conflicts: list[Conflict] = []
    seen: set[tuple[str, str, datetime, datetime]] = set()
    active: list[_Overlay] = []
    winners: list[Period] = []
    j = 0
    for k in range(len(points) - 1):
        a, b = points[k], points[k + 1]
        active = [o for o in active if o.end > a]
        while j < len(resolved) and resolved[j].start <= a:
            new = resolved[j]
            for old in active:
                _clash(old, new, conflicts, seen)
            active.append(new)
            j += 1
        if not active:
            continue
        w = max(active, key=lambda o: (o.layer, o.rank))
        assert w.parent is not None
        if winners and winners[-1].end == a and winners[-1].label == w.label and winners[-1].parent == w.parent and winners[-1].field_path == w.field_path:
            winners[-1] = replace(winners[-1], end=b)
        else:
            winners.append(w.period(w.parent, a, b))
    return winners, conflicts


def _clash(x: _Overlay, y: _Overlay, out: list[Conflict], seen: set[tuple[str, str, datetime, datetime]]) -> None:
    if x.parent == y.parent:
        return
    start, end = max(x.start, y.start), min(x.end, y.end)
    if start >= end:
        return
    if x.layer == y.layer:
        winner = max((x, y), key=lambda o: (o.layer, o.rank))
        loser = y if winner is x else x
        if x.layer is Layer.ONE_OFF:
            why = "the later one-off change applies"
        elif winner.rank[0] != loser.rank[0]:
            why = "the shorter period applies"
        else:
            why = "the rule listed first applies"
        key = (winner.field_path, loser.field_path, start, end)
        if key not in seen:
            seen.add(key)
            out.append(Conflict(
                "overlap",
                f"{winner.label} (parent {winner.parent}) and {loser.label} (parent {loser.parent}) both claim {_span(start, end)}; {why}: {winner.label}",
                loser.field_path, start, end,
            ))
    elif Layer.ONE_OFF in (x.layer, y.layer) and min(x.layer, y.layer) >= Layer.SEASONAL:
        high, low = (x, y) if x.layer > y.layer else (y, x)
        key = (high.field_path, low.field_path, start, end)
        if key not in seen:
            seen.add(key)
            out.append(Conflict(
                "override",
                f"{high.label} gives {_span(start, end)} to parent {high.parent}, overriding {low.label} (parent {low.parent})",
                high.field_path, start, end,
            ))


def _span(start: datetime, end: datetime) -> str:
    return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}"


# --------------------------------------------------------------------------- the public entry points


_EVERY_CHILD = ChildInfo("children")
"""Stands for the children when the caller names none (no birthdays, no per-child rules)."""


def child_infos(children: Sequence[ChildLike | ChildInfo]) -> list[ChildInfo]:
    """Normalise the children passed in (``case.Child`` objects or :class:`ChildInfo`)."""
    out = []
    for child in children:
        if isinstance(child, ChildInfo):
            out.append(child)
            continue
        full = getattr(child, "full_name", None)
        aliases = tuple(a for a in (full, full.split()[0] if full else None, getattr(child, "short_name", None)) if a)
        out.append(ChildInfo(child.name, child.date_of_birth, aliases))
    return out


def compute_nights(
    schedule: ParentingTimeSchedule,
    start: date,
    end: date,
    *,
    children: Sequence[ChildLike | ChildInfo] = (),
    parent_roles: Mapping[Party, str] | None = None,
) -> ParentingTimeline:
    """Who has the children at every moment from ``start`` to ``end`` (inclusive) and each night.

    ``children`` gives names (for per-child rules) and birthdays; ``parent_roles``
    maps ``'a'``/``'b'`` to mother/father/parent (for Mother's and Father's Day).
    Raises :class:`~.errors.ScheduleError` for impossible input (a wall time that
    does not exist, a split outside its holiday, an unknown child...).
    """
    if end < start:
        raise ScheduleError(f"the range ends ({end}) before it starts ({start})", field_path=ROOT)
    kids = child_infos(children) or [_EVERY_CHILD]
    roles: Mapping[Party, str] = parent_roles or {"a": "parent", "b": "parent"}
    years = range(start.year - 1, end.year + 2)
    clock = _Clock(schedule.time_zone, range(years.start - 1, years.stop + 1))
    lo, hi = datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())

    patterns: dict[str, tuple[RegularPattern, str]] = {k.name: (schedule.pattern, f"{ROOT}.pattern") for k in kids}
    for index, child_pattern in enumerate(schedule.child_patterns):
        matched = _rule_children([child_pattern.child], kids, f"{ROOT}.child_patterns[{index}].child")
        assert matched is not None
        for name in matched:
            patterns[name] = (child_pattern.pattern, f"{ROOT}.child_patterns[{index}].pattern")

    overlays, notices = _summer_overlays(schedule, clock, years)
    holiday_overlays, occurrences, holiday_notices = _holiday_overlays(schedule, clock, years, kids, roles)
    overlays += holiday_overlays + _one_off_overlays(schedule, clock, kids)
    notices += holiday_notices
    margin_lo, margin_hi = lo - timedelta(days=15), hi + timedelta(days=15)
    overlays = [o for o in overlays if o.end > margin_lo and o.start < margin_hi]

    # Children who see the same pattern and the same overlays share one computation.
    groups: dict[tuple[int, tuple[int, ...]], list[str]] = {}
    for kid in kids:
        pattern_id = id(patterns[kid.name][0])
        applied = tuple(i for i, o in enumerate(overlays) if o.applies_to(kid.name))
        groups.setdefault((pattern_id, applied), []).append(kid.name)

    timelines: list[ChildTimeline] = []
    conflicts: list[Conflict] = []
    for (_, applied), names in groups.items():
        pattern, path = patterns[names[0]]
        regular = _regular_periods(pattern, schedule, clock, start - timedelta(days=16), end + timedelta(days=17), path)
        winners, clashes = _resolve([overlays[i] for i in applied], regular)
        periods = _merge(_paint(regular, winners))
        nights = _nights(periods, start, end)
        timelines.append(ChildTimeline(tuple(names), tuple(_clip(periods, lo, hi)), nights))
        who = tuple(names) if len(groups) > 1 else ()
        for clash in clashes:
            if clash.end is not None and clash.start is not None and (clash.end <= lo or clash.start >= hi):
                continue
            conflicts.append(replace(clash, children=who))
    # The same clash seen by several groups is one finding, naming every child it touches.
    merged: dict[tuple[str, str], Conflict] = {}
    for clash in conflicts:
        key = (clash.kind, clash.message)
        if key in merged and merged[key].children:
            merged[key] = replace(merged[key], children=tuple(dict.fromkeys(merged[key].children + clash.children)))
        else:
            merged.setdefault(key, clash)
    relevant = [n for n in notices if n.start is None or n.end is None or (n.start < hi and n.end > lo)]
    placed = tuple(sorted((o for o in occurrences if o.end > lo and o.start < hi), key=lambda o: (o.start, o.label)))
    return ParentingTimeline(start, end, schedule.time_zone, tuple(timelines), tuple(relevant) + tuple(merged.values()), placed)


def _nights(periods: Sequence[Period], start: date, end: date) -> tuple[Party, ...]:
    out: list[Party] = []
    index = 0
    day = start
    while day <= end:
        midnight = datetime.combine(day + timedelta(days=1), time())
        while periods[index].end <= midnight:
            index += 1
        out.append(periods[index].parent)
        day += timedelta(days=1)
    return tuple(out)


def compute_case(case: Case, start: date, end: date) -> ParentingTimeline:
    """:func:`compute_nights` for a case: its children, their birthdays and the parents' roles."""
    return compute_nights(
        case.parenting_time,
        start,
        end,
        children=case.children,
        parent_roles={"a": case.parent_a.role, "b": case.parent_b.role},
    )


def compute_year(case: Case, year: int) -> ParentingTimeline:
    """The nights that begin in calendar ``year`` (365 or 366)."""
    return compute_case(case, date(year, 1, 1), date(year, 12, 31))


# --------------------------------------------------------------------------- overnights over two years


@dataclass(frozen=True)
class OvernightFigures:
    """Overnights per parent for two consecutive calendar years and their average.

    ``by_child`` has one entry per group of children sharing a schedule (one
    entry, keyed by all their names joined, when they are always together).
    ``average``/``percent`` are the mean over the children of the two-year average.
    """

    years: tuple[int, int]
    by_child: dict[str, tuple[dict[Party, int], dict[Party, int]]]
    average: dict[Party, float]
    percent: dict[Party, float]
    conflicts: tuple[Conflict, ...] = field(default=())


def overnight_figures(case: Case, year: int) -> OvernightFigures:
    """Overnights in ``year`` and ``year + 1`` for each parent, averaged (odd/even holidays differ)."""
    timeline = compute_case(case, date(year, 1, 1), date(year + 1, 12, 31))
    by_child: dict[str, tuple[dict[Party, int], dict[Party, int]]] = {}
    for group in timeline.groups:
        name = group.children[0]
        first = timeline.overnights(name, date(year, 1, 1), date(year, 12, 31))
        second = timeline.overnights(name, date(year + 1, 1, 1), date(year + 1, 12, 31))
        by_child[" and ".join(group.children) if len(timeline.groups) > 1 else "all"] = (first, second)
    weights = [len(g.children) for g in timeline.groups]
    total_kids = sum(weights)
    average: dict[Party, float] = {}
    for party in PARTIES:
        per_group = [(f[party] + s[party]) / 2 for f, s in by_child.values()]
        average[party] = round(sum(v * w for v, w in zip(per_group, weights)) / total_kids, 1)
    nights = sum(average.values())
    percent = {p: round(100 * average[p] / nights, 1) for p in PARTIES}
    return OvernightFigures((year, year + 1), by_child, average, percent, timeline.conflicts)


# --------------------------------------------------------------------------- checks that need the case


def schedule_reference_date(case: Case) -> date:
    """The date schedule dates are judged against: the agreement date, else today."""
    return case.agreement_date or date.today()


def check_case_schedule(case: Case, reference: date | None = None) -> None:
    """Refuse a schedule that cannot be what the parents meant; raise :class:`ScheduleError` naming the field.

    Checks: every date in the schedule (anchors, school years, summer blocks,
    one-off changes) lies between two years before and five years after the
    reference date (the agreement date); child names in rules exist; Mother's and
    Father's Day have a parent.  The computation itself checks wall times and splits.
    """
    ref = reference or schedule_reference_date(case)
    low, high = ref - ANCHOR_MAX_PAST, ref + ANCHOR_MAX_FUTURE
    s = case.parenting_time

    def within(value: date, field_path: str, what: str) -> None:
        if value < low:
            raise ScheduleError(f"{what} {value} is more than two years before the agreement date {ref}", field_path=field_path, hint="check the year")
        if value > high:
            raise ScheduleError(f"{what} {value} is more than five years after the agreement date {ref}", field_path=field_path, hint="check the year")

    within(s.pattern.anchor, f"{ROOT}.pattern.anchor", "anchor")
    for i, cp in enumerate(s.child_patterns):
        within(cp.pattern.anchor, f"{ROOT}.child_patterns[{i}].pattern.anchor", "anchor")
    for i, sy in enumerate(s.school_years):
        within(sy.first_day, f"{ROOT}.school_years[{i}].first_day", "first day of school")
    for i, block in enumerate(s.summer.blocks):
        within(block.start, f"{ROOT}.summer.blocks[{i}].start", "summer block start")
    for i, change in enumerate(s.one_off_changes):
        within(change.start, f"{ROOT}.one_off_changes[{i}].start", "one-off change start")
    kids = child_infos(case.children)
    for i, cp in enumerate(s.child_patterns):
        _rule_children([cp.child], kids, f"{ROOT}.child_patterns[{i}].child")
    for i, rule in enumerate(s.holidays):
        _rule_children(rule.children, kids, f"{ROOT}.holidays[{i}].children")
        if rule.assignment == "fixed" and rule.parent is None:
            role = "mother" if rule.holiday is HolidayName.MOTHERS_DAY else "father"
            if [str(case.parent_a.role), str(case.parent_b.role)].count(role) != 1:
                raise ScheduleError(f"holiday '{rule.holiday.value}' is assigned to nobody: no single parent has role '{role}'; set parent", field_path=f"{ROOT}.holidays[{i}].parent")
    for i, change in enumerate(s.one_off_changes):
        _rule_children(change.children, kids, f"{ROOT}.one_off_changes[{i}].children")


def default_year(case: Case) -> int:
    """The first of the two years the agreement's overnight figures (and the calendar) cover.

    The first full calendar year the agreement is in force: the year after the
    agreement date, or the agreement date's own year when it is January 1.
    Without an agreement date the pattern's anchor stands in for it.
    """
    start = case.agreement_date or case.parenting_time.pattern.anchor
    return start.year if (start.month, start.day) == (1, 1) else start.year + 1


__all__ = [
    "ANCHOR_MAX_FUTURE",
    "ANCHOR_MAX_PAST",
    "HOLIDAY_LABELS",
    "ChildInfo",
    "ChildTimeline",
    "Conflict",
    "DayRecord",
    "HolidayOccurrence",
    "Layer",
    "OvernightFigures",
    "ParentingTimeline",
    "Period",
    "check_case_schedule",
    "compute_case",
    "compute_nights",
    "compute_year",
    "default_year",
    "easter",
    "holiday_date",
    "month_day",
    "nth_weekday",
    "overnight_figures",
]
