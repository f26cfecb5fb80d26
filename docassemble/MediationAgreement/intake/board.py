"""The issues board: both parents' issues, priorities and proposals side by side, for the mediator.

The board is where mediation starts: which issues both parents raised (and
how much each cares), which only one raised, where their facts differ (the
children they listed, where each child lives), and, from the private
screening, whether the sessions must be held apart.  It is the mediator's
alone: ``mediation-agreement case issues`` and the mediator's interview show
it; no parent's page and no document does.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

from ..review.state import PARTIES
from .issues import issue_kind, issue_kinds
from .model import IssueEntry, child_key
from .screening import SESSION_FORMATS, instrument
from .steps import IntakeRecord

PRIORITY_WORDS = {1: "matters very much", 2: "matters somewhat", 3: "matters a little"}


Status = Literal["same", "close", "different", "one parent", "not compared"]

STATUS_WORDS: dict[str, str] = {
    "same": "same",
    "close": "close",
    "different": "different",
    "one parent": "raised by one parent",
    "not compared": "both raised it; neither proposed anything yet",
}


@dataclass(frozen=True)
class BoardRow:
    issue: str
    label: str
    entries: dict[str, IssueEntry]
    """Parent -> their entry, for the parents who raised it."""
    status: Status = "not compared"
    agreed: tuple[tuple[str, str], ...] = ()
    """Case-file fields both parents' choices set the same way (when ``status`` is "same" by choice)."""

    @property
    def raised_by_both(self) -> bool:
        return len(self.entries) == 2


_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str | None) -> set[str]:
    return set(_WORD.findall((text or "").lower()))


def _alike(one: str | None, two: str | None) -> float:
    """Word overlap of two texts (Jaccard, 0 to 1); 0 when either is empty."""
    a, b = _words(one), _words(two)
    return len(a & b) / len(a | b) if a and b else 0.0


CLOSE = 0.5
"""Word overlap from which two proposals (or one's proposal and the other's "could accept") count as close."""


def compare(issue: str, entries: dict[str, IssueEntry]) -> tuple[Status, tuple[tuple[str, str], ...]]:
    """How far apart the parents are on one issue.

    Choices decide when both parents picked one: "same" when they set the
    case file the same way (the agreed fields come back), else "different".
    Otherwise the words: "same" when the proposals are the same words, "close"
    when they share at least half their words or one parent's proposal is
    close to what the other could accept, "different" otherwise.  A word
    measure only points the mediator to where to start; it decides nothing.
    """
    if len(entries) < 2:
        return "one parent", ()
    a, b = entries["a"], entries["b"]
    kind = issue_kind(issue)
    picked = {p: kind.choice(e.choice) if kind is not None else None for p, e in entries.items()}
    if picked["a"] is not None and picked["b"] is not None:
        mine, theirs = picked["a"].resolved("a"), picked["b"].resolved("b")  # type: ignore[union-attr]
        return ("same", mine) if mine == theirs else ("different", ())
    if not (a.proposal or b.proposal):
        return "not compared", ()
    if _words(a.proposal) and _words(a.proposal) == _words(b.proposal):
        return "same", ()
    if max(_alike(a.proposal, b.proposal), _alike(a.proposal, b.could_accept), _alike(b.proposal, a.could_accept)) >= CLOSE:
        return "close", ()
    return "different", ()


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


def said(issue: str, entry: IssueEntry) -> str:
    """What a parent would like on one issue: their choice's words, then their own."""
    kind = issue_kind(issue)
    choice = kind.choice(entry.choice) if kind is not None else None
    return "; ".join(x for x in (choice.label if choice else None, entry.proposal) if x)


def more_said(entry: IssueEntry) -> list[tuple[str, str]]:
    """The rest of a parent's entry, labelled: what matters for the children, what they could accept."""
    return [(label, text) for label, text in (("for the children", entry.for_children), ("could accept", entry.could_accept)) if text]


def flagged_questions(line: SafetyLine, names: dict[str, str]) -> str:
    """The screening questions a parent answered yes or "rather not say" to, naming the other parent."""
    asked = {i.id: i for i in instrument().items}
    other = names["b" if line.party == "a" else "a"]
    return "; ".join(asked[i].question(other) for i in line.flagged if i in asked)


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
            status, agreed = compare(kind.id, entries)
            rows.append(BoardRow(kind.id, kind.label, entries, status, agreed))
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
            extra = ", says there is a protective order" if line.protective_order else ""
            lines.append(f"  {names[line.party]}: positive{extra}; {SESSION_FORMATS[line.session_format]}")
            lines.append(f"    answered yes or 'rather not say' to: {flagged_questions(line, names)}")
        else:
            lines.append(f"  {names[line.party]}: screening not positive" + (" (wants a support person)" if line.support_person else ""))
    if board.safety:
        lines.append("")
    if not board.rows:
        lines.append("no issues named yet")
    for row in board.rows:
        who = "both" if row.raised_by_both else names[next(iter(row.entries))] + " only"
        lines.append(f"{row.label} [{row.issue}] — raised by {who}; {STATUS_WORDS[row.status]}")
        for p, entry in row.entries.items():
            words = said(row.issue, entry)
            lines.append(f"  {names[p]} ({PRIORITY_WORDS[entry.priority]})" + (f": {words}" if words else ""))
            lines += [f"    {label}: {text}" for label, text in more_said(entry)]
    if board.differences:
        lines.append("")
        lines.append("where the parents' facts differ:")
        lines += [f"  {d}" for d in board.differences]
    if board.notes:
        lines.append("")
        lines.append("private notes to the mediator:")
        lines += [f"  {names[p]}: {text}" for p, text in board.notes.items()]
    return lines


def board_json(board: IssuesBoard) -> dict[str, Any]:
    """The board as data (``mediation-agreement case issues --json``); for the mediator only."""
    return {
        "case_id": board.case_id,
        "names": board.names,
        "progress": board.progress,
        "safety": {
            "flag": board.safety_flag,
            "session_format": board.session_format,
            "parents": [asdict(line) for line in board.safety],
        },
        "issues": [
            {
                "issue": row.issue,
                "label": row.label,
                "status": row.status,
                "agreed": dict(row.agreed),
                "parents": {p: entry.model_dump(mode="json", exclude_none=True) for p, entry in row.entries.items()},
            }
            for row in board.rows
        ],
        "differences": list(board.differences),
        "private_notes": board.notes,
    }
