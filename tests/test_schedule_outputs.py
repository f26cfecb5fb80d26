"""The schedule's outputs: the agreement's words, the calendar PDF, the .ics files and the CLI."""

from __future__ import annotations

import copy
import io
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from icalendar import Calendar
from pypdf import PdfReader

from docassemble.MediationAgreement.case.model import Case, case_from_data
from docassemble.MediationAgreement.cli import main
from docassemble.MediationAgreement.errors import ScheduleError
from docassemble.MediationAgreement.render.calendar import calendar_data, parent_marks, render_calendar_pdf, render_ics
from docassemble.MediationAgreement.schedule.compute import default_year
from docassemble.MediationAgreement.schedule.text import summarize_schedule

from .conftest import ROOT, run_cli

MINIMAL: dict[str, Any] = yaml.safe_load((ROOT / "tests" / "cases" / "minimal.yml").read_text())

SCHEDULE: dict[str, Any] = {
    "pattern": {"kind": "2-2-5-5", "anchor": "2027-01-04", "starts_with": "a"},
    "exchange_time": "18:00",
    "time_zone": "America/Denver",
    "school_years": [
        {"first_day": "2026-08-12", "last_day": "2027-05-27", "winter_break_start": "2026-12-19", "winter_break_end": "2027-01-03"},
        {"first_day": "2027-08-11", "last_day": "2028-05-25", "winter_break_start": "2027-12-18", "winter_break_end": "2028-01-02"},
    ],
    "summer": {"arrangement": "alternating_weeks", "even_years": "b"},
    "holidays": [
        {"holiday": "thanksgiving", "even_years": "a", "start_offset_days": 1, "start_time": "18:00", "end_offset_days": 3, "end_time": "18:00"},
        {"holiday": "winter_break", "assignment": "split", "even_years": "a", "split_date": "12-26", "split_time": "12:00", "start_offset_days": 1, "start_time": "15:00"},
        {"holiday": "mothers_day", "assignment": "fixed", "parent": "a"},
        {"holiday": "fathers_day", "assignment": "fixed", "parent": "b"},
    ],
    "one_off_changes": [{"parent": "b", "start": "2027-07-01", "end": "2027-07-05", "reason": "family reunion"}],
}


def case_data(**parenting_time: Any) -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(MINIMAL)
    data["agreement_date"] = "2026-11-20"
    data["parenting_time"] = {**copy.deepcopy(SCHEDULE), **parenting_time}
    data["exchanges"] = {"method": "curbside", "location": "the Main Street Library parking lot", "transport": "receiving_parent"}
    data["parent_a"]["address"] = {"street": "77 Hidden Hollow Road", "city": "Mesa", "state": "AZ", "postal_code": "85201", "confidential": True}
    return data


def make_case(**parenting_time: Any) -> Case:
    return case_from_data(case_data(**parenting_time))


# --------------------------------------------------------------------------- words


def test_summary_states_the_pattern_and_overnights() -> None:
    case = make_case()
    summary = summarize_schedule(case, 2027)
    assert "Mother has her from Monday of week 1 at 6:00 p.m. to Wednesday of week 1 at 6:00 p.m." in summary.regular
    assert "Monday, January 4, 2027" in summary.regular
    # The pattern only: the exchange clauses state the place, the transport and the wait.
    assert "Main Street Library" not in summary.regular and "transport" not in summary.regular and "minutes" not in summary.regular
    assert summary.regular.endswith("All times in this plan are Mountain time.")
    assert "alternates weeks" in summary.summer and "Father has the first week in even-numbered years" in summary.summer
    assert summary.holiday_header == ("Holiday", "Time", "Even years", "Odd years")
    assert summary.holiday_rows[0] == ("Thanksgiving", "From the Wednesday before at 6:00 p.m. to the Sunday after at 6:00 p.m.", "Mother", "Father")
    assert "divided at 12:00 noon on December 26" in summary.holiday_rows[1][1]
    assert summary.holiday_rows[2][2:] == ("Mother", "Mother")
    assert "family reunion" in summary.one_off_changes
    assert summary.years == (2027, 2028)
    assert summary.overnight_header == ("Parent", "2027", "2028", "Average per year", "Share")
    assert [row[0] for row in summary.overnight_rows] == ["Mother", "Father"]
    assert summary.overnights["a"] + summary.overnights["b"] == pytest.approx((365 + 366) / 2)
    assert summary.percent["a"] + summary.percent["b"] == pytest.approx(100, abs=0.11)
    assert summary.state_overnights is True and "overnights a year" in summary.overnights_text
    assert "p.m.." not in summary.regular + summary.summer + summary.one_off_changes


