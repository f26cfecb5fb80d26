"""Court cover sheets: a mapping file says how to fill a court's fillable PDF from a case.

A mapping is YAML written by staff, one per form (``templates/cover_sheets/<name>.yml``)::

    form: generic.pdf                      # the PDF, relative to this file
    title: Family Court Cover Sheet
    confidential: false                    # true: a court-only record, never put in a packet
    fields:
      court_name: "{{ court.name }}"       # text: a Jinja2 template over the case
      case_number:
        value: "{{ court.case_number }}"
        required: true                     # refuse to fill if it comes out empty
      type_support_iv_d:
        checked: case.child_support is not none and court.iv_d   # checkbox: a condition
        on_state: /Yes                     # the PDF's own on-state (from `fields`)
      interpreter_needed: "{{ 'yes' if case.parent_a.interpreter_language else 'no' }}"

Expressions run in the project's sandbox (strict: a misspelt name is an error,
never a blank).  Before anything is filled, :func:`check_mapping` compares the
mapping with the PDF (every field exists, checkbox states are the PDF's,
values and conditions are where they belong) and :func:`evaluate_mapping`
checks every value against its field (length, options, required).  Every
problem is reported at once, each with the mapping file's line.

Confidential addresses: an expression that reads a confidential address
(``case.parent_b.address.street`` when ``address.confidential`` is true) is
refused with an error naming the field and line; so is any value that happens
to contain a confidential street or "city, state zip".  Nothing is blanked
quietly.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError, UndefinedError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..case.validation import validation_problems
from ..case.yamlsource import LineMap, load_with_lines
from ..errors import FormError, FormProblems, Problem
from .fields import FieldInput, FormField, PdfForm, read_form
from .filling import FilledForm, fill_form
from .values import did_you_mean, normalise_state, suggest_field, value_problems

if TYPE_CHECKING:
    from ..case.model import Case

GENERIC = "generic"
"""Name of the cover sheet the package ships (``templates/cover_sheets/generic.{pdf,yml}``)."""


def cover_sheets_dir() -> Path:
    """The package's ``templates/cover_sheets`` folder."""
    return Path(str(resources.files("docassemble.MediationAgreement") / "data" / "templates" / "cover_sheets"))


def default_mapping_path() -> Path:
    """The generic cover sheet's mapping, used when no ``--map`` is given."""
    return cover_sheets_dir() / f"{GENERIC}.yml"


# --------------------------------------------------------------------------- file shape


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class FieldRuleShape(_Shape):
    """One field's entry (the long form)."""

    value: str | None = None
    checked: bool | str | None = None
    on_state: str | None = None
    required: bool = False
    note: str | None = None


class AttachmentShape(_Shape):
    """An attachment the court's filing packet takes, in order."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9*][A-Za-z0-9._*-]*$",
        description="File name without .pdf, e.g. parenting-time-calendar; * matches any text (calendar-*)",
    )
    title: str = Field(min_length=1, description="Bookmark title in the packet")
    required: bool = False


class PacketShape(_Shape):
    attachments: list[AttachmentShape] = Field(default_factory=list)
    other_attachments: Literal["allow", "refuse"] = "allow"


class MappingShape(_Shape):
    """The keys a mapping file may have (anything else is a typo, reported with a did-you-mean)."""

    form: str | None = None
    title: str | None = None
    description: str | None = None
    confidential: bool = False
    fields: dict[str, FieldRuleShape] = Field(min_length=1)
    packet: PacketShape = Field(default_factory=PacketShape)

    @field_validator("fields", mode="before")
    @classmethod
    def _short_forms(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        out: dict[Any, Any] = {}
        for key, entry in value.items():
            if entry is None:
                entry = {}
            elif isinstance(entry, bool):
                entry = {"checked": entry}
            elif isinstance(entry, (str, int, float)):
                entry = {"value": str(entry)}
            out[str(key)] = entry
        return out


# --------------------------------------------------------------------------- loaded mapping


@dataclass(frozen=True)
class FieldRule:
    """How one PDF field is filled: a text template or a checkbox condition, with its line."""

    name: str
    value: str | None = None
    checked: bool | str | None = None
    on_state: str | None = None
    required: bool = False
    line: int | None = None
    """Line of the field's key in the mapping file."""
    value_line: int | None = None
    """Line where the value/condition text starts (after a ``|`` block marker)."""


