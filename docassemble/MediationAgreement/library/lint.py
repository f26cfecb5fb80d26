"""``lint``: check a clause library before anyone relies on it.

Checks every clause file in every library of the stack, without a case:
YAML shape and keys, Jinja2 syntax, names and case fields used against the case
model (and against the clause's ``uses:`` list), ``when``/``select``
expressions, duplicate ids, overlays disabling unknown ids, cross-references to
unknown clauses, forbidden attributes, unknown filters and tables, and
alternatives that can never be selected.  Every finding is ``path:line: message``.
"""

from __future__ import annotations

import difflib
import multiprocessing
import os
import re
import types
import typing
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from jinja2 import TemplateSyntaxError, nodes
from pydantic import BaseModel

from ..case.model import Case
from ..case.validation import _unwrap
from ..errors import LintReport, Problem
from .clauses import Clause, ClauseLibrary, load_library
from .templating import CONTEXT_NAMES, sandbox_environment

KNOWN_TABLES = frozenset({"holidays", "overnights"})
_DIRECTIVE_ANYWHERE = re.compile(r"\[\[table:([^\]]*)\]\]")


@dataclass(frozen=True)
class _Opaque:
    """A value lint cannot see inside (a method result, a dict): stop checking the path."""


OPAQUE = _Opaque()


PARALLEL_THRESHOLD = 400
"""Libraries with more clauses than this are checked on every core (the checks are independent)."""

_SHARED: ClauseLibrary | None = None  # the library a forked worker checks (inherited, not pickled)


def lint_library(dirs: Sequence[str | Path] | None = None, *, workers: int | None = None) -> LintReport:
    """Lint the library stack; the report is empty when all is well."""
    report = LintReport()
    workers = workers or os.cpu_count() or 1
    parallel = workers > 1 and "fork" in multiprocessing.get_all_start_methods() and _file_count(dirs) > PARALLEL_THRESHOLD
    if parallel:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            library = load_library(dirs, strict=False, pool=pool)
    else:
        library = load_library(dirs, strict=False)
    report.problems.extend(library.problems)
    ids = [clause.id for clause in library.ordered()]
    report.clauses_checked, report.libraries_checked = len(ids), len(library.libraries)
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
    return report


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
            if hasattr(current, part):  # a property or method of the model
                return OPAQUE, None
            guess = difflib.get_close_matches(part, list(current.model_fields), n=1)
            hint = f"; did you mean '{walked}.{guess[0]}'?" if guess else ""
            return None, f"unknown field '{walked}.{part}'{hint}"
        return OPAQUE, None
    return current, None


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
        if isinstance(node, nodes.TemplateData):
            for match in _DIRECTIVE_ANYWHERE.finditer(node.data):
                if match.group(1) not in KNOWN_TABLES:
                    self.findings.append(_Finding(f"unknown table '[[table:{match.group(1)}]]' (known: {', '.join(sorted(KNOWN_TABLES))})", node.lineno))
        for child in node.iter_child_nodes():
            self.visit(child, scope)

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
                    if not hasattr(inner, part):
                        guess = difflib.get_close_matches(str(part), list(inner.model_fields), n=1)
                        hint = f"; did you mean '{root}.{guess[0]}'?" if guess else ""
                        self.findings.append(_Finding(f"unknown field '{root}.{part}'{hint}", node.lineno))
                break


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
    known = library.clauses.keys()  # a live view: building a set here per clause made lint quadratic
    path = str(clause.source)
    for use in clause.uses:
        parts = use.split(".")
        if parts[0] != "case":
            report.add(f"clause '{clause.id}': uses entry '{use}' must start with 'case.'", path=path, line=clause.line_of("uses"))
            continue
        _annotation, error = resolve([p for p in parts[1:]])
        if error:
            report.add(f"clause '{clause.id}': uses: {error}", path=path, line=clause.line_of("uses"))

    def check(source: str, base_line: int, what: str) -> None:
        try:
            ast = _parse(source)
        except TemplateSyntaxError as exc:
            message = (exc.message or "").replace("end of print statement", "end of expression")
            report.add(f"clause '{clause.id}': {what}: syntax error: {message}", path=path, line=base_line + (exc.lineno or 1) - 1)
            return
        walker = _Walker(clause.uses, known, check_uses=True)
        walker.visit(ast, {})
        for finding in walker.findings:
            report.add(f"clause '{clause.id}': {what}: {finding.message}", path=path, line=base_line + finding.lineno - 1)

    def check_expression(expression: str, line: int | None, what: str) -> None:
        check("{{ " + expression + " }}", line or 1, what)

    if clause.when:
        check_expression(clause.when, clause.line_of("when"), "when")
    for name, alt in clause.alternatives.items():
        if alt.when:
            check_expression(alt.when, clause.line_of("alternatives", name, "when"), f"alternative '{name}' when")
    for alternative, source in clause.templates():
        check(source, clause.text_start_line(alternative), "text" if alternative is None else f"alternative '{alternative}' text")
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
