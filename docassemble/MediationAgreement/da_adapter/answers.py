"""The mediator's interview: its answers tree <-> case data, the choices it offers, the draft.

The interviews keep their answers in a tree of docassemble objects that has
the case model's shape, so the mapping is mechanical:

* ``case`` is a :class:`CaseAnswers`; ``case.parent_a.full_name`` is the case
  file's ``parent_a.full_name``; lists (``case.children``) are ``DAList`` s of
  ``DAObject`` s; ``case.choices`` is a ``DADict``.  The tree is built from
  :class:`~docassemble.MediationAgreement.case.model.Case` itself, so a field added
  to the model is a field the interview can ask.
* an optional section is kept or dropped by a yes/no named ``has_<field>``
  beside it (``case.safety.has_protective_order``, ``case.has_child_support``);
* a list of plain values (``court.related_cases``, ``additional_terms``) is
  asked as a text area, one item per line;
* a blank optional answer (``None`` or ``""``) is left out, so the model's
  default applies.

Everything else is the engine's (the field-path logic is in :mod:`..case_fields`,
plain Python): :func:`check_answers` (an interview's ``validation code``)
validates the answers so far with the case model and raises the engine's own
message on the screen's field; :func:`offered_choices` lists the clause
library's alternatives (with their ``when`` conditions and the case model's
safety rules applied); :func:`draft_agreement` assembles with the same
function the CLI uses.  Nothing here decides anything about a case.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from docassemble.base.util import (
    DADict,
    DAFile,
    DAList,
    DAObject,
    as_datetime,
    validation_error,
)
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..assembly.assemble import Choice, assemble, clause_alternatives, selectable_alternatives
from ..assembly.document import AgreementDocument, to_plain_text
from ..case.fields import (
    allowed_values,
    field_default,
    has_fixed_values,
    is_decimal,
    is_dict,
    is_optional,
    list_element,
    model_of,
    section_problems,
    summary_text,
    value_allowed,
)
from ..case.fields import safety_finding as case_finding
from ..case.model import Case, case_from_data, dump_case, parse_case_text
from ..case.safety import FINDING_WORDS
from ..case.schedule import WEEKEND_PATTERNS
from ..case.zones import state_time_zone
from ..errors import CaseValidationError, MediationError
from ..library.clauses import ClauseLibrary
from ..support.case_support import support_terms
from .server import clause_library, plain

FLAG_PREFIX = "has_"
_DA_INTERNAL = frozenset({"instanceName", "attrList", "has_nonrandom_instance_name"})


# --------------------------------------------------------------------------- the answers tree


class ParentAnswers(DAObject):
    """``case.parent_a`` / ``case.parent_b``: one class so the interview asks about both with generic questions."""

    @property
    def letter(self) -> str:
        """``A`` or ``B``, as the mediator's screens call the parents before they have names."""
        return self.instanceName[-1].upper()

    @property
    def label(self) -> str:
        """The parent's name when known, else "Parent A"."""
        name = vars(self).get("full_name")
        return str(name) if name else f"Parent {self.letter}"


class FindingAnswers(DAObject):
    """``case.safety.domestic_violence`` / ``case.safety.child_abuse``: one class so one generic screen asks whom each finding concerns."""

    @property
    def kind(self) -> str:
        """``domestic_violence`` or ``child_abuse``: the finding this object records."""
        return str(self.instanceName.rsplit(".", 1)[-1])

    @property
    def words(self) -> str:
        """"domestic-violence finding", as the screen names it."""
        return FINDING_WORDS[self.kind]


_ANSWER_CLASSES: dict[str, type[DAObject]] = {"Parent": ParentAnswers, "SafetyFinding": FindingAnswers}


class CaseAnswers(DAObject):
    """The interview's ``case``: a DAObject tree with the case model's shape.

    Sub-models become ``DAObject`` s, lists of models ``DAList`` s (an item is
    complete when the first required field of its model is answered, so each
    item is asked on one screen that starts with that field; a list the model
    requires to be non-empty starts with ``there_are_any = True``), and
    ``choices`` a ``DADict``.
    """

    def init(self, *pargs: Any, **kwargs: Any) -> None:
        super().init(*pargs, **kwargs)
        _build(self, Case)


