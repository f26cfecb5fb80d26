"""Whether a value fits a form field, checked before anything is filled, with messages that say why not.

pypdf's own ``update_page_form_field_values`` silently skips a field name it
does not find and takes any value for a checkbox; :func:`check_values` finds
unknown names (suggesting the likely one) and :func:`value_problems` values
that do not fit: a missing on-state, an option that is not offered, text too
long for the field or that its font cannot show.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..errors import Problem
from .fields import FILLABLE_KINDS, FieldInput, FormField, PdfForm


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


__all__ = [
    "check_values",
    "did_you_mean",
    "normalise_state",
    "suggest_field",
    "unprintable_characters",
    "value_problems",
]
