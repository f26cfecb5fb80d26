"""``lint``: check a clause library before anyone relies on it.

Checks every clause file in every library of the stack, without a case:
YAML shape and keys, Jinja2 syntax, names and case fields used against the case
model (and against the clause's ``uses:`` list), ``when``/``select``
expressions, duplicate ids, overlays disabling unknown ids, cross-references to
unknown clauses, forbidden attributes, unknown filters and tables, and
alternatives that can never be selected.  Every finding is ``path:line: message``.

Then each clause without such a finding is *evaluated* against example cases
(``examples/cases/*.yml``, or the cases given): its ``when``, ``select`` and
alternatives' ``when``, and each text the case could use that computes
anything (see :func:`plain`), rendered in the bounded sandbox (:mod:`.bounded`)
on a budget of its own.  So a text that would blow up, loop for ever or fail
is found here, not while assembling.
"""

from __future__ import annotations

import difflib
import gc
import multiprocessing
import os
import re
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from jinja2 import TemplateSyntaxError, nodes
from pydantic import BaseModel

from ..case.model import Case, load_case
from ..case.validation import _unwrap
from ..errors import LintReport, MediationError, Problem
from .bounded import Budget, bounded, refused_model_attribute
from .clauses import Clause, ClauseLibrary, load_library, with_state_overlay
from .clauses import state_overlays as shipped_state_overlays
from .evaluation import EvaluationFailed, evaluate_expression, render_template
from .templating import CONTEXT_NAMES, case_context, sandbox_environment

KNOWN_TABLES = frozenset({"holidays", "overnights", "support_worksheet"})
_DIRECTIVE_ANYWHERE = re.compile(r"\[\[table:([^\]]*)\]\]")


@dataclass(frozen=True)
class _Opaque:
    """A value lint cannot see inside (a method result, a dict): stop checking the path."""


OPAQUE = _Opaque()


PARALLEL_THRESHOLD = 400
"""Libraries with more clauses than this are checked on every core (the checks are independent)."""

_SHARED: ClauseLibrary | None = None  # the library a forked worker checks (inherited, not pickled)
_SHARED_CASES: list[_Example] = []  # the example cases clauses run against, likewise

EXAMPLE_CASES = Path(__file__).resolve().parents[3] / "examples" / "cases"
"""The example cases clauses are evaluated against (present in a source checkout)."""


def example_case_files() -> list[Path]:
    """``examples/cases/*.yml`` when the package runs from a checkout, else none."""
    return sorted(EXAMPLE_CASES.glob("*.yml")) if EXAMPLE_CASES.is_dir() else []


def lint_library(
    dirs: Sequence[str | Path] | None = None,
    *,
    workers: int | None = None,
    cases: Sequence[str | Path] | None = None,
    state_overlays: bool = True,
    language: str = "en",
) -> LintReport:
    """Lint the library stack; the report is empty when all is well.

    ``language`` other than ``en`` lints the stack's translation into it: every
    clause, alternative (label, help, text) and heading without text in that
    language or translated from an older version, problems in the translation
    files, and the translated texts themselves, checked and run like English ones.

    ``cases`` are the case files each clause is evaluated against (default:
    :func:`example_case_files`; an empty list evaluates nothing).  When the
    stack holds the package's library, each of its state overlays is linted
    too, laid where a case from that state gets it (``state_overlays=False``:
    not).  Every library's ``replaces_required`` list is checked: each id must
    be replaced (or disabled) by a file of that library.
    """
    with _collector_paused():
        return _lint_library(dirs, workers=workers, cases=cases, state_overlays=state_overlays, language=language)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector, paused while a library is linted.

    Its full collections walk every live object, and a library's parsed clauses
    and compiled templates are hundreds of thousands of them, so they cost more
    the bigger the library (50,000 clauses took 10.4 times as long as 5,000;
    9.3 times without them).  Lint makes little cyclic garbage; the collector
    resumes, and collects it, when lint returns.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _lint_library(
    dirs: Sequence[str | Path] | None,
    *,
    workers: int | None,
    cases: Sequence[str | Path] | None,
    state_overlays: bool,
    language: str = "en",
) -> LintReport:
    stacks = [with_state_overlay(dirs, None)]
    if state_overlays:
        for code in sorted(shipped_state_overlays()):
            stack = with_state_overlay(dirs, code)
            if stack != stacks[0]:
                stacks.append(stack)
    report = LintReport()
    seen: set[str] = set()
    sources: set[Path] = set()
    folders: set[Path] = set()
    orphans: dict[str, Problem] = {}
    ids: set[str] = set()
    for stack in stacks:
        found, library = _lint_stack(stack, workers=workers, cases=cases, language=language)
        for problem in [*found.problems, *_missing_replacements(library), *_missing_signers(library), *_untranslated(library)]:
            if str(problem) not in seen:  # the base's findings come once, not once per state
                seen.add(str(problem))
                report.problems.append(problem)
        sources.update(c.source for c in library.clauses.values())
        folders.update(info.path.resolve() for info in library.libraries)
        ids.update(library.clauses)
        orphans.update((str(p), p) for p in library.orphan_translations)
    for problem in orphans.values():
        if not any(f"clause '{cid}':" in problem.message for cid in ids):
            report.problems.append(problem)
    report.clauses_checked, report.libraries_checked = len(sources), len(folders)
    return report


