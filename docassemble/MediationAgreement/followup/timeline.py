"""A case's life in one list: intake, drafts, decisions, signatures, the seal, check-ins.

Read from the case's log, in order, in words for the mediator.  It says *that*
something happened, never what a parent answered privately (the screening,
the intake, a private comment, a check-in): those are on the issues board and
in ``case followups``.  Filing with the court happens outside the store, so it
is not on the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..review.state import replay
from ..store import CaseStore, LogEvent

PHASES = ("intake", "drafts", "signatures", "check-ins", "links")


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
        return out
