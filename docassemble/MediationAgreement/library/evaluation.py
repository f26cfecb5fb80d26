"""Running clause text and ``when``/``select`` expressions, for ``assemble`` and ``lint`` alike.

Whatever goes wrong inside a template or an expression -- an undefined name,
a sandbox refusal, a limit of :mod:`.bounded`, a division by zero, an
overflow -- comes out as :class:`EvaluationFailed`: a one-line description
and, for text, the template line.  The caller adds the clause, file and line
(assembly raises a :class:`~..errors.ClauseError`, lint reports a finding), so
no template error ever reaches the user as a traceback.  Errors of the engine
itself (a :class:`~..errors.MediationError`, such as an impossible schedule)
pass through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import TracebackType
from typing import Any

from jinja2 import Template
from jinja2.exceptions import SecurityError, UndefinedError

from ..errors import MediationError
from .bounded import LimitExceeded, clause_text
from .templating import sandbox_environment


class EvaluationFailed(Exception):
    """A template or expression failed: ``description`` says why, ``line`` where in the template."""

    def __init__(self, description: str, *, line: int | None = None, over_limit: bool = False, cause: BaseException | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.line = line
        self.over_limit = over_limit
        self.cause = cause


def describe(exc: BaseException) -> str:
    """One line for the user: what went wrong, without a traceback."""
    if isinstance(exc, LimitExceeded):
        return str(exc)
    if isinstance(exc, SecurityError):
        return f"refused by the sandbox: {exc}"
    if isinstance(exc, UndefinedError):
        return f"{exc.message} (check the name against `mediation-agreement schema` and docs/clause-format.md)"
    if isinstance(exc, RecursionError):
        return "calls itself too deeply (recursion)"
    if isinstance(exc, MemoryError):
        return "ran out of memory"
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    if isinstance(exc, OverflowError):
        return "a number too large to compute (OverflowError)"
    text = str(exc)
    if isinstance(exc, ArithmeticError):
        return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__
    return text or exc.__class__.__name__


def template_line(tb: TracebackType | None) -> int | None:
    """The line inside the template where an exception was raised (the innermost one)."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _failed(exc: Exception) -> EvaluationFailed:
    return EvaluationFailed(describe(exc), line=template_line(exc.__traceback__), over_limit=isinstance(exc, LimitExceeded), cause=exc)


@lru_cache(maxsize=4096)
def compiled_expression(source: str) -> Callable[..., Any]:
    """A ``when``/``select`` expression compiled once (it runs inside a budget)."""
    return sandbox_environment().compile_expression(source, undefined_to_none=False)  # type: ignore[no-any-return]


def evaluate_expression(source: str, context: Mapping[str, Any]) -> Any:
    """The value of an expression, or :class:`EvaluationFailed`."""
    try:
        return compiled_expression(source)(**context)
    except MediationError:
        raise
    except Exception as exc:  # noqa: BLE001 - every failure of staff-written code becomes a message
        raise _failed(exc) from None


def render_template(template: Template | Callable[[], Template], context: Mapping[str, Any]) -> str:
    """Clause text rendered with ``context`` (whole records refused), or :class:`EvaluationFailed` (compiling included)."""
    try:
        if not isinstance(template, Template):
            template = template()
        with clause_text():
            return template.render(**context)
    except MediationError:
        raise
    except Exception as exc:  # noqa: BLE001 - every failure of staff-written code becomes a message
        raise _failed(exc) from None


def fields_read(expression: str, context: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The ``case.…`` attribute chains an expression reads, each with its value in ``context``.

    ``not case.safety.finding and case.exchanges.third_party`` gives
    ``[("case.safety.finding", True), ("case.exchanges.third_party", None)]``:
    what a message names when the expression rules a clause out.  A chain
    that cannot be evaluated on its own is given with the value ``None``.
    """
    from jinja2 import nodes

    try:
        tree = sandbox_environment().parse("{{ (" + expression + ") }}")
    except Exception:  # noqa: BLE001 - a bad expression is reported where it is evaluated
        return []
    chains: list[str] = []

    def chain(node: nodes.Node) -> str | None:
        if isinstance(node, nodes.Name):
            return node.name
        if isinstance(node, nodes.Getattr):
            head = chain(node.node)
            return f"{head}.{node.attr}" if head else None
        return None

    def walk(node: nodes.Node) -> None:
        if isinstance(node, nodes.Getattr):
            dotted = chain(node)
            if dotted and dotted.startswith("case.") and dotted not in chains:
                chains.append(dotted)
                return
        for child in node.iter_child_nodes():
            walk(child)

    walk(tree)
    found: list[tuple[str, Any]] = []
    for dotted in chains:
        try:
            value = evaluate_expression(dotted, context)
        except (EvaluationFailed, MediationError):
            value = None
        found.append((dotted, value))
    return found


def value_words(value: Any) -> str:
    """A field's value as a message shows it: flags, numbers and codes, never free text (names stay out of messages)."""
    raw = getattr(value, "value", value)
    if raw is None:
        return "not given"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, (int, float)):
        return str(raw)
    if isinstance(raw, str) and re.fullmatch(r"[a-z0-9_\-]{1,40}", raw):
        return f"'{raw}'"
    if isinstance(raw, (list, tuple, dict)) and not raw:
        return "empty"
    return "given"
