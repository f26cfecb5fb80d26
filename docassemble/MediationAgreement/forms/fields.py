"""A fillable PDF's fields (AcroForm), as :func:`read_form` finds them: the inventory every check and fill starts from.

Each :class:`FormField` has its kind, its widgets (page, position, on-states),
the values it allows and the value it holds.  Forms found in the wild have
quirks handled here: checkbox on-states named ``/no`` or ``/No`` (any name but
``/Off`` means *on*), field names with double spaces, on-states that exist only
on a child widget and not on the field, two field objects with one name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, IndirectObject, StreamObject

from ..errors import FormError
from .pdf_files import PDF_DAMAGE_ERRORS, collect_pypdf_warnings, open_pdf

FieldKind = Literal["text", "checkbox", "radio", "choice", "list", "button", "signature"]
FieldInput = str | bool | None
"""A value to fill: text for text/choice/list/radio fields (``""`` clears), for a
checkbox ``True``/``False`` or the name of the on-state to use."""

FILLABLE_KINDS: frozenset[str] = frozenset({"text", "checkbox", "radio", "choice", "list"})

# Field flags (PDF 32000-1, tables 221, 226, 228, 230).
_FF_READ_ONLY = 1 << 0
_FF_REQUIRED = 1 << 1
_FF_MULTILINE = 1 << 12
_FF_PASSWORD = 1 << 13
_FF_RADIO = 1 << 15
_FF_PUSHBUTTON = 1 << 16
_FF_COMBO = 1 << 17
_FF_EDIT = 1 << 18
_FF_MULTISELECT = 1 << 21
_FF_COMB = 1 << 24


@dataclass(frozen=True)
class Widget:
    """One place a field is drawn: page (1-based; ``None`` if on no page), rectangle, on-states."""

    page: int | None
    rect: tuple[float, float, float, float]
    on_states: tuple[str, ...]
    page_height: float = 792.0

    @property
    def top_left(self) -> tuple[float, float]:
        """(x, y) of the top-left corner measured from the page's top-left, in points."""
        x0, _y0, _x1, y1 = self.rect
        return (x0, self.page_height - y1)

    @property
    def size(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.rect
        return (x1 - x0, y1 - y0)


@dataclass(frozen=True)
class FormField:
    """A field of a fillable PDF, as a mapping author needs to know it."""

    name: str
    kind: FieldKind
    widgets: tuple[Widget, ...] = ()
    tooltip: str | None = None
    max_length: int | None = None
    multiline: bool = False
    comb: bool = False
    required: bool = False
    read_only: bool = False
    options: tuple[str, ...] = ()
    """Choice/list fields: the export values a value must be one of."""
    option_labels: tuple[str, ...] = ()
    editable: bool = False
    """A combo box that also accepts typed text."""
    value: str | None = None
    """The value the PDF holds now, as text (a state name like ``/Yes`` for buttons)."""
    font: str | None = None
    font_size: float | None = None
    signed: bool = False
    """Signature fields: a signature value (``/V``) is present."""

    @property
    def on_states(self) -> tuple[str, ...]:
        """Checkbox/radio: every state name other than ``/Off``, from the widgets themselves."""
        seen: dict[str, None] = {}
        for widget in self.widgets:
            for state in widget.on_states:
                seen.setdefault(state, None)
        return tuple(seen)

    @property
    def page(self) -> int | None:
        return next((w.page for w in self.widgets if w.page is not None), None)

    def allowed(self) -> str:
        """The values this field takes, in words (for listings and error messages)."""
        if self.kind == "checkbox":
            states = self.on_states
            return f"on: {', '.join(states)}" if states else "no on-state (cannot be checked)"
        if self.kind == "radio":
            return "one of: " + ", ".join(self.on_states)
        if self.kind in ("choice", "list"):
            text = "one of: " + ", ".join(repr(o) for o in self.options)
            return text + " (or any text)" if self.editable else text
        if self.kind == "text":
            parts = [f"max {self.max_length} chars" if self.max_length else "any text"]
            if self.multiline:
                parts.append("multi-line")
            return ", ".join(parts)
        if self.kind == "signature":
            return "signed" if self.signed else "unsigned (not filled by mappings)"
        return "push button (not filled)"


@dataclass
class PdfForm:
    """A fillable PDF: its bytes, its fields by full name, and what reading it noticed."""

    data: bytes
    source: str
    fields: dict[str, FormField]
    page_count: int
    has_xfa: bool = False
    notes: list[str] = field(default_factory=list)

    def get(self, name: str) -> FormField | None:
        return self.fields.get(name)

    def in_position_order(self) -> list[FormField]:
        """Fields by page, then top to bottom, then left to right (how a person reads the form)."""

        def key(f: FormField) -> tuple[float, float, float, str]:
            w = next((w for w in f.widgets if w.page is not None), None)
            if w is None:
                return (float("inf"), 0.0, 0.0, f.name)
            x, y = w.top_left
            return (float(w.page or 0), round(y / 4), x, f.name)

        return sorted(self.fields.values(), key=key)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    value = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _parse_da(da: Any) -> tuple[str | None, float | None]:
    match = re.search(r"/([^\s/]+)\s+([\d.]+)\s+Tf", str(da or ""))
    if not match:
        return None, None
    return "/" + match.group(1), float(match.group(2))


@dataclass
class FieldNode:
    """A terminal field while walking the tree: the field dictionary and its widget dictionaries."""

    name: str
    field: DictionaryObject
    widgets: list[DictionaryObject]
    inherited: dict[str, Any]


_INHERITABLE = ("/FT", "/Ff", "/V", "/DA", "/MaxLen", "/Q", "/Opt")


def walk_fields(root: DictionaryObject) -> Iterator[FieldNode]:
    """Every terminal field under the catalog's /AcroForm /Fields, with inherited attributes."""
    acro = root.get("/AcroForm")
    if acro is None:
        return
    acro = acro.get_object()
    top = acro.get("/Fields")
    if top is None:
        return
    seen: set[int] = set()

    def visit(ref: Any, prefix: str, inherited: dict[str, Any], depth: int) -> Iterator[FieldNode]:
        node = ref.get_object()
        if not isinstance(node, DictionaryObject) or depth > 32:
            return
        ident = id(node) if not isinstance(ref, IndirectObject) else ref.idnum
        if ident in seen:
            return
        seen.add(ident)
        here = dict(inherited)
        for key in _INHERITABLE:
            if key in node:
                here[key] = node[key]
        partial = node.get("/T")
        name = prefix if partial is None else (f"{prefix}.{partial}" if prefix else str(partial))
        kids = [k for k in node.get("/Kids", [])]
        field_kids = [k for k in kids if "/T" in k.get_object()]
        widget_kids = [k.get_object() for k in kids if "/T" not in k.get_object()]
        if field_kids:
            for kid in field_kids:
                yield from visit(kid, name, here, depth + 1)
            if widget_kids and name:
                yield FieldNode(name, node, widget_kids, here)
            return
        if not name:
            return
        widgets = widget_kids if kids else ([node] if node.get("/Subtype") == "/Widget" or "/Rect" in node else [])
        yield FieldNode(name, node, widgets, here)

    for ref in top.get_object():
        yield from visit(ref, "", {}, 0)


def _kind(node: FieldNode) -> FieldKind:
    ft = node.inherited.get("/FT")
    flags = int(node.inherited.get("/Ff", 0) or 0)
    if ft == "/Btn":
        if flags & _FF_PUSHBUTTON:
            return "button"
        if flags & _FF_RADIO:
            return "radio"
        return "checkbox"
    if ft == "/Ch":
        return "choice" if flags & _FF_COMBO else "list"
    if ft == "/Sig":
        return "signature"
    return "text"


def widget_states(widget: DictionaryObject) -> tuple[str, ...]:
    """A checkbox or radio widget's on-states: the names of its normal appearances other than ``/Off``."""
    ap = widget.get("/AP")
    if ap is None:
        return ()
    normal = ap.get_object().get("/N")
    if normal is None:
        return ()
    normal = normal.get_object()
    if isinstance(normal, StreamObject) or not isinstance(normal, DictionaryObject):
        return ()
    return tuple(str(k) for k in normal if k != "/Off")


def _options(node: FieldNode) -> tuple[tuple[str, ...], tuple[str, ...]]:
    raw = node.inherited.get("/Opt")
    if raw is None:
        return (), ()
    values: list[str] = []
    labels: list[str] = []
    for item in raw.get_object():
        item = item.get_object()
        if isinstance(item, list) and len(item) >= 2:
            values.append(str(item[0].get_object()))
            labels.append(str(item[1].get_object()))
        else:
            values.append(str(item))
            labels.append(str(item))
    return tuple(values), tuple(labels)


def _page_index(reader: PdfReader | PdfWriter) -> tuple[dict[int, int], list[float]]:
    """Widget object number -> page number (1-based), and each page's height."""
    where: dict[int, int] = {}
    heights: list[float] = []
    for number, page in enumerate(reader.pages, start=1):
        heights.append(float(page.mediabox.height) + float(page.mediabox.bottom))
        for ref in page.get("/Annots", []) or []:
            if isinstance(ref, IndirectObject):
                where.setdefault(ref.idnum, number)
    return where, heights


def read_form(source: bytes | str | Path, *, label: str | None = None, require_fields: bool = True) -> PdfForm:
    """List a fillable PDF's fields.  Refuse a PDF that cannot be filled, saying why."""
    notes: list[str] = []
    reader, data, where = open_pdf(source, label=label, notes=notes)
    try:
        with collect_pypdf_warnings(notes):
            root = cast(DictionaryObject, reader.trailer["/Root"].get_object())
            acro_ref = root.get("/AcroForm")
            acro = acro_ref.get_object() if acro_ref is not None else None
            has_xfa = bool(acro is not None and "/XFA" in acro)
            pages, heights = _page_index(reader)
            fields: dict[str, FormField] = {}
            for node in walk_fields(root):
                made = _make_field(node, pages, heights)
                if made.name in fields:  # two field objects with one name: pypdf fills both
                    old = fields[made.name]
                    made = FormField(**{**old.__dict__, "widgets": old.widgets + made.widgets})
                fields[made.name] = made
            page_count = len(reader.pages)
    except PDF_DAMAGE_ERRORS as exc:
        raise FormError(f"cannot be read; the PDF is damaged ({exc.__class__.__name__}: {exc})", path=where) from None
    if require_fields and not fields:
        if has_xfa:
            raise FormError(
                "is an XFA (LiveCycle) form with no AcroForm fields; it cannot be filled",
                path=where,
                hint="ask the court for a fillable (AcroForm) PDF, or print it and fill it by hand",
            )
        raise FormError(
            "has no fillable form fields; a cover sheet needs a fillable (AcroForm) PDF",
            path=where,
            hint="check with `mediation-agreement fields` that you have the fillable version of the court's form",
        )
    return PdfForm(data=data, source=where, fields=fields, page_count=page_count, has_xfa=has_xfa, notes=notes)


def _make_field(node: FieldNode, pages: dict[int, int], heights: list[float]) -> FormField:
    kind = _kind(node)
    flags = int(node.inherited.get("/Ff", 0) or 0)
    widgets = []
    for w in node.widgets:
        ref = w.indirect_reference
        page = pages.get(ref.idnum) if ref is not None else None
        rect = tuple(float(v) for v in w.get("/Rect", [0, 0, 0, 0]))
        x0, y0, x1, y1 = (min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])) if len(rect) == 4 else (0.0, 0.0, 0.0, 0.0)
        height = heights[page - 1] if page else 792.0
        widgets.append(Widget(page=page, rect=(x0, y0, x1, y1), on_states=widget_states(w) if kind in ("checkbox", "radio") else (), page_height=height))
    options, labels = _options(node) if kind in ("choice", "list") else ((), ())
    max_len = node.inherited.get("/MaxLen")
    da_font, da_size = _parse_da(node.widgets[0].get("/DA") if node.widgets and "/DA" in node.widgets[0] else node.inherited.get("/DA"))
    value = node.inherited.get("/V")
    signed = kind == "signature" and value is not None and isinstance(value.get_object(), DictionaryObject)
    return FormField(
        name=node.name,
        kind=kind,
        widgets=tuple(widgets),
        tooltip=_text(node.field.get("/TU")),
        max_length=int(max_len) if max_len is not None and kind == "text" else None,
        multiline=bool(flags & _FF_MULTILINE) and kind == "text",
        comb=bool(flags & _FF_COMB) and kind == "text",
        required=bool(flags & _FF_REQUIRED),
        read_only=bool(flags & _FF_READ_ONLY),
        options=options,
        option_labels=labels,
        editable=kind == "choice" and bool(flags & _FF_EDIT),
        value=None if signed else _text(value),
        font=da_font,
        font_size=da_size,
        signed=signed,
    )


def signed_signature_fields(source: bytes | str | Path, *, label: str | None = None) -> list[str]:
    """Names of the signature (``/Sig``) fields that hold a signature value: a digitally sealed PDF has one."""
    form = read_form(source, label=label, require_fields=False)
    return [f.name for f in form.fields.values() if f.kind == "signature" and f.signed]


def read_values(source: bytes | str | Path) -> dict[str, str | None]:
    """Every field's current value as text (button states as names like ``/Yes``)."""
    return {name: f.value for name, f in read_form(source, require_fields=False).fields.items()}


__all__ = [
    "FILLABLE_KINDS",
    "FieldInput",
    "FieldKind",
    "FieldNode",
    "FormField",
    "PdfForm",
    "Widget",
    "read_form",
    "read_values",
    "signed_signature_fields",
    "walk_fields",
    "widget_states",
]
