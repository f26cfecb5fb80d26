"""A review round's state: the records it is made of, and the replay of its event log.

The store keeps only events; everything a screen or a command shows about a
case — its drafts, each parent's decision on the current one, signatures,
the comments a viewer may see, whether it is final — is :func:`replay` of
those events into a :class:`CaseState`.  Actions live in :mod:`.review`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from ..assembly.document import AgreementDocument
from ..errors import StoreError
from ..store import CaseSession, DraftRecord, LogEvent, TokenRecord, parse_iso_z
from .redline import document_from_data

__all__ = [
    "PARTIES",
    "SIGNERS",
    "CaseState",
    "Comment",
    "Decision",
    "DraftSummary",
    "DraftVersion",
    "IssuedToken",
    "OpenedCase",
    "Party",
    "SignatureSummary",
    "Viewer",
    "legal_names",
    "replay",
    "replay_tokens",
]

Party = Literal["a", "b"]
Viewer = Literal["a", "b", "mediator", "parents"]

PARTIES: tuple[Party, Party] = ("a", "b")
SIGNERS = ("a", "b", "mediator")
INTAKE_EVENT_KINDS = ("mediation_agreed", "screening_submitted", "intake_submitted")
"""A parent's intake steps, each one event (written by :mod:`..intake.steps`)."""
INTAKE_STEPS = len(INTAKE_EVENT_KINDS)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class IssuedToken:
    """A newly issued link token.  ``token`` is shown once and never stored."""

    party: str
    token_id: str
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class OpenedCase:
    case_id: str
    tokens: dict[str, IssuedToken]


@dataclass(frozen=True)
class DraftSummary:
    number: int
    sha256: str
    issued_at: datetime
    seq: int


@dataclass(frozen=True)
class DraftVersion:
    """A stored draft: the document model, the rendered PDF and what it was built from."""

    number: int
    sha256: str
    issued_at: datetime
    document: AgreementDocument
    pdf: bytes
    case_data: dict[str, Any]
    libraries: dict[str, Any]

    @classmethod
    def from_record(cls, record: DraftRecord) -> DraftVersion:
        return cls(record.number, record.sha256, record.created_at, document_from_data(record.document), record.pdf, record.case_data, record.libraries)


@dataclass(frozen=True)
class Comment:
    """A comment on one clause of one draft.  ``private``: seen by its author and the mediator only."""

    seq: int
    draft: int
    section: str
    clause_id: str | None
    author: str
    private: bool
    text: str
    at: datetime


@dataclass(frozen=True)
class Decision:
    """A parent's approval of, or request for changes to, one draft (bound to its SHA-256)."""

    seq: int
    party: str
    draft: int
    sha256: str
    approved: bool
    reason: str | None
    at: datetime


@dataclass(frozen=True)
class SignatureSummary:
    seq: int
    party: str
    draft: int
    draft_sha256: str
    method: str
    at: datetime
    typed_name: str | None = None  # what a typed signature's signer typed


@dataclass(frozen=True)
class CaseState:
    """What the log says about a case, as ``viewer`` may see it."""

    case_id: str
    label: str
    viewer: str
    names: dict[str, str]
    drafts: tuple[DraftSummary, ...]
    decisions: dict[str, Decision]
    signatures: dict[str, SignatureSummary]
    comments: tuple[Comment, ...]
    finalized: dict[str, Any] | None
    events: int
    chain_problems: tuple[str, ...] = field(default=())
    intake_steps: dict[str, int] | None = None
    """A case opened for intake: how many of the three intake steps each parent has done (None otherwise).
    Only counts: what a parent answered is read by :mod:`..intake`, for the mediator."""

    @property
    def current(self) -> DraftSummary | None:
        return self.drafts[-1] if self.drafts else None

    @property
    def approved_by(self) -> list[str]:
        return [p for p in PARTIES if (d := self.decisions.get(p)) is not None and d.approved]

    def name(self, party: str) -> str:
        return self.names.get(party, {"a": "Parent A", "b": "Parent B", "mediator": "Mediator"}.get(party, party))

    def mediator_step(self) -> Literal["draft", "wait", "sign", "seal", "done"]:
        """What the mediator can do next: issue a draft, wait for the parents, sign, seal, or nothing."""
        if self.finalized:
            return "done"
        if self.current is None:
            return "draft"
        if any(p not in self.signatures for p in PARTIES):
            return "wait"
        return "sign" if "mediator" not in self.signatures else "seal"

    def next_step(self) -> str:
        """One sentence saying what the case waits for."""
        if self.finalized:
            return "finalized: the executed agreement is stored"
        if self.current is None and self.intake_steps is not None:
            steps = self.intake_steps
            parts = [f"{self.name(p)} " + ("done" if steps.get(p, 0) >= INTAKE_STEPS else f"{steps.get(p, 0)} of {INTAKE_STEPS} steps") for p in PARTIES]
            return "intake: " + "; ".join(parts) + " (`case issues` shows the board; then `case prefill` and `case draft --case-file`)"
        if self.current is None:
            return "no draft yet: the mediator issues draft 1 (`case draft`)"
        n = self.current.number
        pending = [p for p in PARTIES if p not in self.approved_by]
        if pending:
            asked = [p for p in pending if p in self.decisions]
            parts = []
            if asked:
                parts.append("changes requested by " + " and ".join(self.name(p) for p in asked))
            waiting = [p for p in pending if p not in asked]
            if waiting:
                parts.append("waiting for " + " and ".join(self.name(p) for p in waiting) + " to approve or request changes")
            return f"draft {n}: " + "; ".join(parts)
        unsigned = [p for p in SIGNERS if p not in self.signatures]
        if unsigned:
            if unsigned == ["mediator"]:
                return f"draft {n}: both parents signed; waiting for the mediator's signature"
            return f"draft {n}: approved by both parents; waiting for signatures from " + " and ".join(self.name(p) for p in unsigned if p != "mediator")
        return f"draft {n}: signed by everyone; ready to finalize (`case finalize`)"



