"""Intake from the mediator's side (``mediation_agreement.yml``, started "with each parent's intake").

Office staff open the case for intake (the parents' names and how to reach
them), copy each parent's link, and follow the issues board until both
parents are done; the board shows the safety flag and how the sessions must
be held.  "Start the agreement from intake" then fills the interview's
answers with the facts the parents gave (:func:`..intake.prefill_case_data`:
nothing private), and the interview goes on as usual.  The first draft is
issued on the same case, so each parent's link then opens their review.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from docassemble.base.util import DAList, DAObject, validation_error
from pydantic import BaseModel, TypeAdapter, ValidationError

from ..case.fields import list_element, model_of
from ..case.model import Case
from ..errors import CaseValidationError, MediationError
from .answers import _ANSWER_CLASSES, _answer_value, _build
from .mediator_round import ReviewRound, _escape, _require_staff, _say, email_parents, intake_url, show_once
from .server import plain, review_store


def _text(obj: Any, name: str) -> str | None:
    value = getattr(obj, name, None)
    return value.strip() or None if isinstance(value, str) else None


def setup_data(setup: DAObject) -> dict[str, Any]:
    """The setup screen's answers as an intake setup file's data."""

    def parent(letter: str) -> dict[str, Any]:
        email = _text(setup, f"{letter}_email")
        out: dict[str, Any] = {"full_name": _text(setup, f"{letter}_full_name") or "", "send_by_email": bool(getattr(setup, f"{letter}_send_by_email", False)) and email is not None}
        if _text(setup, f"{letter}_language") in ("en", "es"):
            out["language"] = _text(setup, f"{letter}_language")
        if _text(setup, f"{letter}_short_name"):
            out["short_name"] = _text(setup, f"{letter}_short_name")
        if email:
            out["email"] = email
        return out

    mediator = {"full_name": _text(setup, "mediator_name") or "", "organization": _text(setup, "office") or ""}
    if _text(setup, "mediator_email"):
        mediator["email"] = _text(setup, "mediator_email")
    data: dict[str, Any] = {"office": _text(setup, "office") or "", "mediator": mediator, "parent_a": parent("a"), "parent_b": parent("b")}
    if _text(setup, "court_state"):
        data["court_state"] = str(_text(setup, "court_state")).upper()
    return data


SETUP_FIELDS = {"office": "intake_setup.office", "mediator": "intake_setup.mediator_name", "court_state": "intake_setup.court_state"}


def start_intake(setup: DAObject, review_round: ReviewRound) -> bool:
    """``validation code``: open the case for intake and make each parent's link."""
    from ..intake import IntakeSetup, open_intake, parse_answers

    try:
        _require_staff()
        parsed = parse_answers(IntakeSetup, setup_data(setup), source="intake")
        opened = open_intake(review_store(), parsed)
    except CaseValidationError as exc:
        first = exc.problems[0]
        path = first.field_path or ""
        top = path.split(".")[0]
        field = f"intake_setup.{top[-1]}_{path.split('.')[-1]}" if top in ("parent_a", "parent_b") else SETUP_FIELDS.get(top, "intake_setup.office")
        validation_error(plain(f"{path}: {first.message}" if path else first.message), field=field)
        return False
    except MediationError as exc:
        validation_error(plain(exc.message), field="intake_setup.office")
        return False
    review_round.case_id = opened.case_id
    review_round.intake = True
    show_once(review_round, {party: intake_url(opened.case_id, t.token) for party, t in opened.tokens.items()})
    _say(review_round, "The case is open. Send each parent their link to the intake." + email_parents(review_round, "intake_link"))
    return True


@dataclass(frozen=True)
class BoardView:
    """The issues board as the mediator's screen shows it (Markdown, every parent's word escaped)."""

    both_done: bool
    safety_flag: bool
    safety: str
    body: str


def _e(text: str) -> str:
    return _escape(text)