def _build(obj: DAObject, model: type[BaseModel]) -> None:
    for name, info in model.model_fields.items():
        annotation = info.annotation
        sub = model_of(annotation)
        element = list_element(annotation)
        if sub is not None:
            obj.initializeAttribute(name, _ANSWER_CLASSES.get(sub.__name__, DAObject))
            _build(getattr(obj, name), sub)
        elif element is not None and model_of(element) is not None:
            item_model = model_of(element)
            assert item_model is not None
            required = [n for n, f in item_model.model_fields.items() if f.is_required()]
            kwargs: dict[str, Any] = {"object_type": DAObject, "complete_attribute": required[0] if required else None}
            if any(getattr(m, "min_length", 0) for m in info.metadata):
                kwargs["there_are_any"] = True
            obj.initializeAttribute(name, DAList.using(**kwargs))
        elif is_dict(annotation):
            obj.initializeAttribute(name, DADict.using(auto_gather=False, gathered=True))


# --------------------------------------------------------------------------- answers -> case data


def answers_to_data(answers: DAObject) -> dict[str, Any]:
    """The case data the answers so far describe (unanswered fields are simply absent)."""
    return _to_data(answers, Case, "", [])


def _to_data(obj: Any, model: type[BaseModel] | None, prefix: str, blanks: list[str]) -> dict[str, Any]:
    values = {k: v for k, v in vars(obj).items() if not k.startswith("_") and k not in _DA_INTERNAL}
    fields = model.model_fields if model is not None else {}
    data: dict[str, Any] = {}
    for name, value in values.items():
        if name.startswith(FLAG_PREFIX) and name[len(FLAG_PREFIX):] in fields:
            continue
        path = f"{prefix}.{name}" if prefix else name
        annotation = fields[name].annotation if name in fields else None
        flag = values.get(FLAG_PREFIX + name)
        if flag is False:
            continue
        if name in fields and _blank_number(value, fields[name]):
            converted: Any = _BLANK
        else:
            converted = _convert(value, annotation, path, blanks)
        if converted is _BLANK:
            blanks.append(path)
            continue
        if isinstance(converted, dict) and flag is None and model_of(annotation) is not None and all(v == [] for v in converted.values()):
            continue  # a section nobody has reached yet (its lists not gathered yet)
        data[name] = converted
    order = {name: i for i, name in enumerate(fields)}
    return dict(sorted(data.items(), key=lambda item: order.get(item[0], len(order))))


_BLANK = object()


def _blank_number(value: Any, info: FieldInfo) -> bool:
    """An optional number left blank in the browser: docassemble posts it as 0 (or 0.0).

    Only where 0 is not an allowed value (the model's minimum is above 0), so a
    real answer of 0 is never thrown away.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != 0 or not is_optional(info.annotation):
        return False
    for bound in info.metadata:
        minimum = getattr(bound, "ge", None)
        if minimum is not None and minimum > 0:
            return True
        if getattr(bound, "gt", None) is not None and bound.gt >= 0:
            return True
    return False


def _convert(value: Any, annotation: Any, path: str, blanks: list[str]) -> Any:
    if isinstance(value, DAList):
        element = list_element(annotation)
        model = model_of(element)
        return [_convert(item, element, f"{path}[{i}]", blanks) if model is None else _to_data(item, model, f"{path}[{i}]", blanks) for i, item in enumerate(value.elements)]
    if isinstance(value, DADict):
        return {str(k): _convert(v, None, f"{path}.{k}", blanks) for k, v in value.elements.items() if v not in (None, "")}
    if isinstance(value, DAObject):
        return _to_data(value, model_of(annotation), path, blanks)
    if value is None or (isinstance(value, str) and not value.strip()):
        return _BLANK
    if value == "None" and has_fixed_values(annotation):
        return _BLANK  # an optional radio left unselected: the browser posts the string "None"
    if isinstance(value, str) and list_element(annotation) is not None:
        return [line.strip() for line in value.splitlines() if line.strip()]
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and is_decimal(annotation):
        try:
            return Decimal(str(round(value, 2)))
        except InvalidOperation:
            return value
    if isinstance(value, str):
        return value.strip()
    return value


# --------------------------------------------------------------------------- case data -> answers (resume)


def fill_answers(answers: DAObject, case: Case) -> None:
    """Set every answer from a validated case (an uploaded case file), so the interview resumes at review."""
    _fill(answers, case)


def _fill(obj: DAObject, model_obj: BaseModel) -> None:
    for name, info in type(model_obj).model_fields.items():
        value = getattr(model_obj, name)
        annotation = info.annotation
        sub = model_of(annotation)
        optional = is_optional(annotation)
        if sub is not None:
            if optional:
                setattr(obj, FLAG_PREFIX + name, value is not None)
            if value is not None:
                if name not in vars(obj):  # a model inside a list item (an option's schedule) is built when filled
                    obj.initializeAttribute(name, _ANSWER_CLASSES.get(sub.__name__, DAObject))
                    _build(getattr(obj, name), sub)
                _fill(getattr(obj, name), value)
            continue
        target = getattr(obj, name, None) if name in vars(obj) else None
        if isinstance(target, DAList):
            target.clear()
            for item in value:
                if isinstance(item, BaseModel):
                    new = target.appendObject()
                    _fill(new, item)
                else:
                    target.append(_answer_value(item))
            target.there_are_any = bool(value)
            target.there_is_another = False
            target.gathered = True
            continue
        if isinstance(target, DADict):
            target.clear()
            for key, item in value.items():
                target[key] = item
            target.gathered = True
            continue
        if isinstance(value, list):
            setattr(obj, name, "\n".join(str(_answer_value(v)) for v in value))
            continue
        setattr(obj, name, _answer_value(value))


def _answer_value(value: Any) -> Any:
    """A case value as the interview's field would hold it."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return as_datetime(dt.datetime(value.year, value.month, value.day))
    return value


