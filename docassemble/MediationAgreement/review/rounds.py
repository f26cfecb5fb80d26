"""Review rounds: drafts, parents' links, comments, approvals, signatures, the executed agreement.

The workflow, each step one function over a :class:`~.store.CaseStore`:

1. :func:`open_case` stores the case answers and issues each parent a link
   token (``mat_…``, 192 random bits; only its SHA-256 is stored; it expires and
   can be revoked).  Parents are only ever reached through their token, never
   through the case id alone.
2. :func:`issue_draft` assembles and renders draft N and stores it immutably
   with its SHA-256.  A new draft supersedes the one before: approvals bind to
   a draft's hash, so they start again.
3. Parents read it (:func:`open_draft`), comment on a clause by its number
   (:func:`add_comment`; ``"4.2"`` must exist in that draft; a *private* note is
   seen by the mediator only), then :func:`approve` or :func:`request_changes`.
4. :func:`redline_for` compares draft N with N-1 word by word, listing the
   comments each change answers.
5. Once both parents have approved the current draft they :func:`sign` it;
   the mediator signs last.  A signature spends the parent's token.
6. :func:`finalize` builds the executed PDF (signatures, Certificate of
   Completion, PAdES seal) and stores it together with a ``finalized`` event in
   one transaction; a crash before that commit leaves nothing behind, and
   running it again resumes.

The records and the replay of the log that every reading builds on are in
:mod:`.review_state`.

Every refusal is a :class:`~.errors.StoreError` (or :class:`~.errors.SignatureError`)
raised *before* anything is written, so a refused request changes nothing.

Example (what ``mediation-agreement demo`` does)::

    store = open_store("sqlite:///cases.db", key)
    opened = open_case(store, load_case("case.yml"))
    issue_draft(store, opened.case_id)
    add_comment(store, opened.case_id, token=opened.tokens["a"].token, draft=1,
                section="4.2", text="Could exchanges be at 5 p.m.?")
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..assembly.document import AgreementDocument
from ..case.model import Case, case_from_data, dump_case
from ..errors import MediationError, StoreError
from ..store import CaseSession, CaseStore, FinalRecord, LogEvent, TokenRecord, canonical_json, iso_z, salted, sha256_hex
from .redline import Redline, RedlineComment, compare, document_from_data
from .state import (
    PARTIES,
    SIGNERS,
    CaseState,
    Comment,
    Decision,
    DraftSummary,
    DraftVersion,
    IssuedToken,
    OpenedCase,
    Viewer,
    legal_names,
    replay_tokens,
)
from .state import replay as _replay

if TYPE_CHECKING:
    from ..signing.signatures import SignatureCapture, SigningConfig

Renderer = Callable[[AgreementDocument], bytes]

TOKEN_PREFIX = "mat_"
DEFAULT_TOKEN_DAYS = 14
MAX_TOKEN_DAYS = 180
MAX_COMMENT_CHARS = 4000

SIGNER_ACKNOWLEDGEMENT = (
    "I have read the whole agreement, I understand it, and I sign it voluntarily. I know the mediator is neutral, "
    "is not my lawyer and gave me no legal advice, and that I may ask a lawyer of my own to review it before I sign."
)
DEFAULT_CONSENT_TEXT = (
    "I agree to sign this agreement electronically, and I may ask for a paper copy to sign by hand instead. " + SIGNER_ACKNOWLEDGEMENT
)
"""Shown to a signer when the draft has no electronic-signatures clause (see :func:`consent_text`)."""
CONSENT_CLAUSE_ID = "general.electronic_signatures"
"""The clause whose text is the consent shown before signing, so an office's overlay wording is what signers see."""


def case_state(store: CaseStore, case_id: str, *, viewer: Viewer = "mediator") -> CaseState:
    """The case as ``viewer`` sees it (the mediator sees private notes; parents see their own)."""
    with store.session(case_id) as session:
        return _replay(session, viewer)


