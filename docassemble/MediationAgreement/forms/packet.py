"""The filing packet: cover sheet + agreement + attachments, as separate files and merged.

:func:`build_packet` returns file name -> bytes (nothing is written; the CLI
passes the result to :func:`.outputs.write_all`)::

    01-cover-sheet.pdf              the court's cover sheet, filled from the case
    02-agreement.pdf                the agreement exactly as given (byte for byte)
    03-parenting-time-calendar.pdf  each attachment, in the order the mapping lists
    filing-packet.pdf               all of them merged in that order, one bookmark each
    README.txt                      what each file is, page counts, SHA-256, notes

Refusals (each a :class:`~.errors.FormError` naming what to fix):

- the cover-sheet mapping says ``confidential: true``, or a part looks like a
  court-only confidential form (Maricopa's Sensitive Data Coversheet, Michigan's
  MC 21 Confidential Case Inventory): those are filed alone with the clerk and
  never go into a packet the other party receives;
- any part contains a confidential address (street or "city, ST zip");
- a required attachment is missing, or one is given that the mapping refuses.

A digitally sealed agreement (a ``/Sig`` field holding a signature) is kept
as its own file unchanged; the merged packet holds a *convenience copy*
(signature field painted flat, preceded by a note page and bookmarked as such),
because merging pages into another file always breaks a digital seal.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pypdf import PdfReader, PdfWriter

from ..errors import FormError
from .coversheet import CoverSheetMapping, default_mapping_path, fill_cover_sheet, find_confidential, load_mapping
from .fields import read_form, signed_signature_fields
from .flattening import flatten_pdf
from .pdf_files import PDF_DAMAGE_ERRORS, collect_pypdf_warnings, open_pdf, text_page_pdf

if TYPE_CHECKING:
    from ..case.model import Case

PACKET_FILE = "filing-packet.pdf"
README_FILE = "README.txt"
COVER_FILE = "01-cover-sheet.pdf"
AGREEMENT_FILE = "02-agreement.pdf"

CONFIDENTIAL_FORM_MARKERS = (
    "do not serve this document",
    "not to be served on other parties",
    "sensitive data coversheet",
    "sensitive data cover sheet",
    "confidential case inventory",
    "(confidential record)",
)
"""Words printed on court-only confidential forms (Maricopa DRSDS10f-c, Michigan MC 21).
A part whose first pages contain one is refused: such a form never goes in a packet."""


@dataclass
class PacketPart:
    """One file of the packet."""

    filename: str
    title: str
    data: bytes
    pages: int
    kind: Literal["cover", "agreement", "attachment"]
    sealed_by: list[str] = field(default_factory=list)


def _page_texts(reader: PdfReader) -> list[str]:
    """Each page's text, whitespace squeezed and case-folded (for the confidentiality checks)."""
    texts = []
    notes: list[str] = []
    with collect_pypdf_warnings(notes):
        for page in reader.pages:
            try:
                text = page.extract_text() or ""
            except PDF_DAMAGE_ERRORS:
                text = ""
            texts.append(re.sub(r"\s+", " ", text).casefold())
    return texts


def _refuse_confidential_form(text: str, what: str) -> None:
    for marker in CONFIDENTIAL_FORM_MARKERS:
        if marker in text:
            raise FormError(
                f"looks like a court-only confidential form (it says \"{marker}\"); "
                "such a form is filed with the clerk on its own and never goes in a filing packet",
                path=what,
                hint="file it separately with `mediation-agreement coversheet`, and leave it out of the packet",
            )


def _safe_stem(name: str) -> str:
    stem = Path(name).stem
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "attachment"