# --------------------------------------------------------------------------- validation


def check_answers(answers: DAObject, *sections: str) -> bool:
    """``validation code``: the engine's verdict on ``section`` so far, shown on the right field.

    Fields not reached yet are not complained about; a field answered blank
    that the model requires is.  Rules that span sections (the safety rules)
    are checked as soon as the sections they read are answered.
    """
    blanks: list[str] = []
    data = _to_data(answers, Case, "", blanks)
    problems = [p for section in sections for p in section_problems(data, blanks, section)]
    if problems:
        first = problems[0]
        validation_error(plain(with_names(answers, first.message)), field=variable_for(first.field_path) if first.field_path else None)
    return True


def with_names(answers: DAObject, message: str) -> str:
    """"parent b" in an engine message as the parent's name, once the interview has it."""
    def name(match: re.Match[str]) -> str:
        parent = getattr(answers, f"parent_{match.group(2).lower()}", None)
        known = vars(parent).get("full_name") if parent is not None else None
        return str(known) if known else match.group(0)

    return re.sub(r"\b([Pp]arent) ([abAB])\b", name, message)


def check_case(answers: DAObject) -> Case:
    """The whole case, validated by the engine (the review screen's ``validation code``)."""
    try:
        case = case_from_data(answers_to_data(answers), source="interview answers")
        support_terms(case)  # an agreed amount that differs from the guideline's needs its reason
        return case
    except CaseValidationError as exc:
        first = exc.problems[0]
        validation_error(plain(f"{first.field_path}: {first.message}" if first.field_path else first.message))
        raise  # not reached: validation_error raises


# --------------------------------------------------------------------------- choices


def ticked(checkboxes: Any) -> list[str]:
    """The keys of a checkbox field that are ticked, in their order.

    Not ``DADict.true_values()``: it returns a new ``DAList``, and docassemble names a
    new object by walking the call stack and reading each frame's source line, which
    was a twentieth of a web process's time under load (docs/server.md).
    """
    return [key for key, value in checkboxes.items() if value]