def _untranslated(library: ClauseLibrary) -> list[Problem]:
    """In a translated stack: each clause without usable text in its language, headings and the courtesy notice."""
    if library.language == "en":
        return []
    from .clauses import DEFAULT_HEADINGS, LANGUAGE_NAMES, TRANSLATIONS

    name = LANGUAGE_NAMES.get(library.language, library.language)
    problems = [library.untranslated[c.id] for c in library.ordered() if c.id in library.untranslated]
    meta = library.libraries[0].path / TRANSLATIONS / library.language / "library.yml"
    worded = {topic for info in library.translations for topic in info.headings}
    english = {info.path: info.headings for info in library.libraries}
    for topic in sorted({c.topic for c in library.clauses.values()} - worded):
        if topic in DEFAULT_HEADINGS or any(topic in h for h in english.values()):
            problems.append(Problem(f"the heading of topic '{topic}' has no {name} text (headings: in translations/{library.language}/library.yml)", path=meta))
    if not library.courtesy_notice:
        problems.append(Problem(f"no courtesy notice for the {name} copy (courtesy_notice: in translations/{library.language}/library.yml)", path=meta))
    return problems


def _missing_signers(library: ClauseLibrary) -> list[Problem]:
    """A stack with signature blocks must keep a line for each parent and the mediator (the signing flow signs them).

    Read from the texts, so a line inside an ``{% if %}`` still counts; assembly
    checks the rendered agreement exactly.  A stack with no signature blocks
    at all (a partial library laid under another) is not checked.
    """
    from .clauses import SIGNATURE_TOPIC

    blocks = [c for c in library.clauses.values() if c.topic == SIGNATURE_TOPIC]
    if not blocks:
        return []
    problems: list[Problem] = []
    for party, who in (("a", "parent a"), ("b", "parent b"), ("mediator", "the mediator")):
        if not any(f"[[signature:{party}]]" in text for c in blocks for _alt, text in c.templates()):
            disabled = [cid for cid in ("signatures.parents", "signatures.mediator") if cid in library.disabled]
            where = library.disabled[disabled[0]] if disabled else library.libraries[-1].path
            problems.append(Problem(
                f"the signature blocks have no `[[signature:{party}]]` line for {who}; the signing flow needs exactly one"
                + (f" ({disabled[0]} is disabled here)" if disabled else ""),
                path=where, line=1 if disabled else None,
            ))
    return problems


