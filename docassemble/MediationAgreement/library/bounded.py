"""Bounded templates: clause text and ``when``/``select`` run with limits.

Clause text is written by office staff, so a slip (or a prank) must not be
able to exhaust the server.  :class:`BoundedSandbox` is Jinja2's immutable
sandbox with four kinds of limit, each a :class:`LimitExceeded` (a
:class:`~jinja2.exceptions.SecurityError`) when crossed:

* **size** -- no text longer than :data:`MAX_LENGTH` characters, no list,
  ``range`` or mapping with more than :data:`MAX_LENGTH` items, no number
  with more than :data:`MAX_DIGITS` digits.  The operations that can make
  something big from something small are checked *before* they run: ``*``,
  ``**``, ``+``, ``%``, ``~``, ``range()``, ``replace``, ``center``/``ljust``...,
  ``indent``, ``format``, ``join``, ``batch``, ``slice``, ``wordwrap``, and printing
  (a list of a thousand long texts prints as one very long text);
* **steps** -- at most :data:`MAX_STEPS` loop iterations, calls and filters
  per :class:`Budget` (one agreement);
* **output** -- at most :data:`MAX_PRODUCED` characters of text made per budget
  (so a loop cannot build many large texts);
* **time** -- at most :data:`MAX_SECONDS` of wall-clock time per budget,
  checked at every step.

Only documented names are reachable: on the case model, the fields, the
documented properties and the methods in :data:`DOCUMENTED_METHODS`; pydantic's
own methods (``model_dump``, ``model_copy``, ``json``, ``dict``...) are refused.
Inside :class:`clause_text` (agreement text, not form mappings) a whole record
cannot be printed, joined, formatted or looped over either: that would put
every field of it in the agreement.  ``docs/clause-format.md`` ("What the text
can use", "Limits") is the staff-facing description.
"""

from __future__ import annotations

import functools
import math
import re
import types
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from contextvars import ContextVar
from time import monotonic
from typing import Any

from jinja2 import Template, nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter
from jinja2.utils import _PassArg
from pydantic import BaseModel

from ..case.model import Address, Case, Split

MAX_LENGTH = 100_000
"""Characters in any text, items in any list, range or mapping (a clause is a few thousand)."""

MAX_DIGITS = 100
"""Digits in any whole number (money and counts need fewer than twenty)."""

MAX_STEPS = 100_000
"""Loop iterations, calls and filters in one agreement (the shipped library needs under 200)."""

MAX_PRODUCED = 2_000_000
"""Characters of text made in one agreement (a 15-page agreement is about 35,000)."""

MAX_SECONDS = 5.0
"""Wall-clock seconds for the clause text and expressions of one agreement."""

_MAX_INT_BITS = math.ceil(MAX_DIGITS / math.log10(2))
_OTHER_WEIGHT = 100  # what an engine object (a person, a date, the schedule) counts for when printed
_MAX_NESTING = 50

DOCUMENTED_METHODS: dict[type[BaseModel], frozenset[str]] = {
    Case: frozenset({"parent", "other"}),
    Address: frozenset({"one_line"}),
    Split: frozenset({"percent"}),
}
"""Methods of the case model that clause text and form mappings may call (docs/clause-format.md)."""


class LimitExceeded(SecurityError):
    """Clause text or an expression went over one of the limits above."""


class RecordRefused(SecurityError):
    """Clause text tried to print, loop over or convert a whole record of the case."""


def _holds_record(value: Any, depth: int = 0) -> BaseModel | None:
    """The first whole record of the case in ``value`` (itself, or inside a list or mapping)."""
    if isinstance(value, BaseModel):
        return value
    if depth > 3:
        return None
    items: Iterable[Any]
    if isinstance(value, dict):
        items = value.values()
    elif isinstance(value, (list, tuple, set, frozenset, deque)):
        items = value
    else:
        return None
    for item in items:
        found = _holds_record(item, depth + 1)
        if found is not None:
            return found
    return None


def _record_refused(what: str, record: BaseModel) -> RecordRefused:
    return RecordRefused(f"{what}: a whole record ({type(record).__name__}) cannot be printed; print the fields you mean (docs/clause-format.md)")


_CLAUSE_TEXT: ContextVar[bool] = ContextVar("mediation_agreement_clause_text", default=False)


