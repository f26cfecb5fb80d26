"""The layers above the regular one, as overlays: summer and school breaks, holidays, one-off changes.

Each rule becomes :class:`~.schedule_periods.Overlay` s, claims on stretches
of time by one parent with a rank that settles clashes inside a layer; dates
the school calendar lacks become ``missing_dates`` notices.  :func:`rule_children`
checks the children a rule names against the case's children.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta

from ..case.schedule import WEEKDAYS, HolidayName, HolidayRule, ParentingTimeSchedule, Party, SchoolYear, other_party
from ..errors import ScheduleError
from .holidays import HOLIDAY_LABELS, holiday_date, month_day
from .periods import Clock, Overlay
from .timeline import EVERY_CHILD, PARTIES, ROOT, ChildInfo, Conflict, HolidayOccurrence, Layer


def _school_year_label(year: SchoolYear) -> str:
    return f"{year.first_day.year}-{str(year.last_day.year)[-2:]}"


def summer_overlays(schedule: ParentingTimeSchedule, clock: Clock, years: range) -> tuple[list[Overlay], list[Conflict]]:
    """The summer blocks listed, and each year's summer as the arrangement places it; notices for summers without school dates."""
    summer = schedule.summer
    path = f"{ROOT}.summer"
    overlays: list[Overlay] = []
    notices: list[Conflict] = []
    exchange = schedule.exchange_time
    ex_path = f"{ROOT}.exchange_time"
    for index, block in enumerate(summer.blocks):
        bpath = f"{path}.blocks[{index}]"
        s = clock.at(block.start, block.start_time or exchange, f"{bpath}.start_time" if block.start_time else ex_path)
        e = clock.at(block.end, block.end_time or exchange, f"{bpath}.end_time" if block.end_time else ex_path)
        overlays.append(Overlay(s, e, block.parent, Layer.SEASONAL, f"Summer block {block.start.year}", bpath, _season_rank(s, e, index), None, index=index))
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
            overlays.append(Overlay(window_start, split, first_parent, Layer.SEASONAL, f"Summer {year} (first half)", path, _SUMMER_RANK, None))
            overlays.append(Overlay(split, window_end, other_party(first_parent), Layer.SEASONAL, f"Summer {year} (second half)", path, _SUMMER_RANK, None))
        elif summer.arrangement == "alternating_weeks":
            d, k = week_start_day, 0
            while True:
                s = clock.at(d, exchange, ex_path)
                if s >= window_end:
                    break
                e = min(clock.at(d + timedelta(days=7), exchange, ex_path), window_end)
                parent = first_parent if k % 2 == 0 else other_party(first_parent)
                overlays.append(Overlay(s, e, parent, Layer.SEASONAL, f"Summer {year} (alternating weeks)", path, _SUMMER_RANK, None))
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
            overlays.append(Overlay(s1, s2, first_parent, Layer.SEASONAL, f"Summer {year} (block)", path, _SUMMER_RANK, None))
            overlays.append(Overlay(s2, e2, other_party(first_parent), Layer.SEASONAL, f"Summer {year} (block)", path, _SUMMER_RANK, None))
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


def holiday_overlays(
    schedule: ParentingTimeSchedule,
    clock: Clock,
    years: range,
    children: Sequence[ChildInfo],
    roles: Mapping[Party, str],
) -> tuple[list[Overlay], list[HolidayOccurrence], list[Conflict]]:
    """Every holiday and school-break rule in ``years``: overlays, the occurrences placed, and notices for breaks without dates."""
    overlays: list[Overlay] = []
    occurrences: list[HolidayOccurrence] = []
    notices: list[Conflict] = []
    pattern = schedule.pattern
    for index, rule in enumerate(schedule.holidays):
        path = f"{ROOT}.holidays[{index}]"
        only = rule_children(rule.children, children, f"{path}.children")
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
                overlays.append(Overlay(start, split, first_parent, layer, shown, path, rank, moves, index=index))
                overlays.append(Overlay(split, end, second_parent, layer, shown, path, rank, moves, index=index))
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
            overlays.append(Overlay(start, end, parent, layer, shown, path, rank, moves, probe=probe, index=index))
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


def _split_moment(rule: HolidayRule, first: date, start: datetime, end: datetime, schedule: ParentingTimeSchedule, clock: Clock, path: str) -> datetime:
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


def one_off_overlays(schedule: ParentingTimeSchedule, clock: Clock, children: Sequence[ChildInfo]) -> list[Overlay]:
    """The one-off changes, each an overlay in the top layer."""
    overlays = []
    for index, change in enumerate(schedule.one_off_changes):
        path = f"{ROOT}.one_off_changes[{index}]"
        only = rule_children(change.children, children, f"{path}.children")
        s = clock.at(change.start, change.start_time or schedule.exchange_time, f"{path}.start_time" if change.start_time else f"{ROOT}.exchange_time")
        e = clock.at(change.end, change.end_time or schedule.exchange_time, f"{path}.end_time" if change.end_time else f"{ROOT}.exchange_time")
        label = f"One-off change: {change.reason}" if change.reason else "One-off change"
        overlays.append(Overlay(s, e, change.parent, Layer.ONE_OFF, label, path, (index,), only, index=index))
    return overlays


def rule_children(names: Sequence[str], children: Sequence[ChildInfo], field_path: str) -> frozenset[str] | None:
    """The children a rule names, by their names in the case (None: every child); an unknown name is a :class:`ScheduleError`."""
    if not names:
        return None
    found = set()
    for i, name in enumerate(names):
        match = next((c for c in children if c.matches(name)), None)
        if match is None:
            known = ", ".join(c.name for c in children if c is not EVERY_CHILD) or "none given"
            raise ScheduleError(f"no child named '{name}' in the case (children: {known})", field_path=f"{field_path}[{i}]")
        found.add(match.name)
    return frozenset(found)


__all__ = [
    "holiday_overlays",
    "one_off_overlays",
    "rule_children",
    "summer_overlays",
]