@dataclass(frozen=True)
class AttachmentRule:
    name: str
    title: str
    required: bool = False
    line: int | None = None


@dataclass
class CoverSheetMapping:
    """A loaded mapping file."""

    path: Path
    form_path: Path | None
    title: str | None
    description: str | None
    confidential: bool
    rules: dict[str, FieldRule]
    attachments: list[AttachmentRule] = field(default_factory=list)
    other_attachments: Literal["allow", "refuse"] = "allow"
    lines: LineMap = field(default_factory=LineMap)

    @property
    def source(self) -> str:
        return str(self.path)

    def line_of(self, *path: str | int) -> int | None:
        return self.lines.line_for(path)


def load_mapping(path: str | Path) -> CoverSheetMapping:
    """Read a mapping file; raise :class:`FormProblems` naming file, line and key for each mistake."""
    source = Path(path)
    data, lines = load_with_lines(source, error=FormError)
    if not isinstance(data, dict):
        raise FormError("a mapping file must be a mapping with 'form' and 'fields' (see docs/coversheets.md)", path=source, line=1)
    try:
        shape = MappingShape.model_validate(data)
    except ValidationError as exc:
        raise FormProblems([_entry_hint(p) for p in validation_problems(exc, MappingShape, str(source), lines)]) from None
    rules: dict[str, FieldRule] = {}
    for name, entry in shape.fields.items():
        key_line = lines.line_for(("fields", name))
        long_form = isinstance(data["fields"].get(name), dict)
        which = "checked" if entry.checked is not None and entry.value is None else "value"
        value_path = ("fields", name, which) if long_form else ("fields", name)
        value_line = lines.line_for(value_path)
        if value_path in lines.block_scalars and value_line is not None:
            value_line += 1
        rules[name] = FieldRule(
            name=name,
            value=entry.value,
            checked=entry.checked,
            on_state=entry.on_state,
            required=entry.required,
            line=key_line,
            value_line=value_line,
        )
    attachments = [
        AttachmentRule(a.name, a.title, a.required, lines.line_for(("packet", "attachments", i)))
        for i, a in enumerate(shape.packet.attachments)
    ]
    seen: set[str] = set()
    for rule in attachments:
        if rule.name in seen:
            raise FormError(f"attachment '{rule.name}' is listed twice", path=source, line=rule.line, field_path="packet.attachments")
        seen.add(rule.name)
    form_path = (source.parent / shape.form) if shape.form else None
    return CoverSheetMapping(
        path=source,
        form_path=form_path,
        title=shape.title,
        description=shape.description,
        confidential=shape.confidential,
        rules=rules,
        attachments=attachments,
        other_attachments=shape.packet.other_attachments,
        lines=lines,
    )


def _entry_hint(problem: Problem) -> Problem:
    """Add the did-you-mean that pydantic's path cannot give inside ``fields:`` (a dict of entries)."""
    match = re.match(r"unknown field '([^']+)'$", problem.message)
    if not match or not problem.field_path:
        return problem
    shape = FieldRuleShape if problem.field_path.startswith("fields.") else AttachmentShape if problem.field_path.startswith("packet.attachments[") else None
    if shape is None:
        return problem
    guess = difflib.get_close_matches(match.group(1), list(shape.model_fields), n=1)
    known = ", ".join(shape.model_fields)
    hint = f"; did you mean '{guess[0]}'?" if guess else f"; an entry may have: {known}"
    return Problem(problem.message + hint, path=problem.path, line=problem.line, field_path=problem.field_path)


# --------------------------------------------------------------------------- the sandbox


class ConfidentialValueError(Exception):
    """Raised inside an expression that reads a confidential address (turned into a FormError)."""

    def __init__(self, where: str) -> None:
        self.where = where
        super().__init__(where)


