"""A guideline as data: its sources, effective-dated parameters, tables and deductions.

What :mod:`.guideline` reads from a guideline folder, and what the methods in
:mod:`.methods` read values from.  Every value knows the file and line it came
from, so a question about any figure ("where does 25 % come from?") has an
answer, and every "not in force on that date" names the line to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from ..case.yamlsource import LineMap
from ..errors import GuidelineError

Value = Decimal | dict[int, Decimal] | str
"""A parameter\'s value: an amount or percentage, one per number of children, or a choice."""


@dataclass(frozen=True)
class Source:
    """Where a value or table comes from: a citation, an address and the words quoted."""

    cite: str
    url: str | None = None
    quote: str | None = None
    verified: Literal["official", "secondary"] = "official"


@dataclass(frozen=True)
class Period:
    """One value of a parameter, in force from ``start`` to ``end`` (inclusive; ``None``: until changed)."""

    parameter: str
    start: date
    end: date | None
    value: Value
    source: Source
    line: int

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Parameter:
    name: str
    unit: str
    by_children: bool
    or_more: bool
    choices: tuple[str, ...]
    periods: tuple[Period, ...]
    line: int
    description: str = ""


@dataclass(frozen=True)
class TableEdition:
    """One CSV file of a table, with the period it is in force."""

    table: str
    file: Path
    sha256: str
    start: date
    end: date | None
    source: Source
    line: int
    columns: tuple[str, ...]
    keys: tuple[Decimal, ...]
    rows: tuple[tuple[Decimal, ...], ...]
    row_lines: tuple[int, ...]

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def column(self, name: str) -> int:
        return self.columns.index(name)

    @property
    def bottom(self) -> Decimal:
        return self.keys[0]

    @property
    def top(self) -> Decimal:
        return self.keys[-1]


@dataclass(frozen=True)
class Table:
    name: str
    key: str
    step: Decimal | None
    columns: tuple[str, ...]
    unit: str
    editions: tuple[TableEdition, ...]
    line: int


@dataclass(frozen=True)
class Deduction:
    name: str
    label: str
    cite: str
    start: date
    end: date | None
    line: int

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Guideline:
    """A loaded, checked guideline: data plus the name of the method that reads it."""

    id: str
    title: str
    jurisdiction: str
    model: str
    start: date
    end: date | None
    source: Source
    provenance: dict[str, Any]
    rounding: str
    parameters: dict[str, Parameter]
    tables: dict[str, Table]
    deductions: dict[str, Deduction]
    path: Path
    lines: LineMap = field(repr=False)

    def line_of(self, *keys: str | int) -> int | None:
        return self.lines.line_for(tuple(keys))

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def check_in_force(self, day: date) -> None:
        """Refuse an agreement date outside ``effective_from``..``effective_to``."""
        if self.covers(day):
            return
        span = f"from {self.start.isoformat()} to {self.end.isoformat() if self.end else 'further notice'}"
        key = "effective_from" if day < self.start else "effective_to"
        raise GuidelineError(f"guideline '{self.id}' is in force {span}; it does not cover the agreement date {day.isoformat()}", path=self.path, line=self.line_of(key))

    def period(self, name: str, day: date) -> Period:
        parameter = self.parameters.get(name)
        if parameter is None:
            raise GuidelineError(f"parameter '{name}' is not defined", path=self.path, line=self.line_of("parameters"))
        for item in parameter.periods:
            if item.covers(day):
                return item
        spans = "; ".join(f"{p.start.isoformat()} to {p.end.isoformat() if p.end else 'further notice'}" for p in parameter.periods)
        raise GuidelineError(
            f"parameter '{name}' has no value in force on {day.isoformat()} (its periods: {spans}); add the value in force then, or supply it for this calculation",
            path=self.path,
            line=self.line_of("parameters", name, "periods"),
        )

    def edition(self, name: str, day: date) -> TableEdition:
        table = self.tables.get(name)
        if table is None:
            raise GuidelineError(f"table '{name}' is not defined", path=self.path, line=self.line_of("tables"))
        for edition in table.editions:
            if edition.covers(day):
                return edition
        spans = "; ".join(f"{e.file.name} {e.start.isoformat()} to {e.end.isoformat() if e.end else 'further notice'}" for e in table.editions)
        raise GuidelineError(f"no edition of table '{name}' is in force on {day.isoformat()} (editions: {spans})", path=self.path, line=self.line_of("tables", name, "editions"))