# --------------------------------------------------------------------------- reading the log


@dataclass
class _LogFold:
    """The state of a case built up one event at a time."""

    viewer: str
    names: dict[str, str] = field(default_factory=dict)
    drafts: list[DraftSummary] = field(default_factory=list)
    decisions: dict[str, Decision] = field(default_factory=dict)
    signatures: dict[str, SignatureSummary] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    finalized: dict[str, Any] | None = None
    intake_steps: dict[str, set[str]] | None = None

    def apply(self, e: LogEvent) -> None:
        p = e.payload
        if "_unreadable" in p:
            return
        if e.kind == "case_opened" and p.get("stage") == "intake":
            self.intake_steps = {party: set() for party in PARTIES}
        if e.kind in INTAKE_EVENT_KINDS and self.intake_steps is not None and e.actor in PARTIES:
            self.intake_steps[e.actor].add(e.kind)
        if e.kind in ("case_opened", "draft_issued") and isinstance(p.get("names"), dict):
            self.names = {str(k): str(v) for k, v in p["names"].items()}
        current = self.drafts[-1] if self.drafts else None
        if e.kind == "draft_issued":
            self.drafts.append(DraftSummary(int(p["draft"]), str(p["sha256"]), e.at, e.seq))
            self.decisions, self.signatures = {}, {}  # a new draft starts approvals and signatures again
        elif e.kind in ("approved", "changes_requested") and current and p.get("sha256") == current.sha256:
            self.decisions[e.actor] = Decision(e.seq, e.actor, int(p["draft"]), str(p["sha256"]), e.kind == "approved", p.get("reason"), e.at)
        elif e.kind == "signed" and current and p.get("draft_sha256") == current.sha256:
            self.signatures[e.actor] = SignatureSummary(e.seq, e.actor, int(p.get("draft", current.number)), str(p["draft_sha256"]), str(p.get("method")), e.at, p.get("typed_name"))
        elif e.kind == "comment":
            private = p.get("visibility") == "private"
            if not private or self.viewer in ("mediator", e.actor):
                self.comments.append(Comment(e.seq, int(p["draft"]), str(p["section"]), p.get("clause_id"), e.actor, private, str(p["text"]), e.at))
        elif e.kind == "finalized":
            self.finalized = dict(p)


def replay_tokens(events: list[LogEvent]) -> dict[str, TokenRecord]:
    """Every link token of a case, by token id, as its log says: issued (party, expiry,
    SHA-256), revoked, spent by a signature.

    This is the authority on a link; the store's token table is only an index
    from a token's hash to its case, so editing a row there (clearing a spent
    or revoked mark, moving an expiry) changes nothing.
    """
    out: dict[str, TokenRecord] = {}
    for e in events:
        p = e.payload
        if "_unreadable" in p:
            continue
        token_id = p.get("token_id")
        if not isinstance(token_id, str):
            continue
        if e.kind == "token_issued" and token_id not in out:
            try:
                expires = parse_iso_z(str(p["expires_at"]))
            except (KeyError, StoreError):
                continue  # an issue event without a readable expiry makes no usable link
            digest = p.get("token_sha256")
            out[token_id] = TokenRecord(token_id, e.case_id, str(p.get("party")), e.at, expires, token_sha256=str(digest) if digest else None)
        elif e.kind == "token_revoked" and token_id in out and out[token_id].revoked_at is None:
            out[token_id] = replace(out[token_id], revoked_at=e.at)
        elif e.kind == "signed" and token_id in out and out[token_id].spent_at is None:
            out[token_id] = replace(out[token_id], spent_at=e.at)
    return out


def legal_names(case_data: dict[str, Any]) -> dict[str, str]:
    """Each signer's legal name in a draft's case answers: the parents' and the mediator's
    ``full_name`` (what the signature lines print under the line)."""
    names: dict[str, str] = {}
    for party, key in (("a", "parent_a"), ("b", "parent_b"), ("mediator", "mediator")):
        person = case_data.get(key)
        name = person.get("full_name") if isinstance(person, dict) else None
        if isinstance(name, str) and name.strip():
            names[party] = " ".join(name.split())
    return names


def replay(session: CaseSession, viewer: str) -> CaseState:
    """The case as ``viewer`` sees it, from its events (an unreadable event becomes a chain problem)."""
    fold = _LogFold(viewer)
    problems: list[str] = []
    events = session.events()
    for e in events:
        try:
            fold.apply(e)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problems.append(f"event {e.seq} ({e.kind}): its content cannot be read ({exc.__class__.__name__}: {exc})")
    return CaseState(
        case_id=session.case_id,
        label=session.record.label,
        viewer=viewer,
        names=fold.names,
        drafts=tuple(fold.drafts),
        decisions=fold.decisions,
        signatures=fold.signatures,
        comments=tuple(fold.comments),
        finalized=fold.finalized,
        events=len(events),
        intake_steps={p: len(kinds) for p, kinds in fold.intake_steps.items()} if fold.intake_steps is not None else None,
        chain_problems=tuple(session.audit()) + tuple(problems),
    )


