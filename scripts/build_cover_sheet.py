#!/usr/bin/env python3
"""Build the generic family-court cover sheet (a fillable PDF) from its layout source.

    .venv/bin/python scripts/build_cover_sheet.py            # rebuilds templates/cover_sheets/generic.pdf
    .venv/bin/python scripts/build_cover_sheet.py --out /tmp/x.pdf

The source is ``templates/cover_sheets/source/generic.layout.yml``: page, style,
header, sections of rows of cells (text, checkbox, radio, choice, static text).
Edit it to restyle the form, rebuild, and commit the generated PDF with it.

reportlab is a *build-time* tool only: the package never imports it at run
time (it fills the committed PDF with pypdf).  reportlab comes with
docassemble; elsewhere ``pip install reportlab``.  Output is deterministic
(reportlab's invariant mode), so an unchanged source gives an identical PDF.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LAYOUT = ROOT / "templates" / "cover_sheets" / "source" / "generic.layout.yml"

PLACEHOLDER = " "
"""Temporary empty choice option (see :func:`_remove_placeholders`)."""

CELL_GAP = 8.0
"""Horizontal space between the cells of a row, in points."""


class LayoutError(Exception):
    """The layout source is wrong (unknown kind, duplicate name) or does not fit the page."""


@dataclass
class Style:
    font: str
    bold_font: str
    italic_font: str
    text_size: float
    label_size: float
    field_size: float
    field_height: float
    row_gap: float
    heading_size: float
    heading_height: float
    heading_fill: tuple[float, float, float]
    field_border: tuple[float, float, float]
    field_fill: tuple[float, float, float]
    box_size: float

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Style:
        values = dict(data)
        for key in ("heading_fill", "field_border", "field_fill"):
            values[key] = tuple(values[key])
        return cls(**values)


class CoverSheetBuilder:
    """Draws one page from the layout, adding AcroForm fields as it goes."""

    def __init__(self, layout: dict[str, Any], out: Path) -> None:
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4, LETTER
        from reportlab.pdfgen import canvas

        self.colors = colors
        self.layout = layout
        page = layout["page"]
        self.pagesize = {"letter": LETTER, "a4": A4}[page.get("size", "letter")]
        self.margin = float(page.get("margin", 48))
        self.style = Style.from_data(layout["style"])
        self.canvas = canvas.Canvas(str(out), pagesize=self.pagesize, invariant=1, pageCompression=1)
        self.canvas.setTitle(layout.get("title", "Cover sheet"))
        self.canvas.setSubject(layout.get("subject", ""))
        self.canvas.setAuthor("docassemble-MediationAgreement")
        self.canvas.setCreator("scripts/build_cover_sheet.py")
        self.form = self.canvas.acroForm
        self.width, self.height = self.pagesize
        self.left = self.margin
        self.right = self.width - self.margin
        self.y = self.height - self.margin
        self.names: set[str] = set()

    # ------------------------------------------------------------------ helpers
    def color(self, rgb: tuple[float, float, float]) -> Any:
        return self.colors.Color(*rgb)

    def _claim(self, name: str) -> None:
        if name in self.names:
            raise LayoutError(f"field name {name!r} is used twice")
        self.names.add(name)

    def _text(self, x: float, y: float, text: str, *, size: float, font: str | None = None) -> None:
        self.canvas.setFont(font or self.style.font, size)
        self.canvas.setFillGray(0)
        self.canvas.drawString(x, y, text)

    def _wrap(self, text: str, font: str, size: float, width: float) -> list[str]:
        from reportlab.lib.utils import simpleSplit

        return simpleSplit(text, font, size, width)

    # ------------------------------------------------------------------ parts
    def header(self) -> None:
        box = self.layout.get("clerk_box")
        top = self.y
        text_right = self.right
        if box:
            bw, bh = float(box["width"]), float(box["height"])
            self.canvas.setLineWidth(0.8)
            self.canvas.setStrokeGray(0.3)
            self.canvas.rect(self.right - bw, top - bh, bw, bh, stroke=1, fill=0)
            self._text(self.right - bw + 4, top - 10, box["label"], size=self.style.label_size, font=self.style.italic_font)
            text_right = self.right - bw - 12
        y = top
        for line in self.layout.get("header", []):
            size = float(line.get("size", self.style.text_size))
            font = self.style.bold_font if line.get("bold") else self.style.italic_font if line.get("italic") else self.style.font
            for part in self._wrap(line["text"], font, size, text_right - self.left):
                y -= size * 1.25
                self._text(self.left, y, part, size=size, font=font)
            y -= 3
        bottom = min(y, top - float(box["height"])) if box else y
        self.y = bottom - 10

    def section(self, section: dict[str, Any]) -> None:
        s = self.style
        self.y -= s.heading_height
        self.canvas.setFillColor(self.color(s.heading_fill))
        self.canvas.rect(self.left, self.y, self.right - self.left, s.heading_height, stroke=0, fill=1)
        self._text(self.left + 4, self.y + (s.heading_height - s.heading_size) / 2 + 1.5, section["heading"], size=s.heading_size, font=s.bold_font)
        self.y -= s.row_gap
        for row in section.get("rows", []):
            self.row(row)

    def row(self, cells: list[dict[str, Any]]) -> None:
        total = sum(float(c.get("width", 1)) for c in cells)
        usable = self.right - self.left - CELL_GAP * (len(cells) - 1)
        x = self.left
        heights = []
        for cell in cells:
            w = usable * float(cell.get("width", 1)) / total
            heights.append(self.cell(cell, x, self.y, w))
            x += w + CELL_GAP
        self.y -= max(heights) + self.style.row_gap

    def _label(self, cell: dict[str, Any], x: float, top: float) -> float:
        """Draw the small label above a field; return the top of the field box."""
        s = self.style
        self._text(x, top - s.label_size, cell.get("label", ""), size=s.label_size)
        return top - s.label_size - 2.5

    def _box_style(self) -> dict[str, Any]:
        s = self.style
        return {
            "borderWidth": 0.6,
            "borderColor": self.color(s.field_border),
            "fillColor": self.color(s.field_fill),
            "textColor": self.colors.black,
            "forceBorder": True,
        }

    def cell(self, cell: dict[str, Any], x: float, top: float, width: float) -> float:
        """Draw one cell whose top edge is ``top``; return its height."""
        s = self.style
        kind = cell.get("kind", "text")
        if kind != "static":
            self._claim(cell["name"])
        tooltip = cell.get("tooltip", cell.get("label", cell.get("name", "")))
        if kind == "text":
            lines = int(cell.get("lines", 1))
            height = s.field_height if lines == 1 else s.field_size * 1.2 * lines + 6
            box_top = self._label(cell, x, top)
            self.form.textfield(
                name=cell["name"], tooltip=tooltip, x=x, y=box_top - height, width=width, height=height,
                maxlen=int(cell["maxlen"]), fontName=s.font, fontSize=s.field_size,
                fieldFlags="multiline" if lines > 1 else "", **self._box_style(),
            )
            return top - (box_top - height)
        if kind == "choice":
            box_top = self._label(cell, x, top)
            # reportlab cannot make a choice field with no value, so it starts as a
            # one-space placeholder option that _remove_placeholders() takes out again.
            self.form.choice(
                name=cell["name"], tooltip=tooltip, value=PLACEHOLDER, options=[PLACEHOLDER, *cell["options"]],
                x=x, y=box_top - s.field_height, width=width, height=s.field_height,
                fontName=s.font, fontSize=s.field_size, fieldFlags="combo", **self._box_style(),
            )
            return top - (box_top - s.field_height)
        if kind == "checkbox":
            size = s.box_size
            self.form.checkbox(
                name=cell["name"], tooltip=cell.get("tooltip", cell["label"]), x=x, y=top - size, size=size,
                buttonStyle="check", fieldFlags="", borderWidth=0.8, borderColor=self.color(s.field_border),
                fillColor=self.color(s.field_fill), textColor=self.colors.black, forceBorder=True,
            )
            label_size = s.text_size
            self._text(x + size + 5, top - size + (size - label_size) / 2 + 1.5, cell["label"], size=label_size)
            return size + 2
        if kind == "radio":
            box_top = self._label(cell, x, top)
            size = s.box_size
            y = box_top - (s.field_height + size) / 2
            ox = x
            for option in cell["options"]:
                # shape="square": reportlab 5.0 draws circle-shaped radio appearances off-centre.
                self.form.radio(
                    name=cell["name"], value=str(option["value"]), tooltip=tooltip, x=ox, y=y, size=size,
                    buttonStyle="circle", shape="square", fieldFlags="noToggleToOff radio",
                    borderWidth=0.8, borderColor=self.color(s.field_border), fillColor=self.color(s.field_fill),
                    textColor=self.colors.black, forceBorder=True,
                )
                self._text(ox + size + 4, y + 1.5, option["label"], size=s.text_size)
                ox += size + 4 + self.canvas.stringWidth(option["label"], s.font, s.text_size) + 14
            return top - (box_top - s.field_height)
        if kind == "static":
            size = float(cell.get("size", s.text_size))
            parts = self._wrap(cell["text"], s.font, size, width)
            y = top - s.label_size - 2.5 - (s.field_height + size) / 2 + 2 if len(parts) == 1 else top - size
            for part in parts:
                tx = x + (width - self.canvas.stringWidth(part, s.font, size)) / 2 if cell.get("align") == "center" else x
                self._text(tx, y, part, size=size)
                y -= size * 1.2
            return max(s.label_size + 2.5 + s.field_height, top - y)
        raise LayoutError(f"unknown cell kind {kind!r} (expected text, checkbox, radio, choice or static)")

    def footer(self) -> None:
        s = self.style
        notes = self.layout.get("notes", [])
        y = self.margin + 14
        lines: list[str] = []
        for note in notes:
            lines.extend(self._wrap(note, s.italic_font, s.label_size, self.right - self.left))
        y += len(lines) * s.label_size * 1.25
        if self.y < y + 4:
            raise LayoutError(f"the layout does not fit on one page ({y + 4 - self.y:.0f} points too tall)")
        for line in lines:
            self._text(self.left, y, line, size=s.label_size, font=s.italic_font)
            y -= s.label_size * 1.25
        self.canvas.setLineWidth(0.5)
        self.canvas.line(self.left, self.margin + 10, self.right, self.margin + 10)
        self._text(self.left, self.margin, self.layout.get("revision", ""), size=s.label_size)
        self.canvas.setFont(s.font, s.label_size)
        self.canvas.drawRightString(self.right, self.margin, "Page 1 of 1")

    def build(self) -> list[str]:
        self.header()
        for section in self.layout["sections"]:
            self.section(section)
        self.footer()
        self.canvas.showPage()
        self.canvas.save()
        return sorted(self.names)


def _remove_placeholders(path: Path) -> None:
    """Drop the placeholder option and value from every choice field (pypdf, in place)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(path))
    writer.compress_identical_objects()
    for page in writer.pages:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            if annot.get("/FT") != "/Ch":
                continue
            options = [o for o in annot.get("/Opt", []) if o != PLACEHOLDER]
            annot[NameObject("/Opt")] = ArrayObject(options)
            for key in ("/V", "/DV", "/I"):
                if key in annot:
                    del annot[key]
    writer.add_metadata({"/Producer": "pypdf; reportlab"})
    with path.open("wb") as handle:
        writer.write(handle)


def build(layout_path: Path, out: Path | None = None) -> Path:
    """Build the PDF described by ``layout_path``; return where it was written."""
    layout = yaml.safe_load(layout_path.read_text(encoding="utf-8"))
    target = out or (layout_path.parent.parent / layout["output"])
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        CoverSheetBuilder(layout, tmp).build()
        _remove_placeholders(tmp)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layout", type=Path, default=DEFAULT_LAYOUT, help="layout source (YAML)")
    parser.add_argument("--out", type=Path, help="where to write the PDF (default: the layout's `output`, beside source/)")
    args = parser.parse_args(argv)
    try:
        import reportlab  # noqa: F401
    except ImportError:
        print("error: reportlab is needed to build the form: pip install reportlab", file=sys.stderr)
        return 2
    try:
        path = build(args.layout, args.out)
    except (LayoutError, KeyError, ValueError) as exc:
        print(f"error: {args.layout}: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
