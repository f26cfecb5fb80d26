"""The private safety screening: its questions (data) and what a parent's answers mean.

The questions follow North Dakota's Form F mediator screening tool; the file
``data/sources/intake/screening.yml`` quotes the item each one follows and
says what is this project's own (the wording, the answers, the scoring).

:func:`screen` turns one parent's answers into a :class:`ScreeningResult`:
positive or not, which items made it so, and how the sessions should be held.
A result is for the mediator only.  It is never a safety *finding* in the
case file: the mediator decides that, after talking to the parent privately.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Literal

from ..case.yamlsource import load_with_lines
from ..errors import CaseFileError, Problem
from .files import own_words
from .model import ScreeningAnswers

SessionFormat = Literal["joint", "joint_with_support_person", "separate_sessions", "mediator_review"]

SESSION_FORMATS: dict[str, str] = {
    "joint": "joint sessions",
    "joint_with_support_person": "joint sessions, with the parent's support person (lawyer or advocate) present",
    "separate_sessions": "separate sessions or shuttle mediation (the parents never in the same room); staggered arrival and departure",
    "mediator_review": "no session yet: the mediator talks with this parent privately and decides whether mediation is appropriate",
}
"""How the sessions are held, in words for the mediator.  The choice is this
project's, following Form F 1(g)(ii)-(iii): would a lawyer or advocate in the
room, or separate rooms, meet the parent's concern."""


@dataclass(frozen=True)
class ScreeningItem:
    id: str
    kind: Literal["yes_no", "text"]
    ask: str
    source: str
    flags: bool = False
    only_if: str | None = None
    screen: str = "control"

    def question(self, other: str) -> str:
        return self.ask.replace("{other}", other)


@dataclass(frozen=True)
class Instrument:
    name: str
    url: str
    effective: str
    items: tuple[ScreeningItem, ...]

    def item(self, item_id: str) -> ScreeningItem | None:
        return next((i for i in self.items if i.id == item_id), None)


@dataclass(frozen=True)
class ScreeningResult:
    """What one parent's screening means, for the mediator's eyes only."""

    positive: bool
    flagged: tuple[str, ...]
    """The items answered "yes" or "I'd rather not say" that count (ids)."""
    session_format: SessionFormat
    support_person: bool
    protective_order: bool

    @property
    def format_words(self) -> str:
        return SESSION_FORMATS[self.session_format]


def _path() -> Any:
    return files("docassemble.MediationAgreement") / "data" / "sources" / "intake" / "screening.yml"


@cache
def instrument(language: str = "en") -> Instrument:
    """The screening questions (read once), asked in ``language``: English, or each item's ``es: {ask: ...}``.

    Everything but the words asked is the English item's (the id, the kind, the Form F item it
    follows, the scoring); a missing ``es`` question is refused, naming the file, the line and the key.
    """
    source = _path()
    data, lines = load_with_lines(str(source), error=CaseFileError)
    info = data["instrument"]

    def ask(item: dict[str, Any], n: int) -> str:
        if language == "en":
            return str(item["ask"])
        refusal = f"screening question '{item.get('id')}' has no '{language}' wording: add `{language}: {{ask: ...}}` beside the English `ask`"
        return own_words(item, "ask", language, ("items", n), source=str(source), lines=lines, refusal=refusal)

    items = tuple(
        ScreeningItem(str(i["id"]), i["kind"], ask(i, n), str(i["source"]), bool(i.get("flags", False)), i.get("only_if"), str(i.get("screen") or "control"))
        for n, i in enumerate(data["items"])
    )
    return Instrument(str(info["name"]), str(info["url"]), str(info["effective"]), items)


def screening_problems(answers: ScreeningAnswers) -> list[Problem]:
    """Answers to items the instrument does not have, or of the wrong kind (field path ``answers.<id>``)."""
    tool = instrument()
    problems = []
    for key in answers.answers:
        item = tool.item(key)
        if item is None or item.kind != "yes_no":
            problems.append(Problem(f"'{key}' is not a yes/no question of the screening", field_path=f"answers.{key}"))
    for key in answers.texts:
        item = tool.item(key)
        if item is None or item.kind != "text":
            problems.append(Problem(f"'{key}' is not a written question of the screening", field_path=f"texts.{key}"))
    return problems


def screen(answers: ScreeningAnswers) -> ScreeningResult:
    """Score one parent's answers: any "yes" or "I'd rather not say" to a flagging item is positive.

    How the sessions are held then: separately (or shuttle); not at all, until
    the mediator has talked with the parent, when not even separate rooms
    would meet their worry; jointly with a lawyer or advocate in the room only
    when the same room was the one worry and the parent says that would meet
    it.  An unanswered follow-up counts as "still worried" (the safer reading).
    """
    tool = instrument()
    given = answers.answers
    flagged = tuple(i.id for i in tool.items if i.flags and given.get(i.id) in ("yes", "prefer_not"))
    positive = bool(flagged)
    same_room = given.get("same_room") in ("yes", "prefer_not")
    worried_with_advocate = given.get("helps_with_advocate") != "no"  # the question asks "would you STILL be worried"
    worried_apart = given.get("helps_separate_rooms") != "no"
    fmt: SessionFormat
    if not positive:
        fmt = "joint_with_support_person" if answers.wants_support_person else "joint"
    elif same_room and worried_apart:
        fmt = "mediator_review"
    elif flagged == ("same_room",) and not worried_with_advocate:
        fmt = "joint_with_support_person"
    else:
        fmt = "separate_sessions"
    return ScreeningResult(
        positive=positive,
        flagged=flagged,
        session_format=fmt,
        support_person=answers.wants_support_person or fmt == "joint_with_support_person",
        protective_order=given.get("protective_order") == "yes",
    )
