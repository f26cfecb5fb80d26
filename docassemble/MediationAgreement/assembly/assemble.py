"""Putting an agreement together: choose clauses, number them, render them.

Three passes over the combined library: *select* the clauses whose ``when``
holds and the alternative each uses; *number* sections (one per topic that has
clauses) and clauses, so ``ref('clause.id')`` can name "Section 4.2"; *render*
each clause in the sandbox and split its text into paragraphs, lists and the
engine's tables.  The result is one :class:`~.document.AgreementDocument`
that every output format reads.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..case.model import Case
from ..errors import AssemblyError, ClauseError
from ..library.bounded import Budget, bounded
from ..library.clauses import SIGNATURE_TOPIC, Clause, ClauseLibrary, load_case_library
from ..library.evaluation import EvaluationFailed, evaluate_expression, fields_read, render_template, value_words
from ..library.templating import case_context
from ..support.case_support import support_terms
from ..wording.formats import capfirst, longdate, longdate_es
from .document import (
    ELECTRONIC_SIGNERS,
    AgreementDocument,
    Block,
    BulletList,
    ClauseBlock,
    Paragraph,
    Section,
    SignatureBlock,
    SignatureLine,
    Table,
)
from .words import agreement_words

TABLE_DIRECTIVE = re.compile(r"^\[\[table:([a-z_]+)\]\]$")
SIGNATURE_DIRECTIVE = re.compile(r"^\[\[signature:([a-z_]+)\]\]$")
SIGNATURE_KEYS = ("name", "role", "statement")


@dataclass(frozen=True)
class Selected:
    """A clause chosen for this case, with the alternative it uses (if any)."""

    clause: Clause
    alternative: str | None


@dataclass(frozen=True)
class Choice:
    """An alternative offered to the mediator: value, label and plain-language help."""

    value: str
    label: str
    help: str | None
    clause_id: str


# --------------------------------------------------------------------------- expressions


def evaluate(clause: Clause, expression: str, context: Mapping[str, Any], *, what: str, line: int | None) -> Any:
    """Evaluate a clause's ``when``/``select`` expression, errors naming clause, file and line.

    Every failure (an undefined name, a sandbox refusal, a limit, a division by
    zero...) is a :class:`ClauseError`; never a traceback.
    """
    try:
        return evaluate_expression(expression, context)
    except EvaluationFailed as exc:
        raise ClauseError(f"{what} `{expression}` failed: {exc.description}", path=clause.source, line=line, clause_id=clause.id) from None


# --------------------------------------------------------------------------- selection


def choose_alternative(clause: Clause, case: Case, context: Mapping[str, Any]) -> str | None:
    """The alternative this case uses, or ``None`` when none applies (the clause is left out)."""
    if clause.select is not None:
        value = evaluate(clause, clause.select, context, what="select", line=clause.line_of("select"))
        name = getattr(value, "value", value)
        name = None if name is None else str(name)
    else:
        name = case.choices.get(clause.id, clause.default)
        if name is not None and name not in clause.alternatives:
            options = ", ".join(clause.alternatives)
            raise AssemblyError(f"choice '{name}' is not an alternative of this clause (choose one of: {options})", field_path=f"choices.{clause.id}", clause_id=clause.id)
    if name is None or name not in clause.alternatives:
        return None
    alt = clause.alternatives[name]
    if alt.when is not None and not evaluate(clause, alt.when, context, what="when", line=clause.line_of("alternatives", name, "when")):
        return None
    return name


def select_clauses(case: Case, library: ClauseLibrary, context: Mapping[str, Any] | None = None) -> list[Selected]:
    """The clauses that apply to this case, in outline order."""
    context = context if context is not None else case_context(case)
    chosen: list[Selected] = []
    excluded = set(case.excluded_clauses)
    unknown = excluded - set(library.clauses)
    if unknown:
        raise AssemblyError(f"excluded_clauses names unknown clause(s): {', '.join(sorted(unknown))}", field_path="excluded_clauses")
    for clause in library.ordered():
        picked = _pick(clause, case, context, excluded)
        if picked is not None:
            chosen.append(picked)
        elif _required(clause, context):
            raise AssemblyError(
                "a required part of the agreement has no text for this case: " + "; ".join(why_left_out(clause, case, context, excluded))
                + ". Change the answers named, or give the clause an alternative that applies",
                path=clause.source, clause_id=clause.id,
            )
    return chosen


def _pick(clause: Clause, case: Case, context: Mapping[str, Any], excluded: set[str]) -> Selected | None:
    if clause.id in excluded:
        return None
    if clause.when is not None and not evaluate(clause, clause.when, context, what="when", line=clause.line_of("when")):
        return None
    if not clause.alternatives:
        return Selected(clause, None)
    alternative = choose_alternative(clause, case, context)
    return None if alternative is None else Selected(clause, alternative)


def _required(clause: Clause, context: Mapping[str, Any]) -> bool:
    """Whether the agreement must contain ``clause`` for this case (its ``required``: true, or a condition that holds)."""
    if clause.required is None or isinstance(clause.required, bool):
        return bool(clause.required)
    return bool(evaluate(clause, clause.required, context, what="required", line=clause.line_of("required")))


def why_left_out(clause: Clause, case: Case, context: Mapping[str, Any], excluded: set[str]) -> list[str]:
    """Why ``clause`` is not in this agreement, alternative by alternative, naming the case fields that decided it."""
    if clause.id in excluded:
        return ["excluded_clauses lists it"]
    if clause.when is not None and not evaluate(clause, clause.when, context, what="when", line=clause.line_of("when")):
        return [f"its condition `{clause.when}` is false ({_fields(clause.when, context)})"]
    if clause.select is not None:
        value = evaluate(clause, clause.select, context, what="select", line=clause.line_of("select"))
        name = getattr(value, "value", value)
        picked_by = f"{clause.select.removeprefix('case.')} is {value_words(value)}"
    else:
        name = case.choices.get(clause.id, clause.default)
        picked_by = f"choices.{clause.id} is {value_words(name)}"
    reasons = []
    for alt in clause.alternatives.values():
        if alt.name != name:
            reasons.append(f"'{alt.name}' is not chosen ({picked_by})")
        else:
            reasons.append(f"'{alt.name}' is ruled out by `{alt.when}` ({_fields(alt.when or '', context)})")
    if name is None or str(name) not in clause.alternatives:
        reasons.insert(0, f"{picked_by}, which names none of its alternatives")
    return reasons


def _fields(expression: str, context: Mapping[str, Any]) -> str:
    read = fields_read(expression, context)
    return ", ".join(f"{path.removeprefix('case.')} is {value_words(value)}" for path, value in read) or "it reads no case field"


def offered_alternatives(clause: Clause, context: Mapping[str, Any]) -> list[Choice]:
    """The alternatives of ``clause`` whose ``when`` holds in ``context``.

    An alternative whose ``when`` cannot be decided yet (the answers it reads
    are missing) is not offered: never offer what the library may rule out.
    """
    offered: list[Choice] = []
    for alt in clause.alternatives.values():
        if alt.when is not None:
            try:
                allowed = bool(evaluate_expression(alt.when, context))
            except EvaluationFailed as exc:
                if exc.over_limit:  # not "undecided": the expression itself is at fault
                    raise ClauseError(
                        f"when `{alt.when}` failed: {exc.description}",
                        path=clause.source, line=clause.line_of("alternatives", alt.name, "when"), clause_id=clause.id,
                    ) from None
                allowed = False
            if not allowed:
                continue
        offered.append(Choice(alt.name, alt.label, alt.help, clause.id))
    return offered


def clause_alternatives(clause: Clause, case_data: Mapping[str, Any]) -> list[Choice]:
    """Alternatives of one clause offered for a partly answered case (the interviews' wording choices)."""
    return offered_alternatives(clause, case_context_from_partial(case_data))


def selectable_alternatives(library: ClauseLibrary, select: str, case_data: Mapping[str, Any]) -> list[Choice]:
    """Alternatives the mediator may be offered for a case field (the interviews' choices).

    ``select`` is the field path a clause selects on (``case.decision_making.kind``);
    ``case_data`` is the case as answered so far.  Alternatives whose ``when``
    is false for that data (joint decision-making after a safety finding) are
    not offered.
    """
    context = case_context_from_partial(case_data)
    offered: list[Choice] = []
    for clause in library.ordered():
        if clause.select != select:
            continue
        for choice in offered_alternatives(clause, context):
            if all(c.value != choice.value for c in offered):
                offered.append(choice)
    return offered


# --------------------------------------------------------------------------- numbering and rendering


def _number(selected: Sequence[Selected], library: ClauseLibrary) -> tuple[list[tuple[str, int, list[tuple[Selected, str]]]], dict[str, str]]:
    sections: list[tuple[str, int, list[tuple[Selected, str]]]] = []
    numbers: dict[str, str] = {}
    for item in selected:
        if not sections or sections[-1][0] != item.clause.topic:
            sections.append((item.clause.topic, len(sections) + 1, []))
        topic, section_no, items = sections[-1]
        number = f"{section_no}.{len(items) + 1}"
        items.append((item, number))
        numbers[item.clause.id] = number
    return sections, numbers


def reference_resolver(numbers: Mapping[str, str], library: ClauseLibrary) -> Callable[[str], str]:
    """``ref('clause.id')`` -> ``Section 4.2`` (``Sección 4.2`` in a Spanish library); an error if that clause is not in this agreement."""
    section = agreement_words(library.language)["section"]

    def ref(clause_id: str) -> str:
        if clause_id not in numbers:
            known = "it is not in the library" if clause_id not in library.clauses else "it is not part of this agreement (its `when` is false or it was excluded)"
            raise ValueError(f"ref('{clause_id}'): {known}")
        return section.format(number=numbers[clause_id])

    return ref


def clause_numbers(selected: Sequence[Selected], library: ClauseLibrary) -> dict[str, str]:
    """Clause id -> number (``4.2``) for the selected clauses."""
    return _number(selected, library)[1]


def render_clause(item: Selected, context: Mapping[str, Any]) -> str:
    """Render one clause's text in the sandbox; every failure is a ClauseError naming the clause, file and line."""
    clause = item.clause
    template = clause.compiled(item.alternative)
    try:
        text = render_template(template, context)
    except EvaluationFailed as exc:
        start = clause.text_start_line(item.alternative)
        line = start + exc.line - 1 if exc.line else start
        raise ClauseError(f"cannot render text: {exc.description}", path=clause.text_path, line=line, clause_id=clause.id) from None
    if clause.language == "es":
        from ..wording.spanish import contract

        return contract(text)
    return text


def text_to_blocks(text: str, tables: Mapping[str, Callable[[], Table]], *, clause: Clause) -> tuple[Block, ...]:
    """Split rendered text into paragraphs, bulleted lists and engine tables."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [ln.strip() for ln in chunk.strip().splitlines() if ln.strip()]
        if not lines:
            continue
        table = TABLE_DIRECTIVE.match(lines[0]) if len(lines) == 1 else None
        if table:
            name = table.group(1)
            if name not in tables:
                raise ClauseError(f"unknown table '[[table:{name}]]' (known: {', '.join(sorted(tables))})", path=clause.source, clause_id=clause.id)
            blocks.append(tables[name]())
            continue
        paragraph: list[str] = []
        items: list[str] = []
        for ln in lines:
            if ln.startswith("- "):
                if paragraph:
                    blocks.append(Paragraph(" ".join(paragraph)))
                    paragraph = []
                items.append(ln[2:].strip())
            elif items and not paragraph and not ln.startswith("- ") and blocks is not None and _continues(ln):
                items[-1] = f"{items[-1]} {ln}"
            else:
                if items:
                    blocks.append(BulletList(tuple(items)))
                    items = []
                paragraph.append(ln)
        if paragraph:
            blocks.append(Paragraph(" ".join(paragraph)))
        if items:
            blocks.append(BulletList(tuple(items)))
    return tuple(blocks)


def _continues(line: str) -> bool:
    """A wrapped list item continues on a line that starts in lower case."""
    return line[:1].islower()


def tables_for(case: Case, context: Mapping[str, Any] | None = None, language: str = "en") -> dict[str, Callable[[], Table]]:
    """The tables clause text can place with ``[[table:name]]``, each built on first use from ``context`` (made in ``language``)."""
    names = context if context is not None else case_context(case, language=language)
    words = agreement_words(language)

    def holidays() -> Table:
        summary = names["schedule"]
        return Table(tuple(summary.holiday_header), tuple(tuple(r) for r in summary.holiday_rows))

    def overnights() -> Table:
        summary = names["schedule"]
        return Table(tuple(summary.overnight_header), tuple(tuple(r) for r in summary.overnight_rows))

    def support_worksheet() -> Table:
        from ..support.labels import unwrap
        from ..support.worksheet import worksheet_rows

        worksheet = unwrap(names["support"].worksheet)
        if worksheet is None:
            raise AssemblyError("[[table:support_worksheet]] needs child_support.guideline (the parents' incomes) in the case", field_path="child_support.guideline")
        header = (words["worksheet_line"], f"{capfirst(names['a'].name)} (A)", f"{capfirst(names['b'].name)} (B)", words["worksheet_combined"])
        return Table(header, tuple(worksheet_rows(worksheet, language)))

    return {"holidays": holidays, "overnights": overnights, "support_worksheet": support_worksheet}


# --------------------------------------------------------------------------- the whole agreement

def _one_budget[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` on one fresh template budget: an agreement's steps, text and time (see library.bounded)."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with bounded(Budget()):
            return func(*args, **kwargs)

    return run


@_one_budget
def assemble(
    case: Case,
    library: ClauseLibrary,
    *,
    draft: bool = True,
    today: date | None = None,
    guidelines: Sequence[Path] | None = None,
) -> AgreementDocument:
    """Assemble the agreement for ``case`` from ``library``.

    The child support guideline worksheet (when the case gives incomes) is
    computed first, from the guideline folders ``guidelines`` (the package's own
    when ``None``), so a guideline problem is reported as itself.
    """
    terms = support_terms(case, guidelines)
    language = library.language
    resolver: list[Callable[[str], str]] = []

    def ref(clause_id: str) -> str:
        if not resolver:
            raise ValueError(f"ref({clause_id!r}) names a section number, which is known only once the clauses are chosen")
        return resolver[0](clause_id)

    # One context for choosing and for rendering, so the schedule is computed once.
    context = case_context(case, ref=ref, support=terms, language=language)
    chosen = select_clauses(case, library, context)
    if language != "en":
        _check_translated(chosen, library)
    selected = [item for item in chosen if item.clause.topic != SIGNATURE_TOPIC]
    numbered, numbers = _number(selected, library)
    resolver.append(reference_resolver(numbers, library))
    headings = library.headings
    tables = tables_for(case, context, language)
    sections = []
    for topic, section_no, items in numbered:
        clauses = []
        for item, number in items:
            text = render_clause(item, context)
            blocks = text_to_blocks(text, tables, clause=item.clause)
            if not blocks:
                continue
            clauses.append(ClauseBlock(item.clause.id, number, item.clause.title, blocks, item.alternative))
        sections.append(Section(topic, section_no, headings[topic], tuple(clauses)))

    blocks, lines = signature_blocks([item for item in chosen if item.clause.topic == SIGNATURE_TOPIC], context, tables)
    doc = _frame(case, tuple(sections), draft=draft, today=today, library=library, signatures=(blocks, lines))
    assert_no_confidential_text(doc, case)
    return doc


def _check_translated(chosen: Sequence[Selected], library: ClauseLibrary) -> None:
    """A translated copy says everything the English says: refuse one with a clause still in English."""
    missing = [item.clause.id for item in chosen if item.clause.id in library.untranslated]
    if missing:
        first = library.untranslated[missing[0]]
        raise AssemblyError(
            f"{len(missing)} clause(s) of this agreement have no usable {library.language} text: {', '.join(missing[:8])}"
            + (f" and {len(missing) - 8} more" if len(missing) > 8 else "") + f"; the first: {first.message}",
            path=first.path, line=first.line, clause_id=missing[0],
            hint=f"`mediation-agreement lint --language {library.language}` lists every one",
        )
    if not library.courtesy_notice:
        raise AssemblyError(
            f"the {library.language} library words no courtesy notice for every page (courtesy_notice: in translations/{library.language}/library.yml)",
            path=library.libraries[0].path / "translations" / library.language / "library.yml",
        )


def assemble_agreement(
    case: Case,
    libraries: Sequence[str | Path] | None = None,
    *,
    draft: bool = True,
    today: date | None = None,
    state_overlay: bool = True,
    language: str = "en",
) -> AgreementDocument:
    """Load the libraries (the package's own when ``None``, with the case's state overlay) and assemble, in ``language``."""
    return assemble(case, load_case_library(libraries, case.court.state, state_overlay=state_overlay, language=language), draft=draft, today=today)


# --------------------------------------------------------------------------- signature blocks


def signature_blocks(
    items: Sequence[Selected], context: Mapping[str, Any], tables: Mapping[str, Callable[[], Table]]
) -> tuple[tuple[SignatureBlock, ...], tuple[SignatureLine, ...]]:
    """The signature, acknowledgment and order blocks: the library's clauses of topic ``signatures``.

    Each block's text is rendered like any clause; a paragraph that starts
    with ``[[signature:SIGNER]]`` is a signature line, with ``name:``,
    ``role:`` and an optional ``statement:`` on the lines after it.  The two
    parents and the mediator sign in the signing flow, so each must have
    exactly one line: an overlay that removes one is an error, never an
    agreement nobody can sign.
    """
    blocks: list[SignatureBlock] = []
    lines: list[SignatureLine] = []
    for item in items:
        block, block_lines = signature_block(item, render_clause(item, context), tables)
        if block.before or block.after or block_lines:
            blocks.append(block)
            lines.extend(block_lines)
    for party in ELECTRONIC_SIGNERS:
        count = sum(1 for line in lines if line.party == party)
        if count != 1:
            who = {"a": "parent a", "b": "parent b", "mediator": "the mediator"}[party]
            where = ", ".join(item.clause.id for item in items) or "none"
            raise AssemblyError(
                f"the agreement needs exactly one signature line for {who} (the signing flow signs it); the signature blocks give {count} "
                f"(signature blocks used: {where})",
                clause_id="signatures.parents" if party in ("a", "b") else "signatures.mediator",
                hint="a `[[signature:" + party + "]]` line belongs in one clause of topic 'signatures'",
            )
    return tuple(blocks), tuple(lines)


def signature_block(item: Selected, text: str, tables: Mapping[str, Callable[[], Table]]) -> tuple[SignatureBlock, tuple[SignatureLine, ...]]:
    """One rendered clause of topic ``signatures`` as a block and its lines."""
    clause = item.clause
    before: list[Block] = []
    after: list[Block] = []
    lines: list[SignatureLine] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        rows = [row.strip() for row in chunk.splitlines() if row.strip()]
        if not rows:
            continue
        directive = SIGNATURE_DIRECTIVE.match(rows[0])
        if directive is None:
            (after if lines else before).extend(text_to_blocks(chunk, tables, clause=clause))
            continue
        signer = directive.group(1)  # a, b, mediator sign in the flow; any other name signs on paper (SIGNERS lists ours)
        values: dict[str, str] = {}
        key: str | None = None
        for row in rows[1:]:
            name, colon, value = row.partition(":")
            if colon and name.strip() in SIGNATURE_KEYS:
                key = name.strip()
                values[key] = value.strip()
            elif key is not None:
                values[key] = f"{values[key]} {row}"
            else:
                raise ClauseError(f"a signature line takes 'name:', 'role:' and 'statement:' lines, not {row!r}", path=clause.source, clause_id=clause.id)
        missing = [k for k in ("name", "role") if not values.get(k)]
        if missing:
            raise ClauseError(f"[[signature:{signer}]] needs {' and '.join(repr(k + ':') for k in missing)}", path=clause.source, clause_id=clause.id)
        lines.append(SignatureLine(signer, values["name"], values["role"], values.get("statement") or None, block=clause.id))
    return SignatureBlock(clause.id, clause.title, tuple(before), tuple(after)), tuple(lines)


def _frame(
    case: Case,
    sections: tuple[Section, ...],
    *,
    draft: bool,
    today: date | None,
    library: ClauseLibrary,
    signatures: tuple[tuple[SignatureBlock, ...], tuple[SignatureLine, ...]],
) -> AgreementDocument:
    when = case.agreement_date or today or date.today()
    language = library.language
    words = agreement_words(language)
    day = longdate_es if language == "es" else longdate
    a, b = case.parent_a, case.parent_b
    petitioner, respondent = (a, b) if case.court.petitioner == "a" else (b, a)
    if case.office.document_kind == "memorandum":
        title, subtitle = words["memorandum_title"], words["memorandum_subtitle"]
    else:
        title, subtitle = words["title"], words["subtitle"]
    preamble: tuple[Paragraph, ...] = ()
    if case.modifies is not None:
        original = case.modifies
        title = words["amended_title"].format(title=title)
        subtitle = words["amended_subtitle"].format(date=day(original.agreement_date))
        number = words["in_case_no"].format(number=original.case_number) if original.case_number else words["no_case_number"]
        preamble = (Paragraph(words["amended_preamble"].format(date=day(original.agreement_date), number=number, sha256=original.executed_sha256)),)
    caption = [case.court.name, library.county_caption.replace("{county}", case.court.county)]
    caption.append(words["case_no"].format(number=case.court.case_number) if case.court.case_number else words["case_no_pending"])
    short = {id(p): p.short_name for p in (a, b)}
    if language == "es":
        from ..wording.spanish import PersonViewEs

        short = {id(p): PersonViewEs(p.short_name, p.full_name, p.pronouns, english_role=p.role).name for p in (a, b)}
    parties = words["parties"].format(
        petitioner=petitioner.full_name, petitioner_short=short[id(petitioner)],
        respondent=respondent.full_name, respondent_short=short[id(respondent)],
    )
    blocks, lines = signatures
    return AgreementDocument(
        title=title,
        subtitle=subtitle,
        court_caption=tuple(caption),
        parties_line=parties,
        preamble=preamble,
        sections=sections,
        signatures=lines,
        signature_blocks=blocks,
        draft=draft,
        date_text=day(when),
        initials_each_page=case.office.initials_each_page,
        initials_labels=(short[id(a)], short[id(b)]),
        language=language,
        words=words,
        notice=library.courtesy_notice if language != "en" else None,
        metadata={
            "date_iso": when.isoformat(),
            "office": case.office.name,
            "document_kind": case.office.document_kind,
            **({"modifies_sha256": case.modifies.executed_sha256} if case.modifies is not None else {}),
            "library": " + ".join(info.name for info in library.libraries),
        },
    )


def assert_no_confidential_text(doc: AgreementDocument, case: Case) -> None:
    """Refuse a document that would print a confidential address (defence in depth)."""
    from .document import to_plain_text

    text = to_plain_text(doc).casefold()
    for key in ("parent_a", "parent_b"):
        address = getattr(case, key).address
        if address is None or not address.confidential:
            continue
        for needle in (address.street, f"{address.city}, {address.state} {address.postal_code}"):
            if needle.casefold() in text:
                raise AssemblyError(
                    "the agreement would print a confidential address; no output was written",
                    field_path=f"{key}.address",
                    hint="find the clause that prints it (`mediation-agreement clauses --case`) and remove the address",
                )


# --------------------------------------------------------------------------- partial cases (interviews)


class _DataView:
    """Attribute access over a partly answered case, for evaluating ``when`` during an interview."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            value = self._data[name]
        except KeyError:
            raise AttributeError(f"no answer yet for '{name}'") from None
        return _DataView(value) if isinstance(value, Mapping) else value


def case_context_from_partial(case_data: Mapping[str, Any]) -> dict[str, Any]:
    """A ``when`` context from partial answers: complete sections become model objects."""
    try:
        return case_context(Case.model_validate(case_data))
    except ValidationError:
        pass
    view: dict[str, Any] = {}
    for key, value in case_data.items():
        annotation = Case.model_fields[key].annotation if key in Case.model_fields else None
        model = _model_class(annotation)
        if model is not None and isinstance(value, Mapping):
            try:
                view[key] = model.model_validate(value)
                continue
            except ValidationError:
                view[key] = _DataView(value)
                continue
        view[key] = value
    return {"case": _Namespace(view)}


class _Namespace:
    def __init__(self, values: Mapping[str, Any]) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"no answer yet for '{name}'")


def _model_class(annotation: Any) -> type[BaseModel] | None:
    from ..case.validation import _unwrap

    inner = _unwrap(annotation)
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None
