"""Follow-up after the agreement: scheduled check-ins, each parent's private answers, what is due.

The office sets check-ins (by default 30 and 90 days after the agreement was
sealed: :data:`DEFAULT_DAYS`).  When one falls due, each parent who agreed to
e-mail gets a new link of their own to a short check-in
(``parent_checkin.yml``): is the schedule working, is support arriving, how
exchanges go, would they like help.  Their answers are private events in the
case's log (salted, for the mediator only), and a check-in with a problem is
marked for the mediator.  Sending runs from ``mediation-agreement case remind``
(cron), on the store's clock, so the tests set the clock instead of waiting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from importlib.resources import files
from typing import Any

from ..case.yamlsource import load_with_lines
from ..errors import CaseFileError, CaseValidationError, DeliveryError, Problem, StoreError
from ..notices import Failed, LinkBuilder, Mailer, compose, email_address, office_name
from ..notices.delivery import parent_language, with_language
from ..review.rounds import DEFAULT_TOKEN_DAYS, authenticate_link, issue_link, writing_session
from ..review.state import PARTIES
from ..store import CaseSession, CaseStore, iso_z, salted

DEFAULT_DAYS = (30, 90)
SCHEDULED, SENT, ANSWERED = "checkins_scheduled", "checkin_sent", "checkin_answered"
MAX_TEXT = 4000


@dataclass(frozen=True)
class Question:
    id: str
    ask: str
    answers: dict[str, str]
    problem: tuple[str, ...]


@cache
def questions(language: str = "en") -> tuple[Question, ...]:
    """The check-in's questions, worded in ``language`` (``es:`` in checkin.yml; the answer keys are the same)."""
    source = str(files("docassemble.MediationAgreement") / "data" / "sources" / "checkin.yml")
    data, lines = load_with_lines(source, error=CaseFileError)
    out = []
    for n, q in enumerate(data["questions"]):
        keys = [*q["answers"], *(q.get("problem") or ())]
        if not all(isinstance(k, str) for k in keys):
            raise CaseFileError("answer keys must be text: write \"yes\" and \"no\" in quotes (YAML reads them as true and false)", path=source, line=lines.line_for(("questions", n)))
        ask, answers = q["ask"], q["answers"]
        if language != "en":
            words = q.get(language)
            if not isinstance(words, dict) or set(map(str, words.get("answers") or {})) != set(map(str, answers)) or not words.get("ask"):
                raise CaseFileError(f"question '{q['id']}' has no '{language}' wording with the same answers", path=source, line=lines.line_for(("questions", n)))
            ask, answers = words["ask"], words["answers"]
        out.append(Question(str(q["id"]), str(ask), {str(k): str(v) for k, v in answers.items()}, tuple(str(p) for p in q.get("problem") or ())))
    return tuple(out)


@dataclass(frozen=True)
class CheckIn:
    """One check-in for one parent: when it is due, whether it went out, the answers if any."""

    party: str
    number: int
    days: int
    due: datetime
    sent_at: datetime | None = None
    answered_at: datetime | None = None
    answers: dict[str, str] = field(default_factory=dict)
    note: str | None = None

    @property
    def problem(self) -> bool:
        return any(self.answers.get(q.id) in q.problem for q in questions())

    @property
    def state(self) -> str:
        if self.answered_at is not None:
            return "answered" + (" (problem reported)" if self.problem else "")
        if self.sent_at is not None:
            return "sent, not answered"
        return "scheduled"


def _sealed_at(session: CaseSession) -> datetime | None:
    return next((e.at for e in session.events() if e.kind == "finalized"), None)


def checkins(session: CaseSession) -> list[CheckIn]:
    """Every check-in of the case, from its log (none until the agreement is sealed and check-ins are set)."""
    events = session.events()
    sealed = _sealed_at(session)
    scheduled = [e for e in events if e.kind == SCHEDULED]
    if sealed is None or not scheduled:
        return []
    days = [int(d) for d in scheduled[-1].payload.get("days", [])]
    out = []
    for party in PARTIES:
        for number, day in enumerate(days, 1):
            sent = next((e.at for e in events if e.kind == SENT and e.payload.get("party") == party and e.payload.get("number") == number), None)
            answered = next((e for e in events if e.kind == ANSWERED and e.actor == party and e.payload.get("number") == number), None)
            out.append(
                CheckIn(
                    party, number, day, sealed + timedelta(days=day), sent,
                    answered.at if answered else None,
                    dict(answered.payload.get("answers", {})) if answered else {},
                    answered.payload.get("note") if answered else None,
                )
            )
    return out


def schedule_checkins(store: CaseStore, case_id: str, days: tuple[int, ...] = DEFAULT_DAYS) -> list[CheckIn]:
    """Set the case's check-ins, in days after the agreement was sealed (replaces an earlier schedule)."""
    if not days or any(not 1 <= d <= 3650 for d in days) or len(set(days)) != len(days):
        raise StoreError(f"check-ins are given as different numbers of days from 1 to 3650, not {list(days)}")
    with writing_session(store, case_id) as session:
        if _sealed_at(session) is None:
            raise StoreError(f"case '{case_id}' is not sealed yet: check-ins follow the signed agreement")
        session.append(SCHEDULED, "mediator", {"days": sorted(days)})
        return checkins(session)


def followups(store: CaseStore, case_id: str) -> list[CheckIn]:
    """The case's check-ins (the mediator's view: both parents' answers)."""
    with store.session(case_id) as session:
        return checkins(session)


@dataclass(frozen=True)
class CheckinSent:
    case_id: str
    party: str
    number: int
    token_id: str