class WithheldAddress:
    """Stands in for a confidential address in mapping expressions.

    ``confidential`` is true and ``one_line()`` gives "address kept confidential";
    reading any part of the address itself (``street``, ``city``...) or printing
    it raises :class:`ConfidentialValueError`, which the mapping reports as an error.
    """

    confidential = True

    def __init__(self, where: str) -> None:
        self._where = where

    def one_line(self) -> str:
        return "address kept confidential"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raise ConfidentialValueError(f"{self._where}.{name}")

    def __str__(self) -> str:
        raise ConfidentialValueError(self._where)

    def __repr__(self) -> str:
        return WITHHELD_MARK

    def __iter__(self) -> Any:
        raise ConfidentialValueError(self._where)


WITHHELD_MARK = "<confidential address withheld>"


def mapping_context(case: Case) -> dict[str, Any]:
    """The names a mapping's expressions can use: those of clause text (``case``, ``a``, ``b``,
    ``kids``, ``court``, ``mediator``, ``office``...) with confidential addresses withheld."""
    from ..library.templating import case_context

    context = case_context(case)
    safe = context["case"]
    updates: dict[str, Any] = {}
    for key in ("parent_a", "parent_b"):
        original = getattr(case, key)
        if original.address is not None and original.address.confidential:
            updates[key] = getattr(safe, key).model_copy(update={"address": WithheldAddress(f"case.{key}.address")})
    if updates:
        context["case"] = safe.model_copy(update=updates)
    return context


def _environment() -> Any:
    """The sandbox mapping expressions run in: the project's, with ``None`` printed as nothing."""
    from ..library.templating import sandbox_environment

    return sandbox_environment().overlay(finalize=_blank_none)


def _blank_none(value: Any) -> Any:
    return "" if value is None else value


def confidential_needles(case: Case) -> list[tuple[str, str]]:
    """(which parent, text) pairs that must never appear in a filing: each confidential
    address's street and its "city, ST zip" line."""
    needles: list[tuple[str, str]] = []
    for key in ("parent_a", "parent_b"):
        address = getattr(case, key).address
        if address is None or not address.confidential:
            continue
        street = f"{address.street}, {address.unit}" if address.unit else address.street
        for text in {address.street, street, f"{address.city}, {address.state} {address.postal_code}"}:
            if len(text.strip()) >= 4:
                needles.append((key, text))
    return needles


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def find_confidential(text: str, case: Case) -> str | None:
    """The parent (``parent_a``/``parent_b``) whose confidential address ``text`` contains, if any."""
    haystack = _squeeze(text)
    if WITHHELD_MARK.casefold() in haystack:
        return "a parent"
    for key, needle in confidential_needles(case):
        if _squeeze(needle) in haystack:
            return key
    return None


# --------------------------------------------------------------------------- checking


_BARE_PATH = re.compile(r"^\s*(case|court|a|b|kids|mediator|office|schedule)\.[A-Za-z_][\w.]*\s*$")
_FALSY_WORDS = {"no", "false", "off", "n", "0", "none", "null", "unchecked"}


