"""A review round in words: what the mediator reads about a case.

One description, two outputs: ``mediation-agreement case show`` prints the
lines indented, the mediator's interview shows them as a Markdown list.
Private notes appear only because the mediator's view of the case includes
them (see :func:`.review.case_state`); a parent's view never does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..store import TokenRecord, iso_z, utc_now
from .rounds import CaseState

Line = tuple[int, str]
"""A line of the report and its depth (0 = the case, 1 = a fact, 2 = an item under a fact)."""


def token_status(token: TokenRecord, now: datetime | None = None) -> str:
    """Whether a link can still be used, in a few words."""
    now = now or utc_now()
    if token.revoked_at:
        return f"revoked {iso_z(token.revoked_at)}"
    if token.spent_at:
        return f"used to sign {iso_z(token.spent_at)}"
    if now >= token.expires_at:
        return f"expired {iso_z(token.expires_at)}"
    return f"valid until {iso_z(token.expires_at)}"


def state_lines(state: CaseState, *, tokens: Sequence[TokenRecord] | None = None, now: datetime | None = None) -> list[Line]:
    """The case: status, drafts, each parent's decision, signatures, comments, links, the executed agreement."""
    lines: list[Line] = [(0, f"case {state.case_id}: {state.label}"), (1, f"status: {state.next_step()}")]
    for d in state.drafts:
        mark = " (current)" if state.current and d.number == state.current.number else ""
        lines.append((1, f"draft {d.number}{mark}: issued {iso_z(d.issued_at)}, sha256 {d.sha256}"))
    if state.current:
        for party in ("a", "b"):
            decision = state.decisions.get(party)
            text = "no decision yet"
            if decision:
                text = f"approved {iso_z(decision.at)}" if decision.approved else f"requested changes {iso_z(decision.at)}: {decision.reason}"
            lines.append((1, f"{state.name(party)}: {text}"))
        for party, sig in state.signatures.items():
            lines.append((1, f"signed by {state.name(party)} ({sig.method}) {iso_z(sig.at)}"))
    if state.comments:
        lines.append((1, "comments:"))
        for c in state.comments:
            private = " [private note: mediator only]" if c.private else ""
            lines.append((2, f"#{c.seq} draft {c.draft}, section {c.section}, {state.name(c.author)}{private}: {c.text}"))
    if tokens is not None:
        lines.append((1, "links:"))
        lines.extend((2, f"{t.token_id}  {state.name(t.party)}  {token_status(t, now)}") for t in tokens)
    if state.finalized:
        lines.append((1, f"executed agreement sha256 {state.finalized.get('sha256')}"))
    return lines
