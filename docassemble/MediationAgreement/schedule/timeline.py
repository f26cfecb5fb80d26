"""What a parenting-time computation produces: periods, conflicts, holiday occurrences, nights and days.

:func:`.schedule.compute_nights` returns a :class:`ParentingTimeline`: one
:class:`ChildTimeline` per group of children who share a schedule (its
:class:`Period` s and the parent of each night), the :class:`Conflict` s found
and the :class:`HolidayOccurrence` s placed.  :class:`ChildInfo` is a child as
the computation sees it; :data:`ROOT` starts every field path in its errors.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import IntEnum
from typing import Literal, Protocol

from ..case.schedule import Party
from ..errors import ScheduleError

ROOT = "parenting_time"
"""Field paths in errors start here: the schedule lives at ``case.parenting_time``."""

PARTIES: tuple[Party, Party] = ("a", "b")


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


EVERY_CHILD = ChildInfo("children")
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

    def hours(self, child: str | None = None, start: date | None = None, end: date | None = None) -> dict[Party, float]:
        """Hours with each parent from ``start`` to ``end`` (inclusive): visits of a few hours count here, not as overnights."""
        first, last = start or self.start, end or self.end
        totals = {"a": 0.0, "b": 0.0}
        for record in self.days(child):
            if first <= record.day <= last:
                totals["a"] += record.hours[0]
                totals["b"] += record.hours[1]
        return totals  # type: ignore[return-value]

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


def _elapsed_hours(start: datetime, end: datetime, zone: str) -> float:
    """Real hours between two naive wall times (23 or 25 on a DST day)."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    return (end.replace(tzinfo=tz).timestamp() - start.replace(tzinfo=tz).timestamp()) / 3600


__all__ = [
    "EVERY_CHILD",
    "PARTIES",
    "ROOT",
    "ChildInfo",
    "ChildLike",
    "ChildTimeline",
    "Conflict",
    "DayRecord",
    "HolidayOccurrence",
    "Layer",
    "ParentingTimeline",
    "Period",
    "child_infos",
]
