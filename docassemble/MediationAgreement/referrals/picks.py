"""Referrals given to one parent: the mediator's picks, kept privately in the case's log.

Each pick is a ``referrals_given`` event naming one parent and holding a copy
of each resource as it stood (a later edit of the directory does not change
what a parent was handed).  It is salted like the other private events, and
read back only for that parent (with their own link) or for the mediator: the
other parent's sheet, screens and messages never list it.  The newest pick for
a parent replaces the earlier one.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import ReferralError
from ..review.rounds import authenticate_link, writing_session
from ..review.state import PARTIES
from ..store import CaseSession, CaseStore, salted
from .directory import Resource

GIVEN = "referrals_given"
MAX_REFERRALS = 20


def give_referrals(store: CaseStore, case_id: str, party: str, resources: Sequence[Resource]) -> list[Resource]:
    """Record the resources the mediator picked for one parent (replacing earlier picks); private to that parent."""
    if party not in PARTIES:
        raise ReferralError(f"referrals are given to parent a or b, not '{party}'")
    ids = [r.id for r in resources]
    if len(set(ids)) != len(ids):
        raise ReferralError("a resource is picked twice: " + ", ".join(sorted({i for i in ids if ids.count(i) > 1})))
    if len(ids) > MAX_REFERRALS:
        raise ReferralError(f"{len(ids)} referrals for one parent; at most {MAX_REFERRALS} fit on a sheet a parent will read")
    with writing_session(store, case_id) as session:
        session.append(GIVEN, "mediator", salted({"party": party, "resources": [r.to_payload() for r in resources]}))
        return given_in(session, party)


def given_in(session: CaseSession, party: str) -> list[Resource]:
    """The referrals given to ``party`` (the newest pick), from an open session: for the mediator or that parent only."""
    latest = None
    for e in session.events():
        if e.kind == GIVEN and e.payload.get("party") == party:
            latest = e
    if latest is None:
        return []
    return [Resource.from_payload(item) for item in latest.payload.get("resources", [])]


def referrals_given(store: CaseStore, case_id: str, party: str) -> list[Resource]:
    """The mediator's view: the referrals given to one parent."""
    with store.session(case_id) as session:
        return given_in(session, party)


def my_referrals(store: CaseStore, case_id: str, token: str) -> tuple[str, list[Resource]]:
    """A parent's view, by their own link: which parent they are, and only their own referrals."""
    with store.session(case_id) as session:
        party, _ = authenticate_link(session, token, action="see your referrals", allow_spent=True)
        return party, given_in(session, party)
