"""Fillable PDF forms (AcroForm): read a form's fields, check values, fill, flatten.

pypdf's own ``update_page_form_field_values`` silently skips a field name it
does not find and takes any value for a checkbox.  Everything here checks
first and fills second: :func:`read_form` lists every field with its type,
allowed values and position; :func:`value_problems` says why a value does not
fit a field; :func:`fill_form` refuses bad values, fills with pypdf, draws an
appearance for every filled widget (so values show in any viewer, including
poppler's ``pdftotext``), reads the result back and refuses to return a PDF
whose fields did not take their values.

Forms found in the wild have quirks this module handles: checkbox on-states
named ``/no`` or ``/No`` (any name but ``/Off`` means *on*), field names with
double spaces, on-states that exist only on a child widget and not on the
field, fonts named in ``/DA`` but missing from ``/DR``.
"""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from .errors import FormError, FormProblems, Problem

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
# Annotation flags (table 165).
_AF_HIDDEN = 1 << 1
_AF_NOVIEW = 1 << 5

# Exceptions pypdf lets out on a damaged file besides its own PyPdfError.
PDF_DAMAGE_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError, RecursionError, zlib.error)


# --------------------------------------------------------------------------- the inventory


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


@dataclass
class FilledForm:
    """The result of :func:`fill_form`: the PDF bytes, the values set, and notes worth showing."""

    data: bytes
    values: dict[str, str]
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- reading


_COLLECTING: ContextVar[list[str] | None] = ContextVar("pypdf_notes", default=None)


class _PypdfNotes(logging.Handler):
    """On the ``pypdf`` logger: inside :func:`collect_pypdf_warnings` a record becomes a note;
    outside, it goes on to the root logger's handlers exactly as if it had propagated."""

    def emit(self, record: logging.LogRecord) -> None:
        notes = _COLLECTING.get()
        if notes is None or record.levelno < logging.WARNING:
            logging.getLogger().handle(record)
            return
        message = record.getMessage()
        if message not in notes:
            notes.append(message)


def _install_note_handler() -> None:
    logger = logging.getLogger("pypdf")
    if not any(isinstance(h, _PypdfNotes) for h in logger.handlers):
        logger.addHandler(_PypdfNotes())
        logger.propagate = False


@contextmanager
def collect_pypdf_warnings(notes: list[str]) -> Iterator[None]:
    """Collect what pypdf logs (it warns through ``logging``) into ``notes`` instead of stderr.

    Safe with threads: which list collects is a context variable, not global state.
    """
    _install_note_handler()
    token = _COLLECTING.set(notes)
    try:
        yield
    finally:
        _COLLECTING.reset(token)


