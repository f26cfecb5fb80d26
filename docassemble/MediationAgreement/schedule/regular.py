"""The regular layer: the school-year pattern as periods, from one date to another.

A nightly rotation (alternating weeks, 2-2-3, 2-2-5-5, 3-4-4-3, 5-2 or a custom
rotation) repeats from its anchor, and runs before the anchor the same way; a
weekend pattern gives the primary parent every day but the other parent's
weekends (every, every other, or the first, third and fifth).  Either may add
a midweek evening or overnight with the other parent.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..case.schedule import WEEKDAYS, ParentingTimeSchedule, Party, PatternKind, RegularPattern, other_party
from .holidays import nth_weekday
from .periods import Clock, clip, holder_at, merge, paint
from .timeline import ROOT, Layer, Period

_WEEKEND_SPAN = {("thursday", "sunday"): 3, ("thursday", "monday"): 4, ("friday", "sunday"): 2, ("friday", "monday"): 3}


def regular_periods(pattern: RegularPattern, schedule: ParentingTimeSchedule, clock: Clock, begin: date, finish: date, path: str) -> list[Period]:
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
    elif pattern.kind is PatternKind.VISITS:
        periods = _visit_periods(pattern, clock, begin, finish, path, label)
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
        periods = paint(base, weekends)
    if pattern.midweek != "none":
        periods = merge(periods)
        weekday = WEEKDAYS.index(pattern.midweek_day)
        d = begin - timedelta(days=7) + timedelta(days=(weekday - (begin - timedelta(days=7)).weekday()) % 7)
        visits: list[Period] = []
        end_time = pattern.midweek_end if pattern.midweek == "evening" else pattern.midweek_return
        end_name = "midweek_end" if pattern.midweek == "evening" else "midweek_return"
        visit_label = "Midweek evening" if pattern.midweek == "evening" else "Midweek overnight"
        while d <= finish + timedelta(days=1):
            s = clock.at(d, pattern.midweek_start, f"{path}.midweek_start")
            e = clock.at(d + timedelta(days=0 if pattern.midweek == "evening" else 1), end_time, f"{path}.{end_name}")
            holder = holder_at(periods, s)
            visitor_now = other_party(holder)
            if pattern.has_primary_parent and holder != pattern.primary_parent:
                visitor_now = holder  # already the weekend parent's time: nothing changes
            if visitor_now != holder and e > s:
                visits.append(Period(s, e, visitor_now, Layer.REGULAR, visit_label, f"{path}.midweek"))
            d += timedelta(days=7)
        periods = paint(periods, visits)
    return clip(merge(periods), lo, hi)


def _visit_periods(pattern: RegularPattern, clock: Clock, begin: date, finish: date, path: str, label: str) -> list[Period]:
    """The visits pattern: the primary parent has every day and night but the other parent's visits of a few hours.

    ``alternate`` weeks count from the week (Monday to Sunday) holding the anchor.
    """
    assert pattern.primary_parent is not None  # the model guarantees it for the visits pattern
    primary, visitor = pattern.primary_parent, other_party(pattern.primary_parent)
    scan_from, scan_to = begin - timedelta(days=14), finish + timedelta(days=14)
    base = [Period(datetime.combine(scan_from, time()), datetime.combine(scan_to, time()), primary, Layer.REGULAR, label, f"{path}.primary_parent")]
    first_monday = pattern.anchor - timedelta(days=pattern.anchor.weekday())
    visits: list[Period] = []
    d = scan_from
    while d <= scan_to:
        week = (d - first_monday).days // 7
        if pattern.visit_weeks == "every" or week % 2 == 0:
            for i, visit in enumerate(pattern.visits):
                if WEEKDAYS[d.weekday()] == visit.day:
                    visits.append(Period(clock.at(d, visit.start, f"{path}.visits[{i}].start"), clock.at(d, visit.end, f"{path}.visits[{i}].end"), visitor, Layer.REGULAR, "Visit", f"{path}.visits[{i}]"))
        d += timedelta(days=1)
    visits.sort(key=lambda period: period.start)  # two visits on one day may be listed in any order
    return paint(base, visits)


__all__ = [
    "regular_periods",
]
