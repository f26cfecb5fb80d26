"""Supervised time as it is really done (issue 12, part 3).

Visits of a stated number of hours on stated days: the schedule gives the
visiting parent no overnights and counts the visits in hours (the overnight
table, the CLI, the year calendar and the .ics files); the supervised clause
states the provider, fees, calls, the step-up path and a review date tied to
the protective order's expiry.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from docassemble.MediationAgreement.assembly.assemble import assemble
from docassemble.MediationAgreement.assembly.document import to_plain_text
from docassemble.MediationAgreement.case.model import Case, case_from_data, dump_case, load_case
from docassemble.MediationAgreement.library.clauses import load_case_library
from docassemble.MediationAgreement.render.calendar import calendar_data, render_calendar_pdf, render_ics
from docassemble.MediationAgreement.schedule.compute import compute_year, overnight_figures

from .conftest import EXAMPLES, run_cli

OREGON = EXAMPLES / "safety-sole-supervised.yml"


def oregon(**changes: Any) -> Case:
    """The Oregon example with parts of ``parenting_time`` replaced."""
    data = dump_case(load_case(OREGON))
    data["parenting_time"].update(changes)
    return case_from_data(data)


def agreement_text(case: Case) -> str:
    return to_plain_text(assemble(case, load_case_library(None, case.court.state), draft=True))


def saturdays(year: int) -> int:
    return sum(1 for d in range(365 + (year % 4 == 0)) if date.fromordinal(date(year, 1, 1).toordinal() + d).weekday() == 5)


def test_visits_give_no_overnights_and_count_their_hours() -> None:
    pattern = {"kind": "visits", "anchor": "2026-12-05", "primary_parent": "a", "visits": [{"day": "saturday", "start": "10:00", "end": "13:00"}]}
    case = oregon(pattern=pattern, holidays=[])
    timeline = compute_year(case, 2027)
    assert timeline.overnights() == {"a": 365, "b": 0}
    assert timeline.hours()["b"] == 3 * saturdays(2027)
    assert timeline.hours()["a"] + timeline.hours()["b"] == 365 * 24
    figures = overnight_figures(case, 2027)
    assert figures.hours["b"] == (3 * saturdays(2027) + 3 * saturdays(2028)) / 2


def test_alternate_weeks_halve_the_visits_counting_from_the_anchor_week() -> None:
    pattern = {"kind": "visits", "anchor": "2027-01-06", "primary_parent": "a", "visit_weeks": "alternate",
               "visits": [{"day": "wednesday", "start": "16:00", "end": "18:30"}, {"day": "saturday", "start": "10:00", "end": "13:00"}]}
    case = oregon(pattern=pattern, holidays=[])
    days = {d.day: d for d in compute_year(case, 2027).days()}
    assert days[date(2027, 1, 6)].hours_with("b") == 2.5 and days[date(2027, 1, 9)].hours_with("b") == 3
    assert days[date(2027, 1, 13)].hours_with("b") == 0 and days[date(2027, 1, 16)].hours_with("b") == 0
    assert days[date(2027, 1, 20)].hours_with("b") == 2.5


def test_other_patterns_keep_the_table_without_hours() -> None:
    case = load_case(EXAMPLES / "joint-two-children.yml")
    assert overnight_figures(case, 2027).hours == {}
    assert "Hours per year" not in agreement_text(case)


def test_the_oregon_plan_is_supervised_visits_by_the_hour_with_a_step_up_path() -> None:
    case = load_case(OREGON)
    text = agreement_text(case)
    assert "Father has visits with him every week on Saturday from 10:00 a.m. to 1:00 p.m. (three (3) hours a week)" in text
    assert "Father has no overnights under this schedule" in text
    figures = overnight_figures(case, 2027)
    row = next(line for line in text.splitlines() if line.startswith("Father |"))
    assert row.split("|")[-1].strip() == f"{round(figures.hours['b']):,}"
    assert "Phone and video calls between Father and the child are supervised in the same way as visits" in text
    assert "Father pays the supervisor's fees." in text
    assert "- Step one (1): Father has longer supervised visits" in text
    assert "- Step two (2): Father has day visits without supervision, and no overnights" in text
    assert "once this is done: Father completes a batterer intervention program" in text
    assert "on or after September 14, 2027, the day the protective order expires" in text
    # ORS 107.159: the trigger is a move more than 60 miles farther from the other parent; no veto for Father
    assert "more than 60 miles further distant from the other parent" in text
    assert "Mother may move with the child after giving the notice above, without Father's agreement" in text
    assert "Mother does not need Father's consent to travel with the child outside the United States" in text
    assert "Nothing in this section stops a parent from speaking honestly, in private, with that parent's lawyer, an advocate" in text


def test_review_date_fees_and_calls_follow_the_case() -> None:
    supervision = {"fees": "shared", "fees_parent_a_percent": 25, "calls": "none", "review_date": "2027-06-01"}
    text = agreement_text(oregon(supervision=supervision))
    assert "Mother pays twenty-five (25) percent and Father pays seventy-five (75) percent" in text
    assert "Father will not have phone or video calls with the child while his time is supervised" in text
    assert "on or after June 1, 2027. Supervision continues" in text
    assert "the day the protective order expires" not in text
    assert "Step one" not in text


def test_without_supervision_terms_calls_are_supervised_like_visits_and_fees_unsaid() -> None:
    data = dump_case(load_case(OREGON))
    del data["parenting_time"]["supervision"]
    text = agreement_text(case_from_data(data))
    assert "Phone and video calls between Father and the child are supervised in the same way as visits" in text
    assert "supervisor's fees" not in text


def test_the_cli_and_the_calendar_count_visits_in_hours(tmp_path: Any) -> None:
    case = load_case(OREGON)
    result = run_cli("schedule", OREGON, "--out", tmp_path)
    assert result.code == 0, result.err
    figures = overnight_figures(case, 2027)
    assert f"Hours a year (visits of a few hours are time, not overnights): Mother {round(figures.hours['a']):,}, Father {round(figures.hours['b']):,}" in result.out
    data = calendar_data(case, 2027)
    visit_days = [d for m in data["pages"][0]["months"] for w in m["weeks"] for d in w if d and d["v"]]
    assert {d["v"]["p"] for d in visit_days} == {"b"} and {d["v"]["hrs"] for d in visit_days} >= {"3"}
    text = PdfReader(io.BytesIO(render_calendar_pdf(case, 2027))).pages[0].extract_text()
    assert "F 3 h" in text
    assert f"Hours in 2027: Mother {data['pages'][0]['hours']['a']}" in " ".join(text.split())
    events = [e for e in Calendar.from_ical(render_ics(case, "b", date(2027, 1, 1), date(2027, 12, 31))).walk("VEVENT")]
    first = min(events, key=lambda e: e.decoded("DTSTART"))
    assert (first.decoded("DTSTART").hour, first.decoded("DTEND").hour) == (10, 13)


@pytest.mark.parametrize("example", ["joint-two-children.yml", "long-distance-summer.yml"])
def test_examples_without_visits_have_no_visit_marks(example: str) -> None:
    data = calendar_data(load_case(EXAMPLES / example), 2027)
    assert all(page["hours"] is None for page in data["pages"])


def test_two_visits_on_one_day_may_be_listed_in_any_order() -> None:
    """Found by tests/test_schedule_properties.py: the later visit listed first left the day's periods out of order."""
    pattern = {"kind": "visits", "anchor": "2027-01-06", "primary_parent": "a",
               "visits": [{"day": "wednesday", "start": "15:15", "end": "18:00"}, {"day": "wednesday", "start": "09:30", "end": "12:00"}]}
    case = oregon(pattern=pattern, holidays=[])
    day = next(d for d in compute_year(case, 2027).days() if d.day == date(2027, 1, 6))
    assert day.hours_with("b") == 2.75 + 2.5
    assert [(t.hour, t.minute, p) for t, p in day.exchanges] == [(9, 30, "b"), (12, 0, "a"), (15, 15, "b"), (18, 0, "a")]