def _missing_replacements(library: ClauseLibrary) -> list[Problem]:
    """``replaces_required`` in a library.yml: each id must be replaced by a file of that library."""
    problems: list[Problem] = []
    earlier: set[str] = set()
    for info in library.libraries:
        own = library.defined.get(info.path, set())
        for clause_id, line in info.replaces_required:
            if clause_id not in own:
                problems.append(Problem(
                    f"library '{info.name}' must replace clause '{clause_id}' (replaces_required), but none of its files has that id",
                    path=str(info.meta_path), line=line,
                ))
            elif clause_id not in earlier:
                problems.append(Problem(
                    f"library '{info.name}': replaces_required names '{clause_id}', which no earlier library defines",
                    path=str(info.meta_path), line=line,
                ))
        earlier |= own
    return problems


def _lint_stack(
    dirs: Sequence[str | Path] | None, *, workers: int | None, cases: Sequence[str | Path] | None, language: str = "en"
) -> tuple[LintReport, ClauseLibrary]:
    """Lint one stack: (the findings, the library as loaded)."""
    global _SHARED_CASES
    report = LintReport()
    case_files = [Path(c) for c in (example_case_files() if cases is None else cases)]
    workers = workers or os.cpu_count() or 1
    parallel = workers > 1 and "fork" in multiprocessing.get_all_start_methods() and _file_count(dirs) > PARALLEL_THRESHOLD
    if parallel:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            library = load_library(dirs, strict=False, pool=pool, language=language)
    else:
        library = load_library(dirs, strict=False, language=language)
    report.problems.extend(library.problems)
    # In a translated stack a clause still in English is reported as such (not run with Spanish names).
    ids = [clause.id for clause in library.ordered() if clause.id not in library.untranslated]
    report.clauses_checked, report.libraries_checked = len(ids), len(library.libraries)
    _SHARED_CASES = _case_contexts(case_files, library, language)
    try:
        _lint_all(library, ids, report, parallel, workers)
    finally:
        _SHARED_CASES = []
    return report, library


def _lint_all(library: ClauseLibrary, ids: list[str], report: LintReport, parallel: bool, workers: int) -> None:
    if parallel:
        global _SHARED
        _SHARED = library  # forked workers inherit it; a new pool so they see the merged library
        try:
            chunks = [ids[i::workers] for i in range(workers)]
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
                found = {cid: problems for chunk in pool.map(_lint_chunk, chunks) for cid, problems in chunk}
        finally:
            _SHARED = None
        for cid in ids:  # keep the report in library order, whatever order workers finished in
            report.problems.extend(found[cid])
    else:
        for cid in ids:
            _lint_clause(library.clauses[cid], library, report)


def _file_count(dirs: Sequence[str | Path] | None) -> int:
    folders = [Path(d) for d in dirs] if dirs else []
    return sum(1 for folder in folders if folder.is_dir() for _ in folder.rglob("*.y*ml"))


def _lint_chunk(ids: list[str]) -> list[tuple[str, list[Problem]]]:
    assert _SHARED is not None
    results = []
    for cid in ids:
        report = LintReport()
        _lint_clause(_SHARED.clauses[cid], _SHARED, report)
        results.append((cid, report.problems))
    return results


@lru_cache(maxsize=8192)
def _parse(source: str) -> nodes.Template:
    """Parse once per distinct text: libraries repeat the same `when` on many clauses."""
    return sandbox_environment().parse(source)


# --------------------------------------------------------------------------- model paths


def resolve(parts: Sequence[str | int]) -> tuple[Any, str | None]:
    """Follow ``case.<parts>`` through the model: (annotation or OPAQUE, error or None)."""
    return _resolve(tuple(parts))


