"""What a method is and what it sees: :class:`Model` and :class:`Context` (the values in force on the agreement date)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import GuidelineError

if TYPE_CHECKING:
    from .data import Guideline, Period, TableEdition
    from .inputs import SupportInputs
    from .worksheet import Worksheet


@dataclass(frozen=True)
class Model:
    """A named method and what it reads from a guideline file."""

    name: str
    compute: Callable[[Context], Worksheet]
    parameters: tuple[str, ...]
    tables: tuple[str, ...] = ()
    summary: str = ""


@dataclass
class Context:
    """What a method sees: the guideline, validated inputs, and the values in force on ``inputs.as_of``."""

    guideline: Guideline
    inputs: SupportInputs
    overrides: Mapping[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    dates_used: list[date] = field(default_factory=list)

    @property
    def day(self) -> date:
        return self.inputs.as_of

    def _value(self, name: str) -> Any:
        if name in self.overrides:
            value = self.overrides[name]
            note = f"{name} = {_show(value)} was supplied by the office for this calculation, not read from {self.guideline.path.name}"
            if note not in self.notes:
                self.notes.append(note)
            return value
        period = self.guideline.period(name, self.day)
        self._use(period)
        return period.value

    def _use(self, period: Period) -> None:
        self.dates_used.append(period.start)
        if period.source.verified == "secondary":
            note = f"{period.parameter} = {_show(period.value)} comes from a secondary source ({period.source.cite}); confirm it against the official text"
            if note not in self.notes:
                self.notes.append(note)

    def number(self, name: str, children: int | None = None) -> Decimal:
        """A parameter's value as a ``Decimal`` (for a ``by_children`` parameter, the value for ``children``)."""
        value = self._value(name)
        if isinstance(value, Mapping):
            if children is None:
                raise GuidelineError(f"parameter '{name}' is given per number of children; the method asked for a single value", path=self.guideline.path, line=self.guideline.line_of("parameters", name))
            return _by_children(self.guideline, name, value, children)
        if isinstance(value, str):
            raise GuidelineError(f"parameter '{name}' is the choice '{value}', not a number", path=self.guideline.path, line=self.guideline.line_of("parameters", name))
        return value if isinstance(value, Decimal) else Decimal(str(value))

    def fraction(self, name: str, children: int | None = None) -> Decimal:
        """A ``percent`` parameter as a fraction (17 -> 0.17)."""
        return self.number(name, children) / 100

    def choice(self, name: str) -> str:
        value = self._value(name)
        if not isinstance(value, str):
            raise GuidelineError(f"parameter '{name}' must be one of its listed choices", path=self.guideline.path, line=self.guideline.line_of("parameters", name))
        allowed = self.guideline.parameters[name].choices if name in self.guideline.parameters else ()
        if allowed and value not in allowed:
            raise GuidelineError(f"parameter '{name}': '{value}' is not one of {', '.join(allowed)}", path=self.guideline.path, line=self.guideline.line_of("parameters", name))
        return value

    def table(self, name: str) -> TableEdition:
        edition = self.guideline.edition(name, self.day)
        self.dates_used.append(edition.start)
        if edition.source.verified == "secondary":
            note = f"table '{name}' ({edition.file.name}) rests on a secondary source for part of its provenance ({edition.source.cite}); confirm it against the official text"
            if note not in self.notes:
                self.notes.append(note)
        return edition


def _by_children(guideline: Guideline, name: str, values: Mapping[Any, Any], children: int) -> Decimal:
    table = {int(k): (v if isinstance(v, Decimal) else Decimal(str(v))) for k, v in values.items()}
    if children in table:
        return table[children]
    parameter = guideline.parameters.get(name)
    if parameter is not None and parameter.or_more and table and children > max(table):
        return table[max(table)]
    known = ", ".join(str(k) for k in sorted(table))
    raise GuidelineError(f"parameter '{name}' has no value for {children} children (it covers: {known})", path=guideline.path, line=guideline.line_of("parameters", name))


def _show(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    return str(value)