def offered_choices(answers: DAObject, path: str, **labels: str) -> list[dict[str, Any]]:
    """Choices for the field at ``path`` (``"decision_making.kind"``), for a ``choices: code:``.

    When clauses in the library select on the field, their alternatives are the
    choices (label and plain-language help from the library, ``when``
    applied).  Otherwise the case model's allowed values are the choices, with
    the interview's ``labels`` (every value must have one, and no other).  In
    both cases a value the case model's safety rules refuse for these answers is
    not offered.
    """
    data = answers_to_data(answers)
    library = clause_library(_court_state(data))
    alternatives = _library_alternatives(library, path, data)
    allowed = allowed_values(path)
    if alternatives:
        options = [{"value": c.value, "label": c.label, **({"help": c.help} if c.help else {})} for c in alternatives]
    else:
        if allowed is None:
            raise MediationError(f"the case model has no fixed set of values at '{path}'", field_path=path)
        wanted = {str(v) for v in allowed}
        unknown = set(labels) - wanted
        missing = wanted - set(labels)
        if unknown or missing:
            raise MediationError(
                f"interview labels do not match the case model's values (unknown: {', '.join(sorted(unknown)) or 'none'}; unlabelled: {', '.join(sorted(missing)) or 'none'})",
                field_path=path,
            )
        options = [{"value": value, "label": labels[str(value)]} for value in allowed]
    return [o for o in options if offers(answers, path, o["value"], data=data)]


def parent_choices(answers: DAObject, path: str, **more: str) -> list[dict[str, Any]]:
    """:func:`offered_choices` for a field whose values are the parents (``a``/``b``), labelled with their names."""
    return offered_choices(answers, path, a=answers.parent_a.label, b=answers.parent_b.label, **more)


def field_path(obj: DAObject, attribute: str) -> str:
    """The case field path of ``obj.attribute`` (for generic questions): ``case.parent_a`` + ``role`` -> ``parent_a.role``."""
    name = obj.instanceName
    return (name.removeprefix("case.")) + "." + attribute


def section_of(obj: DAObject) -> str:
    """The top-level case section an answers object belongs to (``case.parent_a.address`` -> ``parent_a``)."""
    return field_path(obj, "x").split(".")[0].split("[")[0]


def safety_finding(answers: DAObject) -> bool:
    """The case model's own answer: does the screening record a finding (abuse, violence or an order)?"""
    return case_finding(answers_to_data(answers))


def _court_state(data: Mapping[str, Any]) -> str | None:
    """The answered ``court.state`` (its overlay supplies the library's choices), if answered yet."""
    court = data.get("court")
    state = court.get("state") if isinstance(court, Mapping) else None
    return state if isinstance(state, str) else None


def pattern_has_weekends(answers: DAObject) -> bool:
    """Whether the chosen regular pattern is a weekend pattern (only then are the weekend questions asked)."""
    kind = ((answers_to_data(answers).get("parenting_time") or {}).get("pattern") or {}).get("kind")
    return kind in {k.value for k in WEEKEND_PATTERNS}


def family_time_zone(answers: DAObject) -> str:
    """The time zone the court's state (and county) gives, for the time-zone question's default ("" where the state spans zones)."""
    court = answers_to_data(answers).get("court") or {}
    return state_time_zone(court.get("state"), court.get("county")) or ""


def topic_heading(topic: str) -> str:
    """The agreement's heading for a topic (the libraries may rename it)."""
    return clause_library().headings.get(topic, topic.replace("_", " ").capitalize())


def offers(answers: DAObject, path: str, value: Any = True, *, data: Mapping[str, Any] | None = None) -> bool:
    """Whether the case model's cross-section rules allow ``value`` at ``path`` for these answers."""
    return value_allowed(data if data is not None else answers_to_data(answers), path, value)


def _library_alternatives(library: ClauseLibrary, path: str, data: Mapping[str, Any]) -> list[Choice]:
    choices_for = getattr(library, "choices_for", None)
    if choices_for is not None:
        return list(choices_for(path, data))
    return selectable_alternatives(library, f"case.{path}", data)


def clause_choice_fields(answers: DAObject, topic: str) -> list[dict[str, Any]]:
    """Fields for the clauses of ``topic`` that have alternatives but no ``select``: the mediator picks one.

    For a ``fields: code:``; each sets ``case.choices['<clause id>']``.
    """
    data = answers_to_data(answers)
    fields = []
    for clause in clause_library(_court_state(data)).ordered():
        if clause.topic != topic or not clause.alternatives or clause.select is not None:
            continue
        choices = clause_alternatives(clause, data)
        if not choices:
            continue
        field: dict[str, Any] = {
            "label": clause.title,
            "field": f"case.choices[{clause.id!r}]",
            "datatype": "radio",
            "choices": [{"value": c.value, "label": c.label, **({"help": c.help} if c.help else {})} for c in choices],
        }
        if clause.default and any(c.value == clause.default for c in choices):
            field["default"] = clause.default
        fields.append(field)
    return fields


