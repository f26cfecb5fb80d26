"""Benchmark: a ten-year parenting-time calendar for a complex schedule (target <= 50 ms in-process).

The schedule: a 2-2-5-5 pattern with a midweek evening, alternating summer
weeks, ten school years of calendar dates, twelve holiday rules (alternating,
fixed, split at a date, attached to a weekend, by the adjacent weekend,
birthdays of two children) and six one-off changes, in a time zone with
daylight saving time.  ``compute_nights`` over 2027-2036 (3,653 nights) is
timed in-process: median of 15 runs after one warm-up (the warm-up fills the
DST-transition cache, as a server process would have).
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta

from docassemble.MediationAgreement.case.schedule import ParentingTimeSchedule, Party
from docassemble.MediationAgreement.schedule.compute import compute_nights
from docassemble.MediationAgreement.schedule.timeline import ChildInfo

TARGET_MS = 50.0


def complex_schedule() -> ParentingTimeSchedule:
    school_years = []
    for year in range(2026, 2037):
        thanksgiving = date(year, 11, 22 + (3 - date(year, 11, 22).weekday()) % 7)
        school_years.append({
            "first_day": date(year, 8, 12).isoformat(),
            "last_day": date(year + 1, 5, 27).isoformat(),
            "thanksgiving_break_start": (thanksgiving - timedelta(days=1)).isoformat(),
            "thanksgiving_break_end": (thanksgiving + timedelta(days=3)).isoformat(),
            "winter_break_start": date(year, 12, 19).isoformat(),
            "winter_break_end": date(year + 1, 1, 3).isoformat(),
            "spring_break_start": date(year + 1, 3, 13).isoformat(),
            "spring_break_end": date(year + 1, 3, 21).isoformat(),
        })
    return ParentingTimeSchedule.model_validate({
        "pattern": {"kind": "2-2-5-5", "anchor": "2027-01-04", "starts_with": "a", "midweek": "evening"},
        "exchange_time": "18:00",
        "time_zone": "America/Denver",
        "school_years": school_years,
        "summer": {"arrangement": "alternating_weeks", "even_years": "b"},
        "holidays": [
            {"holiday": "thanksgiving", "even_years": "a", "start_offset_days": 1, "start_time": "18:00", "end_offset_days": 3, "end_time": "18:00"},
            {"holiday": "winter_break", "assignment": "split", "even_years": "a", "split_date": "12-26", "split_time": "12:00", "start_offset_days": 1, "start_time": "15:00"},
            {"holiday": "spring_break", "even_years": "b", "start_offset_days": 1, "start_time": "15:00"},
            {"holiday": "mothers_day", "assignment": "fixed", "parent": "a"},
            {"holiday": "fathers_day", "assignment": "fixed", "parent": "b"},
            {"holiday": "easter", "even_years": "a"},
            {"holiday": "memorial_day", "even_years": "b", "attach_to_weekend": True},
            {"holiday": "labor_day", "assignment": "with_weekend"},
            {"holiday": "independence_day", "even_years": "a", "end_offset_days": 1, "end_time": "09:00"},
            {"holiday": "halloween", "even_years": "b", "start_time": "16:00", "end_time": "21:00"},
            {"holiday": "christmas_eve", "even_years": "b", "start_time": "12:00", "end_offset_days": 1, "end_time": "12:00"},
            {"holiday": "child_birthday", "even_years": "a", "start_time": "10:00", "end_time": "20:00"},
        ],
        "one_off_changes": [
            {"parent": "b", "start": f"{2027 + 2 * i}-07-01", "end": f"{2027 + 2 * i}-07-06", "reason": "family reunion"} for i in range(5)
        ] + [{"parent": "a", "start": "2028-10-08", "end": "2028-10-11", "reason": "wedding"}],
    })


def main() -> None:
    schedule = complex_schedule()
    children = [ChildInfo("Maya", date(2016, 4, 12)), ChildInfo("Leo", date(2020, 2, 29))]
    roles: dict[Party, str] = {"a": "mother", "b": "father"}
    start, end = date(2027, 1, 1), date(2036, 12, 31)
    timeline = compute_nights(schedule, start, end, children=children, parent_roles=roles)  # warm-up
    timings = []
    for _ in range(15):
        began = time.perf_counter()
        timeline = compute_nights(schedule, start, end, children=children, parent_roles=roles)
        timings.append((time.perf_counter() - began) * 1000)
    nights = timeline.overnights()
    figure = statistics.median(timings)
    print(
        f"schedule, ten-year calendar (2-2-5-5 + summer + 12 holiday rules + 6 one-offs, {sum(nights.values())} nights): "
        f"in-process median {figure:.1f} ms (target <= {TARGET_MS:.0f} ms)"
    )
    if figure > TARGET_MS:
        raise SystemExit(f"too slow: {figure:.1f} ms > {TARGET_MS:.0f} ms")


if __name__ == "__main__":
    main()