def check_mapping(mapping: CoverSheetMapping, form: PdfForm) -> list[Problem]:
    """Problems that need no case: unknown fields, wrong kinds of entry, checkbox states
    not in the PDF, template syntax errors.  Empty list: the mapping fits the form."""
    env = _environment()
    problems: list[Problem] = []
    where = mapping.source
    form_name = Path(form.source).name

    def add(rule: FieldRule, message: str, line: int | None = None) -> None:
        problems.append(Problem(message, path=where, line=line or rule.line, field_path=rule.name))

    for rule in mapping.rules.values():
        f = form.get(rule.name)
        if f is None:
            add(rule, f"no such field in {form_name}{suggest_field(form, rule.name)}")
            continue
        if f.kind in ("button", "signature"):
            add(rule, f"is a {'push button' if f.kind == 'button' else 'signature field'} in {form_name}; mappings cannot fill it (remove this entry)")
            continue
        if f.kind == "checkbox":
            if rule.value is not None:
                add(rule, f"is a checkbox: write `checked: <condition>` (e.g. checked: court.iv_d), not value:; its on-state is {', '.join(f.on_states) or 'missing'}")
                continue
            if rule.on_state is not None:
                state = normalise_state(rule.on_state)
                if state not in f.on_states:
                    add(
                        rule,
                        f"on_state {state!r} is not in {form_name}; this checkbox's on-state is "
                        f"{' or '.join(map(repr, f.on_states)) or 'missing'}{did_you_mean(state, f.on_states)}",
                        mapping.line_of("fields", rule.name, "on_state"),
                    )
            elif len(f.on_states) > 1 and rule.checked not in (None, False):
                add(rule, f"has several on-states ({', '.join(f.on_states)}): add `on_state:` to say which to use")
            elif not f.on_states and rule.checked not in (None, False):
                add(rule, "is a checkbox with no on-state in the PDF (no appearance to show it checked)")
            if isinstance(rule.checked, str):
                try:
                    env.compile_expression(rule.checked, undefined_to_none=False)
                except TemplateSyntaxError as exc:
                    add(rule, f"checked: is not a valid condition: {exc.message}", rule.value_line)
            continue
        if rule.checked is not None:
            add(rule, f"is a {f.kind} field, not a checkbox: write `value: \"{{{{ ... }}}}\"`, not checked: ({f.allowed()})")
            continue
        if rule.on_state is not None:
            add(rule, f"on_state: is only for checkboxes; this is a {f.kind} field ({f.allowed()})")
            continue
        template = rule.value or ""
        if "{{" not in template and "{%" not in template and _BARE_PATH.match(template):
            add(rule, f"value {template!r} would be printed as it is; to print the case's value write \"{{{{ {template.strip()} }}}}\"", rule.value_line)
            continue
        try:
            env.from_string(template)
        except TemplateSyntaxError as exc:
            add(rule, f"template error: {exc.message}", (rule.value_line or 0) + (exc.lineno or 1) - 1 or rule.line)
            continue
        if "{{" not in template and "{%" not in template:
            # A fixed value can be checked now, without a case.
            for message in value_problems(f, template.strip()):
                add(rule, message, rule.value_line)
    return problems


# --------------------------------------------------------------------------- evaluating


def _undefined_hint(message: str, context: dict[str, Any]) -> str:
    match = re.match(r"'([A-Za-z_]\w*)' is undefined", message)
    if match:
        guess = difflib.get_close_matches(match.group(1), list(context), n=1)
        names = ", ".join(sorted(k for k in context if not k.startswith("_")))
        return f"; did you mean '{guess[0]}'?" if guess else f"; names you can use: {names}"
    match = re.match(r"'([\w.]+) object' has no attribute '(\w+)'", message)
    if match:
        return " (run `mediation-agreement schema` to see the case's fields)"
    return ""


def evaluate_mapping(mapping: CoverSheetMapping, form: PdfForm, case: Case) -> dict[str, FieldInput]:
    """Render every rule for ``case`` and check each value against its field.

    Returns field name -> value ready for :func:`.forms.fill_form`; raises
    :class:`FormProblems` listing every expression that failed, every value that
    does not fit, every required field left empty and every confidential address.
    Call :func:`check_mapping` first (:func:`mapping_problems` does both).
    """
    values, problems = _evaluate(mapping, form, case, skip=set())
    if problems:
        raise FormProblems(problems)
    return values


def mapping_problems(mapping: CoverSheetMapping, form: PdfForm, case: Case) -> tuple[dict[str, FieldInput], list[Problem]]:
    """Check and evaluate in one go: the values, and every problem found (static and for
    this case), in line order.  The values are only usable when there are no problems."""
    static = check_mapping(mapping, form)
    values, runtime = _evaluate(mapping, form, case, skip={p.field_path for p in static if p.field_path})
    return values, sorted(static + runtime, key=lambda p: p.line or 0)