def state_for_token(store: CaseStore, case_id: str, token: str) -> CaseState:
    """The case as the token's holder sees it.

    Reading checks the token like any action, except that a link spent by
    signing still reads: the parent can see that the case waits for the
    mediator, and fetch the executed agreement once it is sealed.
    """
    with store.session(case_id) as session:
        party, _ = _authenticate(session, token, action="read the case", allow_spent=True)
        return _replay(session, party)


@dataclass(frozen=True)
class LinkStatus:
    """Where a parent's link stands, for their page.

    ``stage`` is ``"problem"`` (``problem`` says why, in plain words),
    ``"review"`` (read, comment, approve, sign the current draft),
    ``"signed"`` (they signed it; the case waits for the others) or
    ``"final"`` (the executed agreement can be downloaded).
    """

    stage: Literal["problem", "review", "signed", "final"]
    problem: str = ""
    party: str = ""
    draft: int = 0


def link_status(store: CaseStore, case_id: str, token: str) -> LinkStatus:
    """What a parent's link can do now; never raises for a bad link (the reason is in ``problem``)."""
    if not case_id or not token:
        return LinkStatus("problem", "This link is not complete.")
    try:
        with store.session(case_id) as session:
            party, token_id = _authenticate(session, token, action="read the case", allow_spent=True)
            state = _replay(session, party)
            spent = replay_tokens(session.events())[token_id].spent_at is not None
    except MediationError as exc:
        return LinkStatus("problem", exc.message + (f" ({exc.hint})" if exc.hint else ""))
    if state.finalized:
        return LinkStatus("final", party=party, draft=int(state.finalized.get("draft", 0)))
    current = state.current
    if current is None:
        return LinkStatus("problem", "There is no draft to read yet.", party=party)
    signed = state.signatures.get(party)
    if signed is not None and signed.draft_sha256 == current.sha256:
        return LinkStatus("signed", party=party, draft=current.number)
    if spent:
        return LinkStatus("problem", f"There is a new draft ({current.number}). This link was used to sign an earlier one (ask the mediator for a new link).", party=party)
    return LinkStatus("review", party=party, draft=current.number)


def executed_for_token(store: CaseStore, case_id: str, token: str) -> FinalRecord:
    """The sealed executed agreement, for a parent's own link (also one spent by signing)."""
    with store.session(case_id) as session:
        _authenticate(session, token, action="download the executed agreement", allow_spent=True)
        final = session.final()
        if final is None:
            raise StoreError(f"case '{case_id}' is not final yet: the executed agreement is made after everyone signs")
        return final


def current_case(store: CaseStore, case_id: str) -> Case:
    """The case answers the next draft is built from (the latest draft's, or those given at opening)."""
    with store.session(case_id) as session:
        return _current_case(session)


def _current_case(session: CaseSession) -> Case:
    numbers = session.draft_numbers()
    if numbers:
        data = session.draft(numbers[-1]).case_data
    else:
        opened = next((e for e in session.events() if e.kind == "case_opened"), None)
        if opened is None or "case_blob" not in opened.payload:
            raise StoreError(f"case '{session.case_id}' has no stored case answers")
        data = _json(session.blob(str(opened.payload["case_blob"])))
    return case_from_data(data, source=f"case {session.case_id}")


def _json(data: bytes) -> Any:
    import json

    return json.loads(data)


# --------------------------------------------------------------------------- opening a case and tokens


def _names(case: Case) -> dict[str, str]:
    return {
        "a": f"{case.parent_a.short_name} ({case.parent_a.full_name})",
        "b": f"{case.parent_b.short_name} ({case.parent_b.full_name})",
        "mediator": f"Mediator ({case.mediator.full_name})",
    }


def open_case(
    store: CaseStore, case: Case, *, label: str | None = None, token_days: int = DEFAULT_TOKEN_DAYS, amends: dict[str, str] | None = None
) -> OpenedCase:
    """Store a new case and issue both parents a link token (``amends``: the executed case it modifies, see :func:`open_amendment`)."""
    _check_days(token_days)
    label = label or f"{case.parent_a.full_name} / {case.parent_b.full_name}"
    data = dump_case(case)
    with store.new_case(label) as session:
        blob = session.add_blob(canonical_json(data))
        opened: dict[str, Any] = {"case_sha256": blob, "case_blob": blob, "names": _names(case)}
        if amends is not None:
            opened["amends"] = amends
        session.append("case_opened", "mediator", opened)
        issued: dict[str, IssuedToken] = {party: _issue_token(session, party, token_days) for party in PARTIES}
        return OpenedCase(session.case_id, issued)