@lru_cache(maxsize=4096)
def _resolve(parts: tuple[str | int, ...]) -> tuple[Any, str | None]:
    current: Any = Case
    walked = "case"
    for part in parts:
        current = _unwrap(current)
        if current is OPAQUE:
            return OPAQUE, None
        origin = get_origin(current)
        if isinstance(part, int) or part == "[]":
            if origin in (list, tuple) or current in (list, tuple):
                args = get_args(current)
                current = args[0] if args else OPAQUE
                walked += "[]"
                continue
            return OPAQUE, None
        if isinstance(current, type) and issubclass(current, BaseModel):
            if part in current.model_fields:
                current = current.model_fields[part].annotation
                walked += f".{part}"
                continue
            if isinstance(part, str) and hasattr(current, part) and refused_model_attribute(current, part):
                return None, _refused(f"{walked}.{part}")
            if hasattr(current, part):  # a documented property or method of the model
                return OPAQUE, None
            guess = difflib.get_close_matches(part, list(current.model_fields), n=1)
            hint = f"; did you mean '{walked}.{guess[0]}'?" if guess else ""
            return None, f"unknown field '{walked}.{part}'{hint}"
        return OPAQUE, None
    return current, None


def _refused(path: str) -> str:
    return f"'{path}' cannot be used in clause text: only the case's fields and the methods in docs/clause-format.md can"


def literal_values(annotation: Any) -> set[str] | None:
    """The values a Literal/Enum-typed field can take, or None if it is open."""
    inner = _unwrap(annotation)
    if get_origin(inner) is Literal:
        return {str(v) for v in get_args(inner)}
    if get_origin(inner) in (typing.Union, types.UnionType):
        values: set[str] = set()
        for arg in get_args(inner):
            if arg is type(None):
                continue
            sub = literal_values(arg)
            if sub is None:
                return None
            values |= sub
        return values
    if isinstance(inner, type) and issubclass(inner, Enum):
        return {str(m.value) for m in inner}
    return None


def _path_text(parts: Sequence[str | int]) -> str:
    return "case" + "".join(f".{p}" if isinstance(p, str) else "[]" for p in parts)


def _covered(parts: Sequence[str | int], uses: Sequence[str]) -> bool:
    text = _path_text(parts).replace("[]", "")
    return any(text == u or text.startswith(u + ".") or u.startswith(text + ".") for u in uses)


# --------------------------------------------------------------------------- template walking


@dataclass
class _Finding:
    message: str
    lineno: int