def _evaluate(mapping: CoverSheetMapping, form: PdfForm, case: Case, *, skip: set[str]) -> tuple[dict[str, FieldInput], list[Problem]]:
    env = _environment()
    context = mapping_context(case)
    problems: list[Problem] = []
    values: dict[str, FieldInput] = {}
    where = mapping.source

    for rule in mapping.rules.values():
        f = form.fields.get(rule.name)
        if f is None or rule.name in skip:
            continue

        def add(message: str, rule: FieldRule = rule) -> None:
            problems.append(Problem(message, path=where, line=rule.value_line or rule.line, field_path=rule.name))

        try:
            value = _evaluate_rule(rule, f, env, context)
        except ConfidentialValueError as exc:
            if exc.where.startswith("case.") and exc.where.count(".") >= 3:
                add(
                    f"the expression reads a confidential address ({exc.where}); a confidential address never goes "
                    f"on a cover sheet (remove it, or print it only when `not {exc.where.rsplit('.', 1)[0]}.confidential`)"
                )
            elif exc.where.endswith(".address"):
                add(f"the expression prints a confidential address ({exc.where}); a confidential address never goes on a cover sheet")
            else:
                add(
                    f"the expression prints {exc.where}, which holds a confidential address; a confidential address "
                    "never goes on a cover sheet (print single fields instead, e.g. case.parent_a.full_name)"
                )
            continue
        except UndefinedError as exc:
            add(f"expression failed: {exc.message}{_undefined_hint(exc.message or '', context)}")
            continue
        except SecurityError as exc:
            add(f"expression refused by the sandbox: {exc}")
            continue
        except TemplateError as exc:
            add(f"expression failed: {exc.message or exc.__class__.__name__}")
            continue
        except _EvaluationRefused as exc:
            add(str(exc))
            continue
        except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
            add(f"expression failed: {exc.__class__.__name__}: {exc}")
            continue
        for message in value_problems(f, value):
            add(message)
        if isinstance(value, str):
            who = find_confidential(value, case)
            if who is not None:
                add(f"the value contains {who}'s confidential address; a confidential address never goes on a cover sheet")
                continue
        if rule.required and (value is False or value is None or (isinstance(value, str) and not value.strip())):
            add("is required by the mapping but has no value for this case" + (" (the condition is false)" if f.kind == "checkbox" else ""))
            continue
        values[rule.name] = value
    return values, problems


class _EvaluationRefused(Exception):
    pass


def _evaluate_rule(rule: FieldRule, f: FormField, env: Any, context: dict[str, Any]) -> FieldInput:
    if f.kind == "checkbox":
        checked = rule.checked
        if isinstance(checked, str):
            result = env.compile_expression(checked, undefined_to_none=False)(**context)
            if isinstance(result, str) and result.strip().casefold() in _FALSY_WORDS:
                raise _EvaluationRefused(
                    f"checked: gave the text {result!r}, which would count as checked; write a condition (e.g. `x == 'yes'`)"
                )
            on = bool(result)
        else:
            on = bool(checked)
        if on and rule.on_state:
            return normalise_state(rule.on_state)
        return on
    rendered: str = env.from_string(rule.value or "").render(**context)
    text = rendered.replace("\r\n", "\n").strip()
    if WITHHELD_MARK in text:
        raise ConfidentialValueError("a parent's whole record")
    return text


# --------------------------------------------------------------------------- the whole job


@dataclass
class CoverSheet:
    """A filled cover sheet: the PDF and what the person running it should know."""

    data: bytes
    mapping: CoverSheetMapping
    form: PdfForm
    values: dict[str, str]
    notes: list[str] = field(default_factory=list)

    @property
    def confidential(self) -> bool:
        return self.mapping.confidential


def resolve_form(mapping: CoverSheetMapping, form: str | Path | bytes | None = None) -> PdfForm:
    """Read the form a mapping names (or ``form`` if given)."""
    if form is None:
        if mapping.form_path is None:
            raise FormError("the mapping names no form: add `form: FILE.pdf` or give --form", path=mapping.path, line=1)
        form = mapping.form_path
    return read_form(form)


