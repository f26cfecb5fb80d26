"""Invariants of the schedule engine, checked on generated schedules (hypothesis).

* every night belongs to exactly one parent, and the two parents' nights add up
  to the nights in the range;
* the periods tile the range with no gap or overlap, and a day's hours add up
  to its real length (23 or 25 on DST days);
* shifting the anchor by one full cycle changes nothing;
* the answer for a date does not depend on the range it was computed in.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docassemble.MediationAgreement.case.schedule import ParentingTimeSchedule, PatternKind
from docassemble.MediationAgreement.schedule.compute import compute_nights
from docassemble.MediationAgreement.schedule.timeline import ChildInfo

PROFILE = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ZONES = ["America/Phoenix", "America/Denver", "America/New_York", "Europe/London", "Australia/Lord_Howe"]
TIMES = ["06:00", "09:30", "12:00", "15:15", "18:00", "20:00"]
HOLIDAYS: list[dict[str, Any]] = [
    {"holiday": "thanksgiving", "start_offset_days": 1, "start_time": "18:00", "end_offset_days": 3, "end_time": "18:00"},
    {"holiday": "christmas_eve", "start_time": "12:00", "end_offset_days": 1, "end_time": "12:00"},
    {"holiday": "independence_day", "end_offset_days": 1, "end_time": "09:00"},
    {"holiday": "easter"},
    {"holiday": "memorial_day", "attach_to_weekend": True},
    {"holiday": "labor_day", "assignment": "with_weekend", "attach_to_weekend": True},
    {"holiday": "mothers_day", "assignment": "fixed", "parent": "a"},
    {"holiday": "halloween", "start_time": "16:00", "end_time": "21:00"},
    {"holiday": "child_birthday", "start_time": "10:00", "end_offset_days": 1, "end_time": "10:00"},
    {"holiday": "new_years_day", "assignment": "split", "split_after_days": 1, "split_time": "12:00", "start_offset_days": 1, "end_offset_days": 1},
]
parties = st.sampled_from(["a", "b"])


@st.composite
def patterns(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(list(PatternKind)))
    pattern: dict[str, Any] = {
        "kind": kind.value,
        "anchor": draw(st.dates(date(2022, 1, 1), date(2034, 12, 31))).isoformat(),
        "starts_with": draw(parties),
    }
    if kind is PatternKind.CUSTOM_ROTATION:
        pattern["rotation"] = draw(st.lists(parties, min_size=1, max_size=21))
    if kind is PatternKind.VISITS:
        pattern["primary_parent"] = draw(parties)
        pattern["visit_weeks"] = draw(st.sampled_from(["every", "alternate"]))
        pattern["visits"] = [
            {"day": draw(st.sampled_from(["wednesday", "saturday", "sunday"])), "start": start, "end": end}
            for start, end in draw(st.lists(st.sampled_from([("09:30", "12:00"), ("15:15", "18:00")]), min_size=1, max_size=2, unique=True))
        ]
    if kind.value in ("every_other_weekend", "every_weekend", "first_third_fifth_weekends"):
        pattern["primary_parent"] = draw(parties)
        pattern["starts_with"] = "b" if pattern["primary_parent"] == "a" else "a"
        pattern["weekend_starts"] = draw(st.sampled_from(["thursday", "friday"]))
        pattern["weekend_ends"] = draw(st.sampled_from(["sunday", "monday"]))
    pattern["midweek"] = draw(st.sampled_from(["none", "evening", "overnight"]))
    return pattern


@st.composite
def schedules(draw: st.DrawFn) -> ParentingTimeSchedule:
    holidays = []
    for rule in draw(st.lists(st.sampled_from(HOLIDAYS), max_size=6, unique_by=lambda r: r["holiday"])):
        rule = dict(rule)
        if rule.get("assignment", "alternate") in ("alternate", "split"):
            rule["even_years"] = draw(parties)
        holidays.append(rule)
    one_offs = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.dates(date(2024, 1, 1), date(2030, 12, 31)))
        one_offs.append({"parent": draw(parties), "start": start.isoformat(), "end": (start + timedelta(days=draw(st.integers(1, 10)))).isoformat()})
    return ParentingTimeSchedule.model_validate({
        "pattern": draw(patterns()),
        "time_zone": draw(st.sampled_from(ZONES)),
        "exchange_time": draw(st.sampled_from(TIMES)),
        "holidays": holidays,
        "one_off_changes": one_offs,
    })


ranges = st.tuples(st.dates(date(2024, 1, 1), date(2031, 12, 31)), st.integers(0, 800))
KIDS = [ChildInfo("Maya", date(2016, 2, 29)), ChildInfo("Leo", date(2019, 12, 24))]


@PROFILE
@given(schedules(), ranges)
def test_every_night_belongs_to_exactly_one_parent(s: ParentingTimeSchedule, span: tuple[date, int]) -> None:
    start, length = span
    end = start + timedelta(days=length)
    timeline = compute_nights(s, start, end, children=KIDS)
    nights = timeline.groups[0].nights
    assert len(nights) == length + 1
    assert set(nights) <= {"a", "b"}
    counts = timeline.overnights()
    assert counts["a"] + counts["b"] == length + 1


@PROFILE
@given(schedules(), ranges)
def test_periods_tile_the_range_and_hours_add_up(s: ParentingTimeSchedule, span: tuple[date, int]) -> None:
    start, length = span
    length = min(length, 120)
    end = start + timedelta(days=length)
    timeline = compute_nights(s, start, end, children=KIDS)
    periods = timeline.groups[0].periods
    assert periods[0].start == datetime.combine(start, time()) and periods[-1].end == datetime.combine(end + timedelta(days=1), time())
    for before, after in zip(periods, periods[1:]):
        assert before.end == after.start and before.start < before.end
    zone = ZoneInfo(s.time_zone)
    real = (datetime.combine(end + timedelta(days=1), time(), zone).timestamp() - datetime.combine(start, time(), zone).timestamp()) / 3600
    assert abs(sum(sum(d.hours) for d in timeline.days()) - real) < 1e-6


@PROFILE
@given(schedules(), ranges, st.integers(-3, 3))
def test_shifting_the_anchor_by_whole_cycles_changes_nothing(s: ParentingTimeSchedule, span: tuple[date, int], cycles: int) -> None:
    cycle = s.pattern.cycle_days()
    start, length = span
    end = start + timedelta(days=min(length, 400))
    shifted = s.with_anchor_shift(cycle * cycles) if cycle else s.with_anchor_shift(0)
    if cycle is None:  # first/third/fifth weekends follow the calendar month: the anchor plays no part
        shifted = s.with_anchor_shift(7 * cycles)
    one = compute_nights(s, start, end, children=KIDS)
    two = compute_nights(shifted, start, end, children=KIDS)
    assert one.groups[0].nights == two.groups[0].nights
    assert [(p.start, p.end, p.parent) for p in one.groups[0].periods] == [(p.start, p.end, p.parent) for p in two.groups[0].periods]


@PROFILE
@given(schedules(), ranges, st.integers(0, 400), st.integers(0, 400))
def test_a_night_does_not_depend_on_the_range_it_was_computed_in(s: ParentingTimeSchedule, span: tuple[date, int], skip: int, take: int) -> None:
    start, length = span
    end = start + timedelta(days=length)
    inner_start = min(start + timedelta(days=skip), end)
    inner_end = min(inner_start + timedelta(days=take), end)
    whole = compute_nights(s, start, end, children=KIDS).nights_by_date()
    part = compute_nights(s, inner_start, inner_end, children=KIDS).nights_by_date()
    assert part == {d: whole[d] for d in part}
