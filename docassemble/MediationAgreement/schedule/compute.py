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

This module resolves the layers and answers the questions asked of a schedule
(:func:`compute_nights`, :func:`compute_case`, :func:`overnight_figures`).  The
parts live next to it: :mod:`.schedule_timeline` (the results),
:mod:`.schedule_periods` (the clock and period lists), :mod:`.schedule_regular`
(layer 1), :mod:`.schedule_overlays` (layers 2 to 4), :mod:`.holiday_dates`
(when holidays fall) and :mod:`.schedule_checks` (checks against the case).

Example::

    >>> from datetime import date
    >>> from docassemble.MediationAgreement.case.schedule import ParentingTimeSchedule
    >>> s = ParentingTimeSchedule.model_validate(
    ...     {"pattern": {"kind": "2-2-5-5", "anchor": "2027-01-04", "starts_with": "a"}})
    >>> compute_nights(s, date(2027, 1, 1), date(2027, 12, 31)).overnights()
    {'a': 182, 'b': 183}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from ..case.schedule import ParentingTimeSchedule, Party, PatternKind, RegularPattern
from ..errors import ScheduleError
from .checks import check_case_schedule
from .overlays import holiday_overlays, one_off_overlays, rule_children, summer_overlays
from .periods import Clock, Overlay, clip, holder_at, merge, paint
from .regular import regular_periods
from .timeline import (
    EVERY_CHILD,
    PARTIES,
    ROOT,
    ChildInfo,
    ChildLike,
    ChildTimeline,
    Conflict,
    DayRecord,
    Layer,
    ParentingTimeline,
    Period,
    child_infos,
)

if TYPE_CHECKING:
    from ..case.model import Case


# --------------------------------------------------------------------------- resolving the layers


def _resolve(overlays: list[Overlay], regular: list[Period]) -> tuple[list[Period], list[Conflict]]:
    """The winning overlay at every moment (or none), and the clashes found on the way."""
    if not overlays:
        return [], []
    resolved: list[Overlay] = []
    for o in overlays:
        if o.parent is None:  # with_weekend: whoever has the adjacent weekend
            holder = holder_at(regular, o.probe) if o.probe is not None else holder_at(regular, o.start)
            o = replace(o, parent=holder)
        resolved.append(o)
    resolved.sort(key=lambda o: o.start)
    points = sorted({o.start for o in resolved} | {o.end for o in resolved})
    conflicts: list[Conflict] = []
    seen: set[tuple[str, str, datetime, datetime]] = set()
    active: list[Overlay] = []
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


def _clash(x: Overlay, y: Overlay, out: list[Conflict], seen: set[tuple[str, str, datetime, datetime]]) -> None:
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
    kids = child_infos(children) or [EVERY_CHILD]
    roles: Mapping[Party, str] = parent_roles or {"a": "parent", "b": "parent"}
    years = range(start.year - 1, end.year + 2)
    clock = Clock(schedule.time_zone, range(years.start - 1, years.stop + 1))
    lo, hi = datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())

    patterns: dict[str, tuple[RegularPattern, str]] = {k.name: (schedule.pattern, f"{ROOT}.pattern") for k in kids}
    for index, child_pattern in enumerate(schedule.child_patterns):
        matched = rule_children([child_pattern.child], kids, f"{ROOT}.child_patterns[{index}].child")
        assert matched is not None
        for name in matched:
            patterns[name] = (child_pattern.pattern, f"{ROOT}.child_patterns[{index}].pattern")

    overlays, notices = summer_overlays(schedule, clock, years)
    holiday_layer, occurrences, holiday_notices = holiday_overlays(schedule, clock, years, kids, roles)
    overlays += holiday_layer + one_off_overlays(schedule, clock, kids)
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
        regular = regular_periods(pattern, schedule, clock, start - timedelta(days=16), end + timedelta(days=17), path)
        winners, clashes = _resolve([overlays[i] for i in applied], regular)
        periods = merge(paint(regular, winners))
        nights = _nights(periods, start, end)
        timelines.append(ChildTimeline(tuple(names), tuple(clip(periods, lo, hi)), nights))
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
    hours: dict[Party, float] = field(default_factory=dict)
    """Hours with each parent a year, averaged like ``average``: visits of a few hours (no overnight) count here."""


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
    hours: dict[Party, float] = {}
    if _counts_hours(case):
        per_group_hours = [timeline.hours(group.children[0], date(year, 1, 1), date(year + 1, 12, 31)) for group in timeline.groups]
        hours = {p: round(sum(h[p] / 2 * w for h, w in zip(per_group_hours, weights)) / total_kids, 1) for p in PARTIES}
    return OvernightFigures((year, year + 1), by_child, average, percent, timeline.conflicts, hours)


def _counts_hours(case: Case) -> bool:
    """Whether a pattern of the case is visits of a few hours (then the figures count hours too)."""
    s = case.parenting_time
    return any(p.kind is PatternKind.VISITS for p in [s.pattern, *(cp.pattern for cp in s.child_patterns)])


def default_year(case: Case) -> int:
    """The first of the two years the agreement's overnight figures (and the calendar) cover.

    The first full calendar year the agreement is in force: the year after the
    agreement date, or the agreement date's own year when it is January 1.
    Without an agreement date the pattern's anchor stands in for it.
    """
    start = case.agreement_date or case.parenting_time.pattern.anchor
    return start.year if (start.month, start.day) == (1, 1) else start.year + 1


# PARTIES, DayRecord, ParentingTimeline (schedule_timeline) and check_case_schedule
# (schedule_checks) are re-exported: docs/schedule.md and the command line have
# always found them here.
__all__ = [
    "PARTIES",
    "DayRecord",
    "OvernightFigures",
    "ParentingTimeline",
    "check_case_schedule",
    "compute_case",
    "compute_nights",
    "compute_year",
    "default_year",
    "overnight_figures",
]