def _load_bytes(source: bytes | str | Path, label: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, label or "<pdf>"
    path = Path(source)
    try:
        return path.read_bytes(), label or str(path)
    except FileNotFoundError:
        raise FormError("file not found", path=path) from None
    except IsADirectoryError:
        raise FormError("is a directory, expected a PDF file", path=path) from None
    except OSError as exc:
        raise FormError(f"cannot read file: {exc.strerror}", path=path) from None


def open_pdf(source: bytes | str | Path, *, label: str | None = None, notes: list[str] | None = None) -> tuple[PdfReader, bytes, str]:
    """Open a PDF for reading; refuse (with :class:`FormError`) one that is not a PDF,
    is damaged beyond reading, or is encrypted."""
    data, where = _load_bytes(source, label)
    if b"%PDF-" not in data[:1024]:
        raise FormError("is not a PDF file (no %PDF- header)", path=where)
    collected: list[str] = [] if notes is None else notes
    try:
        with collect_pypdf_warnings(collected):
            reader = PdfReader(io.BytesIO(data), strict=False)
            encrypted = reader.is_encrypted
            if not encrypted:
                _ = len(reader.pages)
                _ = reader.trailer["/Root"]
    except PDF_DAMAGE_ERRORS as exc:
        raise FormError(f"cannot be read; the PDF is damaged ({exc.__class__.__name__}: {exc})", path=where) from None
    if encrypted:
        raise FormError(
            "is encrypted; forms are filled only from unencrypted PDFs",
            path=where,
            hint="ask the court for an unencrypted copy, or make one with `qpdf --decrypt IN.pdf OUT.pdf` if you may",
        )
    return reader, data, where


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
class _Node:
    """A terminal field while walking the tree: the field dictionary and its widget dictionaries."""

    name: str
    field: DictionaryObject
    widgets: list[DictionaryObject]
    inherited: dict[str, Any]


_INHERITABLE = ("/FT", "/Ff", "/V", "/DA", "/MaxLen", "/Q", "/Opt")


def _walk_fields(root: DictionaryObject) -> Iterator[_Node]:
    """Every terminal field under the catalog's /AcroForm /Fields, with inherited attributes."""
    acro = root.get("/AcroForm")
    if acro is None:
        return
    acro = acro.get_object()
    top = acro.get("/Fields")
    if top is None:
        return
    seen: set[int] = set()

    def visit(ref: Any, prefix: str, inherited: dict[str, Any], depth: int) -> Iterator[_Node]:
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
                yield _Node(name, node, widget_kids, here)
            return
        if not name:
            return
        widgets = widget_kids if kids else ([node] if node.get("/Subtype") == "/Widget" or "/Rect" in node else [])
        yield _Node(name, node, widgets, here)

    for ref in top.get_object():
        yield from visit(ref, "", {}, 0)


def _kind(node: _Node) -> FieldKind:
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


def _states(widget: DictionaryObject) -> tuple[str, ...]:
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


def _options(node: _Node) -> tuple[tuple[str, ...], tuple[str, ...]]:
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
            for node in _walk_fields(root):
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


def _make_field(node: _Node, pages: dict[int, int], heights: list[float]) -> FormField:
    kind = _kind(node)
    flags = int(node.inherited.get("/Ff", 0) or 0)
    widgets = []
    for w in node.widgets:
        ref = w.indirect_reference
        page = pages.get(ref.idnum) if ref is not None else None
        rect = tuple(float(v) for v in w.get("/Rect", [0, 0, 0, 0]))
        x0, y0, x1, y1 = (min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])) if len(rect) == 4 else (0.0, 0.0, 0.0, 0.0)
        height = heights[page - 1] if page else 792.0
        widgets.append(Widget(page=page, rect=(x0, y0, x1, y1), on_states=_states(w) if kind in ("checkbox", "radio") else (), page_height=height))
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


# --------------------------------------------------------------------------- checking values


def normalise_state(value: str) -> str:
    """``no`` -> ``/no``: a state name as the PDF writes it (case kept exactly)."""
    value = value.strip()
    return value if value.startswith("/") else f"/{value}"


_WINANSI_EXTRA = set(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))
"""The printable characters WinAnsi puts at 0x80-0x9F (curly quotes, dashes, the euro sign...)."""


def unprintable_characters(text: str) -> list[str]:
    """Characters the standard PDF form fonts (WinAnsi encoding) cannot show; pypdf would draw '?'."""
    bad: dict[str, None] = {}
    for char in text:
        if char in "\n\r\t" or char in _WINANSI_EXTRA:
            continue
        if ord(char) > 0xFF or (0x7F <= ord(char) < 0xA0) or ord(char) < 0x20:
            bad.setdefault(char, None)
    return list(bad)


def value_problems(form_field: FormField, value: FieldInput) -> list[str]:
    """Why ``value`` does not fit ``form_field`` (empty list: it fits)."""
    f = form_field
    if f.kind not in FILLABLE_KINDS:
        return [f"is a {'push button' if f.kind == 'button' else 'signature field'}; it cannot be filled from a mapping"]
    if f.kind == "checkbox":
        if isinstance(value, bool) or value is None:
            if value and not f.on_states:
                return ["is a checkbox with no on-state in the PDF; it cannot be checked"]
            if value and len(f.on_states) > 1:
                return [f"is a checkbox with several on-states ({', '.join(f.on_states)}); say which one to use"]
            return []
        state = normalise_state(value)
        if state == "/Off" or state in f.on_states:
            return []
        return [f"checkbox state {state!r} is not in the PDF; its on-state is {' or '.join(map(repr, f.on_states)) or 'missing'}" + did_you_mean(state, f.on_states)]
    if isinstance(value, bool):
        return [f"is a {f.kind} field; give text, not {value!r}"]
    text = value or ""
    if f.kind == "radio":
        if not text:
            return []
        state = normalise_state(text)
        if state in f.on_states:
            return []
        return [f"{text!r} is not one of this radio group's export values: {', '.join(f.on_states)}" + did_you_mean(state, f.on_states)]
    if f.kind in ("choice", "list"):
        if not text or f.editable or text in f.options:
            return []
        if text in f.option_labels:
            return [f"{text!r} is an option's label; give its export value {f.options[f.option_labels.index(text)]!r}"]
        return [f"{text!r} is not one of the options: {', '.join(map(repr, f.options))}" + did_you_mean(text, f.options)]
    problems = []
    if f.max_length is not None and len(text) > f.max_length:
        problems.append(f"value is {len(text)} characters; the field holds at most {f.max_length} ({text[: f.max_length]!r}...)")
    if "\n" in text and not f.multiline:
        problems.append("value has a line break but the field is single-line")
    bad = unprintable_characters(text)
    if bad:
        problems.append(
            "the form's font cannot show " + ", ".join(repr(c) for c in bad) + f" in {text!r}; the PDF would print '?' instead"
        )
    return problems