def board_view(review_round: ReviewRound) -> BoardView:
    """Progress, the safety flag, the issues side by side, where facts differ, private notes."""
    from ..intake import SESSION_FORMATS, intake_record, issues_board
    from ..intake.board import PRIORITY_WORDS, STATUS_WORDS, flagged_questions, more_said, said

    record = intake_record(review_store(), review_round.case_id)
    board = issues_board(record)
    names = board.names
    lines = ["**Progress**", ""]
    lines += [f"* {_e(names[p])}: {_e(board.progress[p])}" for p in ("a", "b")]
    safety = ""
    if board.safety_flag:  # HTML: it sits in an alert box, where Markdown is not read
        items = []
        for line in board.safety:
            if line.positive:
                order = " (says there is a protective order)" if line.protective_order else ""
                items.append(f"<li>{html.escape(names[line.party])} answered yes or &ldquo;rather not say&rdquo; to: {html.escape(flagged_questions(line, names))}{order}</li>")
        safety = (
            f"<p><strong>Safety flag. Private screening: positive.</strong> Hold {html.escape(SESSION_FORMATS[board.session_format])}. "
            "Talk with the parent privately before any session.</p>" + f"<ul>{''.join(items)}</ul>"
        )
    lines += ["", "**Issues**", ""]
    if not board.rows:
        lines.append("No issues named yet.")
    for row in board.rows:
        who = "both parents" if row.raised_by_both else _e(names[next(iter(row.entries))]) + " only"
        status = f"; **{STATUS_WORDS[row.status]}**" if row.raised_by_both else ""
        lines.append(f"* **{_e(row.label)}** (raised by {who}{status})")
        for party, entry in row.entries.items():
            words = said(row.issue, entry)
            lines.append(f"    * {_e(names[party])}, {PRIORITY_WORDS[entry.priority]}" + (f": {_e(words)}" if words else ""))
            lines += [f"        * {label}: {_e(text)}" for label, text in more_said(entry)]
    if board.differences:
        lines += ["", "**Where the parents' facts differ**", ""] + [f"* {_e(d)}" for d in board.differences]
    if board.notes:
        lines += ["", "**Private notes to you** (never shown to the other parent)", ""] + [f"* {_e(names[p])}: {_e(t)}" for p, t in board.notes.items()]
    both = all(record.parents[p].done for p in ("a", "b"))
    return BoardView(both, board.safety_flag, safety, "\n".join(lines))


def intake_safety_flag(review_round: ReviewRound) -> bool:
    """Whether either parent's private screening was positive (the safety section then says so)."""
    if not getattr(review_round, "intake", False) or not review_round.started:
        return False
    from ..intake import intake_record, issues_board

    return issues_board(intake_record(review_store(), review_round.case_id)).safety_flag


def fill_from_intake(answers: DAObject, review_round: ReviewRound) -> bool:
    """``validation code``: set the interview's answers from the parents' facts (nothing private)."""
    from ..intake import intake_record, prefill_case_data

    try:
        _require_staff()
        data = prefill_case_data(intake_record(review_store(), review_round.case_id))
    except MediationError as exc:
        validation_error(plain(exc.message))
        return False
    fill_partial(answers, Case, data)
    return True


def fill_partial(obj: DAObject, model: type[BaseModel], data: dict[str, Any]) -> None:
    """Set the answers ``data`` gives (a partial case file) and leave every other question to be asked."""
    for name, value in data.items():
        info = model.model_fields.get(name)
        if info is None or value is None:
            continue
        annotation = info.annotation
        sub = model_of(annotation)
        if sub is not None and isinstance(value, dict):
            if name not in vars(obj):
                obj.initializeAttribute(name, _ANSWER_CLASSES.get(sub.__name__, DAObject))
                _build(getattr(obj, name), sub)
            fill_partial(getattr(obj, name), sub, value)
            continue
        element = list_element(annotation)
        item_model = model_of(element) if element is not None else None
        target = getattr(obj, name, None) if name in vars(obj) else None
        if isinstance(target, DAList) and item_model is not None and isinstance(value, list):
            target.clear()
            for item in value:
                fill_partial(target.appendObject(), item_model, item)
            target.there_are_any = bool(value)
            continue
        try:
            typed = TypeAdapter(annotation).validate_python(value)
        except ValidationError:
            continue  # the mediator is asked for it
        setattr(obj, name, _answer_value(typed))



# --------------------------------------------------------------------------- a case the office already has


def at_intake(review_round: ReviewRound) -> bool:
    """The session's case was opened for intake and has no draft yet (the issues board comes next)."""
    return bool(getattr(review_round, "intake", False)) and review_round.started and not review_round.drafted


def stored_case_choices() -> list[dict[str, str]]:
    """The store's cases for the staff's "continue a case" list: newest activity first, with what each waits for."""
    from ..review import case_state

    _require_staff()
    store = review_store()
    rows = []
    for record in store.cases():
        state = case_state(store, record.case_id)
        last = max((e.at for e in store.events(record.case_id)), default=record.created_at)
        rows.append((last, record.case_id, f"{record.label} — {state.next_step().split(' (`')[0]} (last activity {last:%b %-d, %Y})"))
    rows.sort(reverse=True)
    return [{"value": case_id, "label": label} for _last, case_id, label in rows[:500]]


def attach_case(answers: DAObject, review_round: ReviewRound, case_id: str) -> bool:
    """``validation code``: take over a stored case: its answers (the current draft's) fill the interview."""
    from ..intake import intake_record
    from ..review import case_state, current_case
    from .answers import fill_answers

    try:
        _require_staff()
        store = review_store()
        state = case_state(store, case_id)
        review_round.case_id = case_id
        review_round.intake = state.intake_steps is not None
        if state.current is not None:
            fill_answers(answers, current_case(store, case_id))
        elif review_round.intake:
            intake_record(store, case_id)  # readable: the board can be shown
            answers.office.name = intake_record(store, case_id).setup.office
    except MediationError as exc:
        review_round.case_id = ""
        validation_error(plain(exc.message), field="stored_case_id")
        return False
    _say(review_round, f"You are working on {state.label}.")
    return True
