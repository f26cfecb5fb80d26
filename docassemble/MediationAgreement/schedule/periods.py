"""Wall-clock building blocks of the schedule computation.

:class:`Clock` turns a date and a wall time into a naive local datetime and
refuses a time that does not exist (spring forward); an :class:`Overlay` is
one rule's claim on a stretch of time before the layers are resolved;
:func:`merge`, :func:`paint`, :func:`clip` and :func:`holder_at` work on sorted
lists of :class:`~.schedule_timeline.Period` s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from ..case.schedule import Party, clock_changes, gap_message
from ..errors import ScheduleError
from .timeline import Layer, Period


class Clock:
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


@dataclass(slots=True)
class Overlay:
    """One rule's claim on ``start``..``end`` for a parent, before the layers are resolved (``rank`` settles clashes inside a layer)."""

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


def merge(periods: list[Period]) -> list[Period]:
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


def paint(base: list[Period], top: list[Period]) -> list[Period]:
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


def clip(periods: Sequence[Period], start: datetime, end: datetime) -> list[Period]:
    """The parts of ``periods`` between ``start`` and ``end``."""
    out = []
    for p in periods:
        if p.end <= start or p.start >= end:
            continue
        if p.start < start or p.end > end:
            p = replace(p, start=max(p.start, start), end=min(p.end, end))
        out.append(p)
    return out


def holder_at(periods: Sequence[Period], moment: datetime) -> Party:
    """The parent holding the children at ``moment`` in the sorted, contiguous ``periods``."""
    lo, hi = 0, len(periods) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if periods[mid].start <= moment:
            lo = mid
        else:
            hi = mid - 1
    return periods[lo].parent


__all__ = [
    "Clock",
    "Overlay",
    "clip",
    "holder_at",
    "merge",
    "paint",
]