class _Walker:
    """Visits one template's AST and records findings with template line numbers."""

    def __init__(self, uses: Sequence[str], known_ids: AbstractSet[str], check_uses: bool) -> None:
        self.uses = uses
        self.known_ids = known_ids
        self.check_uses = check_uses
        self.findings: list[_Finding] = []
        self.refs: list[tuple[str, int]] = []
        self.printed = True  # False for a `when`/`select` expression: its value is tested, not printed

    def visit(self, node: nodes.Node, scope: dict[str, Any]) -> None:
        if isinstance(node, nodes.For):
            self.visit(node.iter, scope)
            inner = dict(scope)
            element = self._element_type(node.iter, scope)
            for target in _names(node.target):
                inner[target] = element
            inner["loop"] = OPAQUE
            for child in [*node.body, *node.else_]:
                self.visit(child, inner)
            if node.test is not None:
                self.visit(node.test, inner)
            return
        if isinstance(node, (nodes.Assign, nodes.AssignBlock)):
            for target in _names(node.target):
                scope[target] = OPAQUE
            for child in node.iter_child_nodes():
                if child is not node.target:
                    self.visit(child, scope)
            return
        if isinstance(node, (nodes.Macro, nodes.CallBlock)):
            inner = dict(scope)
            for arg in getattr(node, "args", []):
                inner[arg.name] = OPAQUE
            inner.update({"caller": OPAQUE, "varargs": OPAQUE, "kwargs": OPAQUE})
            if isinstance(node, nodes.Macro):
                scope[node.name] = OPAQUE
            for child in node.iter_child_nodes():
                self.visit(child, inner)
            return
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            self._chain(node, scope)
            return
        if isinstance(node, nodes.Name) and node.ctx == "load":
            if node.name not in scope and node.name not in CONTEXT_NAMES and node.name not in _JINJA_GLOBALS:
                guess = difflib.get_close_matches(node.name, [*CONTEXT_NAMES, *scope], n=1)
                hint = f"; did you mean '{guess[0]}'?" if guess else ""
                self.findings.append(_Finding(f"unknown name '{node.name}'{hint}", node.lineno))
            return
        if isinstance(node, nodes.Filter) or isinstance(node, nodes.Test):
            registry = sandbox_environment().filters if isinstance(node, nodes.Filter) else sandbox_environment().tests
            if node.name not in registry:
                kind = "filter" if isinstance(node, nodes.Filter) else "test"
                guess = difflib.get_close_matches(node.name, list(registry), n=1)
                hint = f"; did you mean '{guess[0]}'?" if guess else ""
                self.findings.append(_Finding(f"unknown {kind} '{node.name}'{hint}", node.lineno))
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "ref":
            if node.args and isinstance(node.args[0], nodes.Const) and isinstance(node.args[0].value, str):
                target = node.args[0].value
                self.refs.append((target, node.lineno))
                if target not in self.known_ids:
                    guess = difflib.get_close_matches(target, list(self.known_ids), n=1)
                    hint = f"; did you mean '{guess[0]}'?" if guess else ""
                    self.findings.append(_Finding(f"cross-reference to unknown clause '{target}'{hint}", node.lineno))
            else:
                self.findings.append(_Finding("ref() needs a clause id in quotes", node.lineno))
        if isinstance(node, nodes.Output) and self.printed:
            for child in node.nodes:
                record = self._record(child, scope)
                if record:
                    self.findings.append(_Finding(f"prints the whole record '{record}'; print the fields you mean (docs/clause-format.md)", child.lineno))
        if isinstance(node, nodes.TemplateData):
            for match in _DIRECTIVE_ANYWHERE.finditer(node.data):
                if match.group(1) not in KNOWN_TABLES:
                    self.findings.append(_Finding(f"unknown table '[[table:{match.group(1)}]]' (known: {', '.join(sorted(KNOWN_TABLES))})", node.lineno))
        for child in node.iter_child_nodes():
            self.visit(child, scope)

    def _record(self, node: nodes.Node, scope: dict[str, Any]) -> str | None:
        """The path printed when ``node`` is a whole record of the case (or a list of them)."""
        parts, root = _chain_parts(node)
        if parts is None or root is None:
            return None
        annotation: Any
        if root in _RECORD_NAMES:
            path = [] if root == "case" else [root]
            annotation, error = resolve([*path, *parts])
            if error:
                return None
        elif isinstance(scope.get(root), tuple) and scope[root][0] == "model":
            annotation = scope[root][1]
            for part in parts:
                inner = _unwrap(annotation)
                if not (isinstance(inner, type) and issubclass(inner, BaseModel) and part in inner.model_fields):
                    return None
                annotation = inner.model_fields[part].annotation
        else:
            return None
        inner = _unwrap(annotation)
        if get_origin(inner) in (list, tuple) and get_args(inner):
            inner = _unwrap(get_args(inner)[0])
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return root + "".join(f".{p}" if isinstance(p, str) else f"[{p}]" for p in parts)
        return None

    def _element_type(self, iterable: nodes.Node, scope: dict[str, Any]) -> Any:
        parts, root = _chain_parts(iterable)
        if root == "case" and parts is not None:
            annotation, _error = resolve(parts)
            if annotation is None or annotation is OPAQUE:
                return OPAQUE
            args = get_args(_unwrap(annotation))
            return ("model", args[0]) if args else OPAQUE
        return OPAQUE

    def _chain(self, node: nodes.Node, scope: dict[str, Any]) -> None:
        parts, root = _chain_parts(node)
        for attr in _attrs(node):
            if attr.startswith("_"):
                self.findings.append(_Finding(f"forbidden attribute '{attr}' (the sandbox refuses names that start with '_')", node.lineno))
                return
        # Visit the root name and any non-constant subscripts.
        for child in _chain_leaves(node):
            self.visit(child, scope)
        if parts is None or root is None:
            return
        if root == "case":
            annotation, error = resolve(parts)
            if error:
                self.findings.append(_Finding(error, node.lineno))
            elif self.check_uses and not _covered(parts, self.uses):
                self.findings.append(_Finding(f"reads '{_path_text(parts)}' but 'uses:' does not list it", node.lineno))
        elif isinstance(scope.get(root), tuple) and scope[root][0] == "model":
            model = scope[root][1]
            annotation: Any = model
            for part in parts:
                inner = _unwrap(annotation)
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    if part in inner.model_fields:
                        annotation = inner.model_fields[part].annotation
                        continue
                    if isinstance(part, str) and hasattr(inner, part) and refused_model_attribute(inner, part):
                        self.findings.append(_Finding(_refused(f"{root}.{part}"), node.lineno))
                    elif not hasattr(inner, part):
                        guess = difflib.get_close_matches(str(part), list(inner.model_fields), n=1)
                        hint = f"; did you mean '{root}.{guess[0]}'?" if guess else ""
                        self.findings.append(_Finding(f"unknown field '{root}.{part}'{hint}", node.lineno))
                break


