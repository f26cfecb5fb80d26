"""Case-model field paths, for forms that fill in a case a few fields at a time.

Pure functions over the case model and plain case data (no docassemble): what
type and allowed values a field path has, its default, which problems the case
model finds in the answers given *so far* (not complaining about fields not
reached yet), whether a value is allowed at a path given the other answers
(the model's cross-section safety rules), which alternatives of a clause are
offered, and a one-line-per-answer summary.  The interviews reach them through
:mod:`.da_adapter`; anything else that fills a case piece by piece can use them
as they are.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from ..errors import MediationError, Problem
from .model import Case, SafetyScreening, cross_field_problems
from .yamlsource import dotted
from .zones import state_time_zone, zone_problem

__all__ = [
    "allowed_values",
    "has_fixed_values",
    "cross_section_problems",
    "field_default",
    "list_element",
    "model_of",
    "safety_finding",
    "section_problems",
    "summary_text",
    "value_allowed",
    "with_value",
]


# --------------------------------------------------------------------------- the model's shape

def unwrap(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin is Annotated:
        return unwrap(get_args(annotation)[0])
    return annotation


def union_args(annotation: Any) -> tuple[Any, ...]:
    annotation = unwrap(annotation)
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(unwrap(a) for a in get_args(annotation))
    return (annotation,)


def model_of(annotation: Any) -> type[BaseModel] | None:
    for arg in union_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def is_optional(annotation: Any) -> bool:
    return type(None) in union_args(annotation)


def list_element(annotation: Any) -> Any:
    for arg in union_args(annotation):
        if get_origin(arg) is list:
            args = get_args(arg)
            return args[0] if args else Any
    return None


def is_dict(annotation: Any) -> bool:
    return any(get_origin(arg) is dict for arg in union_args(annotation))


def has_fixed_values(annotation: Any) -> bool:
    """Whether the field takes one of a fixed set of values (a Literal or an enum)."""
    return any(get_origin(arg) is Literal or (isinstance(arg, type) and issubclass(arg, enum.Enum)) for arg in union_args(annotation))


def is_decimal(annotation: Any) -> bool:
    return any(arg is Decimal for arg in union_args(annotation))


def annotation_at(path: str) -> Any:
    """The case model's type annotation for the field at ``path`` (list indices ignored), else None."""
    model: Any = Case
    annotation: Any = None
    for part in re.sub(r"\[\d+\]", "", path).split("."):
        current = model_of(model) if not (isinstance(model, type) and issubclass(model, BaseModel)) else model
        if current is None:
            current = model_of(list_element(model))
        if current is None or part not in current.model_fields:
            return None
        annotation = current.model_fields[part].annotation
        model = annotation
    return annotation


def allowed_values(path: str) -> list[Any] | None:
    """The fixed set of values the case model allows at ``path`` (Literal or enum), else None."""
    annotation = annotation_at(path)
    if annotation is None:
        return None
    values: list[Any] = []
    for arg in union_args(annotation):
        if get_origin(arg) is Literal:
            values.extend(get_args(arg))
        elif isinstance(arg, type) and issubclass(arg, enum.Enum):
            values.extend(member.value for member in arg)
        elif get_origin(arg) is list:
            return None
    return values or None