def open_amendment(store: CaseStore, case_id: str, *, token_days: int = DEFAULT_TOKEN_DAYS) -> OpenedCase:
    """Open a modification of an executed agreement: a new case, started from the executed case file.

    The new case's answers are the signed draft's, marked ``modifies`` (the
    original's date, court case number and executed SHA-256), so every draft is
    titled as an amended agreement naming the original; its first redline is
    against the executed agreement; review, signing and sealing work as for
    the original.  The original case is only read: its record stays as it was
    and still verifies.
    """
    from ..case.model import Modifies

    with store.session(case_id) as session:
        final = session.final()
        if final is None:
            raise StoreError(f"case '{case_id}' is not executed yet: a modification amends a signed, sealed agreement", hint="finish this case's round instead")
        if session.audit():
            raise StoreError(f"the event log of case '{case_id}' has been altered; no modification is opened from it")
        signed = case_from_data(session.draft(final.draft).case_data, source=f"case {case_id}, draft {final.draft}")
        label = session.record.label
    original_date = signed.agreement_date or final.created_at.date()
    modifies = Modifies(agreement_date=original_date, executed_sha256=final.sha256, case_number=signed.court.case_number, store_case_id=case_id)
    amended = signed.model_copy(update={"modifies": modifies, "agreement_date": None})
    return open_case(store, amended, label=f"{label} (amendment)", token_days=token_days, amends={"case_id": case_id, "sha256": final.sha256})


def amended_case(store: CaseStore, case_id: str) -> str | None:
    """The executed case a modification amends (None for an original)."""
    with store.session(case_id) as session:
        return _amends(session)


def _check_days(days: int) -> None:
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise StoreError(f"a link must be valid for 1 to {MAX_TOKEN_DAYS} days, not {days}")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def _issue_token(session: CaseSession, party: str, days: int) -> IssuedToken:
    if party not in PARTIES:
        raise StoreError(f"unknown party '{party}': tokens are for parent 'a' or 'b'")
    token = TOKEN_PREFIX + secrets.token_urlsafe(24)  # 192 bits
    digest = _token_hash(token)
    now = session.store.clock().replace(microsecond=0)
    expires = now + timedelta(days=days)
    token_id = digest[:12]
    session.add_token(digest, TokenRecord(token_id, session.case_id, party, now, expires))
    session.append("token_issued", "mediator", {"party": party, "token_id": token_id, "token_sha256": digest, "expires_at": iso_z(expires)})
    return IssuedToken(party, token_id, token, expires)


def issue_token(store: CaseStore, case_id: str, party: str, *, days: int = DEFAULT_TOKEN_DAYS) -> IssuedToken:
    """A new link for ``party`` (the old ones stay valid until revoked or expired)."""
    _check_days(days)
    with _writing(store, case_id) as session:
        _require_open(session)
        return _issue_token(session, party, days)


def revoke_token(store: CaseStore, case_id: str, token_id: str, *, reason: str = "revoked by the mediator") -> TokenRecord:
    """Revoke a link by its id (as ``case tokens`` lists it)."""
    with _writing(store, case_id) as session:
        record = replay_tokens(session.events()).get(token_id)
        if record is None:
            raise StoreError(f"case '{case_id}' has no token '{token_id}'", hint=f"`mediation-agreement case tokens {case_id}` lists them")
        if record.revoked_at is not None:
            raise StoreError(f"token '{token_id}' was already revoked on {iso_z(record.revoked_at)}")
        event = session.append("token_revoked", "mediator", {"party": record.party, "token_id": token_id, "reason": reason})
        return replace(record, revoked_at=event.at)


def tokens(store: CaseStore, case_id: str) -> list[TokenRecord]:
    """The case's links in the order they were issued, each as its log says (see :func:`.state.replay_tokens`)."""
    with store.session(case_id) as session:
        return list(replay_tokens(session.events()).values())