_RECORD_NAMES = frozenset({"case", "court", "mediator", "office"})  # shortcuts for case.<name>

_JINJA_GLOBALS = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace", "true", "false", "none", "True", "False", "None"})


def _names(target: nodes.Node) -> Iterator[str]:
    if isinstance(target, nodes.Name):
        yield target.name
    elif isinstance(target, nodes.Tuple):
        for item in target.items:
            yield from _names(item)


def _attrs(node: nodes.Node) -> Iterator[str]:
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            yield node.attr
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            yield node.arg.value
        node = node.node


def _chain_parts(node: nodes.Node) -> tuple[list[str | int] | None, str | None]:
    """``case.a.b[0].c`` -> (['a', 'b', 0, 'c'], 'case'); None when not a plain chain."""
    parts: list[str | int] = []
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
        elif isinstance(node.arg, nodes.Const):
            parts.append(node.arg.value)
        else:
            parts.append("[]")
        node = node.node
    if isinstance(node, nodes.Name):
        return list(reversed(parts)), node.name
    return None, None


def _chain_leaves(node: nodes.Node) -> Iterator[nodes.Node]:
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
            yield node.arg
        node = node.node
    yield node


# --------------------------------------------------------------------------- one clause


def _lint_clause(clause: Clause, library: ClauseLibrary, report: LintReport) -> None:
    before = len(report.problems)
    _check_clause(clause, library, report)
    if len(report.problems) == before:  # only a clause that passes the static checks is run
        _evaluate_clause(clause, _SHARED_CASES, report)