def test_summary_defaults_to_the_first_full_calendar_year() -> None:
    # Agreed on November 20, 2026: 2026 is mostly over before the agreement starts.
    assert summarize_schedule(make_case()).years == (2027, 2028)
    data = case_data()
    data["agreement_date"] = "2027-01-01"  # in force from the first day of 2027
    assert summarize_schedule(case_from_data(data)).years == (2027, 2028)
    data["agreement_date"] = "2026-12-31"
    assert summarize_schedule(case_from_data(data)).years == (2027, 2028)
    assert summarize_schedule(make_case(), 2026).years == (2026, 2027)  # the year parameter still overrides


def test_default_year_without_an_agreement_date_uses_the_anchor() -> None:
    data = case_data()
    del data["agreement_date"]
    assert default_year(case_from_data(data)) == 2028  # anchor 2027-01-04: 2028 is the first full year
    data["parenting_time"]["pattern"]["anchor"] = "2027-01-01"
    assert default_year(case_from_data(data)) == 2027


def test_text_never_contains_a_confidential_address() -> None:
    case = make_case()
    summary = summarize_schedule(case, 2027)
    text = " ".join([summary.regular, summary.summer, summary.holidays_intro, summary.one_off_changes] + [c for r in summary.holiday_rows for c in r])
    assert "Hidden Hollow" not in text and "85201" not in text
    data = case_data()
    data["exchanges"]["location"] = "77 Hidden Hollow Road"
    with pytest.raises(ScheduleError) as info:
        summarize_schedule(case_from_data(data), 2027)
    assert info.value.field_path == "exchanges.location"


@pytest.mark.parametrize(("anchor", "words"), [("2024-01-01", "more than two years before"), ("2032-06-07", "more than five years after")])
def test_anchor_far_from_the_agreement_date_is_refused(anchor: str, words: str) -> None:
    case = make_case(pattern={"kind": "2-2-5-5", "anchor": anchor, "starts_with": "a"})
    with pytest.raises(ScheduleError) as info:
        summarize_schedule(case)
    assert info.value.field_path == "parenting_time.pattern.anchor" and words in str(info.value)


def test_one_child_and_weekend_patterns_read_correctly() -> None:
    case = make_case(pattern={"kind": "every_other_weekend", "anchor": "2026-12-04", "primary_parent": "a", "midweek": "evening"}, summer={})
    summary = summarize_schedule(case, 2027)
    assert summary.regular.startswith("The child lives primarily with Mother. Father has the child every other weekend, from Friday at 6:00 p.m. to Sunday at 6:00 p.m.")
    assert "Father also has the child every Wednesday from 5:00 p.m. to 7:30 p.m." in summary.regular
    assert summary.summer == "The regular schedule continues through the summer."


# --------------------------------------------------------------------------- iCalendar


def _events(payload: bytes) -> list[tuple[datetime, datetime, str]]:
    parsed: Any = Calendar.from_ical(payload)
    return sorted((e["dtstart"].dt, e["dtend"].dt, str(e["uid"])) for e in parsed.walk("VEVENT"))


