"""The schedule clauses as assembled: parenting time, holidays and exchanges, end to end.

Each test starts from an example case, changes what it needs in the case data
(``dump_case`` -> dict -> ``case_from_data``), assembles it with the package's
own clause library and reads the plain text the parents would read.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from docassemble.MediationAgreement.assembly.assemble import assemble
from docassemble.MediationAgreement.assembly.document import AgreementDocument, BulletList, Paragraph, Table, to_plain_text
from docassemble.MediationAgreement.case.model import Case, case_from_data, dump_case, load_case
from docassemble.MediationAgreement.library.clauses import ClauseLibrary, load_library
from docassemble.MediationAgreement.schedule.text import summarize_schedule
from docassemble.MediationAgreement.schedule.words import zone_phrase
from docassemble.MediationAgreement.wording.formats import words

from .conftest import EXAMPLES

JOINT = EXAMPLES / "joint-two-children.yml"
LONG_DISTANCE = EXAMPLES / "long-distance-summer.yml"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yml"))


@pytest.fixture(scope="module")
def library() -> ClauseLibrary:
    return load_library()


def variant(path: Path, change: Callable[[dict[str, Any]], None]) -> Case:
    data = copy.deepcopy(dump_case(load_case(path)))
    change(data)
    return case_from_data(data)


def clause_text(doc: AgreementDocument, clause_id: str) -> str:
    """A clause's paragraphs and list items (not its tables), joined by spaces."""
    clause = doc.clause(clause_id)
    assert clause is not None, f"{clause_id} is not in the agreement"
    parts: list[str] = []
    for block in clause.blocks:
        if isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, BulletList):
            parts.extend(block.items)
    return " ".join(parts)


