"""Putting an agreement together: choose clauses, number them, render them into one document model.

Rooms: :mod:`.assemble` (selection, numbering, rendering clause text, the
confidentiality check), :mod:`.document` (the renderer-neutral document model
every output reads).
"""

from __future__ import annotations

from .assemble import assemble, assemble_agreement, offered_alternatives, select_clauses
from .document import AgreementDocument, BulletList, ClauseBlock, Paragraph, Section, SignatureLine, Table, clause_text, to_plain_text

__all__ = [
    "AgreementDocument",
    "BulletList",
    "ClauseBlock",
    "Paragraph",
    "Section",
    "SignatureLine",
    "Table",
    "assemble",
    "assemble_agreement",
    "clause_text",
    "offered_alternatives",
    "select_clauses",
    "to_plain_text",
]
