"""Filling a form: check the values, fill them in, read the result back.

:func:`fill_form` refuses bad values (:class:`~.errors.FormProblems`), fills
text and choices with pypdf, which draws an appearance for every filled widget
(so values show in any viewer, including poppler's ``pdftotext``), switches
checkbox and radio widgets to their own states, and refuses to return a PDF
whose fields did not take their values.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import BooleanObject, DictionaryObject, NameObject

from ..errors import FormProblems, Problem
from .fields import FieldInput, FieldNode, FormField, PdfForm, read_form, walk_fields, widget_states
from .flattening import flatten_pdf
from .pdf_files import collect_pypdf_warnings
from .values import check_values, normalise_state


@dataclass
class FilledForm:
    """The result of :func:`fill_form`: the PDF bytes, the values set, and notes worth showing."""

    data: bytes
    values: dict[str, str]
    notes: list[str] = field(default_factory=list)


def _terminal_fields(writer: PdfWriter) -> dict[str, FieldNode]:
    return {node.name: node for node in walk_fields(writer._root_object)}


def _set_button(node: FieldNode, state: str) -> None:
    """Set a checkbox or radio group: /V on the field, /AS on every widget (on only where the
    widget has that state: the on-state may live on a child widget only)."""
    node.field[NameObject("/V")] = NameObject(state)
    for widget in node.widgets:
        has = state != "/Off" and state in widget_states(widget)
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


__all__ = [
    "FilledForm",
    "fill_form",
]
