"""What a guideline calculation needs to know about a family: plain, typed, monthly amounts.

Every money amount is a monthly figure in dollars (``Decimal``; ints and
strings are accepted and converted, floats are refused because they cannot
carry cents exactly).  Parent ``"a"`` and parent ``"b"`` are symmetric: no
model treats either letter specially.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal

from ..errors import GuidelineError

Parent = Literal["a", "b"]
PARENTS: tuple[Parent, Parent] = ("a", "b")


def other(parent: Parent) -> Parent:
    """The other parent's letter."""
    return "b" if parent == "a" else "a"


def to_money(value: object, field_path: str) -> Decimal:
    """A non-negative amount as ``Decimal``; refuse floats, negative and non-finite values."""
    if isinstance(value, bool) or isinstance(value, float):
        raise GuidelineError(f"must be a Decimal, int or string, not {type(value).__name__} (floats cannot hold cents exactly)", field_path=field_path)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise GuidelineError(f"{value!r} is not a number", field_path=field_path) from None
    if not amount.is_finite():
        raise GuidelineError(f"{value!r} is not a finite number", field_path=field_path)
    if amount < 0:
        raise GuidelineError(f"must not be negative (got {amount})", field_path=field_path)
    return amount


@dataclass(frozen=True)
class ParentInputs:
    """One parent's figures, all monthly except ``annual_overnights``.

    ``deductions`` maps the names the guideline file lists under
    ``deductions:`` (e.g. ``federal_income_tax``) to monthly amounts; a model
    that works on gross income (Wisconsin) accepts none.
    """

    monthly_gross_income: Decimal
    deductions: Mapping[str, Decimal] = field(default_factory=dict)
    other_children: int = 0
    """Children of this parent not in this case whom the parent is legally bound to support."""
    health_insurance_premium: Decimal = Decimal(0)
    """The children's share of the health insurance premium this parent pays."""
    child_care: Decimal = Decimal(0)
    """Work-related child care this parent pays."""
    long_distance_transportation: Decimal = Decimal(0)
    """Long-distance transportation for parenting time this parent pays (shared by RCW 26.19.080(3))."""
    annual_overnights: int = 0

    def validated(self, name: str) -> ParentInputs:
        """A copy with every amount converted and checked; errors name ``inputs.<name>.<field>``."""
        where = f"inputs.{name}"
        deductions = {str(k): to_money(v, f"{where}.deductions.{k}") for k, v in dict(self.deductions).items()}
        for attr in ("other_children", "annual_overnights"):
            value = getattr(self, attr)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise GuidelineError(f"must be a whole number, zero or more (got {value!r})", field_path=f"{where}.{attr}")
        return ParentInputs(
            monthly_gross_income=to_money(self.monthly_gross_income, f"{where}.monthly_gross_income"),
            deductions=deductions,
            other_children=self.other_children,
            health_insurance_premium=to_money(self.health_insurance_premium, f"{where}.health_insurance_premium"),
            child_care=to_money(self.child_care, f"{where}.child_care"),
            long_distance_transportation=to_money(self.long_distance_transportation, f"{where}.long_distance_transportation"),
            annual_overnights=self.annual_overnights,
        )

    def total_deductions(self) -> Decimal:
        return sum(self.deductions.values(), Decimal(0))


@dataclass(frozen=True)
class Child:
    """A child the support is for.  ``lives_with`` is set only for split placement (each parent has some children)."""

    birth_date: date
    lives_with: Parent | None = None

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


@dataclass(frozen=True)
class SupportInputs:
    """Everything one worksheet is computed from.

    ``as_of`` is the agreement date: it picks the guideline edition, table and
    parameter values in force, and the children's ages.  ``primary_residence``
    names the parent the children mainly live with when overnights are equal
    (or to override them); models that need a residential parent refuse a tie
    without it.
    """

    as_of: date
    a: ParentInputs
    b: ParentInputs
    children: tuple[Child, ...]
    primary_residence: Parent | None = None

    def parent(self, name: Parent) -> ParentInputs:
        return self.a if name == "a" else self.b

    def validated(self) -> SupportInputs:
        if not isinstance(self.as_of, date):
            raise GuidelineError(f"must be a date (got {self.as_of!r})", field_path="inputs.as_of")
        children = tuple(self.children)
        if not children:
            raise GuidelineError("at least one child is needed", field_path="inputs.children")
        for index, child in enumerate(children):
            if not isinstance(child.birth_date, date) or child.birth_date > self.as_of:
                raise GuidelineError(f"birth date {child.birth_date} is after the agreement date {self.as_of}", field_path=f"inputs.children[{index}].birth_date")
            if child.lives_with not in (None, "a", "b"):
                raise GuidelineError(f"must be 'a', 'b' or empty (got {child.lives_with!r})", field_path=f"inputs.children[{index}].lives_with")
        if self.primary_residence not in (None, "a", "b"):
            raise GuidelineError(f"must be 'a', 'b' or empty (got {self.primary_residence!r})", field_path="inputs.primary_residence")
        return SupportInputs(as_of=self.as_of, a=self.a.validated("a"), b=self.b.validated("b"), children=children, primary_residence=self.primary_residence)

    def swapped(self) -> SupportInputs:
        """The same family with the parents' letters exchanged (used by the symmetry checks)."""
        flip: dict[Parent | None, Parent | None] = {"a": "b", "b": "a", None: None}
        return SupportInputs(
            as_of=self.as_of,
            a=self.b,
            b=self.a,
            children=tuple(Child(c.birth_date, flip[c.lives_with]) for c in self.children),
            primary_residence=flip[self.primary_residence],
        )
