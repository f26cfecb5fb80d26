"""Filing with the court, as the office records it: the date, and the court's case number when it has one.

Filing happens outside the product (the filing packet is made by
``mediation-agreement packet``); the office records that it happened so the
case's timeline shows it.  A later record replaces an earlier one (a
correction), and the log keeps both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..errors import StoreError
from ..review.rounds import writing_session
from ..store import CaseSession, CaseStore

FILED = "filed"


@dataclass(frozen=True)
class Filing:
    on: date
    court_case_number: str | None
    recorded_at: datetime


def filing_in(session: CaseSession) -> Filing | None:
    latest = next((e for e in reversed(session.events()) if e.kind == FILED), None)
    if latest is None:
        return None
    return Filing(date.fromisoformat(latest.payload["on"]), latest.payload.get("court_case_number"), latest.at)


def record_filing(store: CaseStore, case_id: str, on: date, *, court_case_number: str | None = None) -> Filing:
    """Record that the executed agreement was filed with the court on ``on``."""
    if court_case_number is not None and not (0 < len(court_case_number.strip()) <= 64):
        raise StoreError("the court's case number is 1 to 64 characters")
    with writing_session(store, case_id) as session:
        final = session.final()
        if final is None:
            raise StoreError(f"case '{case_id}' is not sealed yet: only the executed agreement is filed")
        if on < final.created_at.date() or on > store.clock().date():
            raise StoreError(f"the filing date {on.isoformat()} must be between the seal ({final.created_at.date().isoformat()}) and today")
        payload: dict[str, str] = {"on": on.isoformat()}
        if court_case_number:
            payload["court_case_number"] = court_case_number.strip()
        session.append(FILED, "mediator", payload)
        filing = filing_in(session)
        assert filing is not None
        return filing
