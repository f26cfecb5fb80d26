"""A case's life in one list: intake, drafts, decisions, signatures, the seal, check-ins.

Read from the case's log, in order, in words for the mediator.  It says *that*
something happened, never what a parent answered privately (the screening,
the intake, a private comment, a check-in, the referrals given): those are on
the issues board and in ``case followups``.  Filing is on the list once the
office records it (``case filed``); a modification opened from this case is
found among the cases opened after it (its own log names the case it amends).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..review.state import replay
from ..store import CaseStore, LogEvent

PHASES = ("intake", "drafts", "signatures", "filing", "check-ins", "referrals", "modifications", "links")


@dataclass(frozen=True)
class Moment:
    at: datetime
    phase: str
    text: str


def _describe(e: LogEvent, name: dict[str, str]) -> tuple[str, str] | None:
    p: dict[str, Any] = e.payload
    who = name.get(e.actor, e.actor)
    party = name.get(str(p.get("party")), str(p.get("party")))
    if "_unreadable" in p:
        return ("links", f"event {e.seq} ({e.kind}) cannot be read")
    match e.kind:
        case "case_opened":
            if isinstance(p.get("amends"), dict):
                return ("intake", f"amended agreement opened, amending case {p['amends'].get('case_id')}")
            return ("intake", "case opened for each parent's intake" if p.get("stage") == "intake" else "case opened")
        case "mediation_agreed":
            return ("intake", f"{who} signed the agreement to mediate")
        case "screening_submitted":
            return ("intake", f"{who} answered the safety questions (private)")
        case "intake_submitted":
            return ("intake", f"{who} sent their issues and facts (private)")
        case "draft_issued":
            return ("drafts", f"draft {p.get('draft')} issued")
        case "draft_viewed":
            return ("drafts", f"{who} opened draft {p.get('draft')}")
        case "comment":
            private = " (private)" if p.get("visibility") == "private" else ""
            return ("drafts", f"{who} commented on {p.get('section')} of draft {p.get('draft')}{private}")
        case "approved":
            return ("drafts", f"{who} approved draft {p.get('draft')}")
        case "changes_requested":
            return ("drafts", f"{who} asked for changes to draft {p.get('draft')}")
        case "signed":
            return ("signatures", f"{who} signed draft {p.get('draft')} ({p.get('method')})")
        case "finalized":
            return ("signatures", f"the executed agreement was sealed (draft {p.get('draft')})")
        case "filed":
            number = f", court case {p['court_case_number']}" if p.get("court_case_number") else ""
            return ("filing", f"filed with the court on {p.get('on')}{number}")
        case "referrals_given":
            count = len(p.get("resources", []))
            return ("referrals", f"{count} referral{'s' if count != 1 else ''} given to {party} (private)")
        case "checkins_scheduled":
            return ("check-ins", "check-ins set at " + ", ".join(str(d) for d in p.get("days", [])) + " days after the seal")
        case "checkin_sent":
            return ("check-ins", f"check-in {p.get('number')} sent to {party}")
        case "checkin_answered":
            return ("check-ins", f"{who} answered check-in {p.get('number')} (private)")
        case "link_sent":
            return ("links", f"{party} e-mailed ({str(p.get('notice', '')).replace('_', ' ')})")
        case "token_issued":
            return ("links", f"new link for {party}")
        case "token_revoked":
            return ("links", f"link revoked for {party}")
    return None


def timeline(store: CaseStore, case_id: str) -> list[Moment]:
    """Every step of the case, in the order the log recorded them."""
    with store.session(case_id) as session:
        state = replay(session, "mediator")
        names = {p: state.name(p).split(" (")[0] for p in ("a", "b", "mediator")}
        out = []
        for e in session.events():
            said = _describe(e, names)
            if said is not None:
                out.append(Moment(e.at, *said))
        sealed = any(e.kind == "finalized" for e in session.events())
    if sealed:
        for at, other in amendments_of(store, case_id):
            # In the log's order; a modification goes after the last moment recorded before it was opened.
            place = max((i + 1 for i, m in enumerate(out) if m.at <= at), default=len(out))
            out.insert(place, Moment(at, "modifications", f"modification opened: case {other}"))
    return out


def amendments_of(store: CaseStore, case_id: str) -> list[tuple[datetime, str]]:
    """The cases opened to amend this one (when, and their ids), read from each later case's opening event.

    The original's own log is never written to by a modification, so this reads
    the cases created after it: one short read per later case.
    """
    original = store.case(case_id)
    out = []
    for record in store.cases():
        if record.case_id == case_id or record.created_at < original.created_at:
            continue
        with store.session(record.case_id) as session:
            opening = session.events()[0] if record.head_seq else None
        if opening is not None and opening.kind == "case_opened":
            amends = opening.payload.get("amends")
            if isinstance(amends, dict) and amends.get("case_id") == case_id:
                out.append((opening.at, record.case_id))
    return out