class clause_text:  # noqa: N801 - a context manager
    """``with clause_text():`` -- what is rendered is agreement text: whole records are refused.

    (Form mappings have their own rules for what a record prints; see forms.coversheet.)
    """

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _CLAUSE_TEXT.set(True)

    def __exit__(self, *exc: object) -> None:
        _CLAUSE_TEXT.reset(self._token)


def refuse_records(what: str, value: Any) -> None:
    """In clause text, printing, joining or formatting a record would put every field of it in the agreement."""
    if not _CLAUSE_TEXT.get():
        return
    found = _holds_record(value)
    if found is not None:
        raise _record_refused(what, found)


# --------------------------------------------------------------------------- budgets


class Budget:
    """What one agreement (or one clause, in ``lint``) may spend: steps, text made, time."""

    __slots__ = ("steps", "produced", "deadline", "max_steps", "max_produced", "seconds")

    def __init__(self, *, steps: int = MAX_STEPS, produced: int = MAX_PRODUCED, seconds: float = MAX_SECONDS) -> None:
        self.max_steps, self.max_produced, self.seconds = steps, produced, seconds
        self.steps = steps
        self.produced = produced
        self.deadline = monotonic() + seconds

    def step(self) -> None:
        self.steps -= 1
        if self.steps < 0:
            raise LimitExceeded(f"more than {self.max_steps:,} loop iterations, calls and filters; that is the limit for one agreement")
        if monotonic() > self.deadline:
            raise LimitExceeded(f"took longer than {self.seconds:g} seconds; that is the limit for one agreement")

    def spend(self, size: int) -> None:
        self.produced -= size
        if self.produced < 0:
            raise LimitExceeded(f"made more than {self.max_produced:,} characters of text; that is the limit for one agreement")


_CURRENT: ContextVar[Budget | None] = ContextVar("mediation_agreement_template_budget", default=None)


def current_budget() -> Budget:
    """The budget being spent; outside :func:`bounded` a fresh one (sizes are still checked)."""
    return _CURRENT.get() or Budget()


class bounded:  # noqa: N801 - used as a context manager, like contextlib's
    """``with bounded():`` -- spend one budget on everything rendered inside.

    Without an argument an enclosing budget is kept (an agreement is one
    budget however many clauses it renders); ``bounded(Budget())`` starts a new one.
    """

    __slots__ = ("budget", "_token")

    def __init__(self, budget: Budget | None = None) -> None:
        self.budget = budget
        self._token: Any = None

    def __enter__(self) -> Budget:
        if self.budget is None:
            active = _CURRENT.get()
            if active is not None:
                return active
            self.budget = Budget()
        self._token = _CURRENT.set(self.budget)
        return self.budget

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _CURRENT.reset(self._token)
            self._token = None


# --------------------------------------------------------------------------- sizes


def weight(value: Any, limit: int = MAX_LENGTH, depth: int = 0) -> int:
    """About how many characters ``value`` prints as; counting stops past ``limit``."""
    kind = type(value)
    if kind is str or kind is bytes:
        return len(value)
    if kind is int:
        return value.bit_length() // 3 + 1
    if value is None or kind is bool or kind is float:
        return 5
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, range):
        return len(value) * 2
    if depth > _MAX_NESTING:
        return limit + 1
    if isinstance(value, dict):
        total = 2
        for key, item in value.items():
            total += weight(key, limit, depth + 1) + weight(item, limit, depth + 1) + 4
            if total > limit:
                break
        return total
    if isinstance(value, (list, tuple, set, frozenset, deque)):
        total = 2
        for item in value:
            total += weight(item, limit, depth + 1) + 2
            if total > limit:
                break
        return total
    if isinstance(value, int):
        return value.bit_length() // 3 + 1
    return _OTHER_WEIGHT


def _too_long(what: str, size: int, unit: str = "characters") -> LimitExceeded:
    noun = "a text" if unit == "characters" else "a list"
    return LimitExceeded(f"{what} would make {noun} of {size:,} {unit}; the limit is {MAX_LENGTH:,}")


def _check_text(what: str, size: int) -> None:
    if size > MAX_LENGTH:
        raise _too_long(what, size)


def _check_items(what: str, size: int) -> None:
    if size > MAX_LENGTH:
        raise _too_long(what, size, "items")