def fill_cover_sheet(
    case: Case,
    *,
    form: str | Path | bytes | None = None,
    mapping: str | Path | CoverSheetMapping | None = None,
    flatten: bool = False,
) -> CoverSheet:
    """Check the mapping against the form, evaluate it for ``case`` and fill the form.

    Defaults: the generic cover sheet and its mapping.  Raises :class:`FormProblems`
    (every problem, each with the mapping's line) before anything is filled.
    """
    loaded = mapping if isinstance(mapping, CoverSheetMapping) else load_mapping(mapping or default_mapping_path())
    pdf = resolve_form(loaded, form)
    values, problems = mapping_problems(loaded, pdf, case)
    if problems:
        raise FormProblems(problems)
    filled: FilledForm = fill_form(pdf, values, flatten=flatten)
    notes = list(filled.notes)
    for f in pdf.fields.values():
        if f.required and f.kind in ("text", "choice", "list", "radio") and not filled.values.get(f.name, f.value or ""):
            notes.append(f"the PDF marks field '{f.name}' as required and it is empty")
    if loaded.confidential:
        notes.append(
            f"{Path(pdf.source).name} is a confidential court-only record: file it with the clerk on its own; "
            "never serve it on the other party or put it in a filing packet"
        )
    return CoverSheet(data=filled.data, mapping=loaded, form=pdf, values=filled.values, notes=notes)


# --------------------------------------------------------------------------- starter mapping


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's quoting is valid YAML)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def starter_mapping(form: PdfForm, *, form_ref: str, title: str | None = None) -> str:
    """A mapping file listing every fillable field of ``form``, each left blank, with its
    type, allowed values, page and position in a comment above it."""
    lines = [
        f"# Starter mapping for {Path(form.source).name}, written by `mediation-agreement fields --starter`.",
        "# Fill in each value; delete the entries you do not need (unmapped fields stay as the PDF has them).",
        "#   text, choice, radio:  \"{{ court.case_number }}\"  or  \"{{ a.full_name }} v. {{ b.full_name }}\"",
        "#   checkbox:             {checked: <condition>, on_state: <from the PDF>}, e.g. checked: court.iv_d",
        "#   add `required: true` to refuse filling when a value comes out empty.",
        "# Positions are points from the page's top-left corner (72 points = 1 inch).",
        "# Check it with: mediation-agreement coversheet CASE --map THIS.yml --out cover.pdf  (docs/coversheets.md)",
        f"form: {_q(form_ref)}",
        f"title: {_q(title or Path(form.source).stem)}",
        "confidential: false  # true if the court keeps this form confidential (SSNs, birth dates): it never goes in a packet",
        "fields:",
    ]
    for f in form.in_position_order():
        w = next((w for w in f.widgets if w.page is not None), f.widgets[0] if f.widgets else None)
        where = ""
        if w is not None:
            x, y = w.top_left
            width, height = w.size
            where = f"page {w.page or '?'}, at {x:.0f},{y:.0f} pt, {width:.0f}x{height:.0f}"
        tip = f" — {_q(f.tooltip)}" if f.tooltip else ""
        comment = f"  # {where} — {f.kind}: {f.allowed()}{tip}"
        if f.kind in ("button", "signature"):
            lines.append(f"  # {_q(f.name)}: not fillable ({f.kind}){tip}")
            continue
        lines.append(comment)
        required = ", required: true" if f.required else ""
        if f.kind == "checkbox":
            state = f", on_state: {_q(f.on_states[0])}" if f.on_states else ""
            lines.append(f"  {_q(f.name)}: {{checked: false{state}{required}}}")
        elif required:
            lines.append(f"  {_q(f.name)}: {{value: \"\"{required}}}")
        else:
            lines.append(f"  {_q(f.name)}: \"\"")
    return "\n".join(lines) + "\n"


def relative_form_ref(form_path: Path, mapping_path: Path) -> str:
    """How a mapping at ``mapping_path`` should name ``form_path`` (relative when possible)."""
    try:
        return Path(os.path.relpath(form_path.resolve(), mapping_path.resolve().parent)).as_posix()
    except ValueError:  # different drives on Windows
        return form_path.resolve().as_posix()


__all__ = [
    "GENERIC",
    "AttachmentRule",
    "ConfidentialValueError",
    "CoverSheet",
    "CoverSheetMapping",
    "FieldRule",
    "WithheldAddress",
    "check_mapping",
    "confidential_needles",
    "cover_sheets_dir",
    "default_mapping_path",
    "evaluate_mapping",
    "fill_cover_sheet",
    "find_confidential",
    "load_mapping",
    "mapping_context",
    "mapping_problems",
    "relative_form_ref",
    "resolve_form",
    "starter_mapping",
]
