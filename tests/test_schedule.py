"""The schedule engine against hand-checked calendars.

Each expected figure is worked out by hand in the comment above its test, from
a wall calendar: that is the point of these tests (the engine must agree with
a person counting nights).  Night of D = the night that begins on the evening
of D; it belongs to whoever has the children at midnight.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from docassemble.MediationAgreement.case.schedule import HolidayRule, ParentingTimeSchedule, clock_changes
from docassemble.MediationAgreement.errors import ScheduleError
from docassemble.MediationAgreement.schedule.compute import compute_nights
from docassemble.MediationAgreement.schedule.holidays import easter, holiday_date, month_day, nth_weekday
from docassemble.MediationAgreement.schedule.timeline import ChildInfo, Layer

YEAR_2027 = (date(2027, 1, 1), date(2027, 12, 31))  # 2027 starts on a Friday; 365 nights


def schedule(pattern: dict[str, Any], **rest: Any) -> ParentingTimeSchedule:
    return ParentingTimeSchedule.model_validate({"pattern": pattern, **rest})


def nights_string(s: ParentingTimeSchedule, start: date, end: date, **kw: Any) -> str:
    timeline = compute_nights(s, start, end, **kw)
    return "".join(timeline.night(start + timedelta(days=i)) for i in range((end - start).days + 1))


# --------------------------------------------------------------------------- calendar rules


def test_holiday_dates_by_rule() -> None:
    assert nth_weekday(2027, 11, 3, 4) == date(2027, 11, 25)  # Thanksgiving: 4th Thursday
    assert nth_weekday(2027, 5, 0, -1) == date(2027, 5, 31)  # Memorial Day: last Monday
    assert easter(2027) == date(2027, 3, 28) and easter(2028) == date(2028, 4, 16) and easter(2024) == date(2024, 3, 31)
    assert holiday_date(HolidayRule.model_validate({"holiday": "mothers_day", "assignment": "fixed", "parent": "a"}), 2027) == date(2027, 5, 9)
    assert holiday_date(HolidayRule.model_validate({"holiday": "fathers_day", "assignment": "fixed", "parent": "b"}), 2027) == date(2027, 6, 20)
    assert holiday_date(HolidayRule.model_validate({"holiday": "good_friday", "even_years": "a"}), 2027) == date(2027, 3, 26)
    assert month_day(2027, 2, 29) == date(2027, 2, 28) and month_day(2028, 2, 29) == date(2028, 2, 29)


# --------------------------------------------------------------------------- rotations


def test_2_2_5_5_first_two_weeks_night_by_night() -> None:
    # Anchor Monday 2027-01-04, Mother (a) starts: Mon-Tue a, Wed-Thu b, Fri-Tue a, Wed-Sun b.
    s = schedule({"kind": "2-2-5-5", "anchor": "2027-01-04", "starts_with": "a"})
    assert nights_string(s, date(2027, 1, 4), date(2027, 1, 17)) == "aabbaaaaabbbbb"


@pytest.mark.parametrize(
    ("kind", "anchor", "expected"),
    [
        # 365 nights = 26 two-week cycles (7 + 7 each) + 1 night.  The extra night is
        # Dec 31, which has the same place in the cycle as Jan 1.
        # Anchor Mon Jan 4: Jan 1 is day 12 of 14 of the cycle before -> b's -> b gets 183.
        ("2-2-5-5", "2027-01-04", {"a": 182, "b": 183}),
        # Anchor Mon Jan 11: Jan 1 is day 5 of the cycle (a's five days) -> a gets 183.
        ("2-2-5-5", "2027-01-11", {"a": 183, "b": 182}),
        # Alternating weeks anchored Mon Jan 4: Jan 1 falls in b's week -> b 183.
        ("alternating_weeks", "2027-01-04", {"a": 182, "b": 183}),
        ("alternating_weeks", "2027-01-11", {"a": 183, "b": 182}),
    ],
)
def test_equal_time_patterns_give_182_and_183_in_a_365_day_year(kind: str, anchor: str, expected: dict[str, int]) -> None:
    timeline = compute_nights(schedule({"kind": kind, "anchor": anchor, "starts_with": "a"}), *YEAR_2027)
    assert timeline.overnights() == expected
    assert sum(expected.values()) == 365


def test_a_leap_year_has_366_nights_split_183_and_183() -> None:
    # 366 = 26 cycles + 2 nights; anchored so the two extra nights are a's and b's.
    timeline = compute_nights(schedule({"kind": "2-2-5-5", "anchor": "2028-01-03", "starts_with": "a"}), date(2028, 1, 1), date(2028, 12, 31))
    assert len(timeline.groups[0].nights) == 366
    assert sum(timeline.overnights().values()) == 366
    assert timeline.overnights() in ({"a": 183, "b": 183}, {"a": 184, "b": 182}, {"a": 182, "b": 184})


def test_pattern_anchored_mid_week() -> None:
    # 2-2-5-5 anchored on Wednesday 2027-01-06: the blocks simply start on Wednesday.
    s = schedule({"kind": "2-2-5-5", "anchor": "2027-01-06", "starts_with": "a"})
    assert nights_string(s, date(2027, 1, 6), date(2027, 1, 19)) == "aabbaaaaabbbbb"
    timeline = compute_nights(s, *YEAR_2027)
    days = {d.day: d for d in timeline.days()}
    # The exchange on Friday Jan 8 happens at 18:00: a until then, b for the night.
    assert days[date(2027, 1, 8)].morning == "a" and days[date(2027, 1, 8)].night == "b"
    assert days[date(2027, 1, 8)].exchanges == ((time(18, 0), "b"),)
    assert sum(timeline.overnights().values()) == 365


def test_the_other_fixed_rotations() -> None:
    first_two_weeks = {
        "2-2-3": "aabbaaabbaabbb",
        "3-4-4-3": "aaabbbbaaaabbb",
        "5-2": "aaaaabbaaaaabb",
    }
    for kind, expected in first_two_weeks.items():
        s = schedule({"kind": kind, "anchor": "2027-01-04", "starts_with": "a"})
        assert nights_string(s, date(2027, 1, 4), date(2027, 1, 17)) == expected, kind
    # 5-2: 52 weeks x 5 + the extra night (Dec 31 is the 5th night of a's week) = 261.
    five_two = compute_nights(schedule({"kind": "5-2", "anchor": "2027-01-04", "starts_with": "a"}), *YEAR_2027)
    assert five_two.overnights() == {"a": 261, "b": 104}


def test_custom_rotation_and_starts_with_b() -> None:
    s = schedule({"kind": "custom_rotation", "anchor": "2027-01-04", "rotation": ["a", "a", "a", "b", "b"]})
    assert nights_string(s, date(2027, 1, 4), date(2027, 1, 13)) == "aaabbaaabb"
    s = schedule({"kind": "alternating_weeks", "anchor": "2027-01-04", "starts_with": "b"})
    assert nights_string(s, date(2027, 1, 4), date(2027, 1, 17)) == "bbbbbbbaaaaaaa"


# --------------------------------------------------------------------------- weekends


def test_every_other_weekend_friday_to_sunday_is_two_nights_per_weekend() -> None:
    s = schedule({"kind": "every_other_weekend", "anchor": "2027-01-08", "primary_parent": "a"})
    # Fri Jan 8 and Sat Jan 9 with b; Sunday 6 p.m. back to a; next b weekend Jan 22.
    assert nights_string(s, date(2027, 1, 7), date(2027, 1, 24)) == "a" + "bb" + "a" * 12 + "bb" + "a"


@pytest.mark.parametrize(
    ("year", "anchor", "b_nights"),
    [
        # 2027 (365 days) starts on a Friday.  Anchored on Fri Jan 8: b's weekends are
        # Jan 8 ... Dec 24: 26 weekends = 52 nights.
        (2027, "2027-01-08", 52),
        # Anchored on Fri Jan 1: 27 weekends, but the 27th starts Fri Dec 31, so only its
        # Friday night is in 2027: 26 x 2 + 1 = 53.  (A 365-day year gives 52 or 53.)
        (2027, "2027-01-01", 53),
        # 2044 is a leap year starting on a Friday: anchored on Jan 1 the 27th weekend is
        # Dec 30-31, whole inside the year: 27 x 2 = 54.  Anchored a week later: 52.
        (2044, "2044-01-01", 54),
        (2044, "2044-01-08", 52),
    ],
)
def test_every_other_weekend_gives_52_to_54_nights_depending_on_anchor(year: int, anchor: str, b_nights: int) -> None:
    s = schedule({"kind": "every_other_weekend", "anchor": anchor, "primary_parent": "a"})
    timeline = compute_nights(s, date(year, 1, 1), date(year, 12, 31))
    assert timeline.overnights()["b"] == b_nights


def test_weekend_variants_and_midweek() -> None:
    # Friday to Monday 8 a.m.: Fri, Sat, Sun nights.
    s = schedule({"kind": "every_other_weekend", "anchor": "2027-01-08", "primary_parent": "a", "weekend_ends": "monday", "weekend_end_time": "08:00"})
    assert nights_string(s, date(2027, 1, 8), date(2027, 1, 11)) == "bbba"
    # Midweek overnight every Wednesday (back at 8 a.m. Thursday): one more night a week.
    s = schedule({"kind": "every_other_weekend", "anchor": "2027-01-08", "primary_parent": "a", "midweek": "overnight"})
    assert nights_string(s, date(2027, 1, 11), date(2027, 1, 17)) == "aabaaaa"
    assert compute_nights(s, *YEAR_2027).overnights()["b"] == 52 + 52  # 26 weekends + 52 Wednesdays
    # A midweek evening changes no night but moves the children for the evening.
    s = schedule({"kind": "every_other_weekend", "anchor": "2027-01-08", "primary_parent": "a", "midweek": "evening"})
    timeline = compute_nights(s, *YEAR_2027)
    wednesday = next(d for d in timeline.days() if d.day == date(2027, 1, 13))
    assert wednesday.night == "a" and wednesday.exchanges == ((time(17, 0), "b"), (time(19, 30), "a"))
    assert timeline.overnights()["b"] == 52
    # Every weekend: b has every Friday and Saturday night.
    s = schedule({"kind": "every_weekend", "anchor": "2027-01-01", "primary_parent": "a"})
    assert compute_nights(s, *YEAR_2027).overnights()["b"] == 52 * 2 + 1  # 53 Fridays, 52 Saturdays in 2027


def test_first_third_fifth_weekends_follow_the_fridays_of_the_month() -> None:
    # January 2027: Fridays 1, 8, 15, 22, 29 -> weekends of the 1st, 15th and 29th.
    s = schedule({"kind": "first_third_fifth_weekends", "anchor": "2027-01-01", "primary_parent": "a"})
    nights = compute_nights(s, date(2027, 1, 1), date(2027, 1, 31)).nights_by_date()
    b_nights = sorted(d.day for d, p in nights.items() if p == "b")
    assert b_nights == [1, 2, 15, 16, 29, 30]


# --------------------------------------------------------------------------- holidays


THANKSGIVING = {"holiday": "thanksgiving", "even_years": "a", "start_offset_days": 1, "start_time": "18:00", "end_offset_days": 3, "end_time": "18:00"}


def test_holidays_swap_between_even_and_odd_years() -> None:
    s = schedule({"kind": "every_other_weekend", "anchor": "2026-01-02", "primary_parent": "b"}, holidays=[THANKSGIVING])
    timeline = compute_nights(s, date(2026, 11, 1), date(2027, 12, 31))
    # Thanksgiving 2026 is Nov 26 (even year: a), 2027 is Nov 25 (odd year: b).
    for day in (date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 28)):
        assert timeline.night(day) == "a"
    assert timeline.night(date(2026, 11, 29)) == "b"  # ends Sunday 6 p.m.
    labels = [(h.label, h.parents) for h in timeline.holidays if h.label.startswith("Thanksgiving")]
    assert labels == [("Thanksgiving 2026", ("a",)), ("Thanksgiving 2027", ("b",))]


def test_a_holiday_overrides_the_regular_weekend() -> None:
    # b's weekends from Fri 2027-01-08, every other week: b has the weekend of May 28-30, 2027.
    base = {"kind": "every_other_weekend", "anchor": "2027-01-08", "primary_parent": "a"}
    plain = compute_nights(schedule(base), date(2027, 5, 27), date(2027, 6, 1))
    assert [plain.night(date(2027, 5, d)) for d in (28, 29, 30, 31)] == ["b", "b", "a", "a"]
    # Memorial Day (Mon May 31) is b's in even years, so a's in 2027, attached to the weekend:
    # a has Friday 6 p.m. to Monday 6 p.m., taking b's regular weekend.
    memorial = {"holiday": "memorial_day", "even_years": "b", "attach_to_weekend": True}
    timeline = compute_nights(schedule(base, holidays=[memorial]), date(2027, 5, 27), date(2027, 6, 1))
    assert [timeline.night(date(2027, 5, d)) for d in (28, 29, 30, 31)] == ["a", "a", "a", "a"]
    periods = [p for p in timeline.groups[0].periods if p.layer is Layer.HOLIDAY]
    assert [(p.start, p.end, p.parent) for p in periods] == [(datetime(2027, 5, 28, 18), datetime(2027, 5, 31, 18), "a")]


def test_with_weekend_gives_a_monday_holiday_to_whoever_has_the_weekend() -> None:
    base = {"kind": "every_other_weekend", "anchor": "2027-01-08", "primary_parent": "a", "weekend_ends": "sunday"}
    labor = {"holiday": "labor_day", "assignment": "with_weekend", "start_time": "09:00", "end_time": "18:00"}
    # Labor Day 2027 is Mon Sep 6; b's weekends include Sep 3-5 (Jan 8 + 34 weeks).
    timeline = compute_nights(schedule(base, holidays=[labor]), date(2027, 9, 1), date(2027, 9, 10))
    monday = next(d for d in timeline.days() if d.day == date(2027, 9, 6))
    assert monday.hours_with("b") == 9 and monday.night == "a"  # the holiday's own window: 9 a.m. to 6 p.m.
    # Attached to the weekend, the weekend simply runs on to Monday 6 p.m.
    attached = compute_nights(schedule(base, holidays=[{**labor, "attach_to_weekend": True}]), date(2027, 9, 1), date(2027, 9, 10))
    assert [attached.night(date(2027, 9, d)) for d in (3, 4, 5, 6)] == ["b", "b", "b", "a"]
    # Anchored a week later, that weekend is a's, and so is the holiday.
    shifted = {**base, "anchor": "2027-01-15"}
    later = compute_nights(schedule(shifted, holidays=[{**labor, "attach_to_weekend": True}]), date(2027, 9, 1), date(2027, 9, 10))
    assert [later.night(date(2027, 9, d)) for d in (3, 4, 5, 6)] == ["a", "a", "a", "a"]
    assert next(d for d in later.days() if d.day == date(2027, 9, 6)).hours_with("a") == 24


def test_winter_break_split_across_the_year_boundary() -> None:
    s = schedule(
        {"kind": "alternating_weeks", "anchor": "2026-11-30", "starts_with": "a"},
        school_years=[{"first_day": "2026-08-12", "last_day": "2027-05-27", "winter_break_start": "2026-12-19", "winter_break_end": "2027-01-03"}],
        holidays=[{"holiday": "winter_break", "assignment": "split", "even_years": "a", "split_date": "12-26", "split_time": "12:00",
                   "start_offset_days": 1, "start_time": "15:00", "end_time": "18:00"}],
    )
    # Computing only 2027 still sees the break that began in December 2026 (2026 is even:
    # a has Dec 18 3 p.m. to Dec 26 noon, b from Dec 26 noon to Jan 3 6 p.m.).
    timeline = compute_nights(s, *YEAR_2027)
    assert [timeline.night(date(2027, 1, d)) for d in (1, 2, 3)] == ["b", "b", "a"]  # Jan 3 6 p.m.: back to the regular week (a's)
    assert "Winter break 2026-27" in [h.label for h in timeline.holidays]
    # The same nights whether the range starts in December or in January.
    wide = compute_nights(s, date(2026, 12, 1), date(2027, 1, 31))
    assert [wide.night(date(2026, 12, d)) for d in range(18, 32)] == ["a"] * 8 + ["b"] * 6
    assert [wide.night(date(2027, 1, d)) for d in range(1, 32)] == [timeline.night(date(2027, 1, d)) for d in range(1, 32)]


def test_school_break_without_dates_is_reported_not_guessed() -> None:
    s = schedule({"kind": "alternating_weeks", "anchor": "2027-01-04"}, holidays=[{"holiday": "spring_break", "even_years": "a"}])
    timeline = compute_nights(s, *YEAR_2027)
    assert [c.kind for c in timeline.conflicts] == ["missing_dates"]
    assert "Spring break 2027 is not placed" in timeline.conflicts[0].message
    assert timeline.overnights() == compute_nights(schedule({"kind": "alternating_weeks", "anchor": "2027-01-04"}), *YEAR_2027).overnights()


def test_overlapping_holidays_are_reported_and_the_shorter_one_wins() -> None:
    rules = [
        {"holiday": "custom", "label": "Family day", "month": 7, "day": 10, "assignment": "fixed", "parent": "b", "start_time": "08:00", "end_offset_days": 1, "end_time": "08:00"},
        {"holiday": "custom", "label": "Festival", "month": 7, "day": 9, "assignment": "fixed", "parent": "a", "start_time": "08:00", "end_offset_days": 3, "end_time": "08:00"},
    ]
    s = schedule({"kind": "alternating_weeks", "anchor": "2027-01-04"}, holidays=rules)
    timeline = compute_nights(s, *YEAR_2027)
    assert timeline.night(date(2027, 7, 9)) == "a"
    assert timeline.night(date(2027, 7, 10)) == "b"  # the one-day holiday wins inside the longer one
    assert timeline.night(date(2027, 7, 11)) == "a"
    overlaps = [c for c in timeline.conflicts if c.kind == "overlap"]
    assert len(overlaps) == 1 and "Family day 2027" in overlaps[0].message and "the shorter period applies" in overlaps[0].message


def test_one_off_change_tops_every_layer_and_is_reported_when_it_takes_a_holiday() -> None:
    s = schedule(
        {"kind": "every_other_weekend", "anchor": "2026-01-02", "primary_parent": "b"},
        holidays=[THANKSGIVING],
        one_off_changes=[{"parent": "b", "start": "2026-11-27", "end": "2026-11-28", "reason": "funeral"}],
    )
    timeline = compute_nights(s, date(2026, 11, 20), date(2026, 11, 30))
    assert [timeline.night(date(2026, 11, d)) for d in (25, 26, 27, 28)] == ["a", "a", "b", "a"]
    overrides = [c for c in timeline.conflicts if c.kind == "override"]
    assert len(overrides) == 1 and overrides[0].field_path == "parenting_time.one_off_changes[0]"


def test_mothers_day_by_role_and_birthdays_on_leap_day() -> None:
    s = schedule(
        {"kind": "every_other_weekend", "anchor": "2027-01-08", "primary_parent": "b"},
        holidays=[
            {"holiday": "mothers_day", "assignment": "fixed", "start_time": "09:00", "end_offset_days": 1, "end_time": "09:00"},
            {"holiday": "child_birthday", "even_years": "a", "start_time": "09:00", "end_offset_days": 1, "end_time": "09:00"},
        ],
    )
    kids = [ChildInfo("Leo", date(2020, 2, 29))]
    timeline = compute_nights(s, date(2027, 1, 1), date(2028, 12, 31), children=kids, parent_roles={"a": "mother", "b": "father"})
    assert timeline.night(date(2027, 5, 9)) == "a"  # Mother's Day 2027 with the mother
    assert timeline.night(date(2027, 2, 28)) == "b"  # 2027 is odd: b; Feb 29 -> Feb 28 in a common year
    assert timeline.night(date(2028, 2, 29)) == "a"  # 2028 is even: a, on the real birthday
    with pytest.raises(ScheduleError) as info:
        compute_nights(s, *YEAR_2027, children=kids, parent_roles={"a": "parent", "b": "parent"})
    assert info.value.field_path == "parenting_time.holidays[0].parent"


def test_thanksgiving_from_the_school_calendar_and_custom_dates() -> None:
    s = schedule(
        {"kind": "alternating_weeks", "anchor": "2026-11-09", "starts_with": "a"},
        school_years=[{"first_day": "2026-08-12", "last_day": "2027-05-27", "thanksgiving_break_start": "2026-11-23", "thanksgiving_break_end": "2026-11-29"}],
        holidays=[
            {"holiday": "thanksgiving", "school_break": True, "even_years": "b", "start_offset_days": 3, "start_time": "15:00", "end_time": "18:00"},
            {"holiday": "custom", "label": "Eid al-Fitr", "dates": ["2026-03-20", "2027-03-10"], "assignment": "fixed", "parent": "b",
             "start_time": "09:00", "end_offset_days": 1, "end_time": "09:00"},
        ],
    )
    timeline = compute_nights(s, date(2026, 11, 1), date(2027, 12, 31))
    # The whole school week off (Mon Nov 23 - Sun Nov 29) from Friday Nov 20 at 3 p.m., in the seasonal layer.
    assert all(timeline.night(date(2026, 11, d)) == "b" for d in range(20, 29))
    assert timeline.night(date(2026, 11, 29)) == "a"  # 6 p.m. Sunday: back to the regular week (a's: Nov 23-30)
    assert [h.layer for h in timeline.holidays if h.label.startswith("Thanksgiving")] == [Layer.SEASONAL]
    assert timeline.night(date(2027, 3, 10)) == "b" and "Eid al-Fitr 2027" in [h.label for h in timeline.holidays]


def test_every_schedule_date_must_be_near_the_agreement_date() -> None:
    import yaml

    from docassemble.MediationAgreement.case.model import case_from_data
    from docassemble.MediationAgreement.schedule.checks import check_case_schedule

    from .conftest import ROOT

    data = yaml.safe_load((ROOT / "tests" / "cases" / "minimal.yml").read_text())
    data["parenting_time"]["one_off_changes"] = [{"parent": "b", "start": "2035-07-01", "end": "2035-07-05"}]
    with pytest.raises(ScheduleError) as info:
        check_case_schedule(case_from_data(data))
    assert info.value.field_path == "parenting_time.one_off_changes[0].start"
    data["parenting_time"]["one_off_changes"][0].update(start="2027-07-01", end="2027-07-05")
    check_case_schedule(case_from_data(data))


# --------------------------------------------------------------------------- summer


SCHOOL_2027 = [
    {"first_day": "2026-08-12", "last_day": "2027-05-27"},
    {"first_day": "2027-08-11", "last_day": "2028-05-25"},
]


def test_summer_split_and_alternating_weeks() -> None:
    base = {"kind": "every_other_weekend", "anchor": "2027-01-08", "primary_parent": "a"}
    # Summer 2027: Thu May 27 6 p.m. to Tue Aug 10 6 p.m. (75 nights); split at 6 p.m. on day 37 (Jul 3).
    split = compute_nights(schedule(base, school_years=SCHOOL_2027, summer={"arrangement": "split", "even_years": "a"}), *YEAR_2027)
    assert split.night(date(2027, 5, 26)) == "a"  # still the school year (a's weekday)
    assert split.night(date(2027, 5, 27)) == "b" and split.night(date(2027, 7, 2)) == "b"  # odd year: b first
    assert split.night(date(2027, 7, 3)) == "a" and split.night(date(2027, 8, 9)) == "a"
    # Alternating weeks from the first exchange weekday (the anchor's: Friday) on or after May 27: Fri May 28.
    alt = compute_nights(schedule(base, school_years=SCHOOL_2027, exchange_day="friday", summer={"arrangement": "alternating_weeks", "even_years": "b"}), *YEAR_2027)
    assert [alt.night(date(2027, 5, 28) + timedelta(days=i)) for i in (0, 6, 7, 13, 14)] == ["a", "a", "b", "b", "a"]


def test_summer_blocks_placed_from_weeks_each_and_listed_blocks() -> None:
    base = {"kind": "every_other_weekend", "anchor": "2027-01-08", "primary_parent": "a"}
    s = schedule(base, school_years=SCHOOL_2027, summer={"arrangement": "blocks", "weeks_each": 3, "even_years": "a"})
    timeline = compute_nights(s, *YEAR_2027)
    # Odd year: b's three weeks come first, from Fri May 28 (first Friday on/after the last day) 6 p.m.
    assert all(timeline.night(date(2027, 5, 28) + timedelta(days=i)) == "b" for i in range(21))
    assert timeline.night(date(2027, 6, 18)) == "a"
    listed = schedule(base, summer={"arrangement": "blocks", "blocks": [{"parent": "b", "start": "2027-06-14", "end": "2027-06-28"}]})
    timeline = compute_nights(listed, *YEAR_2027)
    assert timeline.night(date(2027, 6, 13)) == "a" and timeline.night(date(2027, 6, 14)) == "b" and timeline.night(date(2027, 6, 27)) == "b"
    assert timeline.night(date(2027, 6, 28)) == "a"
    too_long = schedule(base, school_years=SCHOOL_2027, summer={"arrangement": "blocks", "weeks_each": 8})
    with pytest.raises(ScheduleError) as info:
        compute_nights(too_long, *YEAR_2027)
    assert info.value.field_path == "parenting_time.summer.weeks_each"


# --------------------------------------------------------------------------- time zones and DST


def test_dst_weekends_count_real_hours_and_keep_nights() -> None:
    # America/Denver: clocks spring forward Sun 2027-03-14 02:00 and fall back Sun 2027-11-07 02:00.
    assert [(c[0], c[2]) for c in clock_changes("America/Denver", 2027)] == [(datetime(2027, 3, 14, 2), True), (datetime(2027, 11, 7, 2), False)]
    s = schedule({"kind": "every_other_weekend", "anchor": "2027-03-12", "primary_parent": "a"}, time_zone="America/Denver")
    timeline = compute_nights(s, *YEAR_2027)
    days = {d.day: d for d in timeline.days()}
    spring = days[date(2027, 3, 14)]
    assert spring.hours == (6.0, 17.0)  # b from midnight to 6 p.m. is 17 real hours on a 23-hour day
    assert timeline.night(date(2027, 3, 12)) == "b" and timeline.night(date(2027, 3, 13)) == "b" and spring.night == "a"
    fall = days[date(2027, 11, 7)]  # Nov 5-7 is b's weekend too (34 weeks after Mar 12)
    assert fall.hours == (6.0, 19.0)  # 25-hour day
    assert sum(sum(d.hours) for d in timeline.days()) == pytest.approx(365 * 24)


def test_an_exchange_time_that_does_not_exist_on_a_dst_day_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        schedule({"kind": "alternating_weeks", "anchor": "2027-01-04"}, time_zone="America/Denver", exchange_time="02:30")
    error = info.value.errors()[0]
    assert error["loc"] == ("exchange_time",)
    assert "02:30 does not exist on" in error["msg"] and "America/Denver" in error["msg"]
    # The same time is fine where clocks never change.
    schedule({"kind": "alternating_weeks", "anchor": "2027-01-04"}, time_zone="America/Phoenix", exchange_time="02:30")


def test_a_holiday_time_inside_the_spring_forward_gap_is_refused_with_its_field() -> None:
    s = schedule(
        {"kind": "alternating_weeks", "anchor": "2027-01-04"},
        time_zone="America/Denver",
        holidays=[{"holiday": "custom", "label": "Pi day eve", "month": 3, "day": 14, "assignment": "fixed", "parent": "a", "start_time": "02:30", "end_time": "12:00"}],
    )
    with pytest.raises(ScheduleError) as info:
        compute_nights(s, *YEAR_2027)
    assert info.value.field_path == "parenting_time.holidays[0].start_time"
    assert "does not exist on 2027-03-14" in str(info.value)


def test_an_ambiguous_fall_back_time_means_its_first_occurrence() -> None:
    s = schedule({"kind": "alternating_weeks", "anchor": "2027-11-07", "starts_with": "a"}, time_zone="America/Denver", exchange_time="01:30")
    day = next(d for d in compute_nights(s, date(2027, 11, 7), date(2027, 11, 7)).days())
    # b until the first 1:30 a.m. (1.5 hours), then a for the remaining 23.5 hours of the 25-hour day.
    assert day.hours == (23.5, 1.5)


def test_unknown_time_zone_gets_a_did_you_mean() -> None:
    with pytest.raises(ValidationError) as info:
        schedule({"kind": "alternating_weeks", "anchor": "2027-01-04"}, time_zone="America/Denvr")
    assert "did you mean 'America/Denver'" in str(info.value)


# --------------------------------------------------------------------------- children


def test_children_on_different_schedules_are_counted_per_child() -> None:
    s = schedule(
        {"kind": "every_other_weekend", "anchor": "2027-01-08", "primary_parent": "a"},
        child_patterns=[{"child": "Maya", "pattern": {"kind": "alternating_weeks", "anchor": "2027-01-04", "starts_with": "b"}}],
        one_off_changes=[{"parent": "b", "start": "2027-03-01", "end": "2027-03-03", "children": ["Leo"]}],
    )
    kids = [ChildInfo("Maya", date(2012, 5, 1)), ChildInfo("Leo", date(2018, 6, 1))]
    timeline = compute_nights(s, *YEAR_2027, children=kids)
    assert not timeline.uniform and set(timeline.children) == {"Maya", "Leo"}
    assert timeline.night(date(2027, 1, 4), "Maya") == "b" and timeline.night(date(2027, 1, 4), "Leo") == "a"
    assert timeline.night(date(2027, 3, 1), "Leo") == "b"
    assert sum(timeline.overnights("Maya").values()) == 365
    with pytest.raises(ScheduleError):
        timeline.night(date(2027, 1, 4))
    with pytest.raises(ScheduleError) as info:
        compute_nights(s, *YEAR_2027, children=[ChildInfo("Maya", date(2012, 5, 1))])
    assert info.value.field_path == "parenting_time.one_off_changes[0].children[0]"


# --------------------------------------------------------------------------- model errors


@pytest.mark.parametrize(
    ("data", "loc", "words"),
    [
        ({"pattern": {"kind": "alternate_weeks", "anchor": "2027-01-04"}}, ("pattern", "kind"), "Input should be"),
        ({"pattern": {"kind": "custom_rotation", "anchor": "2027-01-04", "rotation": []}}, ("pattern",), "non-empty 'rotation'"),
        ({"pattern": {"kind": "alternating_weeks", "anchor": "2027-01-04"}, "holidays": [{"holiday": "easter"}]}, ("holidays", 0), "assigned to nobody"),
        (
            {"pattern": {"kind": "alternating_weeks", "anchor": "2027-01-04"},
             "summer": {"arrangement": "blocks", "blocks": [{"parent": "a", "start": "2027-06-01", "end": "2027-06-20"}, {"parent": "b", "start": "2027-06-15", "end": "2027-06-30"}]}},
            ("summer", "blocks", 1),
            "summer blocks overlap",
        ),
        ({"pattern": {"kind": "alternating_weeks", "anchor": "2027-01-04"}, "exchange_day": "friday"}, ("pattern", "anchor"), "is a Monday but exchange_day is friday"),
        ({"pattern": {"kind": "every_other_weekend", "anchor": "2027-01-04"}}, ("pattern",), "needs primary_parent"),
    ],
)
def test_bad_schedules_name_the_field(data: dict[str, Any], loc: tuple[Any, ...], words: str) -> None:
    with pytest.raises(ValidationError) as info:
        ParentingTimeSchedule.model_validate(data)
    error = info.value.errors()[0]
    assert error["loc"] == loc and words in error["msg"]


def test_the_module_examples_run() -> None:
    import doctest

    import docassemble.MediationAgreement.schedule.compute as engine

    assert doctest.testmod(engine).failed == 0
