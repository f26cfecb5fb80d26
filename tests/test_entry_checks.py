"""Weak checks made strong (issue 13, defect 8): phone numbers and typed-in dates.

Phone numbers are read with ``phonenumbers``: "abc" and a number short a
digit are refused, a US number is kept in its written form and E.164 is
there for text messages.  A date typed into the interview as the agreement's
date is checked against today (a date picker's 9920 for 2020); a case file is
not, since an agreement being amended may be years old.  A child's birth
date in the future is refused everywhere (``tests/cases/bad/future-birth``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from docassemble.MediationAgreement.case import fields
from docassemble.MediationAgreement.case.model import case_from_data, dump_case, load_case
from docassemble.MediationAgreement.case.phones import e164, normalized_phone
from docassemble.MediationAgreement.errors import CaseValidationError

from .conftest import ROOT

MINIMAL = ROOT / "tests" / "cases" / "minimal.yml"


@pytest.mark.parametrize(("typed", "kept", "international"), [
    ("(602) 555-0143", "(602) 555-0143", "+16025550143"),
    ("602.555.0143", "(602) 555-0143", "+16025550143"),
    ("+1 602 555 0143", "(602) 555-0143", "+16025550143"),
    ("+44 20 7946 0958", "+44 20 7946 0958", "+442079460958"),
])
def test_a_phone_number_is_kept_as_written_and_given_in_e164(typed: str, kept: str, international: str) -> None:
    assert normalized_phone(typed) == kept
    assert e164(typed) == international


@pytest.mark.parametrize("typed", ["abc", "602-555-01", "555-1234"])
def test_what_is_not_a_phone_number_is_refused_on_its_field(typed: str) -> None:
    data = dump_case(load_case(MINIMAL))
    data["mediator"]["phone"] = typed
    with pytest.raises(CaseValidationError) as info:
        case_from_data(data)
    (problem,) = info.value.problems
    assert problem.field_path == "mediator.phone"
    assert "like (602) 555-0143" in problem.message


def test_a_typed_agreement_date_far_ahead_or_far_back_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fields, "_today", lambda: dt.date(2026, 12, 3))
    for when, fine in [(dt.date(2026, 11, 20), True), (dt.date(2027, 12, 3), True), (dt.date(2027, 12, 5), False),
                       (dt.date(9920, 9, 9), False), (dt.date(2017, 1, 1), True), (dt.date(1926, 11, 20), False)]:
        problems = fields.entry_problems({"agreement_date": when}, "agreement_date")
        assert (not problems) is fine, when
        if problems:
            assert problems[0].field_path == "agreement_date" and "check the date" in problems[0].message


def test_a_case_file_may_be_years_old() -> None:
    data = dump_case(load_case(MINIMAL))
    data["agreement_date"] = "2014-03-01"
    assert case_from_data(data).agreement_date == dt.date(2014, 3, 1)


@pytest.mark.parametrize(("err", "path", "shown"), [
    ({"type": "string_pattern_mismatch", "msg": "String should match pattern '^\\d{5}(-\\d{4})?$'", "ctx": {}}, "parent_a.address.postal_code", "ZIP code: 5 digits, like 85004 (or 9, like 85004-1234)"),
    ({"type": "greater_than_equal", "msg": "Input should be greater than or equal to 0", "ctx": {"ge": 0}}, "child_support.amount", "Amount: at least 0"),
    ({"type": "greater_than", "msg": "Input should be greater than 0", "ctx": {"gt": 0}}, "child_support.amount", "Amount: more than 0"),
    ({"type": "int_parsing", "msg": "Input should be a valid integer"}, "exchanges.wait_minutes", "Minutes to wait: a whole number, like 12"),
    ({"type": "date_from_datetime_parsing", "msg": "Input should be a valid date"}, "children[0].date_of_birth", "Date of birth: a date, like 11/20/2026"),
    ({"type": "literal_error", "msg": "Input should be 'a' or 'b'"}, "child_support.payer", "Parent who pays: choose one of the options"),
    ({"type": "missing", "msg": "Field required"}, "parent_a.short_name", "Called in the agreement: this is required"),
    ({"type": "value_error", "msg": "Value error, last_day must be after first_day"}, "parenting_time.school_years[0]", "Last day of school must be after first day of school"),
])
def test_a_field_message_is_in_the_words_of_the_screen(err: dict[str, object], path: str, shown: str) -> None:
    """Issue 13, defect 5: what the answer must be, not a regular expression or a field's code name."""
    assert fields.plain_error(err, path) == shown
