"""Reaching a parent: whom the office may write to, the messages each step promises, reminders.

Rules (each one tested in tests/test_notices.py):

* **Opt-in, per parent and channel.**  A parent is written to by e-mail only
  if the mediator recorded that they agreed (``send_by_email`` in the intake
  setup), and, once the parent has answered their own intake, only if they
  said e-mail is safe for them (``contact.safe_to_email``; their own address
  then wins).  A case opened without intake has no such consent recorded, so
  it is never e-mailed.
* **Messages name no one** (:mod:`.messages`), and a link is only in a message
  that asks the parent to act, as a *new* link issued for that message, so no
  link is ever kept to be sent again.
* **Every send is a ``link_sent`` event** in the case's log: the parent, the
  channel, which message, the new link's id; never the address.  A send the
  mail server refuses records nothing (the new link is not kept either).
* **Reminders**: :func:`send_reminders` (``mediation-agreement case remind``,
  run from cron) writes once to each parent whose newest link stops working
  within 48 hours while they still have something to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from ..errors import DeliveryError, MediationError, StoreError
from ..review.rounds import DEFAULT_TOKEN_DAYS, issue_link, writing_session
from ..review.state import PARTIES, replay, replay_tokens
from ..store import CaseSession, CaseStore
from .mailer import Mailer
from .messages import WITH_LINK, NoticeKind, compose

LinkBuilder = Callable[[str, str, Literal["intake", "review", "checkin"]], str]
"""(case id, token, which interview) -> the parent's URL."""

REMINDER_WINDOW = timedelta(hours=48)
SENT = "link_sent"


@dataclass(frozen=True)
class Sent:
    case_id: str
    party: str
    notice: str
    token_id: str | None = None


def _intake(session: CaseSession) -> object | None:
    from ..intake.steps import intake_from_session

    try:
        return intake_from_session(session)
    except StoreError:
        return None  # a case opened without intake


def email_address(session: CaseSession, party: str) -> str | None:
    """Where this parent may be e-mailed, or None (see the module's rules)."""
    record = _intake(session)
    if record is None:
        return None
    setup_parent = record.setup.parent_a if party == "a" else record.setup.parent_b  # type: ignore[attr-defined]
    if not setup_parent.send_by_email:
        return None
    answers = record.parents[party].answers  # type: ignore[attr-defined]
    if answers is None:
        return str(setup_parent.email) if setup_parent.email else None
    if not answers.contact.safe_to_email:
        return None
    return str(answers.contact.email or setup_parent.email or "") or None


def office_name(session: CaseSession) -> str:
    """The office the messages come from: the intake setup's, else the current case file's."""
    record = _intake(session)
    if record is not None:
        return str(record.setup.office)  # type: ignore[attr-defined]
    from ..review.rounds import current_case_in

    return current_case_in(session).office.name


def parent_language(session: CaseSession, party: str) -> str:
    """The language this parent reads: the case file's (once there is a draft), else the intake setup's, else English."""
    if any(e.kind == "draft_issued" for e in session.events()) or _intake(session) is None:
        from ..review.rounds import current_case_in

        try:
            case = current_case_in(session)
        except MediationError:  # an intake case before any case answers: the intake setup decides
            case = None
        if case is not None:
            return (case.parent_a if party == "a" else case.parent_b).language
    record = _intake(session)
    if record is not None:
        setup_parent = record.setup.parent_a if party == "a" else record.setup.parent_b  # type: ignore[attr-defined]
        return str(setup_parent.language)
    return "en"


def link_language(store: CaseStore, case_id: str, token: str) -> str:
    """The language of the parent a link belongs to (also a link spent by signing)."""
    from ..review.rounds import authenticate_link

    with store.session(case_id) as session:
        party, _ = authenticate_link(session, token, action="open your page", allow_spent=True)
        return parent_language(session, party)


def with_language(link: str, language: str) -> str:
    """The link with ``lang=`` for a parent who reads another language than English, so their page
    speaks it even when the link itself no longer works."""
    return link if language == "en" else f"{link}{'&' if '?' in link else '?'}lang={language}"


def _stage(session: CaseSession) -> Literal["intake", "review"]:
    return "review" if any(e.kind == "draft_issued" for e in session.events()) else "intake"


def _finalized(session: CaseSession) -> bool:
    return any(e.kind == "finalized" for e in session.events())


def _deliver(session: CaseSession, party: str, notice: NoticeKind, mailer: Mailer, link_for: LinkBuilder | None, days: int) -> Sent | None:
    to = email_address(session, party)
    if to is None:
        return None
    office = office_name(session)
    token_id = None
    if notice in WITH_LINK:
        if link_for is None:
            raise StoreError(f"the message '{notice}' needs a link, and no way to make one was given")
        if _finalized(session):
            return None
        issued = issue_link(session, party, days)
        token_id = issued.token_id
        language = parent_language(session, party)
        link = with_language(link_for(session.case_id, issued.token, _stage(session)), language)
        message = compose(notice, office=office, link=link, expires=issued.expires_at, language=language)
    else:
        message = compose(notice, office=office, language=parent_language(session, party))
    mailer.send(to, message.subject, message.text)  # a refusal raises: the session rolls back, the new link too
    session.append(SENT, "mediator", {"party": party, "channel": "email", "notice": notice, "token_id": token_id})
    return Sent(session.case_id, party, notice, token_id)


