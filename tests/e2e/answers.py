"""Answer the mediator interview's fields from a case file, as a mediator copying it would.

The interview keeps its answers in ``case``, a tree with the case file's shape
(``case.parent_a.full_name`` is the case file's ``parent_a.full_name``), so most
fields answer themselves from the file.  The rest follow the interview's
conventions: ``x.has_address`` is "the file has ``x.address``", a list is
gathered with ``there_are_any`` / ``there_is_another``, and a list of plain
values goes into a text area one per line.  Screens that are not case data are
answered from ``extra`` (question id -> variable -> value).

Used by the browser tests (tests/e2e) and the REST latency benchmark
(benchmarks/bench_server_latency.py); it needs neither docassemble nor a browser.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from ..holiday_answers import LIST_SCREENS, SPLIT_FIELDS, HolidayListAnswers

_TOKEN = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[('[^']*'|\"[^\"]*\")\]")
MISSING = object()


def tokens(path: str) -> list[str | int]:
    """``children[1].full_name`` -> ``['children', 1, 'full_name']``."""
    out: list[str | int] = []
    for name, index, key in _TOKEN.findall(path):
        out.append(name if name else int(index) if index else key[1:-1])
    return out


def lookup(data: Any, path: list[str | int]) -> Any:
    current = data
    for token in path:
        if isinstance(token, int):
            if not isinstance(current, list) or token >= len(current):
                return MISSING
            current = current[token]
        elif isinstance(current, Mapping) and token in current:
            current = current[token]
        else:
            return MISSING
    return current


class NoAnswer(LookupError):
    """A field the case file cannot answer and ``extra`` does not mention."""


class CaseFileAnswerer:
    """The value to give each variable on a screen, from one case file."""

    def __init__(self, data: Mapping[str, Any], extra: Mapping[str, Mapping[str, Any]] | None = None, *, holidays: str = "one by one") -> None:
        """``holidays``: ``"one by one"`` (nothing ticked in the list: each holiday on its own screen, in the
        file's order) or ``"list"`` (ticked from the list, as in tests/holiday_answers.py)."""
        self.data = data
        self.extra = {k: dict(v) for k, v in (extra or {}).items()}
        self.asked_another: Counter[str] = Counter()
        self.holidays = HolidayListAnswers(data, enabled=holidays == "list")

    def value(self, screen_id: str, variable: str, *, boolean: bool = False) -> Any:
        """The answer for ``variable`` on screen ``screen_id``; None means "leave it blank".

        A yes/no question (``boolean``) the case file does not mention is answered No,
        which is what leaving it out of a case file means.
        """
        answer = self._value(screen_id, variable)
        return False if boolean and answer is None else answer

    def _value(self, screen_id: str, variable: str) -> Any:
        if variable in self.extra.get(screen_id, {}):
            return self.extra[screen_id][variable]
        if screen_id in LIST_SCREENS:
            # Nothing ticked in "one by one" mode (the driver then ticks "No holiday schedule").
            return self.holidays.browser_value(variable)
        if not variable.startswith("case."):
            raise NoAnswer(f"screen {screen_id!r}: no answer for {variable!r}; "
                           f"add extra={{{screen_id!r}: {{{variable!r}: ...}}}}")
        path = self.holidays.file_path(tokens(variable[len("case."):]))
        last = path[-1]
        if last == "there_is_another":
            items = lookup(self.data, path[:-1])
            self.asked_another[variable] += 1
            # Asked after each item: the k-th time, k items have been given (holidays ticked from the
            # list come in all at once, before the first time it is asked).
            given = self.asked_another[variable] + (max(len(self.holidays.picked) - 1, 0) if path[:2] == ["parenting_time", "holidays"] else 0)
            return given < (len(items) if isinstance(items, list) else 0)
        if last == "there_are_any":
            items = lookup(self.data, path[:-1])
            return isinstance(items, list) and len(items) > 0
        if isinstance(last, str) and last.startswith("has_"):
            return lookup(self.data, [*path[:-1], last[4:]]) not in (MISSING, None)
        value = lookup(self.data, path)
        if value is MISSING and screen_id == "holiday details" and last in SPLIT_FIELDS:
            return ""  # the usual split point shown is cleared where the file splits another way
        if value is MISSING:
            return None
        if isinstance(value, list) and all(not isinstance(v, (Mapping, list)) for v in value):
            return "\n".join(str(v) for v in value)
        return value


def as_text(value: Any) -> str:
    """How a value is typed into a text box (dates ISO, times HH:MM, numbers plainly)."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def as_json(value: Any, datatype: str | None) -> Any:
    """How a value is sent to docassemble's REST API (which turns ISO dates and times back into objects)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if datatype == "time" and isinstance(value, str) and re.fullmatch(r"\d\d:\d\d", value):
        return value + ":00"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if datatype in ("integer", "range") and isinstance(value, str) and value.strip():
        return int(value)
    if datatype in ("number", "currency", "float") and value is not None and not isinstance(value, bool):
        return float(value)
    return value


_GENERIC = re.compile(r"^x(?=[.\[])|\[[ijklmn]\]")


def expand_generic(variables: list[str], targets: list[str]) -> dict[str, str]:
    """Spell out ``x`` and ``[i]`` in a screen's variable names.

    docassemble's REST API lists a generic-object question's fields as written
    (``x.full_name``, ``case.children[i].full_name``) and names the variable it is
    asking for in ``event_list`` (``case.parent_a.full_name``); the same ``x`` and
    indices hold for every field of the screen.
    """
    for variable in variables:
        if not _GENERIC.search(variable):
            continue
        pattern = ""
        position = 0
        for match in _GENERIC.finditer(variable):
            pattern += re.escape(variable[position:match.start()])
            pattern += r"(.+?)" if match.group(0) == "x" else r"\[(\d+|'[^']*'|\"[^\"]*\")\]"
            position = match.end()
        pattern += re.escape(variable[position:])
        for target in targets:
            found = re.fullmatch(pattern, target)
            if found:
                values = list(found.groups())
                return {v: _substitute(v, values) for v in variables}
    return {v: v for v in variables}


def _substitute(variable: str, values: list[str]) -> str:
    parts = iter(values)
    return _GENERIC.sub(lambda m: next(parts, m.group(0)) if m.group(0) == "x" else f"[{next(parts, m.group(0))}]", variable)
