"""Holidays picked from a list (issue 13, "Less to fill in"): the engine's list and usual times, and the screens.

The mediator ticks holidays, says who has each on one screen, sees their usual
times on the next and opens a screen only for the ones that differ.  The
interview is driven with docassemble's own parser and engine
(``tests/da_harness.py``), in list mode, for every example; the agreement must
be the one the CLI makes from the same case file (holidays in the list's order).
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("docassemble.base")

from . import da_harness as h  # noqa: E402 - first: it stubs the NLTK download docassemble attempts at import

# isort: split

from docassemble.MediationAgreement.assembly.assemble import assemble_agreement  # noqa: E402
from docassemble.MediationAgreement.assembly.document import to_plain_text  # noqa: E402
from docassemble.MediationAgreement.case.model import case_from_data  # noqa: E402
from docassemble.MediationAgreement.case.schedule import HolidayName, HolidayRule  # noqa: E402
from docassemble.MediationAgreement.errors import LibraryError  # noqa: E402
from docassemble.MediationAgreement.schedule.holiday_picks import (  # noqa: E402
    default_sharing,
    needs_details,
    offered_holidays,
    sharing_codes,
    sharing_of,
    usual_rule,
    window_words,
)

from .conftest import EXAMPLES, example_cases  # noqa: E402
from .holiday_answers import changed_from_usual  # noqa: E402

MAIN = "mediation_agreement.yml"

# --------------------------------------------------------------------------- the engine's list


def test_the_list_offers_every_holiday_the_engine_places_except_a_day_to_name() -> None:
    assert set(offered_holidays()) == set(HolidayName) - {HolidayName.CUSTOM}


@pytest.mark.parametrize("holiday", list(offered_holidays()), ids=lambda h: h.value)
def test_each_way_of_sharing_each_holiday_is_a_valid_rule_and_reads_back(holiday: HolidayName) -> None:
    for code in sharing_codes(holiday):
        data = usual_rule(holiday, code)
        assert sharing_of(data) == code
        if needs_details(data):
            continue  # a split without its split point, a parent's birthday without its date: asked on their own screen
        HolidayRule.model_validate(data)
        assert changed_from_usual(data) == []


def test_only_periods_split_and_only_monday_and_friday_holidays_go_with_the_weekend() -> None:
    assert "split:a" in sharing_codes("winter_break") and "split:a" in sharing_codes("thanksgiving")
    assert "split:a" not in sharing_codes("halloween")
    assert "with_weekend" in sharing_codes("labor_day") and "with_weekend" in sharing_codes("good_friday")
    assert "with_weekend" not in sharing_codes("mothers_day") and "with_weekend" not in sharing_codes("independence_day")
    with pytest.raises(LibraryError, match="cannot be shared as 'with_weekend'"):
        usual_rule("halloween", "with_weekend")


def test_mothers_and_fathers_day_start_with_that_parent_and_the_rest_alternate_down_the_list() -> None:
    roles: dict[Any, Any] = {"a": "father", "b": "mother"}
    assert default_sharing("mothers_day", 0, roles) == "fixed:b"
    assert default_sharing("fathers_day", 0, roles) == "fixed:a"
    assert [default_sharing("halloween", i, roles) for i in range(3)] == ["alternate:a", "alternate:b", "alternate:a"]
    assert sharing_of({"holiday": "mothers_day", "assignment": "fixed"}, roles) == "fixed:b"  # no parent: by role, as the engine


def test_the_usual_windows_in_words() -> None:
    assert window_words(usual_rule("thanksgiving", "alternate:a")) == "From the Wednesday before at 6:00 p.m. to the Sunday after at 6:00 p.m."
    assert window_words(usual_rule("labor_day", "alternate:a")) == "With the weekend before it, to the day itself at 6:00 p.m."
    assert window_words(usual_rule("winter_break", "alternate:a")).startswith("From the first day of the break at 10:00 a.m.")
    assert window_words(usual_rule("halloween", "alternate:a")) == "On the day, 4:00 p.m. to 9:00 p.m."
    assert usual_rule("halloween", "fixed:b") == {"holiday": "halloween", "assignment": "fixed", "parent": "b", "start_time": time(16), "end_time": time(21)}


def test_what_needs_its_own_screen() -> None:
    assert needs_details({"holiday": "winter_break", "assignment": "split", "even_years": "a"})  # an office's file without a usual split
    assert usual_rule("winter_break", "split:a")["split_date"] == "12-26" and not needs_details(usual_rule("winter_break", "split:a"))
    assert needs_details(usual_rule("parent_birthday", "fixed:a"))
    assert changed_from_usual({**usual_rule("thanksgiving", "alternate:a"), "start_time": "15:00"}) == ["start_time"]


# --------------------------------------------------------------------------- the screens


def drive(path: Path, mode: str) -> tuple[h.InterviewDriver, list[h.Screen], h.CaseFileAnswers]:
    h.setup()
    driver = h.InterviewDriver(MAIN)
    answers = h.CaseFileAnswers(yaml.safe_load(path.read_text(encoding="utf-8")), driver, extra={"start": {"start_from": "new"}}, holidays=mode)
    screens: list[h.Screen] = []
    for _ in range(400):
        screen = driver.screen()
        screens.append(screen)
        if screen.id == "draft":
            return driver, screens, answers
        driver.answer(answers(screen))
    raise AssertionError(f"{path.name}: no draft screen: {[s.id for s in screens][-10:]}")


def fields(screens: list[h.Screen]) -> int:
    return sum(1 for s in screens for f in s.fields if f.variable and not f.hidden)


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: p.stem)
def test_holidays_ticked_from_the_list_give_the_clis_agreement(path: Path) -> None:
    driver, screens, answers = drive(path, "list")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules = data["parenting_time"].get("holidays") or []
    data["parenting_time"]["holidays"] = [rules[i] for i in answers.holidays.order]  # the list's order
    expected = to_plain_text(assemble_agreement(case_from_data(data, source=str(path))))
    assert to_plain_text(driver.value("agreement")) == expected
    ids = [s.id for s in screens]
    assert ids.count("holiday details") == len(answers.holidays.adjust)
    assert ("holiday sharing" in ids) == bool(answers.holidays.picked)
    assert ids.count("holiday") == len(rules) - len(answers.holidays.picked)


def test_the_joint_example_needs_far_fewer_fields_from_the_list() -> None:
    """Issue 13's aim: at least 30 % fewer fields for the joint example, the same agreement (above)."""
    path = EXAMPLES / "joint-two-children.yml"
    _d, one_by_one, _a = drive(path, "one by one")
    _d, listed, answers = drive(path, "list")
    assert sorted(answers.holidays.adjust) == ["independence_day", "thanksgiving", "winter_break"]
    assert fields(listed) <= 0.7 * fields(one_by_one), (fields(listed), fields(one_by_one))