def did_you_mean(value: str, choices: tuple[str, ...] | list[str]) -> str:
    import difflib

    lower = {c.casefold(): c for c in choices}
    if value.casefold() in lower:
        return f" (did you mean {lower[value.casefold()]!r}? names are case-sensitive)"
    guess = difflib.get_close_matches(value, list(choices), n=1)
    return f" (did you mean {guess[0]!r}?)" if guess else ""


def check_values(form: PdfForm, values: Mapping[str, FieldInput]) -> list[Problem]:
    """Every problem with filling ``values`` into ``form``: unknown names and values that do not fit."""
    problems: list[Problem] = []
    for name, value in values.items():
        f = form.get(name)
        if f is None:
            problems.append(Problem(f"not a field of this form{suggest_field(form, name)}", path=form.source, field_path=name))
            continue
        for message in value_problems(f, value):
            problems.append(Problem(message, path=form.source, field_path=name))
    return problems


def suggest_field(form: PdfForm, name: str) -> str:
    """`` (did you mean 'X'?)`` for a misspelt field name, or ``""``."""
    import difflib

    squeezed = {re.sub(r"\s+", " ", n).strip().casefold(): n for n in form.fields}
    close = squeezed.get(re.sub(r"\s+", " ", name).strip().casefold())
    if close is not None and close != name:
        return f"; did you mean {close!r}? (the PDF's name has different spacing or capitals)"
    guess = difflib.get_close_matches(name, list(form.fields), n=1, cutoff=0.6)
    return f"; did you mean {guess[0]!r}?" if guess else ""


# --------------------------------------------------------------------------- filling


def _terminal_fields(writer: PdfWriter) -> dict[str, _Node]:
    return {node.name: node for node in _walk_fields(writer._root_object)}


def _set_button(node: _Node, state: str) -> None:
    """Set a checkbox or radio group: /V on the field, /AS on every widget (on only where the
    widget has that state: the on-state may live on a child widget only)."""
    node.field[NameObject("/V")] = NameObject(state)
    for widget in node.widgets:
        has = state != "/Off" and state in _states(widget)
        widget[NameObject("/AS")] = NameObject(state if has else "/Off")
        if widget is not node.field and "/V" in widget:
            del widget["/V"]


def fill_form(form: PdfForm, values: Mapping[str, FieldInput], *, flatten: bool = False) -> FilledForm:
    """Fill ``values`` into ``form``; raise :class:`FormProblems` if any name or value is wrong.

    Text and choice appearances are drawn by pypdf; checkbox and radio widgets are
    switched to their own appearance states.  Fields not in ``values`` keep what
    the PDF had.  With ``flatten``, every widget is painted into the page and the
    form removed, so the copy can no longer be edited.
    """
    problems = check_values(form, values)
    if problems:
        raise FormProblems(problems)
    notes: list[str] = []
    expected: dict[str, str] = {}
    with collect_pypdf_warnings(notes):
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(form.data), strict=False))
        nodes = _terminal_fields(writer)
        text_values: dict[str, str] = {}
        for name, value in values.items():
            f = form.fields[name]
            if f.kind in ("checkbox", "radio"):
                state = _button_state(f, value)
                _set_button(nodes[name], state)
                expected[name] = state
            else:
                text = "" if value is None else str(value)
                text_values[name] = text
                expected[name] = text
        if text_values:
            for page in writer.pages:
                if "/Annots" in page:
                    writer.update_page_form_field_values(page, text_values, auto_regenerate=None)
        acro = cast(DictionaryObject, writer._root_object["/AcroForm"].get_object())
        # Every filled widget now has its own appearance; asking viewers to redraw
        # them would let one with a missing font draw nothing.
        acro[NameObject("/NeedAppearances")] = BooleanObject(False)
        if "/XFA" in acro:
            del acro["/XFA"]
            notes.append("the PDF also had an XFA form; it was removed so that viewers show the filled AcroForm fields")
        buffer = io.BytesIO()
        writer.write(buffer)
    data = buffer.getvalue()
    _verify(data, form, expected)
    if flatten:
        data = flatten_pdf(data)
    return FilledForm(data=data, values=expected, notes=[f"pypdf: {n}" for n in notes])