def _check_clause(clause: Clause, library: ClauseLibrary, report: LintReport) -> None:
    known = library.clauses.keys()  # a live view: building a set here per clause made lint quadratic
    path = str(clause.source)
    text_path = str(clause.text_path)
    for use in clause.uses:
        parts = use.split(".")
        if parts[0] != "case":
            report.add(f"clause '{clause.id}': uses entry '{use}' must start with 'case.'", path=path, line=clause.line_of("uses"))
            continue
        _annotation, error = resolve([p for p in parts[1:]])
        if error:
            report.add(f"clause '{clause.id}': uses: {error}", path=path, line=clause.line_of("uses"))

    def check(source: str, base_line: int, what: str, *, printed: bool = True, where: str = path) -> None:
        try:
            ast = _parse(source)
        except TemplateSyntaxError as exc:
            message = (exc.message or "").replace("end of print statement", "end of expression")
            report.add(f"clause '{clause.id}': {what}: syntax error: {message}", path=where, line=base_line + (exc.lineno or 1) - 1)
            return
        walker = _Walker(clause.uses, known, check_uses=True)
        walker.printed = printed
        walker.visit(ast, {})
        for finding in walker.findings:
            report.add(f"clause '{clause.id}': {what}: {finding.message}", path=where, line=base_line + finding.lineno - 1)

    def check_expression(expression: str, line: int | None, what: str) -> None:
        check("{{ " + expression + " }}", line or 1, what, printed=False)

    if clause.when:
        check_expression(clause.when, clause.line_of("when"), "when")
    for name, alt in clause.alternatives.items():
        if alt.when:
            check_expression(alt.when, clause.line_of("alternatives", name, "when"), f"alternative '{name}' when")
    for alternative, source in clause.templates():
        check(source, clause.text_start_line(alternative), "text" if alternative is None else f"alternative '{alternative}' text", where=text_path)
    if clause.select:
        check_expression(clause.select, clause.line_of("select"), "select")
        parts_match = re.fullmatch(r"case((?:\.[a-z_][a-z0-9_]*)+)", clause.select.strip())
        if parts_match:
            annotation, error = resolve(parts_match.group(1).split(".")[1:])
            values = literal_values(annotation) if not error and annotation is not OPAQUE else None
            if values is not None:
                for name in clause.alternatives:
                    if name not in values:
                        report.add(
                            f"clause '{clause.id}': alternative '{name}' can never be selected: {clause.select} is one of {', '.join(sorted(values))}",
                            path=path,
                            line=clause.line_of("alternatives", name),
                        )
    if clause.alternatives and not clause.select and clause.default is None:
        report.add(
            f"clause '{clause.id}': alternatives without 'select' need a 'default' (or every case must choose one in 'choices:')",
            path=path,
            line=clause.line_of("alternatives"),
        )


# --------------------------------------------------------------------------- evaluation against example cases


@dataclass
class _Example:
    """A case clauses are run against: its file name, the names clause text sees, and the
    value (or failure) of each expression already evaluated (libraries repeat their `when`s)."""

    name: str
    context: Mapping[str, Any]
    values: dict[str, tuple[Any, str | None]]

    def evaluate(self, source: str) -> tuple[Any, str | None]:
        """(value, None) or (None, what went wrong)."""
        if source not in self.values:
            try:
                self.values[source] = (evaluate_expression(source, self.context), None)
            except EvaluationFailed as exc:
                self.values[source] = (None, exc.description)
        return self.values[source]


def _case_contexts(files: Sequence[Path], library: ClauseLibrary, language: str = "en") -> list[_Example]:
    """The case files to run clauses against; ``ref()`` gives a stand-in section number."""
    known = library.clauses.keys()

    def ref(clause_id: str) -> str:
        if clause_id not in known:
            raise ValueError(f"ref('{clause_id}'): it is not in the library")
        return "Section 1.1"

    return [_Example(path.name, case_context(load_case(path), ref=ref, language=language), {}) for path in files]


@lru_cache(maxsize=8192)
def _template(source: str, language: str = "en") -> Any:
    """A text compiled once, from the syntax tree the static checks already parsed."""
    return sandbox_environment(language).from_string(_parse(source))


def _evaluate_clause(clause: Clause, cases: Sequence[_Example], report: LintReport) -> None:
    """Run the clause for each case, each on a fresh budget; report the first failure."""
    for case in cases:
        with bounded(Budget()):
            try:
                failure = _first_failure(clause, case)
            except MediationError:
                continue  # the case itself is at fault (its schedule, its guideline), not this clause
        if failure is not None:
            what, line, description = failure
            where = clause.source if what in ("when", "select") or what.endswith(" when") else clause.text_path
            report.add(f"clause '{clause.id}': {what}: {description} (evaluated with {case.name})", path=str(where), line=line)
            return


