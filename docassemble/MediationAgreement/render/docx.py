"""The agreement as a Word document (``.docx``), for offices that edit in Word.

Same content as the PDF. python-docx makes the package, styles, numbering,
header and footer; the body's paragraphs and tables are written by
:mod:`.docx_body`:

* sections are *Heading 1* and clauses *Heading 2* paragraphs, numbered by
  Word itself: ``numbering.xml`` gets a two-level list (``%1.`` and
  ``%1.%2``) that the two heading styles point to, so the heading text holds
  no number and Word renumbers if a clause is added or removed by hand.  When
  the document's own numbers are not the plain sequence Word would produce
  (a skipped number), the numbers are written into the heading text instead
  so that cross-references ("Section 4.2") stay true;
* the footer carries ``Page {PAGE} of {NUMPAGES}`` fields and, when the office
  asks for it, an initials line; drafts carry "DRAFT — not for signature" in
  the header;
* signature blocks are borderless one-cell tables whose row may not break
  across pages;
* US letter, 1-inch margins, fixed core-property dates and fixed ZIP entry
  times, so the same document always gives the same bytes.
"""

from __future__ import annotations

import copy
import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, cast

from docx import Document as new_document
from docx.blkcntnr import BlockItemContainer
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Inches, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from ..assembly.document import AgreementDocument, Block, BulletList, Paragraph, Table
from ..errors import RenderError
from .docx_body import BodyWriter
from .docx_body import paragraph as paragraph_xml
from .docx_body import run as run_xml
from .pdf import pdf_timestamp

__all__ = ["DRAFT_MARK", "render_docx", "uses_word_numbering"]

DRAFT_MARK = "DRAFT — not for signature"
"""Header text on every page of a draft."""

BODY_FONT = "Times New Roman"
MUTED = RGBColor(0x55, 0x55, 0x55)
INK = RGBColor(0x14, 0x14, 0x14)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


CORE_PROPERTY_CHARS = 255
"""python-docx refuses a core property (author, title...) longer than this."""


def render_docx(doc: AgreementDocument) -> bytes:
    """Build the agreement as a ``.docx`` file and return its bytes.

    The same document always gives the same bytes.  Raises
    :class:`RenderError` if python-docx cannot write the file.
    """
    try:
        return _render_docx(doc)
    except ValueError as exc:  # python-docx: text XML cannot hold (control characters), a value too long
        raise RenderError(f"cannot write the DOCX: {str(exc).splitlines()[0][:200]}") from None


def _render_docx(doc: AgreementDocument) -> bytes:
    header_lines = ([doc.notice] if doc.notice else []) + ([doc.words["draft_line"]] if doc.draft else [])
    auto_numbers = uses_word_numbering(doc)
    shared = _shared_parts(auto_numbers, bool(header_lines))
    body = BodyWriter()
    _front_matter(body, doc)
    for block in doc.preamble:
        _block(body, block)
    for section in doc.sections:
        body.text(section.heading.upper() if auto_numbers else f"{section.number}. {section.heading.upper()}", style=STYLE_IDS["Heading 1"])
        for clause in section.clauses:
            title = _with_stop(clause.title)
            body.text(title if auto_numbers else f"{clause.number} {title}", style=STYLE_IDS["Heading 2"])
            for block in clause.blocks:
                _block(body, block)
    if doc.signatures:
        body.text(doc.words["signatures"].upper(), style=STYLE_IDS["Heading 1"], unnumbered=True)
        for blk, lines in doc.signature_groups():
            if blk is not None:
                body.text(_with_stop(blk.heading), style=STYLE_IDS["Heading 3"])
                for block in blk.before:
                    _block(body, block)
            for signature in lines:
                body.signature(signature.statement, signature.printed_name, signature.role, doc.words["date"])
            if blk is not None:
                for block in blk.after:
                    _block(body, block)
    before_body, after_body = shared.document
    own = {
        "core": _core_properties(shared.core, doc),
        "document": before_body + body.xml().encode("utf-8") + after_body,
        "header": _header(shared.header, header_lines, doc) if shared.header is not None else b"",
        "footer": _footer(shared.footer, doc),
    }
    return shared.with_parts(own)


def uses_word_numbering(doc: AgreementDocument) -> bool:
    """True when Word's own numbering reproduces every section and clause number.

    Word numbers headings 1, 2, 3… and clauses 1.1, 1.2… restarting in each
    section; the document's numbers must be exactly that sequence.
    """
    for expected_section, section in enumerate(doc.sections, start=1):
        if section.number != expected_section:
            return False
        for expected_clause, clause in enumerate(section.clauses, start=1):
            if clause.number != f"{expected_section}.{expected_clause}":
                return False
    return True


