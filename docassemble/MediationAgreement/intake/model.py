"""What intake is made of, as typed data: the mediator's setup and each parent's answers.

Intake comes before the case file.  The mediator opens a case with only what
it takes to reach the parents (:class:`IntakeSetup`); each parent then answers
privately (:class:`IntakeAnswers` for the facts, issues and proposals,
:class:`ScreeningAnswers` for the safety screening).  Nothing a parent answers
here reaches a document by itself: :mod:`.prefill` copies the *facts* the
parent marked safe to share into a partial case file, and the mediator decides
the rest.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..case.limits import EMAIL_CHARS, MAX_CHILDREN, NAME_CHARS, TEXT_CHARS
from ..case.model import Address, Mediator, Money
from ..case.phones import Phone
from ..case.schedule import StrictModel

PRIVATE_TEXT_CHARS = 4000
"""A parent's free-text answer (a proposal, a note to the mediator, a screening answer)."""

MAX_ISSUES = 20
Email = Annotated[str, Field(max_length=EMAIL_CHARS, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Language = Literal["en", "es"]


class IntakeParent(StrictModel):
    """A parent as the mediator knows them when the case opens: how to address and reach them."""

    full_name: str = Field(min_length=1, max_length=NAME_CHARS)
    short_name: str | None = Field(default=None, max_length=NAME_CHARS, description="What to call them on their screens (default: the first word of full_name)")
    email: Email | None = Field(default=None, description="Where to send their link, if they agreed to e-mail")
    send_by_email: bool = Field(default=False, description="The parent agreed to get their link and notices by e-mail (opt-in)")
    language: Language = "en"

    @property
    def called(self) -> str:
        return self.short_name or self.full_name.split()[0]

    @model_validator(mode="after")
    def _email_for_sending(self) -> IntakeParent:
        if self.send_by_email and not self.email:
            raise ValueError("send_by_email needs the parent's email")
        return self


class IntakeSetup(StrictModel):
    """What the mediator gives to open a case for intake (``mediation-agreement case intake SETUP``)."""

    intake_format: Literal[1] = 1
    office: str = Field(min_length=1, max_length=NAME_CHARS, description="The office's name, as messages and the agreement to mediate print it")
    mediator: Mediator
    court_state: str | None = Field(default=None, min_length=2, max_length=2, description="Two-letter state of the court, when known")
    parent_a: IntakeParent
    parent_b: IntakeParent


# --------------------------------------------------------------------------- a parent's answers


class ContactFacts(StrictModel):
    """How to reach the parent, and which of it may be shared with the other parent and the court."""

    email: Email | None = None
    phone: Phone | None = None
    address: Address | None = None
    share_email: bool = Field(default=False, description="The email may appear in the agreement the other parent sees")
    share_phone: bool = Field(default=False, description="The phone may appear in the agreement the other parent sees")
    share_address: bool = Field(default=False, description="The address may appear in the agreement; otherwise it is kept confidential")
    safe_to_email: bool = Field(default=False, description="Safe to send this parent links and notices by e-mail")


class ChildFacts(StrictModel):
    full_name: str = Field(min_length=1, max_length=NAME_CHARS)
    date_of_birth: date
    lives_with: Literal["me", "other_parent", "both", "someone_else"] = Field(description="Where the child lives most of the time now, as this parent says")


def child_key(child: ChildFacts) -> tuple[str, str]:
    """The same child in both parents' lists: the same name (any case and spacing) and birth date."""
    return (" ".join(child.full_name.lower().split()), child.date_of_birth.isoformat())


class MoneyFacts(StrictModel):
    """What the child-support guideline needs from this parent, as far as the case model holds it today."""

    monthly_gross_income: Money | None = Field(default=None, description="Before taxes, from every source")
    health_insurance_premium: Money | None = Field(default=None, description="What this parent pays a month to insure the children")
    child_care_monthly: Money | None = Field(default=None, description="Child care this parent pays a month so they can work or study")


class IssueEntry(StrictModel):
    issue: str = Field(min_length=1, max_length=NAME_CHARS, description="An issue id from data/sources/intake/issues.yml")
    priority: Literal[1, 2, 3] = Field(description="How much it matters to this parent: 1 very much, 2 somewhat, 3 a little")
    choice: str | None = Field(default=None, max_length=NAME_CHARS, description="One of the issue's choices (data/sources/intake/issues.yml), when it has any")
    proposal: str | None = Field(default=None, max_length=PRIVATE_TEXT_CHARS, description="What this parent proposes, in their words")
    for_children: str | None = Field(default=None, max_length=PRIVATE_TEXT_CHARS, description="What matters most for the children here, as this parent sees it")
    could_accept: str | None = Field(default=None, max_length=PRIVATE_TEXT_CHARS, description="What this parent could also accept")


class IntakeAnswers(StrictModel):
    """One parent's intake (facts, issues, proposals).  Shown to the mediator only."""

    contact: ContactFacts = Field(default_factory=ContactFacts)
    children: list[ChildFacts] = Field(default_factory=list, max_length=MAX_CHILDREN)
    money: MoneyFacts = Field(default_factory=MoneyFacts)
    current_arrangements: str | None = Field(default=None, max_length=TEXT_CHARS, description="How things work now, in the parent's words")
    issues: list[IssueEntry] = Field(default_factory=list, max_length=MAX_ISSUES)
    note_to_mediator: str | None = Field(default=None, max_length=PRIVATE_TEXT_CHARS, description="Private: for the mediator only")


Answer = Literal["yes", "no", "prefer_not"]


class ScreeningAnswers(StrictModel):
    """One parent's private safety screening: item id -> answer (see data/sources/intake/screening.yml)."""

    answers: dict[str, Answer] = Field(default_factory=dict, max_length=50)
    texts: dict[str, str] = Field(default_factory=dict, max_length=50)
    wants_support_person: bool = Field(default=False, description="The parent wants a support person (an advocate or lawyer) with them")