def holiday(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(h for h in data["parenting_time"]["holidays"] if h["holiday"] == name)


# --------------------------------------------------------------------------- each term stated once


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_exchange_place_transport_and_wait_are_stated_once_outside_the_regular_schedule(path: Path, library: ClauseLibrary) -> None:
    case = load_case(path)
    doc = assemble(case, library)
    text = to_plain_text(doc)
    regular = clause_text(doc, "parenting_time.regular")
    ex = case.exchanges
    assert ex.location is not None
    # The place: once, in "Where Exchanges Happen"; never in the regular schedule.
    assert text.count(ex.location) == 1 and ex.location in clause_text(doc, "exchanges.method")
    assert ex.location not in regular
    # Who transports: in its own clause, not in the regular schedule.
    assert doc.clause("exchanges.transport") is not None and doc.clause("exchanges.transport").alternative == ex.transport  # type: ignore[union-attr]
    assert "transport" not in regular and "drives the children" not in regular
    # The wait: once, in "Running Late".
    wait = f"{words(ex.wait_minutes)} minutes"
    assert text.count(wait) == 1 and wait in clause_text(doc, "exchanges.lateness")
    # The regular schedule points to the exchange terms instead.
    assert f"set out in the exchange terms starting at Section {doc.clause('exchanges.method').number}." in regular  # type: ignore[union-attr]
    assert "time zone" not in regular and "All times in this plan are " in regular
    if case.exchanges.third_party:
        assert case.exchanges.third_party not in regular and case.exchanges.third_party in clause_text(doc, "exchanges.third_party")
    if case.parenting_time.supervised:
        assert case.parenting_time.supervisor is not None
        assert case.parenting_time.supervisor not in regular
        assert f"supervised, as set out in Section {doc.clause('parenting_time.supervised').number}." in regular  # type: ignore[union-attr]


def test_time_zones_are_named_plainly() -> None:
    assert zone_phrase("America/Phoenix") == "Arizona time"
    assert zone_phrase("America/Los_Angeles") == "Pacific time"
    assert zone_phrase("Europe/Berlin") == "local time where the children live (Europe/Berlin)"
    assert zone_phrase("Europe/Berlin", "the child") == "local time where the child lives (Europe/Berlin)"


def test_an_excluded_exchange_clause_is_not_referred_to(library: ClauseLibrary) -> None:
    case = variant(JOINT, lambda d: d.update(excluded_clauses=["exchanges.method"]))
    regular = clause_text(assemble(case, library), "parenting_time.regular")
    assert "exchange terms" not in regular


# --------------------------------------------------------------------------- overnight years


def test_overnights_cover_the_first_two_full_years_and_say_what_is_missing(library: ClauseLibrary) -> None:
    # The example's school calendar without its 2028-29 year: summer 2028 and that winter break cannot be placed.
    case = variant(LONG_DISTANCE, lambda d: d["parenting_time"].update(school_years=d["parenting_time"]["school_years"][:2]))
    doc = assemble(case, library)  # agreement date 2026-11-02
    overnights = clause_text(doc, "parenting_time.overnights")
    assert "averaged over 2027 and 2028." in overnights
    assert "does not yet give the dates of summer 2028 and winter break 2028–29" in overnights
    clause = doc.clause("parenting_time.overnights")
    assert clause is not None
    table = next(b for b in clause.blocks if isinstance(b, Table))
    assert table.header[1:3] == ("2027", "2028")

    complete = clause_text(assemble(load_case(LONG_DISTANCE), library), "parenting_time.overnights")  # all three school years
    assert "does not yet give" not in complete


# --------------------------------------------------------------------------- summer


def test_long_distance_summer_states_whose_block_it_is(library: ClauseLibrary) -> None:
    summer = clause_text(assemble(load_case(LONG_DISTANCE), library), "parenting_time.summer")
    assert "each parent has the children for four (4) consecutive weeks" not in summer
    assert "In summer 2027, Marcus has the children from Saturday, June 19, 2027 at 12:00 noon to Saturday, July 17, 2027 at 12:00 noon." in summer
    assert "In each summer for which no block is listed above, Marcus has the children for four (4) consecutive weeks." in summer
    # Marcus is summer.even_years by default (he does not start the pattern): first block in even years.
    assert (
        "In even-numbered years, Marcus's weeks begin at 12:00 noon on the first Monday on or after the last day of school; "
        "in odd-numbered years, they begin four (4) weeks after that Monday, at 12:00 noon."
    ) in summer
    assert "At all other times in summer, the regular schedule applies: the children are with Jordan." in summer


def test_summer_blocks_for_parents_who_share_the_school_year(library: ClauseLibrary) -> None:
    def blocks(d: dict[str, Any]) -> None:
        d["parenting_time"]["summer"] = {"arrangement": "blocks", "weeks_each": 1, "even_years": "b"}

    summer = clause_text(assemble(variant(JOINT, blocks), library), "parenting_time.summer")
    assert "Each summer, each parent has the children for one (1) week, one block right after the other" in summer
    assert "second block begins when the first ends, one (1) week later." in summer
    assert "The regular schedule applies for the rest of the summer." in summer


def test_summer_notice_date_is_not_dropped(library: ClauseLibrary) -> None:
    summer = clause_text(assemble(load_case(JOINT), library), "parenting_time.summer")  # alternating weeks, notice_by April 1
    assert "Each parent will tell the other in writing, by April 1 each year, of that parent's plans for the summer" in summer


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("rotation", "expected"),
    [
        (["a", "b"], ["schedule of two (2) days.", "Mother has one (1) night and Father has one (1) night."]),
        (["a", "a", "b"], ["schedule of three (3) days.", "Mother has two (2) nights and Father has one (1) night."]),
    ],
)
def test_numbers_agree_with_their_nouns(rotation: list[str], expected: list[str], library: ClauseLibrary) -> None:
    def custom(d: dict[str, Any]) -> None:
        d["parenting_time"]["pattern"] = {"kind": "custom_rotation", "anchor": "2026-11-30", "rotation": rotation}
        d["exchanges"]["wait_minutes"] = 1

    case = variant(JOINT, custom)
    text = to_plain_text(assemble(case, library))
    for phrase in expected:
        assert phrase in text
    assert "wait up to one (1) minute after" in text
    assert not re.search(r"\bone \(1\) (days|nights|weeks|minutes)\b", text)


# --------------------------------------------------------------------------- holidays


def test_mothers_day_fixed_without_a_parent_goes_to_the_mother(library: ClauseLibrary) -> None:
    def no_parent(d: dict[str, Any]) -> None:
        holiday(d, "mothers_day").pop("parent")
        fathers = holiday(d, "fathers_day")
        fathers.pop("parent")
        fathers.update(assignment="alternate", even_years="a")

    doc = assemble(variant(JOINT, no_parent), library)
    text = clause_text(doc, "holidays.parents_days")
    assert "Mother has the children on Mother's Day every year, from 9:00 a.m. to 6:00 p.m., even when it falls in the other parent's time." in text
    assert "On Father's Day, Mother has the children from 9:00 a.m. to 6:00 p.m. in even-numbered years, and Father has them at those times in odd-numbered years." in text