def test_ics_files_parse_back_and_the_two_parents_never_overlap() -> None:
    case = make_case()
    start, end = date(2027, 1, 1), date(2027, 12, 31)
    a, b = render_ics(case, "a", start, end), render_ics(case, "b", start, end)
    assert render_ics(case, "a", start, end) == a  # same input, same bytes
    events = _events(a) + _events(b)
    assert len({uid for _, _, uid in events}) == len(events)
    for begins, ends, _ in events:
        assert begins.tzinfo is not None and getattr(begins.tzinfo, "key", "") == "America/Denver" and ends > begins
    ordered = sorted(events)
    for (_, first_end, _), (second_start, _, _) in zip(ordered, ordered[1:]):
        assert first_end == second_start  # back to back: no gap, no overlap
    assert ordered[0][0].date() <= start and ordered[-1][1].date() >= end
    text = a.decode()
    assert "BEGIN:VTIMEZONE" in text and "TZID:America/Denver" in text
    assert "LOCATION:the Main Street Library parking lot" in text
    assert "Hidden Hollow" not in text + b.decode()


def test_an_ics_event_across_the_spring_forward_weekend_is_an_hour_shorter() -> None:
    # 2-2-5-5 from Mon 2027-01-04: b's five days include Wed Mar 10 6 p.m. to Mon Mar 15 6 p.m.
    case = make_case(holidays=[], one_off_changes=[], summer={})
    events = _events(render_ics(case, "b", date(2027, 3, 1), date(2027, 3, 31)))
    spanning = [(s, e) for s, e, _ in events if s.date() <= date(2027, 3, 14) < e.date()]
    assert len(spanning) == 1
    begins, ends = spanning[0]
    assert (begins.hour, ends.hour) == (18, 18)
    assert (ends - begins) == timedelta(days=5) and (ends.timestamp() - begins.timestamp()) / 3600 == 5 * 24 - 1


# --------------------------------------------------------------------------- calendar PDF


def test_calendar_pdf_has_twelve_months_legend_and_holidays() -> None:
    case = make_case()
    pdf = render_calendar_pdf(case, 2027)
    assert render_calendar_pdf(case, 2027) == pdf  # reproducible bytes
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for word in ("Parenting-Time Calendar 2027", "January", "December", "Mother", "Father", "overnights in 2027", "Thanksgiving 2027", "Exchange day"):
        assert word in text, word
    assert "Hidden Hollow" not in text
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)  # US letter


def test_calendar_data_marks_each_parent_and_exchange_days() -> None:
    case = make_case()
    data = calendar_data(case, 2027)
    assert parent_marks(case) == {"a": "M", "b": "F"}
    january = data["pages"][0]["months"][0]
    cells = [c for week in january["weeks"] for c in week if c]
    assert len(cells) == 31
    monday_4th = cells[3]
    assert monday_4th["d"] == 4 and (monday_4th["m"], monday_4th["n"]) == ("b", "a")  # b's five days end Monday 6 p.m.
    assert any(h["label"] == "Thanksgiving 2027" and h["who"] == "Father" for h in data["pages"][0]["holidays"])
    assert data["pages"][0]["overnights"]["a"] + data["pages"][0]["overnights"]["b"] == 365


def test_children_on_different_schedules_get_a_page_each() -> None:
    data = case_data(child_patterns=[{"child": "Leo", "pattern": {"kind": "alternating_weeks", "anchor": "2027-01-04", "starts_with": "b"}}])
    data["children"].append({"full_name": "Leo Rivera", "date_of_birth": "2019-06-01"})
    case = case_from_data(data)
    reader = PdfReader(io.BytesIO(render_calendar_pdf(case, 2027)))
    assert len(reader.pages) == 2
    assert "Schedule for Maya" in reader.pages[0].extract_text() and "Schedule for Leo" in reader.pages[1].extract_text()
    summary = summarize_schedule(case, 2027)
    assert [r[0] for r in summary.overnight_rows] == ["Mother (Maya)", "Father (Maya)", "Mother (Leo)", "Father (Leo)"]
    assert "Leo follows a different schedule" in summary.regular


