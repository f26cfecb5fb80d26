"""The assembled agreement as a renderer-neutral document model.

Assembly produces one :class:`AgreementDocument`; the PDF, DOCX and HTML
renderers, the plain-text golden files, the redline and the review screens all
read this same structure, so they can never disagree about the text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Paragraph:
    """A run of prose."""

    text: str
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True)
class BulletList:
    """Items of a list inside a clause."""

    items: tuple[str, ...]
    kind: Literal["list"] = "list"


@dataclass(frozen=True)
class Table:
    """A small table (holiday schedule, overnight counts)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kind: Literal["table"] = "table"


Block = Paragraph | BulletList | Table


@dataclass(frozen=True)
class ClauseBlock:
    """One numbered clause: ``number`` like ``"4.2"``."""

    clause_id: str
    number: str
    title: str
    blocks: tuple[Block, ...]
    alternative: str | None = None


@dataclass(frozen=True)
class Section:
    """A numbered section of the agreement (one topic of the outline)."""

    topic: str
    number: int
    heading: str
    clauses: tuple[ClauseBlock, ...]


ELECTRONIC_SIGNERS: tuple[str, ...] = ("a", "b", "mediator")
"""Who signs in the review-and-signing flow (signing/): the two parents and the mediator."""

PAPER_SIGNERS: tuple[str, ...] = ("attorney_a", "attorney_b", "agency", "judge", "notary")
"""Who signs the printed agreement by hand: counsel, the child support agency, the judge, a notary."""

SIGNERS: tuple[str, ...] = ELECTRONIC_SIGNERS + PAPER_SIGNERS


@dataclass(frozen=True)
class SignatureLine:
    """A place for one person to sign.

    ``party`` is one of :data:`SIGNERS`; only :data:`ELECTRONIC_SIGNERS` sign
    through the signing flow, the others sign the printed copy.  ``block`` is
    the id of the signature block (a clause of topic ``signatures``) the line
    is printed in.
    """

    party: str
    printed_name: str
    role: str
    statement: str | None = None
    # Filled only on the executed copy (seal.build_executed_pdf); drafts leave them None.
    signature_png: bytes | None = None
    """The drawn signature (PNG).  ``to_data()`` gives it as a list of byte values."""
    typed_signature: str | None = None
    """The name the signer typed as their signature (method 'typed')."""
    signed_at_text: str | None = None
    """When the signer signed, as printed after "Date:" (e.g. "November 21, 2026, 14:05 UTC")."""
    block: str = ""
    """The id of the :class:`SignatureBlock` this line belongs to ("" for none)."""

    @property
    def signs_electronically(self) -> bool:
        return self.party in ELECTRONIC_SIGNERS


@dataclass(frozen=True)
class SignatureBlock:
    """A signature, acknowledgment or order block, from a clause of topic ``signatures``.

    ``before`` is the text above its lines (an attorney's "approved as to
    form", a notary's acknowledgment, the court's order), ``after`` the text
    below them; the lines themselves are in :attr:`AgreementDocument.signatures`
    with ``block`` set to ``block_id``, so the signing flow finds them there.
    """

    block_id: str
    heading: str
    before: tuple[Block, ...] = ()
    after: tuple[Block, ...] = ()


@dataclass(frozen=True)
class AgreementDocument:
    """The whole agreement, ready to render."""

    title: str
    subtitle: str
    court_caption: tuple[str, ...]
    parties_line: str
    preamble: tuple[Block, ...]
    sections: tuple[Section, ...]
    signatures: tuple[SignatureLine, ...]
    draft: bool
    date_text: str
    initials_each_page: bool
    initials_labels: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)
    signature_blocks: tuple[SignatureBlock, ...] = ()
    language: str = "en"
    """The language the document is written in (``es``: a reading copy; the English one is signed and filed)."""
    words: dict[str, str] = field(default_factory=lambda: _words("en"))
    """The engine's own words in :attr:`language` (page furniture, signature lines): ``data/sources/agreement_words.yml``."""
    notice: str | None = None
    """Printed on every page: a translated copy's courtesy notice ("Traducción de cortesía — ...")."""

    def signature_groups(self) -> list[tuple[SignatureBlock | None, tuple[SignatureLine, ...]]]:
        """Each signature block with its lines, in order; lines in no block come last, under no block."""
        groups: list[tuple[SignatureBlock | None, tuple[SignatureLine, ...]]] = [
            (blk, tuple(s for s in self.signatures if s.block == blk.block_id)) for blk in self.signature_blocks
        ]
        known = {blk.block_id for blk in self.signature_blocks}
        loose = tuple(s for s in self.signatures if s.block not in known)
        if loose:
            groups.append((None, loose))
        return groups

    def clause(self, clause_id: str) -> ClauseBlock | None:
        for section in self.sections:
            for clause in section.clauses:
                if clause.clause_id == clause_id:
                    return clause
        return None

    def section_numbers(self) -> list[str]:
        """Every clause number, for commenting per section."""
        return [c.number for s in self.sections for c in s.clauses]

    def to_data(self) -> dict[str, Any]:
        """Plain data (JSON-ready): what the Typst template and the interviews receive.

        A drawn signature's PNG becomes a list of byte values, which Typst turns
        back into an image with ``image(bytes(s.signature_png))`` (Typst cannot
        decode base64).
        """
        data = asdict(self)
        for line in data["signatures"]:
            if line["signature_png"] is not None:
                line["signature_png"] = list(line["signature_png"])
        return data


def _words(language: str) -> dict[str, str]:
    from .words import agreement_words

    return agreement_words(language)


def block_text(block: Block) -> str:
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, BulletList):
        return "\n".join(f"- {item}" for item in block.items)
    widths = [max(len(row[i]) for row in (block.header, *block.rows)) for i in range(len(block.header))]
    lines = [" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in (block.header, *block.rows)]
    return "\n".join(lines)


def clause_text(clause: ClauseBlock) -> str:
    return "\n\n".join(block_text(b) for b in clause.blocks)


def to_plain_text(doc: AgreementDocument) -> str:
    """A normalised plain-text rendering: golden files, redlines and equality checks use it."""
    words = doc.words
    out: list[str] = ([doc.notice, ""] if doc.notice else []) + [doc.title.upper(), doc.subtitle, ""]
    out.extend(doc.court_caption)
    out.extend(["", doc.parties_line, ""])
    out.extend(block_text(b) + "\n" for b in doc.preamble)
    for section in doc.sections:
        out.append(f"{section.number}. {section.heading.upper()}")
        out.append("")
        for clause in section.clauses:
            out.append(f"{clause.number} {clause.title}.")
            out.append(clause_text(clause))
            out.append("")
    out.append(words["signatures"].upper())
    out.append("")
    for blk, lines in doc.signature_groups():
        if blk is not None:
            out.append(blk.heading.upper())
            out.append("")
            out.extend(block_text(b) + "\n" for b in blk.before)
        for sig in lines:
            if sig.statement:
                out.append(sig.statement)
            out.append(f"{sig.printed_name}, {sig.role}")
            if sig.signature_png is not None or sig.typed_signature is not None:
                how = "[drawn signature]" if sig.signature_png is not None else f"/s/ {sig.typed_signature}"
                out.append(f"{words['signature']}: {how}  {words['date']}: {sig.signed_at_text or '__________'}")
            else:
                out.append(f"{words['signature']}: ____________________  {words['date']}: __________")
            out.append("")
        if blk is not None:
            out.extend(block_text(b) + "\n" for b in blk.after)
    return "\n".join(out).rstrip() + "\n"