def test_birthday_with_the_weekend_and_split_birthdays_are_worded(library: ClauseLibrary) -> None:
    def birthdays(d: dict[str, Any]) -> None:
        rule = holiday(d, "child_birthday")
        rule.update(assignment="with_weekend")
        rule.pop("even_years")
        d["parenting_time"]["holidays"].append(
            {"holiday": "child_birthday", "children": ["Sofia"], "assignment": "split", "even_years": "a",
             "start_time": "09:00", "end_offset_days": 1, "end_time": "18:00", "split_after_days": 1, "split_time": "09:00"}
        )

    doc = assemble(variant(JOINT, birthdays), library)
    text = clause_text(doc, "holidays.birthdays")
    assert (
        "When each child's birthday falls on a Monday or a Friday, the parent who has the weekend next to it under the regular schedule "
        "(the weekend before a Monday, the weekend after a Friday) has the children from 4:00 p.m. to 8:00 p.m. On other days, the regular schedule applies."
    ) in text
    assert "On Sofia's birthday, the time from the day itself at 9:00 a.m. to the day after at 6:00 p.m. is divided at 9:00 a.m. one (1) day after the first day" in text
    assert "Mother has Sofia for the first part in even-numbered years and Father in odd-numbered years, and the other parent has her for the second part." in text
    assert "stay together" not in text  # one rule moves Sofia alone
    table = to_plain_text(doc)
    assert "only when the day falls on a Monday or a Friday" in table


def test_supervised_parent_with_an_alternating_fathers_day_is_reminded(library: ClauseLibrary) -> None:
    def alternate(d: dict[str, Any]) -> None:
        fathers = holiday(d, "fathers_day")
        fathers.pop("parent")
        fathers.update(assignment="alternate", even_years="b")

    case = variant(EXAMPLES / "safety-sole-supervised.yml", alternate)
    text = clause_text(assemble(case, library), "holidays.parents_days")
    assert "On Father's Day, Father has the child from 10:00 a.m. to 2:00 p.m. in even-numbered years, and Mother has him at those times in odd-numbered years." in text
    assert "Father's time on this day is supervised, as set out in Section 4.4." in text


# --------------------------------------------------------------------------- one-off changes


def test_one_off_changes_use_their_own_times_and_children(library: ClauseLibrary) -> None:
    def changes(d: dict[str, Any]) -> None:
        d["parenting_time"]["one_off_changes"] = [
            {"parent": "a", "start": "2027-03-01", "end": "2027-03-03", "start_time": "08:00", "end_time": "19:30", "children": ["mateo"], "reason": "surgery"},
            {"parent": "b", "start": "2027-04-01", "end": "2027-04-02"},
        ]

    case = variant(JOINT, changes)
    doc = assemble(case, library)
    clause = doc.clause("parenting_time.one_off_changes")
    assert clause is not None
    items = next(b for b in clause.blocks if isinstance(b, BulletList)).items
    assert items == (
        "Mother has Mateo from Monday, March 1, 2027 at 8:00 a.m. to Wednesday, March 3, 2027 at 7:30 p.m. (surgery).",
        "Father has the children from Thursday, April 1, 2027 at 6:00 p.m. to Friday, April 2, 2027 at 6:00 p.m.",
    )
    summary = summarize_schedule(case)
    assert summary.one_off_items == list(items)
    assert "8:00 a.m." in summary.one_off_changes and "p.m.." not in summary.one_off_changes


# --------------------------------------------------------------------------- exchanges


def test_no_waiting_time_still_reads(library: ClauseLibrary) -> None:
    case = variant(JOINT, lambda d: d["exchanges"].update(wait_minutes=0))
    text = clause_text(assemble(case, library), "exchanges.lateness")
    assert "If the late parent has not arrived at the time set for the exchange, the parent who is on time may leave, taking the children if that parent has them." in text
    assert "by then" not in text


def test_school_exchanges_on_other_days_have_no_doubled_full_stop(library: ClauseLibrary) -> None:
    case = variant(JOINT, lambda d: d.update(exchanges={"method": "school", "transport": "delivering_parent"}))
    text = clause_text(assemble(case, library), "exchanges.method")
    assert "it happens at the time this plan sets for it, at a public place the parents agree on in writing." in text
    assert ".." not in text