def _authenticate(session: CaseSession, token: str, *, action: str, allow_spent: bool = False) -> tuple[str, str]:
    """The party a token stands for, or a :class:`StoreError` saying why not.

    ``allow_spent`` is for reading only: a link spent by signing can no longer
    change anything, but its holder may still look at their own case.
    """
    if not isinstance(token, str) or not token.strip():
        raise StoreError(f"a link token is needed to {action}")
    digest = _token_hash(token)
    record = _token_in_log(session, digest)
    if record is None:
        indexed = session.token_by_hash(digest)  # the index only tells which case a link is for
        if indexed is not None and indexed.case_id != session.case_id:
            raise StoreError(f"this link belongs to a different case, not '{session.case_id}'; nothing was changed")
        raise StoreError(f"this link is not valid for case '{session.case_id}': unknown token; nothing was changed", hint="check the link, or ask the mediator for a new one")
    now = session.store.clock()
    if record.revoked_at is not None:
        raise StoreError(f"this link was revoked on {iso_z(record.revoked_at)}; nothing was changed", hint="ask the mediator for a new link")
    if record.spent_at is not None and not allow_spent:
        raise StoreError(
            f"this link was already used to sign on {iso_z(record.spent_at)} and cannot be used again; nothing was changed",
            hint="ask the mediator for a new link",
        )
    if now >= record.expires_at:
        raise StoreError(f"this link expired on {iso_z(record.expires_at)}; nothing was changed", hint="ask the mediator for a new link")
    return record.party, record.token_id


def _token_in_log(session: CaseSession, digest: str) -> TokenRecord | None:
    """The link whose SHA-256 is ``digest``, as the case's log records it (None if the log never issued it).

    Its id is the first 12 hex digits of the hash; links issued since schema 2
    also have the full hash in their ``token_issued`` event, which must match.
    """
    record = replay_tokens(session.events()).get(digest[:12])
    if record is None or record.party not in PARTIES:
        return None
    if record.token_sha256 is not None and not hmac.compare_digest(record.token_sha256, digest):
        return None
    return record


@contextmanager
def _writing(store: CaseStore, case_id: str) -> Iterator[CaseSession]:
    """A write session on the case that first refuses an altered log (nothing is appended to it)."""
    with store.session(case_id, write=True) as session:
        session.require_intact()
        yield session


# What the intake steps (intake/steps.py) share with the round: the same links, checked the same way.
authenticate_link = _authenticate
issue_link = _issue_token
check_link_days = _check_days
writing_session = _writing
current_case_in = _current_case


def _require_open(session: CaseSession) -> None:
    if any(e.kind == "finalized" for e in session.events()):
        raise StoreError(f"case '{session.case_id}' is finalized; nothing more can be changed")


def _current_draft(session: CaseSession) -> DraftSummary:
    state = _replay(session, "mediator")
    if state.current is None:
        raise StoreError(f"case '{session.case_id}' has no draft yet", hint=f"the mediator issues one with `mediation-agreement case draft {session.case_id}`")
    return state.current


def _require_current(session: CaseSession, draft: int, sha256: str | None, *, action: str) -> DraftSummary:
    current = _current_draft(session)
    if draft != current.number:
        if draft < current.number:
            raise StoreError(
                f"cannot {action} draft {draft}: it has been superseded by draft {current.number} "
                f"(issued {iso_z(current.issued_at)}); read draft {current.number} and {action} that; nothing was changed"
            )
        raise StoreError(f"cannot {action} draft {draft}: case '{session.case_id}' has no draft {draft} (the current draft is {current.number})")
    if sha256 is not None and sha256.strip().lower() != current.sha256:
        raise StoreError(f"cannot {action} draft {draft}: the SHA-256 given does not match draft {draft} ({current.sha256[:12]}…); nothing was changed")
    return current


# --------------------------------------------------------------------------- drafts


