"""The Word document's body as WordprocessingML, written as text.

python-docx adds each paragraph, run and property element by element, and for
each child searches the element's possible successors to find its place in the
schema's order; for the joint example that was two thirds of a DOCX.  The body
uses a small vocabulary (styled paragraphs, plain or bold runs, a grid table, a
borderless signature cell), so it is written here in the schema's element
order, every piece of text escaped where it is written, and goes into
``word/document.xml`` as it is (:mod:`.docx`).  The XML is what python-docx
wrote before (the tests read it back with python-docx and compare the
numbering, tables and signature blocks, and check every part is well-formed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from ..errors import RenderError

__all__ = ["BodyWriter"]

BLOCK_WIDTH_EMU = 5_943_600
"""US letter less two 1-inch margins (6.5 in): the width python-docx shares among a table's columns."""

EMU_PER_TWIP = 635
TABLE_LOOK = '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
NO_BORDERS = "<w:tblBorders>" + "".join(f'<w:{edge} w:val="nil"/>' for edge in ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>"
_BREAKS = re.compile(r"(\t|\r|\n)")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""A character outside XML 1.0's ``Char`` production."""


def twips(points: float) -> int:
    """Points as twentieths of a point (Word's unit for spacing)."""
    return round(points * 20)


def run_content(text: str) -> str:
    """A run's text: tabs and line breaks become ``<w:tab/>`` and ``<w:br/>`` (as python-docx's ``run.text`` does)."""
    if not _BREAKS.search(text):
        return _t(text)
    parts = []
    for piece in _BREAKS.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            parts.append(_t(piece))
    return "".join(parts)


def _t(text: str) -> str:
    space = ' xml:space="preserve"' if len(text.strip()) < len(text) else ""
    return f"<w:t{space}>{escape(text)}</w:t>"


def run(text: str, *, bold: bool | None = None, color: str | None = None) -> str:
    """One run; ``bold=False`` writes ``<w:b w:val="0"/>`` (off even in a bold style)."""
    props = ("" if bold is None else "<w:b/>" if bold else '<w:b w:val="0"/>') + (f'<w:color w:val="{color}"/>' if color else "")
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{run_content(text)}</w:r>"


def paragraph(
    content: str = "",
    *,
    style: str | None = None,
    keep_next: bool | None = None,
    keep_lines: bool = False,
    unnumbered: bool = False,
    after: float | None = None,
    center: bool = False,
) -> str:
    """A ``<w:p>`` whose properties are written in the schema's order (pStyle, keepNext, keepLines, numPr, spacing, jc)."""
    props = "".join(
        (
            f'<w:pStyle w:val="{style}"/>' if style else "",
            "" if keep_next is None else "<w:keepNext/>" if keep_next else '<w:keepNext w:val="0"/>',
            "<w:keepLines/>" if keep_lines else "",
            '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>' if unnumbered else "",
            "" if after is None else f'<w:spacing w:after="{twips(after)}"/>',
            '<w:jc w:val="center"/>' if center else "",
        )
    )
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{content}</w:p>"


class BodyWriter:
    """Collects the body's paragraphs and tables as XML, then puts them in a document's body before its section properties."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, xml: str) -> None:
        self.parts.append(xml)

    def text(self, text: str, *, style: str | None = None, unnumbered: bool = False, center: bool = False) -> None:
        """A paragraph holding ``text`` as one run (no run when empty), in the paragraph style ``style`` (an id)."""
        self.add(paragraph(run(text) if text else "", style=style, unnumbered=unnumbered, center=center))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A ``Table Grid`` table, centred, its header row shaded, bold and repeated on each page; no row splits."""
        width = max([len(header), *(len(row) for row in rows)])
        col = _column_twips(width)
        parts = [f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>{TABLE_LOOK}</w:tblPr>']
        parts.append(_grid(width, col))
        for index, cells in enumerate([header, *rows]):
            head = index == 0
            parts.append(f"<w:tr><w:trPr><w:cantSplit/>{'<w:tblHeader/>' if head else ''}</w:trPr>")
            shade = '<w:shd w:val="clear" w:color="auto" w:fill="EDEDED"/>' if head else ""
            for text in _padded(cells, width):
                parts.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{col}"/>{shade}</w:tcPr>{paragraph(run(text, bold=head), after=0)}</w:tc>')
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self.add("".join(parts))
        self.add(paragraph(after=0))

    def signature(self, statement: str | None, printed_name: str, role: str, date_word: str) -> None:
        """One borderless, unbreakable table cell: statement, a blank line, the line, name (bold), role, date."""
        lines: list[tuple[str, bool]] = ([(statement, False)] if statement else []) + [
            ("", False), ("_" * 40, False), (printed_name, True), (role, False), (f"{date_word}: ____________________", False),
        ]
        col = _column_twips(1)
        cell = "".join(
            paragraph(
                "<w:r><w:br/></w:r>" if text == "" else run(text, bold=bold),
                keep_next=index < len(lines) - 1, keep_lines=True, after=2,
            )
            for index, (text, bold) in enumerate(lines)
        )
        self.add(
            f'<w:tbl><w:tblPr><w:tblW w:type="auto" w:w="0"/>{NO_BORDERS}{TABLE_LOOK}</w:tblPr>{_grid(1, col)}'
            f'<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{col}"/></w:tcPr>{cell}</w:tc></w:tr></w:tbl>'
        )
        self.add(paragraph(after=6))

    def xml(self) -> str:
        """The collected paragraphs and tables, to go in ``<w:body>`` before its ``w:sectPr``.

        A character XML cannot hold (a control character, half a surrogate pair)
        is a :class:`RenderError`; every other character is escaped where written.
        """
        xml = "".join(self.parts)
        if _NOT_XML.search(xml):
            raise RenderError("cannot write the DOCX: the text holds a character a Word document cannot (a control character)")
        return xml


def _column_twips(count: int) -> int:
    return round((BLOCK_WIDTH_EMU // count) / EMU_PER_TWIP) if count > 0 else 0


def _grid(count: int, col: int) -> str:
    return "<w:tblGrid>" + f'<w:gridCol w:w="{col}"/>' * count + "</w:tblGrid>"


def _padded(cells: Iterable[str], width: int) -> list[str]:
    values = list(cells)
    return values + [""] * (width - len(values))
