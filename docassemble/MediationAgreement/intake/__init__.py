"""Intake: before the session, each parent agrees to mediate, is screened privately, and names the issues.

Rooms: :mod:`.model` (the mediator's setup, a parent's answers), :mod:`.screening`
(the private safety screening and what it means), :mod:`.agreement` (the
agreement to mediate and its signed PDF), :mod:`.steps` (each step over the
case store), :mod:`.board` (the issues board, for the mediator),
:mod:`.prefill` (the case file started from intake, without anything private).
"""

from __future__ import annotations

from .agreement import AgreementToMediate, load_agreement
from .board import IssuesBoard, board_json, board_lines, compare, issues_board
from .issues import IssueChoice, IssueKind, issue_ids, issue_kind, issue_kinds, issue_label
from .model import ChildFacts, ContactFacts, IntakeAnswers, IntakeParent, IntakeSetup, IssueEntry, MoneyFacts, ScreeningAnswers
from .prefill import prefill_case_data
from .screening import SESSION_FORMATS, ScreeningResult, instrument, screen
from .steps import (
    IntakeRecord,
    ParentIntake,
    ParentView,
    agree_to_mediate,
    agreement_for,
    intake_for_token,
    intake_record,
    open_intake,
    own_agreement_pdf,
    parse_answers,
    signed_agreement_pdf,
    submit_intake,
    submit_screening,
)

__all__ = [
    "AgreementToMediate",
    "ChildFacts",
    "ContactFacts",
    "IntakeAnswers",
    "IntakeParent",
    "IntakeRecord",
    "IntakeSetup",
    "IssueEntry",
    "IssueChoice",
    "IssueKind",
    "IssuesBoard",
    "MoneyFacts",
    "ParentIntake",
    "ParentView",
    "SESSION_FORMATS",
    "ScreeningAnswers",
    "ScreeningResult",
    "agree_to_mediate",
    "agreement_for",
    "board_json",
    "board_lines",
    "compare",
    "instrument",
    "intake_for_token",
    "intake_record",
    "issue_ids",
    "issue_kind",
    "issue_kinds",
    "issue_label",
    "issues_board",
    "load_agreement",
    "open_intake",
    "own_agreement_pdf",
    "parse_answers",
    "prefill_case_data",
    "screen",
    "signed_agreement_pdf",
    "submit_intake",
    "submit_screening",
]