def issue_draft(
    store: CaseStore,
    case_id: str,
    *,
    case: Case | None = None,
    libraries: Sequence[str | Path] | None = None,
    render: Renderer | None = None,
    state_overlay: bool = True,
) -> DraftVersion:
    """Assemble, render and store the next draft.

    ``case`` replaces the stored answers (the mediator's revision); without it
    the latest answers are used.  ``libraries`` are clause-library folders (the
    package's own when ``None``), with the case's state overlay laid after the
    package's library unless ``state_overlay`` is false; ``render`` turns the document into the bytes
    parents read and whose SHA-256 approvals bind to (PDF by default).
    Refused when the case is finalized or the new draft would be identical to
    the current one.
    """
    from ..assembly.assemble import assemble
    from ..library.clauses import load_case_library

    if case is None:
        case = current_case(store, case_id)
    library = load_case_library(list(libraries) if libraries else None, case.court.state, state_overlay=state_overlay)
    doc = assemble(case, library, draft=True)
    if render is None:
        from ..render.pdf import render_pdf

        render = render_pdf
    pdf = render(doc)
    digest = sha256_hex(pdf)
    used = {c.clause_id for s in doc.sections for c in s.clauses}
    library_record = {
        "libraries": [info.name for info in library.libraries],
        "clauses": {cid: version for cid, version in library.versions().items() if cid in used},
    }
    case_data = dump_case(case)
    with _writing(store, case_id) as session:
        _require_open(session)
        state = _replay(session, "mediator")
        number = (state.current.number if state.current else 0) + 1
        if state.current is not None and state.current.sha256 == digest:
            raise StoreError(
                f"draft {number} would be identical to draft {state.current.number}; nothing was issued",
                hint="change the case answers (case draft --case-file) or the clause library first",
            )
        record = session.add_draft(number, sha256=digest, case_data=case_data, document=doc.to_data(), pdf=pdf, libraries=library_record)
        session.append(
            "draft_issued",
            "mediator",
            {
                "draft": number,
                "sha256": digest,
                "case_sha256": sha256_hex(canonical_json(case_data)),
                "libraries": library_record["libraries"],
                "clauses": library_record["clauses"],
                "supersedes": state.current.number if state.current else None,
                "names": _names(case),
            },
        )
        return DraftVersion(number, digest, record.created_at, doc, pdf, case_data, library_record)


def consent_text(store: CaseStore, case_id: str) -> str:
    """The consent shown to every signer of the current draft: the draft's own
    electronic-signatures clause (``general.electronic_signatures``, which each
    office adapts in its clause library) followed by :data:`SIGNER_ACKNOWLEDGEMENT`;
    :data:`DEFAULT_CONSENT_TEXT` when the draft has no such clause."""
    from ..assembly.document import clause_text

    doc = draft_version(store, case_id).document
    clause = doc.clause(CONSENT_CLAUSE_ID)
    if clause is None:
        return DEFAULT_CONSENT_TEXT
    return f"{clause_text(clause).strip()}\n\n{SIGNER_ACKNOWLEDGEMENT}"


def draft_version(store: CaseStore, case_id: str, number: int | None = None) -> DraftVersion:
    """Draft ``number`` (the current one when ``None``), as the mediator reads it."""
    with store.session(case_id) as session:
        n = number if number is not None else _current_draft(session).number
        return DraftVersion.from_record(session.draft(n))


def open_draft(store: CaseStore, case_id: str, token: str) -> DraftVersion:
    """A parent reads the current draft; the first read of each draft is logged (``draft_viewed``)."""
    with _writing(store, case_id) as session:
        party, token_id = _authenticate(session, token, action="read the draft")
        current = _current_draft(session)
        seen = any(e.kind == "draft_viewed" and e.actor == party and e.payload.get("sha256") == current.sha256 for e in session.events())
        if not seen and not any(e.kind == "finalized" for e in session.events()):
            session.append("draft_viewed", party, {"draft": current.number, "sha256": current.sha256, "token_id": token_id})
        return DraftVersion.from_record(session.draft(current.number))