def with_value(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Set ``value`` at the dotted ``path`` of ``data`` and return ``data``.

    The sections on the way are copied before they are changed, so a section
    ``data`` shares with other data is left alone.
    """
    parts = path.split(".")
    current = data
    for part in parts[:-1]:
        nxt = current.get(part)
        nxt = dict(nxt) if isinstance(nxt, Mapping) else {}
        current[part] = nxt
        current = nxt
    current[parts[-1]] = value
    return data


def field_default(path: str) -> Any:
    """The case model's default for ``path`` (None for a required field)."""
    model: type[BaseModel] = Case
    parts = path.split(".")
    for part in parts[:-1]:
        sub = model_of(model.model_fields[part].annotation) or model_of(list_element(model.model_fields[part].annotation))
        if sub is None:
            raise MediationError("not a section of the case model", field_path=path)
        model = sub
    info = model.model_fields[parts[-1]]
    if info.is_required():
        return None
    return info.get_default(call_default_factory=True)




# --------------------------------------------------------------------------- problems in partial answers


def section_problems(data: Mapping[str, Any], blanks: Sequence[str], section: str) -> list[Problem]:
    """What the case model says about ``section`` of partial case ``data``.

    A field missing from ``data`` is not a problem (it has not been asked yet)
    unless its path is in ``blanks`` (asked, and left blank).  Rules spanning
    sections (:func:`~.case.cross_field_problems`) are applied as soon as the
    sections they read are there.
    """
    problems: list[Problem] = []
    if section in Case.model_fields and section in data:
        try:
            TypeAdapter(Case.model_fields[section].rebuild_annotation()).validate_python(data[section])
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = tuple(part for part in err["loc"] if not is_union_tag(part))
                path = dotted((section, *loc))
                if err["type"] == "missing" and path not in blanks:
                    continue
                problems.append(Problem(plain_error(err, path), field_path=path))
    for path, message in cross_section_problems(data):
        if path.split(".")[0].split("[")[0] == section:
            problems.append(Problem(f"{field_label(path)}: {in_words(message)}", field_path=path))
    problems += entry_problems(data, section)
    if section == "parenting_time" and "parenting_time.time_zone" in blanks:
        court = data.get("court") if isinstance(data.get("court"), Mapping) else {}
        if state_time_zone(court.get("state"), court.get("county")) is None:
            message = zone_problem(court.get("state"), court.get("county")) or "give the family's time zone"
            problems.append(Problem(f"{field_label('parenting_time.time_zone')}: {in_words(message)}", field_path="parenting_time.time_zone"))
    return problems


ENTRY_AHEAD_DAYS = 366
"""How far ahead of today a date typed in as the agreement's date may be (9920-09-09 is a date picker's typo)."""

ENTRY_BACK_YEARS = 10
"""How far back it may be: an agreement being amended may be years old, a 1926 for 2026 is a typo."""


def _today() -> dt.date:
    return dt.date.today()


def entry_problems(data: Mapping[str, Any], section: str) -> list[Problem]:
    """Checks for answers being typed in, not for case files: a date picker's typo is caught on its screen.

    A case file may be years old (an agreement being amended), so the CLI
    does not apply these; the interview does, on the screen that asks.
    """
    when = data.get("agreement_date") if section == "agreement_date" else None
    if not isinstance(when, dt.date):
        return []
    today = _today()
    if (when - today).days > ENTRY_AHEAD_DAYS:
        return [Problem(f"{when:%B %-d, %Y} is more than a year from today; check the date (month, day, year)", field_path="agreement_date")]
    if when < dt.date(today.year - ENTRY_BACK_YEARS, today.month, min(today.day, 28)):
        return [Problem(f"{when:%B %-d, %Y} is more than {ENTRY_BACK_YEARS} years ago; check the date (month, day, year)", field_path="agreement_date")]
    return []


def cross_section_problems(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The case model's cross-section rules, on answers that may not be complete yet."""
    try:
        return cross_field_problems(_PartialCase(data))  # type: ignore[arg-type]
    except (AttributeError, TypeError, KeyError):
        return []


def value_allowed(data: Mapping[str, Any], path: str, value: Any) -> bool:
    """Whether the cross-section rules allow ``value`` at ``path`` given the other answers."""
    if "[" in path:
        return True  # the cross-section rules read no list item
    probe = with_value(dict(data), path, value)
    return all(problem_path != path for problem_path, _message in cross_section_problems(probe))


def safety_finding(data: Mapping[str, Any]) -> bool:
    """The case model's own answer: does the screening record a finding (abuse, violence or an order)?"""
    try:
        return SafetyScreening.model_validate(data.get("safety", {})).finding
    except ValidationError:
        return False


class _Unknown:
    """An answer not given yet: false, equal to nothing, with unknown attributes of its own."""

    def __bool__(self) -> bool:
        return False

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0

    def __getattr__(self, name: str) -> _Unknown:
        return _Unknown()

    def __len__(self) -> int:
        return 0


class _PartialCase:
    """Attribute access over partial case data; complete sections become model objects."""

    def __init__(self, data: Mapping[str, Any], model: type[BaseModel] = Case) -> None:
        self._data = data
        self._model = model

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        fields = self._model.model_fields
        if name not in self._data:
            if name in fields and not fields[name].is_required():
                return fields[name].get_default(call_default_factory=True)
            return _Unknown()
        value = self._data[name]
        sub = model_of(fields[name].annotation) if name in fields else None
        if sub is not None and isinstance(value, Mapping):
            try:
                return sub.model_validate(value)
            except ValidationError:
                return _PartialCase(value, sub)
        return value




# --------------------------------------------------------------------------- clause alternatives


# --------------------------------------------------------------------------- summaries


def summary_text(data: Mapping[str, Any], path: str, *, skip: Sequence[str] = ()) -> str:
    """Every answer under ``path`` in ``data``, one per line (Markdown line breaks).

    Labels and chosen options are in words (``answer_labels.yml``); a value that
    names a parent (``a``/``b``) prints that parent's name.
    """
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    if value in (None, {}, []):
        return "(none)"
    lines: list[str] = []
    names = {letter: _parent_name(data, letter) for letter in ("a", "b")}
    summarise(value, "", lines, set(skip), path=path, names=names)
    return "  \n".join(lines) if lines else "(none)"


def summarise(value: Any, label: str, lines: list[str], skip: set[str], *, path: str = "", names: Mapping[str, str] | None = None) -> None:
    names = names or {}
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key in skip:
                continue
            here = f"{path}.{key}" if path else key
            summarise(item, f"{label} – {field_label(here, names)}" if label else field_label(here, names), lines, skip, path=here, names=names)
    elif isinstance(value, list) and value and isinstance(value[0], Mapping) and not label:
        for i, item in enumerate(value, start=1):
            summarise(item, f"{i}.", lines, skip, path=path, names=names)
    elif isinstance(value, list) and value and isinstance(value[0], Mapping):
        for i, item in enumerate(value, start=1):
            summarise(item, f"{label} {i}", lines, skip, path=path, names=names)
    else:
        shown = value_label(path, value, names)
        lines.append(f"{label}: {shown}" if label else shown)


@lru_cache(maxsize=1)
def _answer_labels() -> dict[str, dict[str, Any]]:
    text = (files("docassemble.MediationAgreement") / "data" / "sources" / "answer_labels.yml").read_text(encoding="utf-8")
    loaded = yaml.safe_load(text) or {}
    return {"fields": dict(loaded.get("fields") or {}), "values": dict(loaded.get("values") or {}), "formats": dict(loaded.get("formats") or {})}


def field_label(path: str, names: Mapping[str, str] | None = None) -> str:
    """The words for a case field on the review screen: ``child_support.payer`` -> "Parent who pays"."""
    known = _answer_labels()["fields"]
    key = path.rsplit(".", 1)[-1]
    found = known.get(path) or known.get(key)
    if found:
        return str(found)
    share = re.fullmatch(r"parent_([ab])_percent", key)
    if share and names:
        return f"{names.get(share.group(1)) or 'Parent ' + share.group(1).upper()}'s share (%)"
    return _human(key)


def value_label(path: str, value: Any, names: Mapping[str, str]) -> str:
    """The words for an answer: the option the interview offered, or a parent's name for ``a``/``b``."""
    if isinstance(value, (int, float, str)) and not isinstance(value, bool) and path and is_decimal(annotation_at(path)):
        try:
            return f"${Decimal(str(value)):,.2f}"
        except ArithmeticError:
            return str(value)
    if isinstance(value, list) and value and all(isinstance(v, str) and names.get(v) for v in value) and _names_a_parent(path):
        return ", ".join(names[v] for v in value)
    if isinstance(value, str):
        options = _answer_labels()["values"].get(path) or {}
        if value in options:
            return str(options[value])
        if value in names and names[value] and _names_a_parent(path):
            return names[value]
        allowed = allowed_values(path) if path else None
        if allowed is not None and value in {str(v) for v in allowed} and "_" in value:
            return value.replace("_", " ")
    return _display(value)


def _names_a_parent(path: str) -> bool:
    """True when the field holds a parent (``a``/``b``), or a list of them."""
    annotation = annotation_at(path) if path else None
    if annotation is None:
        return False
    element = list_element(annotation)
    for candidate in (annotation, element) if element is not None else (annotation,):
        values = {str(v) for arg in union_args(candidate) if get_origin(arg) is Literal for v in get_args(arg)}
        if {"a", "b"} <= values:
            return True
    return False


def _parent_name(data: Mapping[str, Any], letter: str) -> str:
    parent = data.get(f"parent_{letter}")
    if not isinstance(parent, Mapping):
        return ""
    return str(parent.get("short_name") or parent.get("full_name") or "")


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(_display(v) for v in value) or "(none)"
    if isinstance(value, dt.date):
        return value.strftime("%B %-d, %Y")
    if isinstance(value, dt.time):
        return value.strftime("%-I:%M %p").lower()
    if isinstance(value, Decimal):
        return f"${value:,.2f}"
    return str(value)


def _human(key: str) -> str:
    return key.replace("_", " ").capitalize()


def is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and (part.startswith(("literal[", "function-")) or part[:1].isupper() or part in ("str", "int", "date", "time", "decimal", "bool"))


def plain_error(err: Mapping[str, Any], path: str) -> str:
    """A validation error as the person typing sees it: the field's label, then what the answer must be.

    ``ZIP code: 5 digits, like 85004`` rather than ``String should match
    pattern '^\\d{5}(-\\d{4})?$'``; a rule's own sentence has its field names
    in words (``Last day of school must be after first day of school``).
    """
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    name = path.rsplit(".", 1)[-1].split("[")[0]
    if kind == "missing" and str(err.get("msg", "")) in ("Field required", ""):
        text = "this is required"
    elif kind == "string_pattern_mismatch":
        text = str(_answer_labels().get("formats", {}).get(name) or "not in the form this answer takes")
    elif kind == "greater_than_equal":
        text = f"at least {ctx.get('ge')}"
    elif kind == "greater_than":
        text = f"more than {ctx.get('gt')}"
    elif kind in ("less_than_equal", "less_than"):
        text = f"at most {ctx.get('le', ctx.get('lt'))}"
    elif kind == "string_too_long":
        text = f"too long: at most {ctx.get('max_length', 0):,} characters"
    elif kind == "too_long":
        text = f"too many: at most {ctx.get('max_length', 0):,}"
    elif kind.startswith("int_"):
        text = "a whole number, like 12"
    elif kind.startswith(("decimal_", "float_")):
        text = "an amount, like 412.50"
    elif kind.startswith(("datetime_", "date_")):
        text = "a date, like 11/20/2026"
    elif kind.startswith("time_"):
        text = "a time, like 6:00 PM"
    elif kind in ("literal_error", "enum"):
        text = "choose one of the options"
    else:  # a rule's own sentence, which names its fields
        text = in_words(strip_prefix(str(err.get("msg", ""))))
        return text[:1].upper() + text[1:]
    return f"{field_label(path)}: {text}"


_FIELD_NAME = re.compile(r"\b[a-z][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z][a-z0-9_]*(?:\[\d+\])?)+\b|\b[a-z][a-z0-9]*_[a-z0-9_]+\b")


def in_words(message: str) -> str:
    """A rule's message with its field names (``last_day``, ``safety.domestic_violence.concerns``) as the interview's words."""

    def label(match: re.Match[str]) -> str:
        token = match.group(0)
        if "." in token and token.split(".")[0].split("[")[0] not in Case.model_fields:
            return token  # not a case field: "e.g.", a file name
        words = field_label(token)
        return words[:1].lower() + words[1:] if words[:2] != words[:2].upper() else words

    return _FIELD_NAME.sub(label, message)


def strip_prefix(message: str) -> str:
    return message.removeprefix("Value error, ")


