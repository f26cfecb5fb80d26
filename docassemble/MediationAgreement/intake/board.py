"""The issues board: both parents' issues, priorities and proposals side by side, for the mediator.

The board is where mediation starts: which issues both parents raised (and
how much each cares), which only one raised, where their facts differ (the
children they listed, where each child lives), and, from the private
screening, whether the sessions must be held apart.  It is the mediator's
alone: ``mediation-agreement case issues`` and the mediator's interview show
it; no parent's page and no document does.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..review.state import PARTIES
from .issues import issue_kinds
from .model import IssueEntry, child_key
from .screening import SESSION_FORMATS, instrument
from .steps import IntakeRecord

PRIORITY_WORDS = {1: "matters very much", 2: "matters somewhat", 3: "matters a little"}


@dataclass(frozen=True)
class BoardRow:
    issue: str
    label: str
    entries: dict[str, IssueEntry]
    """Parent -> their entry, for the parents who raised it."""

    @property
    def raised_by_both(self) -> bool:
        return len(self.entries) == 2


@dataclass(frozen=True)
class SafetyLine:
    party: str
    positive: bool
    session_format: str
    flagged: tuple[str, ...]
    protective_order: bool
    support_person: bool


@dataclass(frozen=True)
class IssuesBoard:
    case_id: str
    names: dict[str, str]
    progress: dict[str, str]
    rows: tuple[BoardRow, ...]
    differences: tuple[str, ...]
    safety: tuple[SafetyLine, ...]
    notes: dict[str, str]

    @property
    def safety_flag(self) -> bool:
        return any(line.positive for line in self.safety)

    @property
    def session_format(self) -> str:
        """The most protective format either parent's screening calls for."""
        order = list(SESSION_FORMATS)
        chosen = max((line.session_format for line in self.safety), key=order.index, default="joint")
        return chosen


def issues_board(record: IntakeRecord) -> IssuesBoard:
    names = {p: record.called(p) for p in PARTIES}
    progress = {}
    for p in PARTIES:
        own = record.parents[p]
        steps = [("agreement to mediate", own.agreed_at), ("safety questions", own.screened_at), ("issues and facts", own.submitted_at)]
        done = [what for what, at in steps if at is not None]
        progress[p] = "done" if len(done) == 3 else ("not started" if not done else "done: " + ", ".join(done))
    rows = []
    for kind in issue_kinds():
        entries = {p: e for p in PARTIES if (a := record.parents[p].answers) is not None for e in a.issues if e.issue == kind.id}
        if entries:
            rows.append(BoardRow(kind.id, kind.label, entries))
    rows.sort(key=lambda r: (not r.raised_by_both, min(e.priority for e in r.entries.values()), r.issue))
    safety = tuple(
        SafetyLine(p, own.result.positive, own.result.session_format, own.result.flagged, own.result.protective_order, own.result.support_person)
        for p in PARTIES
        if (own := record.parents[p]).result is not None
    )
    notes = {p: a.note_to_mediator for p in PARTIES if (a := record.parents[p].answers) is not None and a.note_to_mediator}
    return IssuesBoard(record.case_id, names, progress, tuple(rows), tuple(_differences(record, names)), safety, notes)


def _differences(record: IntakeRecord, names: dict[str, str]) -> list[str]:
    answers = {p: a for p in PARTIES if (a := record.parents[p].answers) is not None}
    if len(answers) < 2:
        return []
    out = []
    lists = {p: {child_key(c): c for c in answers[p].children} for p in PARTIES}
    for p, other in (("a", "b"), ("b", "a")):
        for key, child in lists[p].items():
            if key not in lists[other]:
                out.append(f"{names[p]} listed {child.full_name} (born {child.date_of_birth.isoformat()}); {names[other]} did not list that child with that birth date")
    where = {"me": "with {me}", "other_parent": "with {other}", "both": "with both parents", "someone_else": "with someone else"}
    for key, child in lists["a"].items():
        theirs = lists["b"].get(key)
        if theirs is None:
            continue
        said_a = where[child.lives_with].format(me=names["a"], other=names["b"])
        said_b = where[theirs.lives_with].format(me=names["b"], other=names["a"])
        if said_a != said_b:
            out.append(f"where {child.full_name} lives now: {names['a']} says {said_a}; {names['b']} says {said_b}")
    return out


def board_lines(board: IssuesBoard) -> list[str]:
    """The board as text (``mediation-agreement case issues``); for the mediator only."""
    names = board.names
    lines = [f"issues board for case {board.case_id} (for the mediator only: it holds private answers)"]
    for p in PARTIES:
        lines.append(f"  {names[p]}: {board.progress[p]}")
    lines.append("")
    if board.safety_flag:
        lines.append(f"SAFETY: a screening was positive. Hold {SESSION_FORMATS[board.session_format]}.")
        lines.append("  Talk with the parent privately before any session; consider the safety-focused path (a safety finding in the case file).")
    for line in board.safety:
        if line.positive:
            asked = {i.id: i.ask for i in instrument().items}
            items = "; ".join(asked[i].replace("{other}", names["b" if line.party == "a" else "a"]) for i in line.flagged)
            extra = ", says there is a protective order" if line.protective_order else ""
            lines.append(f"  {names[line.party]}: positive{extra}; {SESSION_FORMATS[line.session_format]}")
            lines.append(f"    answered yes or 'rather not say' to: {items}")
        else:
            lines.append(f"  {names[line.party]}: screening not positive" + (" (wants a support person)" if line.support_person else ""))
    if board.safety:
        lines.append("")
    if not board.rows:
        lines.append("no issues named yet")
    for row in board.rows:
        who = "both" if row.raised_by_both else names[next(iter(row.entries))] + " only"
        lines.append(f"{row.label} [{row.issue}] — raised by {who}")
        for p, entry in row.entries.items():
            proposal = f": {entry.proposal}" if entry.proposal else ""
            lines.append(f"  {names[p]} ({PRIORITY_WORDS[entry.priority]}){proposal}")
    if board.differences:
        lines.append("")
        lines.append("where the parents' facts differ:")
        lines += [f"  {d}" for d in board.differences]
    if board.notes:
        lines.append("")
        lines.append("private notes to the mediator:")
        lines += [f"  {names[p]}: {text}" for p, text in board.notes.items()]
    return lines
