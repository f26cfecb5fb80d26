"""Start the case file from intake: the facts the parents gave, and nothing private.

:func:`prefill_case_data` builds a *partial* case file (the same format the
CLI and the interviews read) from the mediator's setup and both parents'
intake.  What it copies, and how:

* each parent's name; their e-mail and phone only if they said the other
  parent may see them; their address always marked ``confidential`` unless
  they said it may be shared;
* the children both parents listed with the same name and birth date (a child
  only one parent listed is left for the mediator: the board lists it);
* each parent's monthly gross income and the costs they pay, into the
  guideline's inputs, only when both parents gave an income;
* what both parents already agree on: an issue where both picked choices
  that set the case file the same way (decision-making, exchanges, how they
  communicate) -- unless a safety screening was positive, when the mediator
  decides every term after talking with each parent privately.

What it never copies: the safety screening, notes to the mediator, proposals,
the issues themselves.  A positive screening does not become a safety finding
here; the mediator decides that after talking with the parent (the board says
so).  The result is not a whole case: ``mediation-agreement check`` lists
what is still to decide.
"""

from __future__ import annotations

from typing import Any

from ..review.state import PARTIES
from .board import issues_board
from .model import ContactFacts, IntakeAnswers, IntakeParent, child_key
from .steps import IntakeRecord


def _parent(setup_parent: IntakeParent, answers: IntakeAnswers | None) -> dict[str, Any]:
    out: dict[str, Any] = {"full_name": setup_parent.full_name, "short_name": setup_parent.called}
    if answers is None:
        return out
    contact: ContactFacts = answers.contact
    if contact.email and contact.share_email:
        out["email"] = contact.email
    if contact.phone and contact.share_phone:
        out["phone"] = str(contact.phone)
    if contact.address is not None:
        out["address"] = {**contact.address.model_dump(mode="json", exclude_none=True), "confidential": not contact.share_address}
    return out


def prefill_case_data(record: IntakeRecord) -> dict[str, Any]:
    """A partial case file from intake (see the module's docstring for what is and is not copied)."""
    setup = record.setup
    answers = {p: record.parents[p].answers for p in PARTIES}
    data: dict[str, Any] = {
        "case_format": 1,
        "office": {"name": setup.office},
        "mediator": setup.mediator.model_dump(mode="json", exclude_none=True),
        "parent_a": _parent(setup.parent_a, answers["a"]),
        "parent_b": _parent(setup.parent_b, answers["b"]),
    }
    if setup.court_state:
        data["court"] = {"state": setup.court_state}
    a, b = answers["a"], answers["b"]
    if a is not None and b is not None:
        theirs = {child_key(c) for c in b.children}
        children = [{"full_name": c.full_name, "date_of_birth": c.date_of_birth.isoformat()} for c in a.children if child_key(c) in theirs]
        if children:
            data["children"] = children
        if a.money.monthly_gross_income is not None and b.money.monthly_gross_income is not None:
            data["child_support"] = {"guideline": {"parent_a": _income(a), "parent_b": _income(b)}}
        board = issues_board(record)
        if not board.safety_flag:
            for row in board.rows:
                for path, value in row.agreed:
                    _set(data, path, value)
    return data


def _set(data: dict[str, Any], path: str, value: str) -> None:
    *parents, last = path.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    data[last] = value


def _income(answers: IntakeAnswers) -> dict[str, str]:
    money = answers.money
    out = {"monthly_gross_income": f"{money.monthly_gross_income:.2f}"}
    if money.health_insurance_premium:
        out["health_insurance_premium"] = f"{money.health_insurance_premium:.2f}"
    if money.child_care_monthly:
        out["child_care"] = f"{money.child_care_monthly:.2f}"
    return out