def test_the_details_screen_shows_only_what_the_holiday_and_its_sharing_use() -> None:
    _driver, screens, _answers = drive(EXAMPLES / "joint-two-children.yml", "list")
    details = {s.question_text.strip(): {f.variable.rsplit(".", 1)[-1] for f in s.fields if f.variable and not f.hidden} for s in screens if s.id == "holiday details"}
    assert set(details) == {"Thanksgiving", "Winter break", "Independence Day"}
    times = {"start_offset_days", "start_time", "end_offset_days", "end_time", "children"}
    assert details["Thanksgiving"] == times | {"school_break"}
    assert details["Winter break"] == times | {"split_after_days", "split_date", "split_time"}
    assert details["Independence Day"] == times | {"attach_to_weekend"}


def test_the_times_screen_shows_each_window_and_who_by_name() -> None:
    _driver, screens, _answers = drive(EXAMPLES / "joint-two-children.yml", "list")
    times = next(s for s in screens if s.id == "holiday times")
    sharing = next(s for s in screens if s.id == "holiday sharing")
    assert "<th scope='row'>Thanksgiving</th><td>From the Wednesday before at 6:00 p.m. to the Sunday after at 6:00 p.m.</td>" in times.subquestion_text
    assert "Every year: Elena Marisol Ortega" in times.subquestion_text
    labels = [label for f in sharing.fields for _v, label in f.choices]
    assert "Alternate years: Elena Marisol Ortega in even years" in labels and "Alternate years: Daniel James Ortega in even years" in labels
    assert not any("parent a" in label.lower() or "_" in label for label in labels)


def test_nothing_ticked_means_each_holiday_on_its_own_screen_or_none() -> None:
    _driver, screens, _answers = drive(EXAMPLES / "safety-sole-supervised.yml", "one by one")
    ids = [s.id for s in screens]
    assert ids[ids.index("holiday list") + 1] == "any holidays"
