"""Hostile case files made from the real examples (issue 14), and running them.

The generator behind ``tests/test_case_fuzz.py`` (hypothesis drives it, so a
failure shrinks to a small example) and ``scripts/fuzz_cases.py`` (a seeded
``random.Random`` drives it, ten thousand files at a time).  Each file is one of
``examples/cases/`` with one to three mutations — a key deleted, a value of the
wrong type, a huge or near-the-limit string in some alphabet, deep nesting,
extreme numbers, dates and times, a list blown up, an unknown or repeated key,
YAML anchors and aliases (a billion laughs, a list containing itself) —
written as YAML or JSON, sometimes truncated or with bytes that are not UTF-8.

:func:`run_assemble` runs the real ``mediation-agreement assemble`` in-process
and classifies what happened: an agreement, a refusal (a ``MediationError``,
exit 2 with ``error:`` lines), or a failure (any other exception, a partial
output, a refusal without a message).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import random
import re
import shutil
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml

from docassemble.MediationAgreement.case.yamlsource import parse_yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples" / "cases").glob("*.yml"))

T = TypeVar("T")


class Chooser(Protocol):
    """Where the choices come from: hypothesis (shrinkable) or a seeded random generator."""

    def integer(self, low: int, high: int) -> int: ...

    def choice(self, options: Sequence[T]) -> T: ...


class RandomChooser:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def integer(self, low: int, high: int) -> int:
        return self.random.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        return options[self.random.randrange(len(options))]


class HypothesisChooser:
    def __init__(self, data: Any) -> None:  # hypothesis.strategies.DataObject
        from hypothesis import strategies as st

        self.data, self.st = data, st

    def integer(self, low: int, high: int) -> int:
        return int(self.data.draw(self.st.integers(low, high)))

    def choice(self, options: Sequence[T]) -> T:
        return options[self.integer(0, len(options) - 1)]


def _examples() -> list[Any]:
    """The example cases as plain data (dates stay text, as the case loader reads them)."""
    return [parse_yaml(path.read_text(encoding="utf-8"), source=str(path))[0] for path in EXAMPLES]


_EXAMPLE_DATA: list[Any] | None = None

# Text placed in the data and replaced in the written file: what no serializer can write.
_MARK, _END = "@@FUZZ:", "@@"
ALPHABETS = ["a", "é", "ع", "中", "😀", "e\u0301", "\u202e", " ", "a ", "\t", "\x00", "\x07", "\ufeff", "\ud7ff", "\U0010ffff", "{{ x }}", "#set page(width: 1pt)", "<script>"]
STRING_LENGTHS = [0, 1, 199, 200, 201, 255, 256, 1_000, 9_999, 10_000, 10_001, 40_000, 70_000, 1_100_000]
NUMBERS: list[Any] = [0, -1, 1, 1.5, -0.0, 2, 7, 20, 21, 60, 61, 366, 999_999_999, 1_000_000_000, -1_000_000_000, 2**31, 2**63, 2**64, 10**30, 1e308, 1e-308, math.inf, -math.inf, math.nan, "1e999", "0x10", "12.345", "-5", "1_000"]
DATES = ["0001-01-01", "1899-12-31", "1900-01-01", "1970-01-01", "2026-02-29", "2028-02-29", "2026-02-30", "2026-13-01", "2200-12-31", "2201-01-01", "9999-12-31", "10000-01-01", "2026-1-1", "-2026-01-01", "2026-11-20T25:00:00", 19000101, 1e20]
TIMES: list[Any] = ["00:00", "02:30", "23:59", "24:00", "25:61", "18:00+02:00", "18:00Z", "18:00:00.123456", "6pm", 1.5, 0, 86_400, -1, 64_800]
WRONG: list[Any] = [None, True, False, 0, -1, 1.5, "", "x", [], {}, [1, 2], {"a": 1}, [[]], [None], "null", "yes", "no", "~"]
LIST_SIZES = [0, 2, 20, 21, 100, 101, 1_000, 10_000]
DEPTHS = [2, 32, 33, 100, 1_000, 100_000]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in ``node`` (keys and indexes), parents before children."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((*prefix, key))
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.append((*prefix, index))
            found += _paths(value, (*prefix, index))
    return found


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


def _huge_string(c: Chooser) -> str:
    alphabet = c.choice(ALPHABETS)
    length = c.choice(STRING_LENGTHS)
    return (alphabet * (length // max(len(alphabet), 1) + 1))[:length]


def _mutate(data: Any, c: Chooser) -> None:
    """One mutation at one place in ``data`` (changed in place)."""
    paths = _paths(data)
    path = c.choice(paths)
    parent, key = _get(data, path[:-1]), path[-1]
    value = parent[key]
    kind = c.choice(["delete", "wrong_type", "string", "number", "date", "time", "deep", "list", "unknown_key", "swap", "alias", "near_limit"])
    if kind == "delete":
        del parent[key]
    elif kind == "wrong_type":
        parent[key] = copy.deepcopy(c.choice(WRONG))
    elif kind == "string":
        parent[key] = _huge_string(c)
    elif kind == "number":
        number = c.choice(NUMBERS + ["digits"])
        parent[key] = f"{_MARK}digits:{c.choice([101, 400, 5_000, 100_000])}{_END}" if number == "digits" else number
    elif kind == "date":
        parent[key] = c.choice(DATES)
    elif kind == "time":
        parent[key] = c.choice(TIMES)
    elif kind == "deep":
        parent[key] = f"{_MARK}deep:{c.choice(DEPTHS)}{_END}"
    elif kind == "list":
        item = value[c.integer(0, len(value) - 1)] if isinstance(value, list) and value else value
        # At most about 3 MB written: enough to pass every limit, not so much that writing it takes the time.
        times = min(c.choice(LIST_SIZES), max(1, 3_000_000 // len(json.dumps(item))))
        if isinstance(value, dict):
            parent[key] = {**value, **{f"k{i}": copy.deepcopy(c.choice(WRONG)) for i in range(times)}}
        else:
            parent[key] = [item] * times
    elif kind == "unknown_key":
        target = value if isinstance(value, dict) else parent if isinstance(parent, dict) else data
        target[c.choice(["chilren", "x", "__class__", "", "k" * 10_000, "é" * 300])] = copy.deepcopy(c.choice(WRONG))
    elif kind == "swap":
        other = c.choice(paths)
        with contextlib.suppress(KeyError, IndexError, TypeError):
            parent[key] = json.loads(json.dumps(_get(data, other)))
    elif kind == "alias":
        parent[key] = f"{_MARK}alias:{c.choice(['laughs', 'self', 'once', 'merge'])}{_END}"
    else:
        _near_limit(data, c)


def _near_limit(data: dict[str, Any], c: Chooser) -> None:
    """A change the limits allow: the biggest case that must still become an agreement."""
    what = c.choice(["children", "holidays", "terms", "names", "dates", "one_offs", "school_years"])
    schedule = data.get("parenting_time") if isinstance(data.get("parenting_time"), dict) else None
    year = int(str(data.get("agreement_date", "2026"))[:4]) if str(data.get("agreement_date", "2026"))[:4].isdigit() else 2026
    if what == "children" and isinstance(data.get("children"), list) and data["children"]:
        child = data["children"][0]
        data["children"] = [{**child, "full_name": f"{c.choice(['Child', 'Émilie', 'Zoë'])} {i} {'X' * c.integer(0, 150)}"} if isinstance(child, dict) else child for i in range(c.integer(1, 20))]
        if isinstance(data.get("child_support"), dict):
            data["child_support"]["deviation_reason"] = "The parents agree on this amount after the number of children changed."
    elif what == "holidays" and schedule is not None and isinstance(schedule.get("holidays"), list) and schedule["holidays"]:
        schedule["holidays"] = [c.choice(schedule["holidays"]) for _ in range(c.integer(1, 100))]
    elif what == "terms":
        data["additional_terms"] = [(c.choice(ALPHABETS[:6] + ["a "]) * 10_000)[: c.choice([1, 200, 5_000, 10_000])] for _ in range(c.integer(1, 5))]
    elif what == "names":
        for party in ("parent_a", "parent_b", "mediator", "office", "court"):
            section = data.get(party)
            if isinstance(section, dict):
                for name in ("full_name", "short_name", "name", "organization", "county"):
                    if name in section:
                        section[name] = (c.choice(ALPHABETS[:6]) * 200)[:200]
    elif what == "dates":
        # Every date but the children's birthdays, moved by whole weeks (weekdays stay) to the edge of the range.
        weeks = c.choice([-6_465, -6_400, 8_950, 9_000, 9_170])  # to 1902, 1904, 2198, 2199 and 2202 (too late)
        _shift_dates(data, timedelta(weeks=weeks))
    elif what == "one_offs" and schedule is not None:
        start = year + c.integer(0, 4)
        schedule["one_off_changes"] = [{"parent": c.choice(["a", "b"]), "start": f"{start}-01-{d:02d}", "end": f"{start}-01-{d + 1:02d}"} for d in range(1, 1 + c.integer(1, 25))]
    elif what == "school_years" and schedule is not None:
        first = year + c.integer(-1, 1)
        schedule["school_years"] = [{"first_day": f"{first + i}-08-20", "last_day": f"{first + i + 1}-06-01"} for i in range(c.integer(1, 6))]


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _shift_dates(node: Any, by: timedelta) -> None:
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in list(items):
        if isinstance(value, str) and _DATE.match(value) and key != "date_of_birth":
            with contextlib.suppress(ValueError, OverflowError):
                node[key] = (date.fromisoformat(value) + by).isoformat()
        else:
            _shift_dates(value, by)


def _expand(text: str, *, yaml_text: bool) -> str:
    """Replace each mark in the written file with what it stands for."""

    def one(mark: str) -> str:
        kind, _, arg = mark.partition(":")
        if kind == "digits":
            return "9" * int(arg)
        if kind == "deep":
            depth = int(arg)
            return "[" * depth + "]" * depth
        if not yaml_text:
            return "[]"
        if arg == "laughs":
            levels = ["&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
            levels += [f"&l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
            return "[" + ", ".join(levels) + "]"
        if arg == "self":
            return "&me [*me]"
        if arg == "merge":
            return "{<<: {a: 1}}"
        return "[&once x, *once]"

    out, rest = [], text
    while _MARK in rest:
        before, _, after = rest.partition(_MARK)
        mark, _, rest = after.partition(_END)
        if before[-1:] in ('"', "'") and rest[:1] == before[-1:]:  # the serializer quoted it
            before, rest = before[:-1], rest[1:]
        out.append(before)
        out.append(one(mark))
    out.append(rest)
    return "".join(out)


class _NoAliases(yaml.SafeDumper):
    """Write a value used twice in full both times (PyYAML would write an anchor and an alias)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def hostile_case(c: Chooser) -> tuple[str, bytes]:
    """One generated case file: its suffix (``.yml`` or ``.json``) and its bytes."""
    global _EXAMPLE_DATA
    if _EXAMPLE_DATA is None:
        _EXAMPLE_DATA = _examples()
    data = json.loads(json.dumps(c.choice(_EXAMPLE_DATA)))
    hostile = c.integer(0, 4) < 3  # else: changes the limits allow, which must still become an agreement
    for _ in range(c.integer(1, 3)):
        if hostile:
            _mutate(data, c)
        else:
            _near_limit(data, c)
    as_yaml = c.integer(0, 1) == 1
    if as_yaml:
        dumper = c.choice([_NoAliases, yaml.SafeDumper])  # PyYAML's own writes a value used twice as an anchor and an alias
        text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=120)
    else:
        text = json.dumps(data, indent=c.choice([None, 2]), ensure_ascii=c.choice([True, False]))
    text = _expand(text, yaml_text=as_yaml)
    raw = text.encode("utf-8", "surrogatepass")
    corruption = c.choice(["none"] * 6 + ["truncate", "bytes", "bom", "duplicate"]) if hostile else "none"
    if corruption == "truncate" and raw:
        raw = raw[: c.integer(0, len(raw) - 1)]
    elif corruption == "bytes":
        at = c.integer(0, len(raw))
        raw = raw[:at] + c.choice([b"\xff\xfe", b"\x80", b"\x00", b"\t", b"\r", b"\n- ", b": :", b"{", b"&", b"*x"]) + raw[at:]
    elif corruption == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif corruption == "duplicate" and isinstance(data, dict) and data:
        key = c.choice(list(data))
        again = json.dumps({key: data[key]})[1:-1]
        raw = (raw.rstrip() + f"\n{again}\n".encode()) if as_yaml else raw.replace(b"{", b"{" + again.encode() + b",", 1)
    return (".yml" if as_yaml else ".json"), raw