def _check_bits(what: str, bits: int) -> None:
    if bits > _MAX_INT_BITS:
        digits = math.floor(bits * math.log10(2)) + 1
        raise LimitExceeded(f"{what} would make a number of about {digits:,} digits; the limit is {MAX_DIGITS}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_sequence(value: Any) -> bool:
    return isinstance(value, (str, bytes, list, tuple))


def _check_value(what: str, value: Any) -> None:
    """A value about to be printed or handed to a filter must not be too big to print."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        if kind is str:
            _check_text(what, len(value))
        elif kind is int:
            _check_bits(what, value.bit_length())
        return
    size = weight(value)
    if size > MAX_LENGTH:
        raise _too_long(what, size)


def account(what: str, value: Any) -> Any:
    """Check a value just made (by an operator, a call, a filter) and spend its size."""
    kind = type(value)
    if kind is str or kind is bytes:
        _check_text(what, len(value))
        current_budget().spend(len(value))
    elif kind is list or kind is tuple or kind is dict or kind is set or kind is frozenset:
        _check_items(what, len(value))
        current_budget().spend(len(value))
    elif isinstance(value, str):
        _check_text(what, len(value))
        current_budget().spend(len(value))
    elif _is_int(value):
        _check_bits(what, value.bit_length())
    return value


# --------------------------------------------------------------------------- operators


def _check_multiply(left: Any, right: Any) -> None:
    if _is_int(left) and _is_int(right):
        _check_bits("`*`", left.bit_length() + right.bit_length())
        return
    for seq, times in ((left, right), (right, left)):
        if _is_sequence(seq) and _is_int(times) and times > 1 and len(seq):
            if isinstance(seq, (str, bytes)):
                _check_text("`*`", len(seq) * times)
            else:
                _check_items("`*`", len(seq) * times)
                _check_text("`*`", weight(seq, MAX_LENGTH // times + 1) * times)


def _check_power(base: Any, exponent: Any) -> None:
    if _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1:
        try:
            digits = math.floor(exponent * math.log10(abs(base))) + 1
        except OverflowError:
            raise LimitExceeded(f"`**` would make a number of more than {MAX_DIGITS} digits, the limit") from None
        if digits > MAX_DIGITS:
            raise LimitExceeded(f"`**` would make a number of {digits:,} digits; the limit is {MAX_DIGITS}")


def _check_add(left: Any, right: Any) -> None:
    if isinstance(left, (str, bytes)) and isinstance(right, (str, bytes)):
        _check_text("`+`", len(left) + len(right))
    elif isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        _check_items("`+`", len(left) + len(right))
        _check_text("`+`", weight(left) + weight(right))


_PERCENT = re.compile(r"%(?:\(([^)]*)\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.DOTALL)


def check_percent_format(what: str, template: str, values: Any) -> None:
    """``'%-9999999s' % x``: refuse widths, precisions and values that make too long a text."""
    args = values if isinstance(values, tuple) else (values,)
    mapping = values if isinstance(values, Mapping) else None
    total, index = len(template), 0
    for match in _PERCENT.finditer(template):
        key, width, precision, conversion = match.groups()
        if conversion == "%":
            continue
        size = 0
        for part in (width, precision):
            if part == "*":
                given = args[index] if index < len(args) else 0
                index += 1
                size = max(size, abs(given) if _is_int(given) else 0)
            elif part:
                size = max(size, int(part) if len(part) < 8 else MAX_LENGTH + 1)
        if key is not None and mapping is not None:
            value = mapping.get(key)
        else:
            value = args[index] if index < len(args) else None
            index += 1
        refuse_records(what, value)
        total += max(size, weight(value))
        if total > MAX_LENGTH:
            raise _too_long(what, total)


def _check_format_spec(what: str, spec: str) -> None:
    for number in re.findall(r"\d+", spec):
        if len(number) > 7 or int(number) > MAX_LENGTH:
            raise LimitExceeded(f"{what}: the width {number[:12]}{'...' if len(number) > 12 else ''} would make too long a text; the limit is {MAX_LENGTH:,}")


def _check_replace(what: str, text: Any, old: Any, new: Any, count: Any = None) -> None:
    if not isinstance(text, str):
        text = str(text) if weight(text) <= MAX_LENGTH else ""
    old, new = str(old), str(new)
    found = text.count(old) if old else len(text) + 1
    if _is_int(count) and count >= 0:
        found = min(found, count)
    _check_text(what, len(text) + found * (len(new) - len(old)))


def _check_join(what: str, separator: Any, items: Iterable[Any]) -> None:
    sep = weight(separator)
    total, count = 0, 0
    for item in items:
        total += weight(item) + sep
        count += 1
        if total > MAX_LENGTH or count > MAX_LENGTH:
            raise _too_long(what, total)


def _bounded_list(what: str, items: Iterable[Any]) -> list[Any]:
    """Materialise an iterable handed to a method, refusing more than MAX_LENGTH items."""
    if isinstance(items, (list, tuple, str)):
        return list(items)
    out = []
    for item in items:
        out.append(item)
        if len(out) > MAX_LENGTH:
            raise _too_long(what, len(out), "items")
    return out


# --------------------------------------------------------------------------- globals


def bounded_range(*args: int) -> range:
    """``range()`` in clause text: at most MAX_LENGTH numbers."""
    numbers = range(*args)
    _check_items("range()", len(numbers))
    return numbers


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 - Jinja's names
    from jinja2.utils import generate_lorem_ipsum

    if not (_is_int(n) and _is_int(max)) or n * max * 12 > MAX_LENGTH:
        raise LimitExceeded(f"lipsum() would make too long a text; the limit is {MAX_LENGTH:,} characters")
    return generate_lorem_ipsum(n, html, min, max)


# --------------------------------------------------------------------------- filters


def _filter_checks() -> dict[str, Callable[..., None]]:
    def center(value: Any, width: Any = 80, *_: Any, **__: Any) -> None:
        if _is_int(width):
            _check_text("|center", max(width, weight(value)))

    def indent(value: Any, width: Any = 4, *_: Any, **__: Any) -> None:
        text = str(value) if weight(value) <= MAX_LENGTH else ""
        pad = width if _is_int(width) else weight(width)
        _check_text("|indent", len(text) + pad * (text.count("\n") + 1))

    def format_(value: Any, *args: Any, **kwargs: Any) -> None:
        check_percent_format("|format", str(value), kwargs or args)

    def wordwrap(value: Any, width: Any = 79, break_long_words: Any = True, wrapstring: Any = None, *_: Any, **kwargs: Any) -> None:
        wrapstring = kwargs.get("wrapstring", wrapstring)
        size = weight(value)
        lines = size // max(width if _is_int(width) else 1, 1) + 1
        _check_text("|wordwrap", size + lines * (weight(wrapstring) if wrapstring is not None else 1))

    def replace(value: Any, old: Any = "", new: Any = "", count: Any = None, *_: Any, **__: Any) -> None:
        _check_replace("|replace", value, old, new, count)

    def join(value: Any, d: Any = "", attribute: Any = None, *_: Any, **__: Any) -> None:
        if attribute is None and isinstance(value, (list, tuple, str)):
            _check_join("|join", d, value)

    def batch(value: Any, linecount: Any = 1, fill_with: Any = None, *_: Any, **__: Any) -> None:
        if _is_int(linecount):
            _check_items("|batch", linecount)

    def slice_(value: Any, slices: Any = 1, fill_with: Any = None, *_: Any, **__: Any) -> None:
        if _is_int(slices):
            _check_items("|slice", slices)

    def truncate(value: Any, length: Any = 255, killwords: Any = False, end: Any = "...", *_: Any, **__: Any) -> None:
        _check_text("|truncate", weight(end))

    return {
        "center": center,
        "indent": indent,
        "format": format_,
        "wordwrap": wordwrap,
        "replace": replace,
        "join": join,
        "batch": batch,
        "slice": slice_,
        "truncate": truncate,
    }


_FILTER_CHECKS = _filter_checks()


_RECORD_FILTERS = frozenset({"default", "d", "attr"})
"""The filters that may be given a whole record (they read it, never print it)."""

_ITEM_FILTERS = frozenset({
    "abs", "attr", "batch", "count", "d", "default", "dictsort", "first", "float", "groupby", "int", "items", "last",
    "length", "list", "map", "max", "min", "random", "reject", "rejectattr", "reverse", "round", "select", "selectattr",
    "slice", "sort", "sum", "unique",
})
"""Filters that work on items, not text: their input is limited in items, not in printed length
(every other filter, including ones added later, is taken to make text from its input)."""


def bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that counts as a step, refuses too big an input and checks what it makes."""
    check = _FILTER_CHECKS.get(name)
    skip = 1 if _PassArg.from_obj(func) is not None else 0
    label = f"|{name}"

    takes_records = name in _RECORD_FILTERS
    on_items = name in _ITEM_FILTERS

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        current_budget().step()
        if len(args) <= skip:
            return account(label, func(*args, **kwargs))
        value = args[skip]
        if isinstance(value, BaseModel):
            if not takes_records and _CLAUSE_TEXT.get():
                raise _record_refused(label, value)
        elif on_items:
            if isinstance(value, Sized) and not isinstance(value, str):
                _check_items(label, len(value))
        else:  # the filter makes text from its input: the input must not print too long
            size = weight(value)
            if size > MAX_LENGTH:
                raise _too_long(label, size)
        if check is not None:
            check(*args[skip:], **kwargs)
        result = account(label, func(*args, **kwargs))
        if isinstance(result, str) and not isinstance(value, (str, BaseModel)):
            refuse_records(label, value)  # text made from a list of records
        return result

    return run


# --------------------------------------------------------------------------- methods


def _check_method(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Check the str methods that can make a long text from a short one; returns the args to use."""
    owner = getattr(method, "__self__", None)
    if not isinstance(owner, (str, bytes)) or not isinstance(method, types.BuiltinMethodType):
        return args
    name = method.__name__
    what = f"{name}()"
    if name in ("center", "ljust", "rjust", "zfill"):
        width = args[0] if args else kwargs.get("width")
        if _is_int(width):
            _check_text(what, width)
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if _is_int(size):
            _check_text(what, len(owner) + max(size, 0) * owner.count("\t" if isinstance(owner, str) else b"\t"))
    elif name == "replace" and len(args) >= 2:
        _check_replace(what, owner, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count"))
    elif name == "join" and args:
        items = _bounded_list(what, args[0])
        _check_join(what, owner, items)
        return (items, *args[1:])
    return args


class _BoundedFormatter(SandboxedFormatter):
    """``'{:>99999999}'.format(x)``: widths and the length of the result are checked."""

    def vformat(self, format_string: str, args: Any, kwargs: Any) -> str:
        self._made = len(format_string)
        return super().vformat(format_string, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> Any:
        _check_format_spec("format()", format_spec)
        _check_value("format()", value)
        text = super().format_field(value, format_spec)
        refuse_records("format()", value)
        self._made += len(text)
        _check_text("format()", self._made)
        return text


# --------------------------------------------------------------------------- the model


@functools.lru_cache(maxsize=1024)
def model_attribute_allowed(model: type[BaseModel], attr: str) -> bool:
    """Fields, documented properties and :data:`DOCUMENTED_METHODS`; never pydantic's own methods."""
    if attr in model.model_fields:
        return True
    if attr.startswith(("_", "model_")):
        return False
    value = getattr(model, attr, None)
    if isinstance(value, property):
        return True
    return any(attr in DOCUMENTED_METHODS.get(base, ()) for base in model.__mro__)  # type: ignore[call-overload]


def refused_model_attribute(model: Any, attr: str) -> bool:
    """True when clause text may not use ``attr`` of a model (instance or class)."""
    cls = model if isinstance(model, type) else type(model)
    return isinstance(cls, type) and issubclass(cls, BaseModel) and not model_attribute_allowed(cls, attr)


# --------------------------------------------------------------------------- the code generator


class BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator with loops, printing and ``~`` routed through the sandbox."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:  # noqa: N802 - Jinja's visitor names
        # {% for x in items %} iterates environment.iterate(items): each item is a step.
        counted = nodes.Call(nodes.EnvironmentAttribute("iterate"), [node.iter], [], None, None, lineno=node.iter.lineno)
        copy = nodes.For(node.target, counted, node.body, node.else_, node.test, node.recursive, lineno=node.lineno)
        super().visit_For(copy, frame)

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802
        if frame.eval_ctx.volatile or frame.eval_ctx.autoescape:
            super().visit_Concat(node, frame)
            return
        self.write("environment.join_text((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.to_text(")
        if finalize.src is not None:
            self.write(finalize.src)


# --------------------------------------------------------------------------- templates


class BoundedTemplate(Template):
    """A template that renders inside a budget (the enclosing one, else its own)."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        with bounded():
            return super().render(*args, **kwargs)


class BoundedExpression:
    """A compiled ``when``/``select`` expression that runs inside a budget."""

    __slots__ = ("_expression",)

    def __init__(self, expression: Callable[..., Any]) -> None:
        self._expression = expression

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with bounded():
            return self._expression(*args, **kwargs)


def _bounded_join(pieces: Iterable[str]) -> str:
    """``environment.concat``: joins rendered pieces, stopping at MAX_LENGTH characters."""
    parts: list[str] = []
    total = 0
    for piece in pieces:
        total += len(piece)
        if total > MAX_LENGTH:
            raise LimitExceeded(f"the text would be longer than the limit of {MAX_LENGTH:,} characters")
        parts.append(piece)
    current_budget().spend(total)
    return "".join(parts)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox clause text runs in: immutable, size-, step- and time-bounded, model methods refused."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = BoundedCodeGenerator
    template_class = BoundedTemplate
    concat = staticmethod(_bounded_join)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = bounded_range
        self.globals["lipsum"] = _lipsum
        self.filters = _BoundedFilters(self.filters)

    # -- names ---------------------------------------------------------------

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        return not refused_model_attribute(obj, attr)

    def is_safe_callable(self, obj: Any) -> bool:
        if not super().is_safe_callable(obj):
            return False
        owner = getattr(obj, "__self__", None)
        name = getattr(obj, "__name__", None)
        if isinstance(owner, BaseModel) and isinstance(name, str):
            return not refused_model_attribute(owner, name)
        return True

    # -- operations ------------------------------------------------------------

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            _check_multiply(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "+":
            _check_add(left, right)
        elif operator == "%" and isinstance(left, str):
            check_percent_format("`%`", left, right)
        return account(f"`{operator}`", self.binop_table[operator](left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        current_budget().step()
        args = _check_method(__obj, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        name = getattr(__obj, "__name__", None)
        return account(f"{name}()" if isinstance(name, str) else "a call", result)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) or value.__name__ not in ("format", "format_map"):
            return None
        owner = value.__self__
        if not isinstance(owner, str):
            return None
        formatter = _BoundedFormatter(self)
        is_map = value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                kwargs, args = args[0], ()
            return str(formatter.vformat(owner, args, kwargs))

        return functools.update_wrapper(wrapper, value)

    # -- hooks the generated code calls --------------------------------------

    def iterate(self, iterable: Any) -> Iterator[Any]:
        """A ``{% for %}`` loop's items, each one a step."""
        if isinstance(iterable, BaseModel) and _CLAUSE_TEXT.get():
            raise RecordRefused(f"a whole record ({type(iterable).__name__}) cannot be looped over; loop over a list such as case.children")
        budget = current_budget()
        step = budget.step
        for item in iterable:
            step()
            yield item

    def to_text(self, value: Any) -> str:
        """``{{ value }}``: refuse what would print too long a text, then ``str()``."""
        if type(value) is str:
            text = value
        else:
            _check_value("printing this value", value)
            text = str(value)  # first: a form mapping's own refusal of a confidential address is more precise
            _check_text("printing this value", len(text))
            refuse_records("printing this value", value)
        current_budget().spend(len(text))
        return text

    def join_text(self, parts: tuple[Any, ...]) -> str:
        """``a ~ b``: each part printed, the total checked."""
        total = 0
        texts = []
        for part in parts:
            if type(part) is not str:
                _check_value("`~`", part)
                text = str(part)
                refuse_records("`~`", part)
                part = text
            total += len(part)
            texts.append(part)
        _check_text("`~`", total)
        current_budget().spend(total)
        return "".join(texts)

    def compile_expression(self, source: str, undefined_to_none: bool = True) -> Any:
        """Jinja2's own ``compile_expression`` (the same parse and checks), its code kept on disk (:mod:`.bytecode`)."""
        from jinja2.environment import TemplateExpression

        from .bytecode import expression_template

        return BoundedExpression(TemplateExpression(expression_template(self, source), undefined_to_none))


class _BoundedFilters(dict[str, Callable[..., Any]]):
    """The filter table: every filter, including ones added later, is wrapped by :func:`bounded_filter`."""

    def __init__(self, filters: Mapping[str, Callable[..., Any]]) -> None:
        super().__init__()
        self.update(filters)

    def __setitem__(self, name: str, func: Callable[..., Any]) -> None:
        super().__setitem__(name, func if getattr(func, "_bounded", False) else _mark(bounded_filter(name, func)))

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        for name, func in dict(*args, **kwargs).items():
            self[name] = func

    def copy(self) -> _BoundedFilters:  # type: ignore[override]
        return _BoundedFilters(self)


def _mark(func: Callable[..., Any]) -> Callable[..., Any]:
    func._bounded = True  # type: ignore[attr-defined]
    return func