def redline_for(store: CaseStore, case_id: str, number: int | None = None, *, viewer: Viewer = "parents") -> Redline:
    """Draft ``number`` (default: current) against the one before, with the comments on
    the earlier draft that ``viewer`` may see ("parents": shared comments only)."""
    with store.session(case_id) as session:
        n = number if number is not None else _current_draft(session).number
        original = _amends(session)
        if n < 2 and original is None:
            raise StoreError(f"draft {n} is the first draft; there is nothing to compare it with")
        new = session.draft(n)
        state = _replay(session, "mediator" if viewer == "parents" else viewer)
        old = session.draft(n - 1) if n >= 2 else None
    if old is None:  # a modification's first draft: against the executed agreement it amends
        assert original is not None
        with store.session(original) as session:
            final = session.final()
            if final is None:
                raise StoreError(f"case '{original}', which this one amends, has no executed agreement")
            old = session.draft(final.draft)
        return compare(
            document_from_data(old.document),
            document_from_data(new.document),
            comments=[],
            old_label="the executed agreement",
            new_label=f"draft {n}",
            old_sha256=old.sha256,
            new_sha256=new.sha256,
        )
    comments = [
        RedlineComment(c.seq, state.name(c.author) + (" (private note)" if c.private else ""), c.draft, c.section, c.text, c.clause_id)
        for c in state.comments
        if c.draft == n - 1 and (viewer != "parents" or not c.private)
    ]
    return compare(
        document_from_data(old.document),
        document_from_data(new.document),
        comments=comments,
        old_label=f"draft {n - 1}",
        new_label=f"draft {n}",
        old_sha256=old.sha256,
        new_sha256=new.sha256,
    )


def _amends(session: CaseSession) -> str | None:
    opened = next((e for e in session.events() if e.kind == "case_opened"), None)
    amends = opened.payload.get("amends") if opened is not None else None
    return str(amends["case_id"]) if isinstance(amends, dict) and "case_id" in amends else None


# --------------------------------------------------------------------------- comments and decisions


def add_comment(
    store: CaseStore,
    case_id: str,
    *,
    token: str | None,
    draft: int,
    section: str,
    text: str,
    private: bool = False,
) -> Comment:
    """A comment on clause ``section`` (e.g. ``"4.2"``) of the current draft.

    ``token=None`` means the mediator.  ``private``: visible to the mediator
    (and the author) only, never in anything the other parent receives.
    """
    text = (text or "").strip()
    if not text:
        raise StoreError("the comment is empty; nothing was stored")
    if len(text) > MAX_COMMENT_CHARS:
        raise StoreError(f"the comment is {len(text)} characters; the limit is {MAX_COMMENT_CHARS}; nothing was stored")
    section = (section or "").strip().removeprefix("Section ").removeprefix("section ").rstrip(".")
    with _writing(store, case_id) as session:
        actor, token_id = _authenticate(session, token, action="comment on") if token is not None else ("mediator", None)
        _require_open(session)
        current = _require_current(session, draft, None, action="comment on")
        doc = document_from_data(session.draft(current.number).document)
        numbers = doc.section_numbers()
        if section not in numbers:
            raise StoreError(
                f"draft {current.number} has no section '{section}'; nothing was stored",
                hint=f"sections are {', '.join(numbers)}",
            )
        clause_id = next(c.clause_id for s in doc.sections for c in s.clauses if c.number == section)
        payload: dict[str, Any] = {
            "draft": current.number,
            "sha256": current.sha256,
            "section": section,
            "clause_id": clause_id,
            "visibility": "private" if private else "shared",
            "text": text,
        }
        if token_id:
            payload["token_id"] = token_id
        event = session.append("comment", actor, salted(payload))  # its hash travels in the executed PDF: salted, so a short comment cannot be guessed from it
        return Comment(event.seq, current.number, section, clause_id, actor, private, text, event.at)


def _decide(store: CaseStore, case_id: str, token: str, *, draft: int, sha256: str | None, approved: bool, reason: str | None) -> Decision:
    verb = "approve" if approved else "request changes to"
    with _writing(store, case_id) as session:
        party, token_id = _authenticate(session, token, action=verb)
        _require_open(session)
        current = _require_current(session, draft, sha256, action=verb)
        state = _replay(session, "mediator")
        if party in state.signatures:
            raise StoreError(f"{state.name(party)} already signed draft {current.number}; nothing was changed")
        payload: dict[str, Any] = {"draft": current.number, "sha256": current.sha256, "token_id": token_id}
        if reason:
            payload["reason"] = reason
        event = session.append("approved" if approved else "changes_requested", party, payload if approved else salted(payload))
        return Decision(event.seq, party, current.number, current.sha256, approved, reason, event.at)