# --------------------------------------------------------------------------- running


@dataclass
class Outcome:
    """What one run of ``assemble`` did."""

    kind: str  # "agreement", "refused" or "failure"
    seconds: float
    detail: str = ""


def run_assemble(case_file: Path, out_dir: Path, *, formats: str = "pdf,docx,html") -> Outcome:
    """Run ``mediation-agreement assemble`` in-process on ``case_file`` and classify the result.

    A failure is any exception other than the CLI's own exit, exit 0 without every
    output, a refusal without an ``error:`` message, or any file left in
    ``out_dir`` after a refusal.
    """
    from docassemble.MediationAgreement.cli import run

    err = io.StringIO()
    start = time.perf_counter()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = run(["assemble", str(case_file), "--out", str(out_dir), "--format", formats])
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: BLE001 - anything escaping the CLI is exactly what we look for
        seconds = time.perf_counter() - start
        return Outcome("failure", seconds, "traceback:\n" + traceback.format_exc(limit=-8))
    seconds = time.perf_counter() - start
    left = sorted(p.name for p in out_dir.iterdir()) if out_dir.exists() else []
    message = err.getvalue()
    if code == 0:
        expected = {f"agreement.{f}" for f in formats.split(",")}
        if not expected <= set(left):
            return Outcome("failure", seconds, f"exit 0 but outputs {left}")
        return Outcome("agreement", seconds)
    if code == 2 and message.startswith("error: ") and "Traceback" not in message:
        if left:
            return Outcome("failure", seconds, f"partial output after a refusal: {left}")
        return Outcome("refused", seconds, message.splitlines()[0][:300])
    return Outcome("failure", seconds, f"exit {code}: {message[:2000]}")


def fresh(folder: Path) -> Path:
    """An empty folder (removed first if it exists)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


__all__ = ["Chooser", "HypothesisChooser", "Outcome", "RandomChooser", "fresh", "hostile_case", "run_assemble"]