def order_attachments(mapping: CoverSheetMapping, attachments: list[tuple[str, bytes]]) -> list[tuple[str, str, bytes]]:
    """(stem, bookmark title, bytes) in filing order: the mapping's listed attachments
    first, in its order, then others in the order given (unless it refuses others)."""
    given: dict[str, tuple[str, bytes]] = {}
    for filename, data in attachments:
        if not filename.lower().endswith(".pdf"):
            raise FormError("attachments must be PDF files (.pdf)", path=filename)
        stem = _safe_stem(filename)
        if stem.casefold() in given:
            raise FormError(f"two attachments are named '{stem}'", path=filename)
        given[stem.casefold()] = (stem, data)
    ordered: list[tuple[str, str, bytes]] = []
    for rule in mapping.attachments:
        pattern = rule.name.casefold()
        matches = [key for key in given if fnmatch.fnmatchcase(key, pattern)]
        if not matches:
            if rule.required:
                raise FormError(
                    f"the filing configuration requires the attachment '{rule.name}' ({rule.title})",
                    path=mapping.path,
                    line=rule.line,
                    hint=f"add --attach {rule.name.replace('*', 'NAME')}.pdf",
                )
            continue
        for key in matches:
            stem, data = given.pop(key)
            ordered.append((stem, rule.title if len(matches) == 1 else f"{rule.title}: {stem}", data))
    if given and mapping.other_attachments == "refuse":
        listed = ", ".join(r.name for r in mapping.attachments) or "none"
        raise FormError(
            f"attachment(s) {', '.join(s for s, _ in given.values())} are not in this court's list "
            f"(other_attachments: refuse); allowed: {listed}",
            path=mapping.path,
            line=mapping.line_of("packet", "other_attachments"),
        )
    for stem, data in given.values():
        ordered.append((stem, stem.replace("-", " ").replace("_", " ").capitalize(), data))
    return ordered


def _check_part(data: bytes, label: str, case: Case, *, marker_check: bool) -> PdfReader:
    reader, _data, _where = open_pdf(data, label=label)
    if len(reader.pages) == 0:
        raise FormError("has no pages", path=label)
    texts = _page_texts(reader)
    if marker_check:
        _refuse_confidential_form(" ".join(texts[:2]), label)
    who = find_confidential(" ".join(texts), case)
    if who is not None:
        raise FormError(
            f"contains {who}'s confidential address; the packet was not written",
            path=label,
            hint="remove the address from this document (a confidential address never goes in a filing)",
        )
    return reader


def build_packet(
    case: Case,
    agreement_pdf: bytes,
    attachments: list[tuple[str, bytes]],
    *,
    form: str | Path | bytes | None = None,
    mapping: str | Path | CoverSheetMapping | None = None,
    flatten: bool = False,
) -> dict[str, bytes]:
    """Everything a filing needs, as file name -> content, in filing order (see module doc).

    ``attachments`` are (file name, PDF bytes); names select and order them
    against the mapping's ``packet.attachments``.  ``flatten`` makes the cover
    sheet non-editable (the filer then cannot type a signature into it).
    """
    loaded = mapping if isinstance(mapping, CoverSheetMapping) else load_mapping(mapping or default_mapping_path())
    if loaded.confidential:
        raise FormError(
            "this mapping is for a confidential court-only form (confidential: true); it is never put in a "
            "filing packet, which may be served on the other party",
            path=loaded.path,
            line=loaded.line_of("confidential"),
            hint="make the confidential form on its own with `mediation-agreement coversheet`; use the court's public cover sheet for the packet",
        )
    cover = fill_cover_sheet(case, form=form, mapping=loaded, flatten=flatten)
    cover_reader = _check_part(cover.data, cover.form.source, case, marker_check=True)
    parts = [PacketPart(COVER_FILE, cover.mapping.title or "Cover sheet", cover.data, len(cover_reader.pages), "cover")]

    agreement_reader = _check_part(agreement_pdf, "agreement", case, marker_check=False)
    sealed_by = signed_signature_fields(agreement_pdf, label="agreement")
    parts.append(PacketPart(AGREEMENT_FILE, "Agreement", agreement_pdf, len(agreement_reader.pages), "agreement", sealed_by))

    for number, (stem, title, data) in enumerate(order_attachments(loaded, attachments), start=3):
        reader = _check_part(data, f"{stem}.pdf", case, marker_check=True)
        parts.append(PacketPart(f"{number:02d}-{stem}.pdf", title, data, len(reader.pages), "attachment"))

    merged = _merge(parts, case)
    files = {part.filename: part.data for part in parts}
    files[PACKET_FILE] = merged
    files[README_FILE] = _readme(case, parts, merged, cover.notes).encode("utf-8")
    return files