def approve(store: CaseStore, case_id: str, token: str, *, draft: int, sha256: str | None = None) -> Decision:
    """The token's holder approves draft ``draft``; refused unless it is the current draft
    (and, when ``sha256`` is given, unless it matches — the version the parent read)."""
    return _decide(store, case_id, token, draft=draft, sha256=sha256, approved=True, reason=None)


def request_changes(store: CaseStore, case_id: str, token: str, *, draft: int, reason: str, sha256: str | None = None) -> Decision:
    """The token's holder asks for changes to the current draft (``reason`` says what)."""
    reason = (reason or "").strip()
    if not reason:
        raise StoreError("say what should change (--reason); nothing was stored")
    if len(reason) > MAX_COMMENT_CHARS:
        raise StoreError(f"the reason is {len(reason)} characters; the limit is {MAX_COMMENT_CHARS}; nothing was stored")
    return _decide(store, case_id, token, draft=draft, sha256=sha256, approved=False, reason=reason)


# --------------------------------------------------------------------------- signatures and the executed agreement


def sign(
    store: CaseStore,
    case_id: str,
    capture: SignatureCapture,
    *,
    token: str | None,
    draft: int,
    sha256: str | None = None,
    client: dict[str, str] | None = None,
) -> LogEvent:
    """Record a signature on the current draft.

    Parents sign with their token (``capture.party`` must be the token's
    party) once both parents have approved the current draft; the mediator
    (``token=None``) signs after both parents.  The parent's token is spent
    (the ``signed`` event names it).

    The signer is bound to their legal name as of this draft — the parent's
    (or mediator's) ``full_name`` in the draft's case answers: a typed
    signature must be that name (ignoring case, accents and extra spaces;
    otherwise a :class:`SignatureError` on ``typed_name`` says which name to
    type), and the event records it as ``signer_name`` for drawn signatures
    too.
    """
    from ..signing.signatures import bind_signer_name

    with _writing(store, case_id) as session:
        if token is not None:
            party, token_id = _authenticate(session, token, action="sign")
            if capture.party != party:
                raise StoreError(f"this link is for parent {party.upper()}, but the signature is for '{capture.party}'; nothing was changed")
        else:
            party, token_id = "mediator", None
            if capture.party != "mediator":
                raise StoreError("a parent signs with their own link token (--token); nothing was changed")
        _require_open(session)
        current = _require_current(session, draft, sha256, action="sign")
        state = _replay(session, "mediator")
        missing = [p for p in PARTIES if p not in state.approved_by]
        if missing:
            raise StoreError(
                f"signing is refused until both parents have approved draft {current.number}: "
                f"waiting for {' and '.join(state.name(p) for p in missing)}; nothing was changed"
            )
        if party in state.signatures:
            raise StoreError(f"{state.name(party)} already signed draft {current.number}; nothing was changed")
        if party == "mediator":
            unsigned = [p for p in PARTIES if p not in state.signatures]
            if unsigned:
                raise StoreError(f"the mediator signs after both parents: waiting for {' and '.join(state.name(p) for p in unsigned)}; nothing was changed")
        legal = legal_names(session.draft(current.number).case_data).get(party)
        if legal is None:
            raise StoreError(f"draft {current.number} gives no full name for {state.name(party)}, so nobody can sign for them; nothing was changed")
        capture = bind_signer_name(capture, legal)
        payload = capture.to_event_payload(current.sha256, client)
        payload["draft"] = current.number
        if token_id:
            payload["token_id"] = token_id  # spends the link (see replay_tokens)
        return session.append("signed", party, payload)