# --------------------------------------------------------------------------- setup


def _page_setup(word: Document) -> None:
    for section in word.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Inches(8.5)
        section.page_height = Inches(11)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Inches(1))
        section.header_distance = Inches(0.45)
        section.footer_distance = Inches(0.45)


def _core_properties(template: BaseOxmlElement, doc: AgreementDocument) -> bytes:
    """``docProps/core.xml`` for ``doc``: the template's, filled in (fixed dates, so the bytes repeat)."""
    element = copy.deepcopy(template)
    when = datetime.fromtimestamp(pdf_timestamp(doc), tz=UTC).replace(tzinfo=None)
    props = CoreProperties(element)  # type: ignore[arg-type]
    props.title = doc.title[:CORE_PROPERTY_CHARS]
    props.subject = doc.subtitle[:CORE_PROPERTY_CHARS]
    props.author = doc.metadata.get("office", "")[:CORE_PROPERTY_CHARS]
    props.last_modified_by = ""
    props.comments = ""
    props.keywords = "draft" if doc.draft else ""
    props.category = doc.metadata.get("document_kind", "")[:CORE_PROPERTY_CHARS]
    props.revision = 1
    props.created = when
    props.modified = when
    props.last_printed = when
    props.language = "es-US" if doc.language == "es" else "en-US"
    return serialize_part_xml(element)


STYLE_IDS = {"Title": "Title", "Subtitle": "Subtitle", "Heading 1": "Heading1", "Heading 2": "Heading2", "Heading 3": "Heading3", "List Bullet": "ListBullet"}
"""The template's paragraph styles by name and id (checked against the template in :func:`_style`)."""


def _style(word: Document, num_id: int | None) -> None:
    styles = word.styles
    for name, style_id in STYLE_IDS.items():
        if styles[name].style_id != style_id:
            raise RenderError(f"the DOCX template's '{name}' style has id '{styles[name].style_id}', not '{style_id}'")
    normal = styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    _set_font(normal, BODY_FONT, 12, bold=False)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    for name, size, level in (("Heading 1", 13, 0), ("Heading 2", 12, 1)):
        style = styles[name]
        assert isinstance(style, ParagraphStyle)
        _set_font(style, BODY_FONT, size, bold=True)
        style.font.color.rgb = INK
        fmt = style.paragraph_format
        fmt.space_before = Pt(18 if level == 0 else 10)
        fmt.space_after = Pt(6 if level == 0 else 3)
        fmt.keep_with_next = True
        fmt.keep_together = True
        if num_id is not None:
            _style_numbering(style, num_id, level)
    for name in ("Title", "Subtitle"):
        style = styles[name]
        assert isinstance(style, ParagraphStyle)
        _set_font(style, BODY_FONT, 16 if name == "Title" else 12, bold=name == "Title")
        style.font.italic = name == "Subtitle"
        style.font.color.rgb = INK
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        style.paragraph_format.space_after = Pt(6)
        _remove_borders(style)
        _remove_run_property(style, "w:spacing")  # the template letter-spaces the subtitle


def _set_font(style: ParagraphStyle, family: str, size: float, *, bold: bool) -> None:
    """Set the font outright, dropping theme fonts (which Word prefers over a named font)."""
    style.font.name = family
    style.font.size = Pt(size)
    style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), family)


def _remove_run_property(style: ParagraphStyle, tag: str) -> None:
    rpr = style.element.get_or_add_rPr()
    found = rpr.find(qn(tag))
    if found is not None:
        rpr.remove(found)


def _remove_borders(style: ParagraphStyle) -> None:
    ppr = style.element.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is not None:
        ppr.remove(borders)


# --------------------------------------------------------------------------- numbering


