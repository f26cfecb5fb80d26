"""The result of one guideline calculation: labelled lines, the payer and the monthly amount."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from .inputs import Parent

LineKind = Literal["money", "ratio", "percent", "count", "text"]
CENT = Decimal("0.01")


def cents(amount: Decimal) -> Decimal:
    """Round half up to the cent (the only rounding the engine does unless a guideline says otherwise)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _number(value: Decimal | None, kind: LineKind) -> float | int | None:
    if value is None:
        return None
    if kind == "money":
        return float(cents(value))
    if kind == "count":
        return int(value)
    if kind == "ratio":
        return float(value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))
    return float(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class WorksheetLine:
    """One line: the official worksheet's label (and number where the official form has one)."""

    key: str
    label: str
    a: Decimal | None = None
    b: Decimal | None = None
    combined: Decimal | None = None
    number: str | None = None
    kind: LineKind = "money"
    cite: str | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "number": self.number,
            "label": self.label,
            "a": _number(self.a, self.kind),
            "b": _number(self.b, self.kind),
            "combined": _number(self.combined, self.kind),
            "kind": self.kind,
            "cite": self.cite,
            "note": self.note,
        }


@dataclass(frozen=True)
class Worksheet:
    """A finished calculation.

    ``monthly_amount`` is what ``payer`` pays the other parent each month,
    rounded to the cent; ``payer`` is ``None`` when nobody pays.  ``bracket``
    names the part of the formula that produced the amount (``standard``,
    ``high_income_over_12500``, ``self_support_reserve``...): within one
    bracket the amount only grows with the payer's income.
    """

    guideline: str
    model: str
    as_of: date
    effective_date: date
    lines: tuple[WorksheetLine, ...]
    payer: Parent | None
    monthly_amount: Decimal
    bracket: str
    rounding: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def line(self, key: str) -> WorksheetLine:
        for item in self.lines:
            if item.key == key:
                return item
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        return {
            "guideline": self.guideline,
            "model": self.model,
            "as_of": self.as_of.isoformat(),
            "effective_date": self.effective_date.isoformat(),
            "payer": self.payer,
            "monthly_amount": float(self.monthly_amount),
            "bracket": self.bracket,
            "rounding": self.rounding,
            "lines": [item.to_json() for item in self.lines],
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------- as printed


def cell(line: WorksheetLine, value: object) -> str:
    """One worksheet value as the official worksheets print it."""
    if value is None:
        return ""
    if line.kind == "money":
        return f"${value:,.2f}"
    if line.kind == "percent":
        return f"{value:.2f}%"
    if line.kind == "ratio":
        return f"{float(value) * 100:.2f}%"  # type: ignore[arg-type]
    return str(value)


def worksheet_rows(worksheet: Worksheet, language: str = "en") -> list[tuple[str, str, str, str]]:
    """Label and the three columns for each line (the agreement's exhibit and this command share them).

    In another language each label is the official form's, translated (:func:`.labels.translated_label`).
    """
    from .labels import translated_label

    rows = []
    for line in worksheet.lines:
        label = line.label if language == "en" else translated_label(line.label, language)
        label = f"{line.number}. {label}" if line.number else label
        rows.append((label, cell(line, line.a), cell(line, line.b), cell(line, line.combined)))
    return rows