def _button_state(f: FormField, value: FieldInput) -> str:
    if isinstance(value, bool) or value is None:
        return f.on_states[0] if value else "/Off"
    if not value.strip():
        return "/Off"
    return normalise_state(value)


def _verify(data: bytes, form: PdfForm, expected: Mapping[str, str]) -> None:
    """Read the filled PDF back: every field holds what was set and has an appearance; nothing else changed."""
    after = read_form(data, label=form.source)
    problems: list[Problem] = []
    for name, before in form.fields.items():
        now = after.fields.get(name)
        if now is None:
            problems.append(Problem("disappeared while filling", path=form.source, field_path=name))
            continue
        want = expected.get(name)
        if want is None:
            if (now.value or "") != (before.value or ""):
                problems.append(Problem(f"was changed to {now.value!r} although the mapping does not fill it", path=form.source, field_path=name))
            continue
        got = now.value or ("/Off" if now.kind in ("checkbox", "radio") else "")
        if got != want:
            problems.append(Problem(f"did not take its value: holds {got!r}, expected {want!r}", path=form.source, field_path=name))
    if problems:
        raise FormProblems([Problem(f"internal error, no output written: {p.message}", path=p.path, field_path=p.field_path) for p in problems])


# --------------------------------------------------------------------------- flattening


def _appearance(widget: DictionaryObject) -> StreamObject | None:
    ap = widget.get("/AP")
    if ap is None:
        return None
    normal = ap.get_object().get("/N")
    if normal is None:
        return None
    normal = normal.get_object()
    if isinstance(normal, StreamObject):
        return normal
    if isinstance(normal, DictionaryObject):
        state = widget.get("/AS")
        stream = normal.get(state) if state is not None else None
        stream = stream.get_object() if stream is not None else None
        return stream if isinstance(stream, StreamObject) else None
    return None


def _placement(stream: StreamObject, rect: list[float]) -> tuple[float, float, float, float] | None:
    """The ``cm`` operands that put an appearance's /BBox (after its /Matrix) onto /Rect (PDF 12.5.5)."""
    bbox = [float(v) for v in stream.get("/BBox", [0, 0, rect[2] - rect[0], rect[3] - rect[1]])]
    a, b, c, d, e, f = (float(v) for v in stream.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    corners = [(bbox[0], bbox[1]), (bbox[0], bbox[3]), (bbox[2], bbox[1]), (bbox[2], bbox[3])]
    xs = [a * x + c * y + e for x, y in corners]
    ys = [b * x + d * y + f for x, y in corners]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    if width <= 0 or height <= 0:
        return None
    x0, y0, x1, y1 = min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])
    sx, sy = (x1 - x0) / width, (y1 - y0) / height
    return sx, sy, x0 - min(xs) * sx, y0 - min(ys) * sy


def _page_resources(page: DictionaryObject) -> DictionaryObject:
    node: Any = page
    while node is not None:
        if "/Resources" in node:
            res = cast(DictionaryObject, node["/Resources"].get_object())
            if node is not page:  # inherited: give the page its own copy before adding to it
                res = DictionaryObject(res)
                page[NameObject("/Resources")] = res
            return res
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    res = DictionaryObject()
    page[NameObject("/Resources")] = res
    return res