def _add_heading_numbering(word: Document) -> int:
    """Add a two-level list (``1.`` / ``1.1``) to numbering.xml; return its ``numId``."""
    numbering = word.part.numbering_part.element
    abstract_ids = [int(el.get(qn("w:abstractNumId"))) for el in numbering.findall(qn("w:abstractNum"))]
    num_ids = [int(el.get(qn("w:numId"))) for el in numbering.findall(qn("w:num"))]
    abstract_id = max(abstract_ids, default=-1) + 1
    num_id = max(num_ids, default=0) + 1

    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(abstract_id))
    _child(abstract, "w:nsid", val="4D414731")  # "MAG1": a fixed id keeps bytes repeatable
    _child(abstract, "w:multiLevelType", val="multilevel")
    _child(abstract, "w:name", val="Agreement sections")
    for level, (text, style_id, indent) in enumerate((("%1.", "Heading1", 0), ("%1.%2", "Heading2", 0))):
        lvl = _child(abstract, "w:lvl")
        lvl.set(qn("w:ilvl"), str(level))
        _child(lvl, "w:start", val="1")
        _child(lvl, "w:numFmt", val="decimal")
        _child(lvl, "w:pStyle", val=style_id)
        _child(lvl, "w:suff", val="space")
        _child(lvl, "w:lvlText", val=text)
        _child(lvl, "w:lvlJc", val="left")
        ppr = _child(lvl, "w:pPr")
        ind = _child(ppr, "w:ind")
        ind.set(qn("w:left"), str(indent))
        ind.set(qn("w:hanging"), "0")
    # Schema order: every abstractNum comes before the first num.
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(num_id))
    _child(num, "w:abstractNumId", val=str(abstract_id))
    numbering.append(num)
    return num_id


def _style_numbering(style: ParagraphStyle, num_id: int, level: int) -> None:
    """Make every paragraph of ``style`` numbered at ``level`` of list ``num_id``."""
    ppr = style.element.get_or_add_pPr()
    existing = ppr.find(qn("w:numPr"))
    if existing is not None:
        ppr.remove(existing)
    num_pr = OxmlElement("w:numPr")
    _child(num_pr, "w:ilvl", val=str(level))
    _child(num_pr, "w:numId", val=str(num_id))
    # CT_PPrBase order: pStyle, keepNext, keepLines, pageBreakBefore, framePr, widowControl, numPr, ...
    anchor = None
    for tag in ("w:widowControl", "w:framePr", "w:pageBreakBefore", "w:keepLines", "w:keepNext", "w:pStyle"):
        anchor = ppr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addnext(num_pr)
    else:
        ppr.insert(0, num_pr)


def _child(parent: BaseOxmlElement, tag: str, **attrs: str) -> BaseOxmlElement:
    """Append a new ``tag`` element with ``w:``-prefixed attributes to ``parent``."""
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    parent.append(element)
    return element


# --------------------------------------------------------------------------- header and footer


def _header(template: BaseOxmlElement, lines: list[str], doc: AgreementDocument) -> bytes:
    """The header part: a translated copy's notice, then the draft line, on every page."""
    element, header = _container(template)
    for index, line in enumerate(lines):
        paragraph = header.paragraphs[0] if index == 0 else header.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.bold = True
        run.font.size = Pt(9)
        run.font.color.rgb = MUTED if line != doc.notice else None
    return serialize_part_xml(element)


def _footer(template: BaseOxmlElement, doc: AgreementDocument) -> bytes:
    """The footer part: the initials line when the office asks for it, and "Page N of M"."""
    element, container = _container(template)
    footer = container.paragraphs[0]
    tabs = footer.paragraph_format.tab_stops
    tabs.add_tab_stop(Inches(3.25), WD_TAB_ALIGNMENT.CLEAR)  # the Footer style's centre stop
    tabs.add_tab_stop(Inches(6.5), WD_TAB_ALIGNMENT.RIGHT)
    if doc.initials_each_page and doc.initials_labels:
        _muted(footer.add_run(doc.words["initials"] + " " + "    ".join(f"{label} ______" for label in doc.initials_labels)))
        footer.add_run("\t")
    else:
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _muted(footer.add_run(doc.words["page"] + " "))
    _field(footer, "PAGE", "1")
    _muted(footer.add_run(f" {doc.words['of']} "))
    _field(footer, "NUMPAGES", "1")
    return serialize_part_xml(element)


def _container(template: BaseOxmlElement) -> tuple[BaseOxmlElement, BlockItemContainer]:
    """A copy of a header or footer part's element, and python-docx's paragraphs and runs over it.

    Nothing here asks for the part (styles by name would), so the container needs no parent."""
    element = copy.deepcopy(template)
    return element, BlockItemContainer(element, cast(Any, None))  # type: ignore[arg-type]


def _field(paragraph: DocxParagraph, instruction: str, placeholder: str) -> None:
    """A complex field (``PAGE``, ``NUMPAGES``) Word and LibreOffice update when they lay out."""
    for kind, text in (("begin", None), ("instr", f" {instruction} "), ("separate", None), ("text", placeholder), ("end", None)):
        run = paragraph.add_run()
        _muted(run)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text or ""
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def _muted(run: Run) -> None:
    run.font.size = Pt(9)
    run.font.color.rgb = MUTED


# --------------------------------------------------------------------------- body


