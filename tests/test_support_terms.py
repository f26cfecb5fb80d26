"""Enforceable support terms for IV-D cases (issue 12, part 5).

Arrears and their payment plan, the agency and payment center, immediate
income withholding and its written exception, the reasonable-cost test and
cash medical support, child care net of tax credits, each child's end date
from the state's quoted rule, life insurance and the Form 8332 condition:
each assembled from the case for real and read back from the agreement text.
The refusals are data cases in tests/cases/bad/ (arrears-*, withholding-*,
ivd-direct-without-exception, premium-not-reasonable-cost, ...).
"""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from docassemble.MediationAgreement.assembly import assemble_agreement
from docassemble.MediationAgreement.assembly.document import to_plain_text
from docassemble.MediationAgreement.case.model import case_from_data
from docassemble.MediationAgreement.errors import CaseValidationError, GuidelineError
from docassemble.MediationAgreement.support.ends import birthday, end_rule, load_rules, support_ends

ROOT = Path(__file__).resolve().parents[1]
WI = ROOT / "examples" / "cases" / "support-wi-shared.yml"
WA = ROOT / "examples" / "cases" / "long-distance-summer.yml"
NY = ROOT / "examples" / "cases" / "support-ny-cssa.yml"


def data(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def text_of(case_data: dict[str, Any]) -> str:
    return to_plain_text(assemble_agreement(case_from_data(case_data)))


def clause(text: str, title: str) -> str:
    """The body of the clause titled ``title`` in plain agreement text."""
    start = text.index(f" {title}.\n") + len(f" {title}.\n")
    rest = text[start:]
    following = re.search(r"\n\n(\d+\.\d+ |\d+\. |SIGNATURES)", rest)
    return rest[: following.start()] if following else rest


# --------------------------------------------------------------------------- end dates


def test_a_birthday_is_the_same_day_and_february_29_falls_on_february_28() -> None:
    assert birthday(date(2015, 6, 14), 18) == date(2033, 6, 14)
    assert birthday(date(2008, 2, 29), 18) == date(2026, 2, 28)
    assert birthday(date(2008, 2, 29), 20) == date(2028, 2, 29)


def test_every_rule_is_quoted_with_its_source() -> None:
    rules = load_rules(ROOT / "guidelines" / "support_end.yml")
    assert set(rules) == {"AZ", "WI", "NY", "OR"}
    assert rules["NY"].age == 21 and rules["NY"].school is None
    assert rules["OR"].age is None and rules["OR"].school is not None and rules["OR"].school.until_age == 21
    assert all(rule.source.startswith("http") for rule in rules.values())
    assert end_rule("WA") is None  # no statute text was found: no dates, the general words stay


def test_each_child_gets_the_dates_of_the_wisconsin_rule() -> None:
    text = text_of(data(WI))
    body = clause(text, "When Support Ends for Each Child")
    assert body.startswith("Under Wisconsin law (Wis. Stat. 767.511(4)), support for each child ends on the date below")
    assert "- Sofia Isabel Ortega: June 14, 2033 (18th birthday). If Sofia is then pursuing an accredited course" in body
    assert "but not past February 3, 2039 (19th birthday)." in body
    duration = clause(text, "How Long Support Lasts")
    assert "under Wisconsin law (Wis. Stat. 767.511(4))" in duration
    assert "In many states" not in duration


def test_new_york_support_ends_at_21_with_no_school_rule() -> None:
    case_data = data(NY)
    _rule, ends = support_ends(case_from_data(case_data))
    born = [date.fromisoformat(str(c["date_of_birth"])) for c in case_data["children"]]
    assert [e.ends for e in ends] == [birthday(b, 21) for b in born]
    body = clause(text_of(case_data), "When Support Ends for Each Child")
    assert "(21st birthday)." in body and "school" not in body


def test_a_state_with_no_quoted_rule_keeps_the_general_words() -> None:
    text = text_of(data(WA))
    assert "When Support Ends for Each Child" not in text
    assert "the age when support ends under Washington law" in text


def test_a_rules_file_without_its_quote_is_named_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "support_end.yml"
    bad.write_text("ZZ:\n  law: Nowhere law\n  age: 18\n  source: https://example.org\n", encoding="utf-8")
    with pytest.raises(GuidelineError) as caught:
        load_rules(bad)
    assert caught.value.line == 1
    assert "ZZ: missing state_name, quote, source_kind, retrieved" in caught.value.message


# --------------------------------------------------------------------------- IV-D terms in the agreement


def test_the_wisconsin_iv_d_example_states_every_enforceable_term() -> None:
    text = text_of(data(WI))
    agency = clause(text, "Child Support Agency and Payment Center")
    assert "This is a IV-D case: Dane County Child Support Agency" in agency
    assert "Its case number is 7700123456." in agency
    paid = clause(text, "How Support Is Paid")
    assert paid.startswith("Support will be paid by income withholding, starting immediately.")
    assert "send it to the Wisconsin Support Collections Trust Fund (WI SCTF), PO Box 74200, Milwaukee, WI 53274-0200, which sends it on to Mother." in paid
    arrears = clause(text, "Back Support and the Payment Plan")
    assert "back support (arrears) of $2,250.00 for the period from May 1, 2026 to November 30, 2026" in arrears
    assert "Father will pay $75.00 each month toward the back support, starting on December 1, 2026" in arrears
    health = clause(text, "Health Insurance")
    assert "the premium for the children, $85.00 a month, is not more than 5 percent of Mother's gross income" in health
    assert "cash medical support of $25.00 each month" in clause(text, "Cash Medical Support")
    care = clause(text, "Child Care Costs")
    assert "After tax credits of $95.00 a month, the net cost the parents share is $325.00 a month: Mother pays $130.00 and Father pays $195.00." in care
    assert "life insurance on his own life of at least $50,000.00, naming Mother as the beneficiary" in clause(text, "Life Insurance to Secure Support")
    tax = clause(text, "Who Claims Dependents on Tax Returns")
    assert "IRS Form 8332" in tax and "only if Father paid all support owed for that year by December 31" in tax


def test_direct_payment_in_a_iv_d_case_states_the_written_exception() -> None:
    case_data = data(WI)
    case_data["child_support"]["payment_method"] = "direct"
    with pytest.raises(CaseValidationError) as caught:
        case_from_data(copy.deepcopy(case_data))
    assert [p.field_path for p in caught.value.problems] == ["child_support.payment_method"]
    case_data["child_support"]["withholding_exception"] = {"written_agreement": True, "state_law_allows": True}
    paid = clause(text_of(case_data), "How Support Is Paid")
    assert "the parents agree to this way of paying instead of immediate income withholding, as state law allows" in paid
    assert "income withholding is not needed now" not in paid


def test_outside_iv_d_direct_payment_needs_no_exception() -> None:
    case_data = data(WI)
    case_data["court"]["iv_d"] = False
    case_data["child_support"]["payment_method"] = "direct"
    text = text_of(case_data)
    assert "The parents agree that income withholding is not needed now." in text
    assert "This is a IV-D case" not in text


def test_a_premium_exactly_at_the_reasonable_cost_limit_is_reasonable() -> None:
    case_data = data(WI)
    case_data["child_support"]["health_insurance"]["monthly_premium"] = "100.00"  # 5% of 2,000.00
    case_from_data(copy.deepcopy(case_data))
    case_data["child_support"]["health_insurance"]["monthly_premium"] = "100.01"
    with pytest.raises(CaseValidationError, match=r"more than 5% of parent a's gross income \(100.00 of 2,000.00\)"):
        case_from_data(case_data)


def test_without_the_new_terms_no_new_clause_appears() -> None:
    case_data = data(WI)
    for key in ("agency", "arrears", "cash_medical_support", "child_care_costs", "life_insurance"):
        del case_data["child_support"][key]
    text = text_of(case_data)
    for title in ("Child Support Agency and Payment Center", "Back Support and the Payment Plan", "Cash Medical Support", "Life Insurance to Secure Support"):
        assert f" {title}.\n" not in text
    assert "send it to the state child support payment center" in text
