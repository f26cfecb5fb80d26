"""A review round in words: what the mediator reads about a case.

One description, two outputs: ``mediation-agreement case show`` prints the
lines indented, the mediator's interview shows them as a Markdown list.
Private notes appear only because the mediator's view of the case includes
them (see :func:`.review.case_state`); a parent's view never does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from ..store import TokenRecord, iso_z, utc_now
from .rounds import CaseState

Line = tuple[int, str]
"""A line of the report and its depth (0 = the case, 1 = a fact, 2 = an item under a fact)."""


def token_status(token: TokenRecord, now: datetime | None = None, *, zone: tzinfo | None = None) -> str:
    """Whether a link can still be used, in a few words (times in ``zone``, else UTC)."""
    now = now or utc_now()
    when = iso_z if zone is None else (lambda moment: local_time(moment, zone))
    if token.revoked_at:
        return f"revoked {when(token.revoked_at)}"
    if token.spent_at:
        return f"used to sign {when(token.spent_at)}"
    if now >= token.expires_at:
        return f"expired {when(token.expires_at)}"
    return f"valid until {when(token.expires_at)}"


def state_lines(
    state: CaseState,
    *,
    tokens: Sequence[TokenRecord] | None = None,
    now: datetime | None = None,
    zone: tzinfo | None = None,
) -> list[Line]:
    """The case: status, drafts, each parent's decision, signatures, comments, links, the executed agreement.

    Without ``zone`` (the CLI): UTC times, hashes and link ids, for the record.
    With ``zone`` (the mediator's screen): times in the family's time zone, in
    words, and no hashes or link ids.
    """
    when = iso_z if zone is None else (lambda moment: local_time(moment, zone))
    for_people = zone is not None
    lines: list[Line] = [(0, f"case {state.case_id}: {state.label}"), (1, f"status: {state.next_step()}")]
    for d in state.drafts:
        mark = " (current)" if state.current and d.number == state.current.number else ""
        lines.append((1, f"draft {d.number}{mark}: issued {when(d.issued_at)}" + ("" if for_people else f", sha256 {d.sha256}")))
    if state.current:
        for party in ("a", "b"):
            decision = state.decisions.get(party)
            text = "no decision yet"
            if decision:
                text = f"approved {when(decision.at)}" if decision.approved else f"requested changes {when(decision.at)}: {decision.reason}"
            lines.append((1, f"{state.name(party)}: {text}"))
        for party, sig in state.signatures.items():
            how = f'typed "{sig.typed_name}"' if sig.method == "typed" and sig.typed_name else sig.method
            lines.append((1, f"signed by {state.name(party)} ({how}) {when(sig.at)}"))
    if state.comments:
        lines.append((1, "comments:"))
        for c in state.comments:
            private = " [private note: mediator only]" if c.private else ""
            lines.append((2, f"#{c.seq} draft {c.draft}, section {c.section}, {state.name(c.author)}{private}: {c.text}"))
    if tokens is not None:
        lines.append((1, "links:"))
        if for_people:
            lines.extend((2, f"{state.name(t.party)}: {token_status(t, now, zone=zone)}") for t in tokens)
        else:
            lines.extend((2, f"{t.token_id}  {state.name(t.party)}  {token_status(t, now)}") for t in tokens)
    if state.finalized:
        lines.append((1, "the executed agreement is sealed" if for_people else f"executed agreement sha256 {state.finalized.get('sha256')}"))
    return lines


def local_time(moment: datetime, zone: tzinfo) -> str:
    """``moment`` in ``zone``, as people write it: "December 3, 2026, 10:42 AM MST"."""
    here = moment.astimezone(zone)
    return f"{here:%B} {here.day}, {here.year}, {here:%-I:%M %p %Z}"