def finalize(
    store: CaseStore,
    case_id: str,
    *,
    config: SigningConfig | None = None,
    build: Callable[..., bytes] | None = None,
) -> tuple[FinalRecord, bool]:
    """Build, seal and store the executed agreement; returns ``(final, already)``.

    ``already`` is true when the case was finalized before (the stored PDF is
    returned unchanged, so an interrupted ``finalize`` can simply be run
    again).  The PDF is built outside any lock, then stored together with the
    ``finalized`` event in one transaction — only if the log did not move on
    meanwhile.  ``build`` replaces :func:`.seal.build_executed_pdf` (tests).
    """
    from ..signing.signatures import SignatureCapture

    with store.session(case_id) as session:
        final = session.final()
        if final is not None:
            return final, True
        session.require_intact()
        state = _replay(session, "mediator")
        current = _current_draft(session)
        missing = [p for p in SIGNERS if p not in state.signatures]
        if missing:
            raise StoreError(f"cannot finalize draft {current.number}: not signed yet by {' and '.join(state.name(p) for p in missing)}")
        events = session.events()
        doc = document_from_data(session.draft(current.number).document)
        by_seq = {e.seq: e for e in events}
        captures = {party: SignatureCapture.from_event_payload(by_seq[state.signatures[party].seq].payload) for party in SIGNERS}
    if build is None:
        from ..signing.seal import build_executed_pdf

        build = build_executed_pdf
    if config is None:
        from ..signing.signatures import SigningConfig

        config = SigningConfig.from_env()
    pdf = build(doc, captures, events, config)
    with _writing(store, case_id) as session:
        final = session.final()
        if final is not None:
            return final, True
        if session.record.head_hash != events[-1].hash:
            raise StoreError(f"case '{case_id}' changed while the executed agreement was being built; nothing was stored", hint="run finalize again")
        final = session.add_final(current.number, pdf)
        session.append(
            "finalized",
            "mediator",
            {"draft": current.number, "draft_sha256": current.sha256, "sha256": final.sha256, "certified_through": events[-1].seq},
        )
        session.set_status("final")
        return final, False


@dataclass(frozen=True)
class SignerFacts:
    """What the store says about who signed a draft, for ``verify --store``.

    ``names``: each signer's legal name (party -> ``full_name``) in the case
    answers of the draft with that SHA-256; ``problems``: the stored answers
    no longer match the log, or a parent signed with a link that is not theirs.
    """

    draft: int | None
    names: dict[str, str]
    problems: list[str]


def signer_facts(store: CaseStore, case_id: str, draft_sha256: str) -> SignerFacts:
    """The legal names behind a signed draft, and how each parent's signature was made (see :class:`SignerFacts`)."""
    with store.session(case_id) as session:
        events = session.events()
        issued = [e for e in events if e.kind == "draft_issued" and e.payload.get("sha256") == draft_sha256]
        if not issued:
            return SignerFacts(None, {}, [f"the store's log issued no draft with SHA-256 {draft_sha256[:12]}…"])
        number = int(issued[-1].payload["draft"])
        try:
            record = session.draft(number)
        except MediationError as exc:
            return SignerFacts(number, {}, [exc.message])
        problems: list[str] = []
        logged = issued[-1].payload.get("case_sha256")
        if logged and sha256_hex(canonical_json(record.case_data)) != logged:
            problems.append(f"the stored case answers of draft {number} do not match the log (case_sha256): the names cannot be trusted")
        links = replay_tokens(events)
        for e in events:
            if e.kind != "signed" or e.payload.get("draft_sha256") != draft_sha256 or e.actor not in PARTIES:
                continue
            token_id = e.payload.get("token_id")
            link = links.get(str(token_id)) if token_id else None
            if link is None:
                problems.append(f"event {e.seq}: parent {e.actor.upper()}'s signature names no link issued in this case")
            elif link.party != e.actor:
                problems.append(f"event {e.seq}: recorded as parent {e.actor.upper()}'s signature but made with parent {link.party.upper()}'s link")
        return SignerFacts(number, legal_names(record.case_data), problems)


def stored_final(store: CaseStore, case_id: str) -> FinalRecord | None:
    with store.session(case_id) as session:
        return session.final()
