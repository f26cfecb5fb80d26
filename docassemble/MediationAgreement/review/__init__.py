"""Review rounds: drafts, the parents' links, comments, approvals, signatures, the executed agreement.

Rooms: :mod:`.rounds` (each step of a round, as one function over a case
store), :mod:`.state` (a case's state replayed from its log), :mod:`.report`
(that state in words, for ``case show`` and the mediator's round screen),
:mod:`.redline` (what changed between two drafts), :mod:`.reading` (a draft as a
reading copy in a parent's language).
"""

from __future__ import annotations

from .reading import reading_consent, reading_copy, reading_redline
from .redline import Redline, changes_fragment, redline_html, redline_pdf
from .report import state_lines, token_status
from .rounds import (
    CONSENT_CLAUSE_ID,
    DEFAULT_CONSENT_TEXT,
    DEFAULT_TOKEN_DAYS,
    SIGNER_ACKNOWLEDGEMENT,
    LinkStatus,
    SignerFacts,
    add_comment,
    amended_case,
    approve,
    case_state,
    consent_text,
    current_case,
    draft_version,
    executed_for_token,
    finalize,
    issue_draft,
    issue_token,
    link_status,
    open_amendment,
    open_case,
    open_draft,
    redline_for,
    request_changes,
    revoke_token,
    sign,
    signer_facts,
    state_for_token,
    stored_final,
    tokens,
)
from .state import CaseState, Comment, Decision, DraftSummary, DraftVersion, IssuedToken, OpenedCase, SignatureSummary

__all__ = [
    "CONSENT_CLAUSE_ID",
    "CaseState",
    "Comment",
    "DEFAULT_CONSENT_TEXT",
    "DEFAULT_TOKEN_DAYS",
    "Decision",
    "DraftSummary",
    "DraftVersion",
    "IssuedToken",
    "LinkStatus",
    "OpenedCase",
    "Redline",
    "SIGNER_ACKNOWLEDGEMENT",
    "SignatureSummary",
    "SignerFacts",
    "add_comment",
    "amended_case",
    "approve",
    "case_state",
    "consent_text",
    "current_case",
    "draft_version",
    "executed_for_token",
    "finalize",
    "issue_draft",
    "issue_token",
    "link_status",
    "open_amendment",
    "open_case",
    "open_draft",
    "changes_fragment",
    "reading_consent",
    "reading_copy",
    "reading_redline",
    "redline_for",
    "redline_html",
    "redline_pdf",
    "request_changes",
    "revoke_token",
    "sign",
    "signer_facts",
    "state_for_token",
    "state_lines",
    "stored_final",
    "token_status",
    "tokens",
]
