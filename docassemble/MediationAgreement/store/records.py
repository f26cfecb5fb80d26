"""What the store hands back about a case: its row, its drafts, tokens and the executed agreement.

Plain frozen dataclasses with decrypted contents; the event log's own record,
:class:`~.event_log.LogEvent`, lives with the hash chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class CaseRecord:
    """A case's row: its id, label (decrypted), status and the head of its log."""

    case_id: str
    label: str
    status: str
    created_at: datetime
    head_seq: int
    head_hash: str
    head_mac: str | None = None


@dataclass(frozen=True)
class DraftRecord:
    """One immutable draft version: the case answers it was built from, the clause
    versions, the document model, the rendered PDF and the PDF's SHA-256."""

    case_id: str
    number: int
    created_at: datetime
    sha256: str
    case_data: dict[str, Any]
    document: dict[str, Any]
    pdf: bytes
    libraries: dict[str, Any]


@dataclass(frozen=True)
class TokenRecord:
    """A party's access token; only its SHA-256 is stored, ``token_id`` is a short public name.

    What counts is replayed from the log (``review.state.replay_tokens``):
    the ``token_issued`` event (party, expiry, ``token_sha256``), a
    ``token_revoked`` event, a ``signed`` event that spent it.
    """

    token_id: str
    case_id: str
    party: str
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    spent_at: datetime | None = None
    token_sha256: str | None = None
    """The token's full SHA-256 as its ``token_issued`` event records it (None for links issued before schema 2)."""


@dataclass(frozen=True)
class FinalRecord:
    """The executed (signed and sealed) agreement."""

    case_id: str
    draft: int
    created_at: datetime
    sha256: str
    pdf: bytes