@dataclass(frozen=True)
class CheckinRun:
    """One run of :func:`send_due_checkins`: what went out, who is not e-mailed (the office reaches them
    another way, e.g. ``hand_out_checkin``), and what the mail server refused (tried again next run)."""

    sent: list[CheckinSent] = field(default_factory=list)
    not_emailed: list[tuple[str, str]] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)


def send_due_checkins(store: CaseStore, *, mailer: Mailer, link_for: LinkBuilder) -> CheckinRun:
    """E-mail every parent whose check-in is due and not sent (cron); one transaction per parent, as for reminders."""
    run = CheckinRun()
    now = store.clock()
    for record in store.cases():
        with store.session(record.case_id) as session:
            due = [c for c in checkins(session) if c.sent_at is None and c.due <= now]
        for item in due:
            try:
                with writing_session(store, record.case_id) as session:
                    to = email_address(session, item.party)
                    if to is None:
                        run.not_emailed.append((record.case_id, item.party))
                        continue
                    issued = issue_link(session, item.party, DEFAULT_TOKEN_DAYS)
                    language = parent_language(session, item.party)
                    link = with_language(link_for(record.case_id, issued.token, "checkin"), language)
                    message = compose("checkin", office=office_name(session), link=link, expires=issued.expires_at, language=language)
                    mailer.send(to, message.subject, message.text)
                    session.append(SENT, "mediator", {"party": item.party, "number": item.number, "token_id": issued.token_id, "channel": "email"})
                run.sent.append(CheckinSent(record.case_id, item.party, item.number, issued.token_id))
            except DeliveryError as exc:
                run.failed.append(Failed(record.case_id, item.party, exc.message))
    return run


def hand_out_checkin(store: CaseStore, case_id: str, party: str, *, link_for: LinkBuilder) -> tuple[str, CheckinSent]:
    """A check-in link for a parent the office reaches another way (no e-mail): their earliest due, unanswered check-in.

    Returns the link (to read out, text or print; it is not kept) and the record
    of it, a ``checkin_sent`` event with the channel "by hand".
    """
    with writing_session(store, case_id) as session:
        now = store.clock()
        due = [c for c in checkins(session) if c.party == party and c.due <= now and c.answered_at is None]
        if not due:
            raise StoreError(f"parent {party.upper()} of case '{case_id}' has no check-in due now")
        item = due[0]
        issued = issue_link(session, party, DEFAULT_TOKEN_DAYS)
        session.append(SENT, "mediator", {"party": party, "number": item.number, "token_id": issued.token_id, "channel": "by hand"})
        return with_language(link_for(case_id, issued.token, "checkin"), parent_language(session, party)), CheckinSent(case_id, party, item.number, issued.token_id)


def open_checkin(store: CaseStore, case_id: str, token: str) -> CheckIn | None:
    """The check-in this parent's link should answer now: the earliest sent and unanswered one (None if none)."""
    with store.session(case_id) as session:
        party, _ = authenticate_link(session, token, action="open the check-in")
        waiting = [c for c in checkins(session) if c.party == party and c.sent_at is not None and c.answered_at is None]
        return waiting[0] if waiting else None


def checkin_language(store: CaseStore, case_id: str, token: str) -> str:
    """The language of the parent whose link this is (their check-in is worded in it)."""
    with store.session(case_id) as session:
        party, _ = authenticate_link(session, token, action="open the check-in")
        return parent_language(session, party)


def answer_checkin(store: CaseStore, case_id: str, token: str, number: int, answers: dict[str, Any], note: str | None = None) -> CheckIn:
    """Record one parent's answers to check-in ``number`` (once); private, for the mediator."""
    problems = []
    for q in questions():
        if answers.get(q.id) not in q.answers:
            problems.append(Problem(f"choose one of: {', '.join(q.answers)}", field_path=f"answers.{q.id}"))
    unknown = set(answers) - {q.id for q in questions()}
    problems += [Problem("is not a check-in question", field_path=f"answers.{k}") for k in sorted(unknown)]
    if note is not None and len(note) > MAX_TEXT:
        problems.append(Problem(f"is longer than {MAX_TEXT} characters", field_path="note"))
    if problems:
        raise CaseValidationError(problems, path="check-in")
    with writing_session(store, case_id) as session:
        party, _ = authenticate_link(session, token, action="answer the check-in")
        mine = next((c for c in checkins(session) if c.party == party and c.number == number), None)
        if mine is None or mine.sent_at is None:
            raise StoreError(f"there is no check-in {number} for you yet; nothing was changed")
        if mine.answered_at is not None:
            raise StoreError(f"you answered check-in {number} on {iso_z(mine.answered_at)}; nothing was changed", hint="to add anything, contact the office")
        payload: dict[str, Any] = {"number": number, "answers": {k: str(v) for k, v in answers.items()}}
        if note and note.strip():
            payload["note"] = note.strip()
        session.append(ANSWERED, party, salted(payload))
        return next(c for c in checkins(session) if c.party == party and c.number == number)


def followup_lines(items: list[CheckIn], names: dict[str, str]) -> list[str]:
    """The check-ins in words (``case followups``); the mediator's view."""
    if not items:
        return ["no check-ins: set them with `case followups CASE_ID --schedule 30,90` once the agreement is sealed"]
    lines = []
    asked = {q.id: q for q in questions()}
    for c in sorted(items, key=lambda c: (c.due, c.party)):
        lines.append(f"check-in {c.number} ({c.days} days) for {names.get(c.party, c.party)}: due {iso_z(c.due)}; {c.state}")
        for key, value in c.answers.items():
            q = asked.get(key)
            lines.append(f"  {q.ask if q else key} {q.answers.get(value, value) if q else value}")
        if c.note:
            lines.append(f"  private note: {c.note}")
    return lines