def _front_matter(body: BodyWriter, doc: AgreementDocument) -> None:
    for line in doc.court_caption:
        body.add(paragraph_xml(run_xml(line.upper(), bold=True), after=0, center=True))
    body.add(paragraph_xml(after=6))
    body.text(doc.title.upper(), style=STYLE_IDS["Title"])
    body.text(doc.subtitle, style=STYLE_IDS["Subtitle"])
    body.text(doc.parties_line, center=True)
    body.add(paragraph_xml(run_xml(doc.words["dated"].format(date=doc.date_text), color=str(MUTED)), after=14, center=True))


def _block(body: BodyWriter, block: Block) -> None:
    if isinstance(block, Paragraph):
        body.text(block.text)
    elif isinstance(block, BulletList):
        for item in block.items:
            body.text(item, style=STYLE_IDS["List Bullet"])
    elif isinstance(block, Table):
        body.table(block.header, block.rows)
    else:  # pragma: no cover - Block is a closed union
        raise RenderError(f"unknown block kind {type(block).__name__}")


def _with_stop(title: str) -> str:
    title = title.strip()
    return title if title.endswith((".", "?", "!", ":")) else f"{title}."


# --------------------------------------------------------------------------- bytes


@dataclass(frozen=True)
class _SharedParts:
    """What every agreement of one kind shares, made once per process by :func:`_shared_parts`.

    ``archive`` is a ZIP of every part no agreement changes (styles, numbering,
    settings, theme, relationships, ``[Content_Types].xml`` first), compressed
    once.  An agreement's own parts — ``docProps/core.xml``, ``word/document.xml``
    and the header and footer — are appended to a copy of it (``zipfile``'s
    append mode leaves the entries already there as they are), so styles.xml
    and stylesWithEffects.xml (nearly 0.8 MB of XML) are not parsed, written and
    compressed again for each agreement.
    """

    archive: bytes
    document: tuple[bytes, bytes]
    """``word/document.xml`` before and after the body's paragraphs and tables (page setup is in the second)."""
    core: BaseOxmlElement
    header: BaseOxmlElement | None
    footer: BaseOxmlElement
    members: tuple[tuple[str, str], ...]
    """(kind, ZIP member name) of the agreement's own parts, in the order python-docx writes them."""

    def with_parts(self, blobs: dict[str, bytes]) -> bytes:
        out = io.BytesIO(self.archive)
        try:
            with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as target:
                for kind, name in self.members:
                    _write_member(target, name, blobs[kind])
        except (OSError, ValueError) as exc:
            raise RenderError(f"cannot write the Word document: {exc}") from None
        return out.getvalue()


@lru_cache(maxsize=4)
def _shared_parts(auto_numbers: bool, has_header: bool) -> _SharedParts:
    """python-docx's template with the page set up and the styles (and Word's heading numbering) made ours."""
    word = new_document()
    _page_setup(word)
    _style(word, _add_heading_numbering(word) if auto_numbers else None)
    section = word.sections[0]
    header = section.header.part if has_header else None  # creating them adds their relationships and content types
    footer = section.footer.part
    package = word.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    own = {str(word.part.partname): "document", str(footer.partname): "footer"}
    if header is not None:
        own[str(header.partname)] = "header"
    core = next(part for part in parts if str(part.partname) == "/docProps/core.xml")
    own[str(core.partname)] = "core"
    document = word.part.blob
    cut = document.index(b"<w:sectPr")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        writer = _FixedTimeWriter(target)
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        for part in parts:  # as PackageWriter._write_parts, leaving out the agreement's own parts (not their relationships)
            if str(part.partname) not in own:
                writer.write(part.partname, part.blob)
            if len(part.rels):
                writer.write(part.partname.rels_uri, part.rels.xml)
    return _SharedParts(
        archive=out.getvalue(),
        document=(document[:cut], document[cut:]),
        core=core.element,  # type: ignore[attr-defined]
        header=header.element if header is not None else None,
        footer=footer.element,
        members=tuple((own[str(part.partname)], part.partname.membername) for part in parts if str(part.partname) in own),
    )


def _write_member(target: zipfile.ZipFile, name: str, blob: bytes) -> None:
    entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16
    target.writestr(entry, blob)


class _FixedTimeWriter:
    """python-docx's physical package writer, stamping every entry 1980-01-01 instead of the clock."""

    def __init__(self, target: zipfile.ZipFile) -> None:
        self.target = target

    def write(self, pack_uri: PackURI, blob: bytes) -> None:
        _write_member(self.target, pack_uri.membername, blob)