def flatten_writer(writer: PdfWriter) -> int:
    """Paint every visible widget's current appearance into its page and remove the form.

    Returns the number of widgets painted.  Links and other annotations stay.
    """
    painted = 0
    for page in writer.pages:
        annots = page.get("/Annots")
        if annots is None:
            continue
        annots = annots.get_object()
        keep = ArrayObject()
        ops: list[str] = []
        xobjects: DictionaryObject | None = None
        for ref in annots:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Widget":
                keep.append(ref)
                continue
            flags = int(annot.get("/F", 0) or 0)
            stream = None if flags & (_AF_HIDDEN | _AF_NOVIEW) else _appearance(annot)
            if stream is None:
                continue
            place = _placement(stream, [float(v) for v in annot["/Rect"]])
            if place is None:
                continue
            if "/Subtype" not in stream:
                stream[NameObject("/Subtype")] = NameObject("/Form")
            stream[NameObject("/Type")] = NameObject("/XObject")
            if "/BBox" not in stream:
                r = [float(v) for v in annot["/Rect"]]
                stream[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in (0, 0, abs(r[2] - r[0]), abs(r[3] - r[1])))
            if xobjects is None:
                res = _page_resources(page)
                if "/XObject" not in res:
                    res[NameObject("/XObject")] = DictionaryObject()
                xobjects = cast(DictionaryObject, res["/XObject"].get_object())
            name = f"/Flat{painted}"
            while name in xobjects:
                painted += 1
                name = f"/Flat{painted}"
            ref_stream = stream.indirect_reference or writer._add_object(stream)
            xobjects[NameObject(name)] = ref_stream
            sx, sy, tx, ty = place
            ops.append(f"q {sx:.6f} 0 0 {sy:.6f} {tx:.4f} {ty:.4f} cm {name} Do Q")
            painted += 1
        if ops:
            _append_content(writer, page, "\n".join(ops))
        if keep:
            page[NameObject("/Annots")] = keep
        else:
            del page["/Annots"]
    if "/AcroForm" in writer._root_object:
        del writer._root_object["/AcroForm"]
    return painted


def _append_content(writer: PdfWriter, page: DictionaryObject, operators: str) -> None:
    """Add operators after the page's content, with the old content wrapped in q/Q."""
    before = DecodedStreamObject()
    before.set_data(b"q\n")
    after = DecodedStreamObject()
    after.set_data(f"\nQ\n{operators}\n".encode("latin-1"))
    contents = page.get("/Contents")
    parts = ArrayObject([writer._add_object(before)])
    if contents is not None:
        obj = contents.get_object()
        if isinstance(obj, ArrayObject):
            parts.extend(obj)
        else:
            parts.append(contents if isinstance(contents, IndirectObject) else writer._add_object(obj))
    parts.append(writer._add_object(after))
    page[NameObject("/Contents")] = parts


def flatten_pdf(data: bytes) -> bytes:
    """A copy of ``data`` with every form field painted into the page and the form removed."""
    notes: list[str] = []
    with collect_pypdf_warnings(notes):
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data), strict=False))
        flatten_writer(writer)
        buffer = io.BytesIO()
        writer.write(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- small PDFs


def text_page_pdf(lines: list[str], *, width: float = 612.0, height: float = 792.0, title: str | None = None) -> bytes:
    """A one-page PDF of plain text lines in Helvetica (for notes inside a packet).

    The first line is set in bold as a heading.  Characters outside WinAnsi are replaced by '?'.
    """
    writer = PdfWriter()
    page = writer.add_blank_page(width=width, height=height)
    regular = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })
    bold = DictionaryObject({**regular, NameObject("/BaseFont"): NameObject("/Helvetica-Bold")})
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/Font"): DictionaryObject({
            NameObject("/F1"): writer._add_object(regular),
            NameObject("/F2"): writer._add_object(bold),
        })
    })
    ops = ["BT", f"72 {height - 90:.1f} Td", "15 TL"]
    for number, line in enumerate(lines):
        font = "/F2 14" if number == 0 else "/F1 11"
        encoded = line.encode("cp1252", errors="replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(f"{font} Tf")
        ops.append(f"({encoded.decode('latin-1')}) Tj T*")
        if number == 0:
            ops.append("T*")
    ops.append("ET")
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    if title:
        writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def page_count(source: bytes, *, label: str) -> int:
    reader, _data, _where = open_pdf(source, label=label)
    return len(reader.pages)


__all__ = [
    "PDF_DAMAGE_ERRORS",
    "FieldInput",
    "FieldKind",
    "FilledForm",
    "FormField",
    "PdfForm",
    "Widget",
    "check_values",
    "collect_pypdf_warnings",
    "did_you_mean",
    "fill_form",
    "flatten_pdf",
    "flatten_writer",
    "normalise_state",
    "open_pdf",
    "read_form",
    "read_values",
    "signed_signature_fields",
    "suggest_field",
    "text_page_pdf",
    "unprintable_characters",
    "value_problems",
]



