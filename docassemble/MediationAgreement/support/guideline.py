"""Reading a guideline folder: ``guideline.yml`` plus the CSV tables beside it.

The loader refuses anything it cannot vouch for, and says where: every
finding is ``path:line: message`` (a :class:`GuidelineError` carrying one
:class:`Problem` per finding, all of them, not just the first).  It checks

* the YAML itself (keys, types, dates written ``YYYY-MM-DD``, the model name);
* every effective-dated value: periods in order, not overlapping;
* every table: the declared columns are the file's header, every cell is a
  number, the key column strictly increases, with no gap when a ``step`` is
  declared, and the file's SHA-256 is the one written in ``guideline.yml``.

Whether the guideline, a table edition or a parameter is in force on the
agreement date is checked when a worksheet is computed (the date is an input),
with the same ``path:line`` form.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..case.yamlsource import LineMap, dotted, parse_yaml
from ..errors import GuidelineError, Problem
from .data import Deduction, Guideline, Parameter, Period, Source, Table, TableEdition, Value
from .registry import MODELS

GUIDELINE_FILE = "guideline.yml"
UNITS = ("percent", "money_monthly", "money_annual", "count", "choice")
TOP_KEYS = ("id", "title", "jurisdiction", "model", "effective_from", "effective_to", "source", "provenance", "rounding", "deductions", "parameters", "tables")
REQUIRED_TOP = ("id", "jurisdiction", "model", "effective_from", "source", "provenance", "rounding", "parameters")
NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")



def load_guideline(path: str | Path) -> Guideline:
    """Load and check a guideline: a folder holding ``guideline.yml``, or that file itself.

    Raises :class:`GuidelineError` listing every problem found, each as
    ``path:line: message``.
    """
    given = Path(path)
    folder = given if given.suffix.lower() not in (".yml", ".yaml") else given.parent
    file = given if given.suffix.lower() in (".yml", ".yaml") else given / GUIDELINE_FILE
    if not file.is_file():
        raise GuidelineError(f"no {GUIDELINE_FILE} here", path=file)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GuidelineError("not a UTF-8 text file", path=file) from None
    data, lines = parse_yaml(text, source=str(file), error=GuidelineError)
    reader = _Reader(file, folder, lines)
    return reader.guideline(data)


def load_guidelines(root: str | Path) -> dict[str, Guideline]:
    """Every guideline folder under ``root`` (one ``guideline.yml`` per folder), by id."""
    found: dict[str, Guideline] = {}
    for file in sorted(Path(root).glob(f"*/{GUIDELINE_FILE}")):
        guideline = load_guideline(file.parent)
        found[guideline.id] = guideline
    return found


class _Reader:
    """Collects every problem in one guideline folder, then raises them together."""

    def __init__(self, file: Path, folder: Path, lines: LineMap) -> None:
        self.file = file
        self.folder = folder
        self.lines = lines
        self.problems: list[Problem] = []

    # -- reporting -----------------------------------------------------------------

    def fail(self, message: str, *keys: str | int) -> None:
        self.problems.append(Problem(message, path=str(self.file), line=self.lines.line_for(tuple(keys)), field_path=dotted(list(keys)) if keys else None))

    def fail_at(self, path: Path, line: int | None, message: str) -> None:
        self.problems.append(Problem(message, path=str(path), line=line))

    # -- scalars -------------------------------------------------------------------

    def mapping(self, value: Any, *keys: str | int) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(f"must be a mapping (key: value lines), not {_kind(value)}", *keys)
            return None
        return value

    def text(self, value: Any, *keys: str | int, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail("must be non-empty text" if value is not None else "is required", *keys)
            return None
        return value.strip()

    def day(self, value: Any, *keys: str | int, required: bool = True) -> date | None:
        if value is None:
            if required:
                self.fail("is required (a date written YYYY-MM-DD)", *keys)
            return None
        try:
            return date.fromisoformat(str(value)) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)) else _raise()
        except ValueError:
            self.fail(f"'{value}' is not a date written YYYY-MM-DD", *keys)
            return None

    def number(self, value: Any, *keys: str | int) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(f"must be a number, not {_kind(value)}", *keys)
            return None
        text = repr(value) if isinstance(value, float) else str(value).strip()
        if not NUMBER.fullmatch(text):
            self.fail(f"'{value}' is not a number (digits and an optional decimal point)", *keys)
            return None
        return Decimal(text)

    def source(self, value: Any, *keys: str | int) -> Source | None:
        data = self.mapping(value, *keys)
        if data is None:
            return None
        for key in data:
            if key not in ("cite", "url", "quote", "verified", "note"):
                self.fail(f"unknown key '{key}' (a source has cite, url, quote, verified, note)", *keys, key)
        cite = self.text(data.get("cite"), *keys, "cite")
        url = self.text(data.get("url"), *keys, "url", required=False)
        quote = self.text(data.get("quote"), *keys, "quote", required=False)
        verified = data.get("verified", "official")
        if verified not in ("official", "secondary"):
            self.fail(f"'{verified}' must be 'official' or 'secondary'", *keys, "verified")
            verified = "official"
        return Source(cite=cite or "", url=url, quote=quote, verified=verified) if cite else None

    # -- the document --------------------------------------------------------------

    def guideline(self, data: Any) -> Guideline:
        top = self.mapping(data)
        if top is None:
            raise GuidelineError(problems=self.problems)
        for key in top:
            if key not in TOP_KEYS:
                self.fail(f"unknown key '{key}' (known: {', '.join(TOP_KEYS)})", key)
        for key in REQUIRED_TOP:
            if key not in top:
                self.problems.append(Problem(f"'{key}' is required", path=str(self.file), line=1))
        ident = self.text(top.get("id"), "id") if "id" in top else None
        if ident and ident != self.folder.name:
            self.fail(f"id '{ident}' does not match the folder name '{self.folder.name}'", "id")
        model = self.text(top.get("model"), "model") if "model" in top else None
        if model and model not in MODELS:
            self.fail(f"unknown model '{model}' (known: {', '.join(sorted(MODELS))})", "model")
        start = self.day(top.get("effective_from"), "effective_from") if "effective_from" in top else None
        end = self.day(top.get("effective_to"), "effective_to", required=False)
        if start and end and end < start:
            self.fail(f"effective_to {end} is before effective_from {start}", "effective_to")
        source = self.source(top.get("source"), "source") if "source" in top else None
        provenance = self.mapping(top.get("provenance"), "provenance") if "provenance" in top else None
        if provenance is not None:
            self.day(provenance.get("retrieved"), "provenance", "retrieved")
            self.text(provenance.get("notes"), "provenance", "notes")
        rounding = self.text(top.get("rounding"), "rounding") if "rounding" in top else None
        parameters = self.parameters(top.get("parameters")) if "parameters" in top else {}
        tables = self.tables(top.get("tables", {}) or {})
        deductions = self.deductions(top.get("deductions", {}) or {})
        if model in MODELS:
            spec = MODELS[model]
            for name in spec.parameters:
                if name not in parameters and "parameters" in top and isinstance(top.get("parameters"), dict):
                    self.fail(f"model '{model}' needs parameter '{name}', which is not defined", "parameters")
            for name in spec.tables:
                if name not in tables:
                    self.fail(f"model '{model}' needs table '{name}', which is not defined", "tables" if "tables" in top else "model")
        if self.problems:
            raise GuidelineError(problems=self.problems)
        assert ident and model and start and source and provenance is not None and rounding
        return Guideline(
            id=ident,
            title=str(top.get("title") or ident),
            jurisdiction=str(top["jurisdiction"]),
            model=model,
            start=start,
            end=end,
            source=source,
            provenance=provenance,
            rounding=rounding,
            parameters=parameters,
            tables=tables,
            deductions=deductions,
            path=self.file,
            lines=self.lines,
        )

    def parameters(self, value: Any) -> dict[str, Parameter]:
        data = self.mapping(value, "parameters")
        found: dict[str, Parameter] = {}
        for name, spec in (data or {}).items():
            where = ("parameters", name)
            body = self.mapping(spec, *where)
            if body is None:
                continue
            for key in body:
                if key not in ("unit", "by_children", "or_more", "choices", "periods", "description"):
                    self.fail(f"unknown key '{key}' (a parameter has unit, by_children, or_more, choices, periods, description)", *where, key)
            unit = body.get("unit")
            if unit not in UNITS:
                self.fail(f"unit '{unit}' is not one of {', '.join(UNITS)}", *where, "unit")
                continue
            by_children = body.get("by_children", False) is True
            or_more = body.get("or_more", False) is True
            choices = tuple(str(c) for c in body.get("choices") or ())
            if unit == "choice" and not choices:
                self.fail("a 'choice' parameter must list its choices", *where)
            periods_raw = body.get("periods")
            if not isinstance(periods_raw, list) or not periods_raw:
                self.fail("must list at least one period (effective_from, value, source)", *where, "periods")
                continue
            periods: list[Period] = []
            for index, item in enumerate(periods_raw):
                period = self.period(name, unit, by_children, choices, item, *where, "periods", index)
                if period is not None:
                    periods.append(period)
            self.check_sequence([(p.start, p.end, p.line) for p in periods], *where, "periods")
            found[name] = Parameter(name, unit, by_children, or_more, choices, tuple(periods), self.lines.line_for(where) or 1, str(body.get("description") or ""))
        return found

    def period(self, name: str, unit: str, by_children: bool, choices: tuple[str, ...], item: Any, *where: str | int) -> Period | None:
        body = self.mapping(item, *where)
        if body is None:
            return None
        for key in body:
            if key not in ("effective_from", "effective_to", "value", "source"):
                self.fail(f"unknown key '{key}' (a period has effective_from, effective_to, value, source)", *where, key)
        start = self.day(body.get("effective_from"), *where, "effective_from")
        end = self.day(body.get("effective_to"), *where, "effective_to", required=False)
        if start and end and end < start:
            self.fail(f"effective_to {end} is before effective_from {start}", *where, "effective_to")
        source = self.source(body.get("source"), *where, "source")
        if "value" not in body:
            self.fail("'value' is required", *where)
            return None
        raw = body["value"]
        value: Value | None
        if unit == "choice":
            value = str(raw) if str(raw) in choices else None
            if value is None:
                self.fail(f"'{raw}' is not one of {', '.join(choices)}", *where, "value")
        elif by_children:
            mapping = self.mapping(raw, *where, "value")
            value = None
            if mapping is not None:
                converted: dict[int, Decimal] = {}
                for key, amount in mapping.items():
                    if isinstance(key, bool) or not isinstance(key, int) or key < 1:
                        self.fail(f"'{key}' is not a number of children (1, 2, 3...)", *where, "value", key)
                        continue
                    number = self.number(amount, *where, "value", key)
                    if number is not None:
                        converted[key] = number
                keys = sorted(converted)
                if keys and keys != list(range(keys[0], keys[-1] + 1)):
                    self.fail(f"numbers of children must run without a gap (found {', '.join(map(str, keys))})", *where, "value")
                value = converted or None
        else:
            value = self.number(raw, *where, "value")
        if start is None or source is None or value is None:
            return None
        return Period(name, start, end, value, source, self.lines.line_for(tuple(where)) or 1)

    def check_sequence(self, spans: list[tuple[date, date | None, int]], *where: str | int) -> None:
        for (start, end, _line), (next_start, _next_end, next_line) in zip(spans, spans[1:]):
            if next_start <= start:
                self.problems.append(Problem(f"periods out of order: {next_start} does not come after {start}", path=str(self.file), line=next_line, field_path=dotted(list(where))))
            elif end is None or next_start <= end:
                self.problems.append(Problem(f"periods overlap: this one starts {next_start} but the one before runs to {end or 'further notice'}", path=str(self.file), line=next_line, field_path=dotted(list(where))))

    def deductions(self, value: Any) -> dict[str, Deduction]:
        data = self.mapping(value, "deductions")
        found: dict[str, Deduction] = {}
        for name, spec in (data or {}).items():
            where = ("deductions", name)
            body = self.mapping(spec, *where)
            if body is None:
                continue
            label = self.text(body.get("label"), *where, "label")
            cite = self.text(body.get("cite"), *where, "cite")
            start = self.day(body.get("effective_from"), *where, "effective_from")
            end = self.day(body.get("effective_to"), *where, "effective_to", required=False)
            if label and cite and start:
                found[name] = Deduction(name, label, cite, start, end, self.lines.line_for(where) or 1)
        return found

    def tables(self, value: Any) -> dict[str, Table]:
        data = self.mapping(value, "tables")
        found: dict[str, Table] = {}
        for name, spec in (data or {}).items():
            where = ("tables", name)
            body = self.mapping(spec, *where)
            if body is None:
                continue
            for key in body:
                if key not in ("key", "step", "columns", "unit", "description", "editions"):
                    self.fail(f"unknown key '{key}' (a table has key, step, columns, unit, description, editions)", *where, key)
            columns_raw = body.get("columns")
            if not isinstance(columns_raw, list) or not columns_raw or not all(isinstance(c, str) for c in columns_raw):
                self.fail("must list the column names", *where, "columns")
                continue
            columns = tuple(columns_raw)
            key_column = self.text(body.get("key"), *where, "key")
            if key_column and key_column not in columns:
                self.fail(f"key column '{key_column}' is not among the columns", *where, "key")
                continue
            step = self.number(body.get("step"), *where, "step") if body.get("step") is not None else None
            unit = self.text(body.get("unit"), *where, "unit", required=False) or ""
            editions_raw = body.get("editions")
            if not isinstance(editions_raw, list) or not editions_raw:
                self.fail("must list at least one edition (file, sha256, effective_from, source)", *where, "editions")
                continue
            editions: list[TableEdition] = []
            for index, item in enumerate(editions_raw):
                edition = self.edition(name, columns, key_column or columns[0], step, item, *where, "editions", index)
                if edition is not None:
                    editions.append(edition)
            self.check_sequence([(e.start, e.end, e.line) for e in editions], *where, "editions")
            found[name] = Table(name, key_column or columns[0], step, columns, unit, tuple(editions), self.lines.line_for(where) or 1)
        return found

    def edition(self, table: str, columns: tuple[str, ...], key: str, step: Decimal | None, item: Any, *where: str | int) -> TableEdition | None:
        body = self.mapping(item, *where)
        if body is None:
            return None
        for name in body:
            if name not in ("file", "sha256", "effective_from", "effective_to", "source"):
                self.fail(f"unknown key '{name}' (an edition has file, sha256, effective_from, effective_to, source)", *where, name)
        file_name = self.text(body.get("file"), *where, "file")
        digest: str | None = None
        if isinstance(body.get("sha256"), str):
            digest = body["sha256"].strip()
        else:
            self.fail("is required: the table file's SHA-256, 64 lower-case hexadecimal digits (in quotes if YAML would read it as a number)", *where, "sha256")
        start = self.day(body.get("effective_from"), *where, "effective_from")
        end = self.day(body.get("effective_to"), *where, "effective_to", required=False)
        if start and end and end < start:
            self.fail(f"effective_to {end} is before effective_from {start}", *where, "effective_to")
        source = self.source(body.get("source"), *where, "source")
        if digest and not SHA256.fullmatch(digest):
            self.fail("sha256 must be 64 lower-case hexadecimal digits", *where, "sha256")
            digest = None
        if not file_name:
            return None
        path = self.folder / file_name
        if Path(file_name).name != file_name:
            self.fail(f"'{file_name}' must be a file name beside {GUIDELINE_FILE}, not a path", *where, "file")
            return None
        if not path.is_file():
            self.fail(f"table file '{file_name}' not found beside {GUIDELINE_FILE}", *where, "file")
            return None
        raw = path.read_bytes()
        parsed = self.read_csv(path, raw, columns, key, step)
        actual = hashlib.sha256(raw).hexdigest()
        if digest and actual != digest:
            self.fail(f"checksum mismatch for {file_name}: the file's SHA-256 is {actual}, {GUIDELINE_FILE} says {digest}", *where, "sha256")
        if parsed is None or not (start and source and digest):
            return None
        keys, rows, row_lines = parsed
        return TableEdition(table, path, digest, start, end, source, self.lines.line_for(tuple(where)) or 1, columns, keys, rows, row_lines)

    def read_csv(self, path: Path, raw: bytes, columns: tuple[str, ...], key: str, step: Decimal | None) -> tuple[tuple[Decimal, ...], tuple[tuple[Decimal, ...], ...], tuple[int, ...]] | None:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.fail_at(path, 1, "not a UTF-8 text file")
            return None
        reader = csv.reader(io.StringIO(text, newline=""))
        header: list[str] | None = None
        header_line = 1
        before = len(self.problems)
        rows: list[tuple[Decimal, ...]] = []
        row_lines: list[int] = []
        order: list[int] = []
        for record in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue
            if header is None:
                header, header_line = cells, line
                missing = [c for c in columns if c not in header]
                extra = [c for c in header if c not in columns]
                for name in missing:
                    self.fail_at(path, line, f"missing column '{name}' (the guideline declares: {', '.join(columns)})")
                for name in extra:
                    self.fail_at(path, line, f"unexpected column '{name}' (the guideline declares: {', '.join(columns)})")
                if missing or extra or len(set(header)) != len(header):
                    if len(set(header)) != len(header):
                        self.fail_at(path, line, "a column name appears twice")
                    return None
                order = [header.index(c) for c in columns]
                continue
            if len(cells) != len(header):
                self.fail_at(path, line, f"expected {len(header)} fields, found {len(cells)}")
                continue
            values: list[Decimal] = []
            for name, index in zip(columns, order):
                cell = cells[index]
                if not NUMBER.fullmatch(cell):
                    self.fail_at(path, line, f"column '{name}': '{cell}' is not a number (digits and an optional decimal point; no $, commas or minus signs)")
                    break
                values.append(Decimal(cell))
            else:
                rows.append(tuple(values))
                row_lines.append(line)
        if header is None:
            self.fail_at(path, 1, "the file is empty (no header, no rows)")
            return None
        if not rows and len(self.problems) == before:
            self.fail_at(path, header_line, "the table has no rows")
        if len(self.problems) != before:
            return None
        k = columns.index(key)
        keys = [row[k] for row in rows]
        for i in range(1, len(keys)):
            if keys[i] <= keys[i - 1]:
                self.fail_at(path, row_lines[i], f"rows out of order: {key} {keys[i]} is not greater than {keys[i - 1]} on line {row_lines[i - 1]}")
                return None
        if step is not None:
            for i in range(1, len(keys)):
                if keys[i] - keys[i - 1] != step:
                    self.fail_at(path, row_lines[i], f"gap in {key}: expected {keys[i - 1] + step} after {keys[i - 1]} (step {step}), found {keys[i]}")
                    return None
        return tuple(keys), tuple(rows), tuple(row_lines)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _raise() -> date:
    raise ValueError