def model_default(path: str) -> Any:
    """The case model's default for ``path``, for a field's ``default:`` (the model owns defaults).

    "" when the model has none: ``default:`` is Mako text, and ``None`` would print as "None".
    """
    value = field_default(path)
    return "" if value is None else _answer_value(value)


def draft_agreement(answers: DAObject, *, draft: bool = True) -> AgreementDocument:
    """The agreement, assembled by the engine exactly as ``mediation-agreement assemble`` does."""
    case = check_case(answers)
    try:
        return assemble(case, clause_library(case.court.state), draft=draft)
    except MediationError as exc:
        validation_error(plain(str(exc)))
        raise


def draft_html(doc: AgreementDocument) -> str:
    """The agreement as an HTML fragment, with the same stylesheet as the full HTML page."""
    from ..render.html import html_stylesheet, render_html_fragment

    return f"<style>{html_stylesheet()}</style>\n{render_html_fragment(doc)}"


def draft_text(doc: AgreementDocument) -> str:
    return to_plain_text(doc)


def draft_downloads(doc: AgreementDocument, stem: str = "agreement") -> dict[str, DAFile]:
    """PDF and DOCX of the draft as DAFiles (for download links on the final screen)."""
    from ..render.docx import render_docx
    from ..render.pdf import render_pdf

    files = {}
    for ext, make in (("pdf", render_pdf), ("docx", render_docx)):
        the_file = DAFile(f"{stem}_{ext}")
        the_file.initialize(filename=f"{stem}.{ext}")
        the_file.write(make(doc), binary=True)
        the_file.commit()
        files[ext] = the_file
    return files


# --------------------------------------------------------------------------- case files


def case_file_text(answers: DAObject) -> str:
    """The case as a case file (YAML), the same format the CLI reads."""
    case = check_case(answers)
    return yaml.safe_dump(_yaml_ready(dump_case(case)), sort_keys=False, allow_unicode=True)


def case_file_download(answers: DAObject, filename: str = "case.yml") -> DAFile:
    the_file = DAFile("case_file")
    the_file.initialize(filename=filename)
    the_file.write(case_file_text(answers))
    the_file.commit()
    return the_file


CASE_FILE_SUFFIXES = (".yml", ".yaml", ".json")
"""The case file names the upload screen takes (what ``mediation-agreement`` reads and writes)."""


def load_case_upload(answers: DAObject, upload: Any) -> Case:
    """Read an uploaded case file and set every answer from it; errors shown on the upload field."""
    the_file = upload[0] if isinstance(upload, (DAList, list)) or hasattr(upload, "elements") else upload
    name = str(getattr(the_file, "filename", "") or "uploaded case file")
    # No ``accept:`` on the field: docassemble checks it in the browser against the MIME type,
    # which browsers report as "" or "application/x-yaml" for a .yml file, so Chromium refused
    # the interview's own case.yml. The name and the contents are checked here instead.
    if Path(name).suffix.lower() not in CASE_FILE_SUFFIXES:
        validation_error(f"Choose a case file whose name ends in .yml, .yaml or .json. This file is “{name}”.")
    try:
        text = Path(the_file.path()).read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        validation_error(f"“{name}” is not a case file: a case file is text (YAML or JSON), saved as UTF-8.")
        raise
    try:
        case = parse_case_text(text, source=name)
    except CaseValidationError as exc:
        validation_error(plain("The case file has problems: " + "; ".join(f"{p.field_path}: {p.message}" if p.field_path else p.message for p in exc.problems[:3])))
        raise
    except MediationError as exc:
        validation_error(plain(str(exc)))
        raise
    fill_answers(answers, case)
    return case


def _yaml_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _yaml_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_yaml_ready(v) for v in value]
    return value


# --------------------------------------------------------------------------- review screen


def summary(answers: DAObject, path: str, *, skip: Sequence[str] = ()) -> str:
    """Every answer under ``path``, one per line (Markdown), for the review screen."""
    return summary_text(answers_to_data(answers), path, skip=skip)


# --------------------------------------------------------------------------- helpers


def variable_for(field_path: str) -> str:
    """The interview variable for a case field path (``children[0].full_name`` -> ``case.children[0].full_name``)."""
    return "case." + field_path