def _merge(parts: list[PacketPart], case: Case) -> bytes:
    notes: list[str] = []
    with collect_pypdf_warnings(notes):
        writer = PdfWriter()
        seen_fields: set[str] = set()
        for part in parts:
            start = len(writer.pages)
            data = part.data
            title = part.title
            if part.sealed_by:
                first = PdfReader(io.BytesIO(part.data)).pages[0]
                note = text_page_pdf(
                    [
                        "Convenience copy",
                        "The pages after this one are a copy of the agreement for reading and printing.",
                        f"The agreement is digitally sealed. The sealed original is the separate file {part.filename};",
                        "verify and file that file. Merging pages into this packet breaks a digital seal, so",
                        "this copy carries no valid signature: its signature field is painted flat on the page.",
                    ],
                    width=float(first.mediabox.width),
                    height=float(first.mediabox.height),
                )
                writer.append(io.BytesIO(note), import_outline=False)
                data = flatten_pdf(part.data)
                title = f"{part.title} (convenience copy; the sealed original is {part.filename})"
            elif part.kind != "cover":
                names = set(read_form(data, label=part.filename, require_fields=False).fields)
                if names & seen_fields:  # two parts with same-named fields would share values
                    data = flatten_pdf(data)
                seen_fields |= names
            else:
                seen_fields |= set(read_form(data, label=part.filename, require_fields=False).fields)
            writer.append(io.BytesIO(data), import_outline=False)
            writer.add_outline_item(title=title, page_number=start)
        parties = f"{case.parent(case.court.petitioner).full_name} v. {case.other(case.court.petitioner).full_name}"
        writer.add_metadata({"/Title": f"Filing packet: {parties}", "/Creator": "docassemble-MediationAgreement"})
        writer.page_mode = "/UseOutlines"
        buffer = io.BytesIO()
        writer.write(buffer)
    return buffer.getvalue()


def _readme(case: Case, parts: list[PacketPart], merged: bytes, cover_notes: list[str]) -> str:
    court = case.court
    parties = f"{case.parent(court.petitioner).full_name} v. {case.other(court.petitioner).full_name}"
    number = court.case_number or "no case number yet"
    total = len(PdfReader(io.BytesIO(merged)).pages)
    lines = [
        f"Filing packet: {parties}",
        f"{court.name}, {court.county} County, {court.state} ({number})",
        "",
        "Files, in filing order:",
    ]
    for index, part in enumerate(parts, start=1):
        digest = hashlib.sha256(part.data).hexdigest()
        pages = f"{part.pages} page{'s' if part.pages != 1 else ''}"
        lines.append(f"  {index}. {part.filename}  {part.title}, {pages}")
        lines.append(f"     SHA-256 {digest}")
    lines += [
        f"  {PACKET_FILE}  all of the above merged in this order, one bookmark each ({total} pages)",
        "",
        f"Before filing: sign and date the cover sheet ({COVER_FILE}).",
    ]
    sealed = [p for p in parts if p.sealed_by]
    for part in sealed:
        lines += [
            "",
            f"The agreement is digitally sealed (signature field: {', '.join(part.sealed_by)}).",
            f"{part.filename} is the sealed original, byte for byte as it was given: verify and file that file.",
            f"The agreement inside {PACKET_FILE} is a convenience copy only. Merging pages into another",
            "file breaks a digital seal, so that copy carries no valid signature (its signature field is",
            "painted flat on the page) and a note page in front of it says so.",
        ]
    lines += [
        "",
        "Confidential information: no confidential address appears in these files (each file was checked",
        "for the street and city/ZIP of every address marked confidential in the case).",
        "A court's confidential sensitive-data form (social security numbers, dates of birth, related",
        "cases; e.g. Maricopa County DRSDS10f-c or Michigan MC 21) is filed with the clerk on its own",
        "and is never part of this packet, which may be served on the other party.",
    ]
    if cover_notes:
        lines += ["", "Notes from filling the cover sheet:"] + [f"  - {n}" for n in cover_notes]
    return "\n".join(lines) + "\n"


__all__ = [
    "AGREEMENT_FILE",
    "CONFIDENTIAL_FORM_MARKERS",
    "COVER_FILE",
    "PACKET_FILE",
    "README_FILE",
    "PacketPart",
    "build_packet",
    "order_attachments",
]