def _first_failure(clause: Clause, case: _Example) -> tuple[str, int | None, str] | None:
    """What the case would run of the clause: (what, file line, description) of the first failure."""

    def holds(source: str, what: str, *key: str) -> tuple[Any, tuple[str, int | None, str] | None]:
        value, failed = case.evaluate(source)
        return value, (what, clause.line_of(*key), failed) if failed is not None else None

    if clause.when:
        value, failure = holds(clause.when, "when", "when")
        if failure or not value:
            return failure
    names: list[str | None] = [None]
    if clause.alternatives:
        names = list(clause.alternatives)  # without select, the mediator may choose any of them
        if clause.select:
            value, failure = holds(clause.select, "select", "select")
            if failure:
                return failure
            value = getattr(value, "value", value)
            names = [str(value)] if value is not None and str(value) in clause.alternatives else []
    for name in names:
        what = "text"
        source = clause.text
        if name is not None:
            alt = clause.alternatives[name]
            what, source = f"alternative '{name}' text", alt.text
            if alt.when:
                value, failure = holds(alt.when, f"alternative '{name}' when", "alternatives", name, "when")
                if failure or not value:
                    if failure:
                        return failure
                    continue
        assert source is not None
        if clause.language == "en" and _plain_text(source):  # a translation's names (a.el, kids.agree) are run, never assumed
            continue
        try:
            render_template(lambda source=source: _template(source, clause.language), case.context)
        except EvaluationFailed as exc:
            start = clause.text_start_line(name)
            return what, start + exc.line - 1 if exc.line else start, exc.description
    return None


# Texts that only print the case through the documented helpers cannot go over a limit, so
# lint does not spend time compiling and running them (a library of thousands of such clauses
# lints almost as fast as without evaluation).  Any other text is run against the example cases.
_PLAIN_NODES = frozenset({
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Const, nodes.Name, nodes.Getattr, nodes.Getitem,
    nodes.If, nodes.CondExpr, nodes.And, nodes.Or, nodes.Not, nodes.Compare, nodes.Operand, nodes.Test,
    nodes.Tuple, nodes.List, nodes.Assign, nodes.Concat, nodes.For, nodes.Filter, nodes.Call,
})
_PLAIN_FILTERS = frozenset({
    "money", "longdate", "clock", "words", "join_and", "capfirst",
    "abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float", "int", "join", "last", "length",
    "list", "lower", "max", "min", "reverse", "round", "sort", "string", "striptags", "title", "trim", "unique", "upper", "wordcount",
})
_PLAIN_CALLS = frozenset({"ref", "party", "other"})
_PLAIN_METHODS = frozenset({"verb", "parent", "other", "one_line", "percent", "endswith", "startswith", "get", "lower", "upper", "strip", "title", "capitalize"})
_PLAIN_LITERALS = 10_000


@lru_cache(maxsize=8192)
def _plain_text(source: str) -> bool:
    return plain(_parse(source))


def plain(ast: nodes.Template) -> bool:
    """True for a text that only prints: fields, the documented helpers, filters with constant
    arguments, ``if``, loops (not nested) over what it reads, and under 10,000 characters of its own."""
    literal = 0

    def ok(node: nodes.Node, loops: int) -> bool:
        nonlocal literal
        kind = type(node)
        if kind not in _PLAIN_NODES:
            return False
        if kind is nodes.TemplateData:
            literal += len(node.data)  # type: ignore[attr-defined]
            return literal <= _PLAIN_LITERALS
        if kind is nodes.Const:
            value = node.value  # type: ignore[attr-defined]
            literal += len(value) if isinstance(value, str) else 0
            return literal <= _PLAIN_LITERALS
        if kind is nodes.For:
            if loops or node.recursive:  # type: ignore[attr-defined]
                return False
            loops += 1
        elif kind is nodes.Filter or kind is nodes.Call:
            if node.kwargs or node.dyn_args or node.dyn_kwargs:  # type: ignore[attr-defined]
                return False
            if kind is nodes.Filter:
                if node.name not in _PLAIN_FILTERS or not all(type(arg) is nodes.Const for arg in node.args):  # type: ignore[attr-defined]
                    return False
            else:
                target = node.node  # type: ignore[attr-defined]
                if not ((type(target) is nodes.Name and target.name in _PLAIN_CALLS) or (type(target) is nodes.Getattr and target.attr in _PLAIN_METHODS)):
                    return False
        for child in node.iter_child_nodes():
            if not ok(child, loops):
                return False
        return True

    return ok(ast, 0)