# --------------------------------------------------------------------------- the command line


def write_case(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / "case.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_schedule_command_prints_overnights_and_writes_calendar_and_ics(tmp_path: Path) -> None:
    case_file = write_case(tmp_path, case_data())
    out = tmp_path / "out"
    result = run_cli("schedule", case_file, "--year", "2027", "--out", out)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[1].split() == ["Parent", "2027", "2028", "Average", "Share"]
    assert lines[2].split()[0] == "Mother" and lines[3].split()[0] == "Father"
    assert {p.name for p in out.iterdir()} == {"calendar-2027.pdf", "parenting-time-a-mother.ics", "parenting-time-b-father.ics"}
    assert len(PdfReader(out / "calendar-2027.pdf").pages) == 1
    assert Calendar.from_ical((out / "parenting-time-a-mother.ics").read_bytes()).walk("VEVENT")


def test_schedule_command_defaults_to_the_first_full_calendar_year(tmp_path: Path) -> None:
    case_file = write_case(tmp_path, case_data())  # agreement date 2026-11-20
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["schedule", str(case_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].split() == ["Parent", "2027", "2028", "Average", "Share"]
    assert (out / "calendar-2027.pdf").exists()


def test_ics_years_covers_several_years(tmp_path: Path) -> None:
    case_file = write_case(tmp_path, case_data())
    result = CliRunner().invoke(main, ["schedule", str(case_file), "--year", "2027", "--ics-years", "2", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    events = _events((tmp_path / "out" / "parenting-time-b-father.ics").read_bytes())
    assert events[0][0].year == 2026 and events[-1][1].year == 2029  # stretches over the edges are kept whole
    assert any(s.year == 2028 for s, _, _ in events)


def _bad(**changes: Any) -> dict[str, Any]:
    data = case_data()
    for dotted, value in changes.items():
        target = data["parenting_time"]
        *parents, last = dotted.split("__")
        for key in parents:
            target = target[key]
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_bad(pattern__kind="alternate_weeks"), "parenting_time.pattern.kind: Input should be"),
        (_bad(pattern__anchor="2021-01-04"), "field 'parenting_time.pattern.anchor': anchor 2021-01-04 is more than two years before"),
        (_bad(summer={"arrangement": "blocks", "blocks": [{"parent": "a", "start": "2027-06-01", "end": "2027-06-20"}, {"parent": "b", "start": "2027-06-10", "end": "2027-06-30"}]}),
         "parenting_time.summer.blocks[1]: summer blocks overlap"),
        (_bad(holidays=[{"holiday": "easter"}]), "parenting_time.holidays[0]: holiday 'easter' is assigned to nobody"),
        (_bad(exchange_time="02:30"), "parenting_time.exchange_time: exchange_time 02:30 does not exist on 2027-03-14 in America/Denver"),
        (_bad(pattern={"kind": "custom_rotation", "anchor": "2027-01-04", "rotation": []}), "parenting_time.pattern: custom_rotation needs a non-empty 'rotation' list"),
        (_bad(pattern={"kind": "weekly_swap", "anchor": "2027-01-04"}), "parenting_time.pattern.kind: Input should be"),
        (_bad(summer={"arrangement": "blocks", "weeks_each": 8}), "field 'parenting_time.summer.weeks_each': two blocks of 8 weeks"),
    ],
    ids=["unknown-pattern", "anchor-in-the-past", "overlapping-summer-blocks", "holiday-to-nobody", "dst-exchange-time", "empty-rotation", "unknown-pattern-2", "summer-too-short"],
)
def test_bad_input_exits_2_names_the_field_and_writes_nothing(tmp_path: Path, data: dict[str, Any], expected: str) -> None:
    case_file = write_case(tmp_path, data)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["schedule", str(case_file), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    first = result.output.splitlines()[0]
    assert first.startswith(f"error: {case_file}:") and expected in first, first
    assert not out.exists()