def send_link(store: CaseStore, case_id: str, party: str, *, mailer: Mailer, link_for: LinkBuilder, days: int = DEFAULT_TOKEN_DAYS) -> Sent | None:
    """E-mail one parent a new link to where they are now (their intake, or the current draft); None if not allowed."""
    with writing_session(store, case_id) as session:
        notice: NoticeKind = "intake_link" if _stage(session) == "intake" else "draft_ready"
        return _deliver(session, party, notice, mailer, link_for, days)


def notify(store: CaseStore, case_id: str, notice: NoticeKind, parties: tuple[str, ...], *, mailer: Mailer, link_for: LinkBuilder | None = None) -> list[Sent]:
    """Send ``notice`` to each of ``parties`` who may be e-mailed; one transaction per parent."""
    out = []
    for party in parties:
        with writing_session(store, case_id) as session:
            sent = _deliver(session, party, notice, mailer, link_for, DEFAULT_TOKEN_DAYS)
        if sent is not None:
            out.append(sent)
    return out


def notify_draft(store: CaseStore, case_id: str, *, mailer: Mailer, link_for: LinkBuilder) -> list[Sent]:
    """A new draft is ready: each parent gets a new link to it."""
    return notify(store, case_id, "draft_ready", PARTIES, mailer=mailer, link_for=link_for)


def notify_approved(store: CaseStore, case_id: str, approver: str, *, mailer: Mailer) -> list[Sent]:
    """One parent approved: tell the other, if they have not answered the current draft yet."""
    other = "b" if approver == "a" else "a"
    with store.session(case_id) as session:
        state = replay(session, "mediator")
    if other in state.decisions:
        return []
    return notify(store, case_id, "other_approved", (other,), mailer=mailer)


def notify_final(store: CaseStore, case_id: str, *, mailer: Mailer) -> list[Sent]:
    """The agreement is signed and sealed: both parents can download it."""
    return notify(store, case_id, "final", PARTIES, mailer=mailer)


def sent_log(store: CaseStore, case_id: str) -> list[Sent]:
    """Every message sent for a case, from its log."""
    return [Sent(case_id, str(e.payload.get("party")), str(e.payload.get("notice")), e.payload.get("token_id")) for e in store.events(case_id) if e.kind == SENT]


# --------------------------------------------------------------------------- reminders


def _has_something_to_do(session: CaseSession, party: str) -> bool:
    state = replay(session, "mediator")
    if state.finalized:
        return False
    if state.current is None:
        record = _intake(session)
        return record is not None and not record.parents[party].done  # type: ignore[attr-defined]
    signed = state.signatures.get(party)
    return signed is None or signed.draft_sha256 != state.current.sha256


def reminders_due(session: CaseSession, now: datetime, window: timedelta = REMINDER_WINDOW) -> list[tuple[str, str, datetime]]:
    """(party, token id, expiry) for each parent to remind now."""
    events = session.events()
    reminded = {str(e.payload.get("token_id")) for e in events if e.kind == SENT and e.payload.get("notice") == "link_expiring"}
    live = [t for t in replay_tokens(events).values() if t.party in PARTIES and t.revoked_at is None and t.spent_at is None and t.expires_at > now]
    due = []
    for party in PARTIES:
        mine = [t for t in live if t.party == party]
        if not mine:
            continue
        newest = max(mine, key=lambda t: t.expires_at)
        if newest.expires_at - now <= window and newest.token_id not in reminded and _has_something_to_do(session, party):
            due.append((party, newest.token_id, newest.expires_at))
    return due


@dataclass(frozen=True)
class Failed:
    case_id: str
    party: str
    reason: str


def send_reminders(store: CaseStore, *, mailer: Mailer, window: timedelta = REMINDER_WINDOW) -> tuple[list[Sent], list[Failed]]:
    """Remind every parent, in every case, whose newest link stops working within ``window`` (once per link).

    One transaction per parent: a message the mail server refuses is reported
    in the second list and tried again on the next run; the others still go.
    """
    sent: list[Sent] = []
    failed: list[Failed] = []
    now = store.clock()
    for record in store.cases():
        with store.session(record.case_id) as session:
            due = reminders_due(session, now, window)
        for party, token_id, _expires in due:
            try:
                with writing_session(store, record.case_id) as session:
                    again = {p: (t, x) for p, t, x in reminders_due(session, now, window)}
                    if again.get(party, ("", None))[0] != token_id:
                        continue  # another run reminded them meanwhile
                    to = email_address(session, party)
                    if to is None:
                        continue
                    message = compose("link_expiring", office=office_name(session), expires=again[party][1], language=parent_language(session, party))
                    mailer.send(to, message.subject, message.text)
                    session.append(SENT, "mediator", {"party": party, "channel": "email", "notice": "link_expiring", "token_id": token_id})
                sent.append(Sent(record.case_id, party, "link_expiring", token_id))
            except DeliveryError as exc:
                failed.append(Failed(record.case_id, party, exc.message))
    return sent, failed
