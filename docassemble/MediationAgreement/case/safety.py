"""The safety screening as data: each finding knows whom it concerns and whom it protects.

A finding is not a flag.  Domestic violence or child abuse concerns one
parent (the *restrained* parent) and protects the other parent, the children,
or both; it rests on a basis (a protective order, the mediator's screening,
or a court's finding).  The rules that keep the restrained parent from
decision-making, vetoes and exchange terms, and the protected parent from
supervision, read these fields (:mod:`.safety_rules`).

Case files written before findings had a direction (``domestic_violence:
true``) still load when the direction is certain: a domestic-violence finding
beside a protective order concerns the parent the order restrains.  Anything
else is refused with a message saying what to write instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .limits import ID_CHARS, NAME_CHARS
from .schedule import Party, StrictModel

Protects = Literal["other_parent", "children", "other_parent_and_children"]
"""Whom a finding protects: the parent it does not concern, the children, or both."""

Basis = Literal["protective_order", "screening", "court_finding"]
"""What a finding rests on: the protective order in ``safety.protective_order``, the mediator's screening, or a court's finding."""

FINDING_KINDS: tuple[str, ...] = ("domestic_violence", "child_abuse")

FINDING_WORDS = {"domestic_violence": "domestic-violence finding", "child_abuse": "child-abuse finding"}


class ProtectiveOrder(StrictModel):
    """An order of protection or restraining order in force between the parties."""

    court: str = Field(max_length=NAME_CHARS)
    case_number: str | None = Field(default=None, max_length=ID_CHARS)
    protected_party: Party
    expires: date | None = None

    @property
    def restrained_party(self) -> Party:
        return "b" if self.protected_party == "a" else "a"


class SafetyFinding(StrictModel):
    """One finding of the screening: the parent it concerns, whom it protects, and its basis."""

    concerns: Party = Field(description="The parent the finding is about (the restrained parent)")
    protects: Protects = Field(description="Whom it protects: other_parent, children, or other_parent_and_children")
    basis: Basis = Field(description="protective_order (the order in safety.protective_order), screening (the mediator's screening), or court_finding")
    court: str | None = Field(default=None, max_length=NAME_CHARS, description="court_finding: the court that made the finding")
    case_number: str | None = Field(default=None, max_length=ID_CHARS, description="court_finding: the case in which it was made")
    found_on: date | None = Field(default=None, description="court_finding: the date of the finding")

    @model_validator(mode="after")
    def _court(self) -> SafetyFinding:
        if self.basis == "court_finding" and not self.court:
            raise ValueError("basis 'court_finding' needs court (the court that made the finding)")
        return self

    @property
    def protected_party(self) -> Party | None:
        """The parent this finding protects, if it protects a parent."""
        if self.protects == "children":
            return None
        return "b" if self.concerns == "a" else "a"

    @property
    def protects_children(self) -> bool:
        return self.protects in ("children", "other_parent_and_children")


class SafetyScreening(StrictModel):
    """Results of the mediator's screening.  A finding switches the agreement to
    its safety-focused clauses (see DOMAIN.md, "Safety logic")."""

    domestic_violence: SafetyFinding | None = Field(default=None, description="A domestic-violence finding: whom it concerns and protects, and its basis")
    child_abuse: SafetyFinding | None = Field(default=None, description="A child-abuse finding: whom it concerns and protects, and its basis")
    protective_order: ProtectiveOrder | None = None
    exchange_safety_concerns: bool = False

    @model_validator(mode="before")
    @classmethod
    def _legacy_flags(cls, data: Any) -> Any:
        """``domestic_violence: true|false`` from case files older than findings with a direction."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for kind in FINDING_KINDS:
            if data.get(kind) is False:
                del data[kind]
        order = data.get("protective_order")
        protected = order.get("protected_party") if isinstance(order, dict) else None
        if data.get("domestic_violence") is True and protected in ("a", "b"):
            # The order restrains the other parent: the finding it rests on concerns that parent.
            data["domestic_violence"] = {"concerns": "b" if protected == "a" else "a", "protects": "other_parent", "basis": "protective_order"}
        return data

    @field_validator("domestic_violence", "child_abuse", mode="before")
    @classmethod
    def _direction(cls, value: Any) -> Any:
        if value is True:
            raise ValueError(
                "'true' does not say whom the finding concerns: write it as "
                "{concerns: a or b (the parent the finding is about), "
                "protects: other_parent, children or other_parent_and_children, "
                "basis: protective_order, screening or court_finding}"
            )
        return value

    @property
    def finding(self) -> bool:
        return self.domestic_violence is not None or self.child_abuse is not None or self.protective_order is not None

    def findings(self) -> list[tuple[str, SafetyFinding]]:
        """(kind, finding) for each finding recorded, domestic violence first."""
        return [(kind, f) for kind in FINDING_KINDS if (f := getattr(self, kind)) is not None]

    @property
    def restrained_parties(self) -> tuple[Party, ...]:
        """The parents a finding or the protective order concerns, ``a`` before ``b``."""
        found = {f.concerns for _kind, f in self.findings()}
        if self.protective_order is not None:
            found.add(self.protective_order.restrained_party)
        return tuple(sorted(found))

    @property
    def protected_parties(self) -> tuple[Party, ...]:
        """The parents a finding or the protective order protects, ``a`` before ``b``."""
        found = {p for _kind, f in self.findings() if (p := f.protected_party) is not None}
        if self.protective_order is not None:
            found.add(self.protective_order.protected_party)
        return tuple(sorted(found))

    @property
    def restrained(self) -> Party | None:
        """The one parent the findings concern (clause text words its terms around them), if exactly one."""
        parties = self.restrained_parties
        return parties[0] if len(parties) == 1 else None

    @property
    def protected(self) -> Party | None:
        """The one parent the findings protect, if exactly one."""
        parties = self.protected_parties
        return parties[0] if len(parties) == 1 else None

    @property
    def protects_children(self) -> bool:
        return any(f.protects_children for _kind, f in self.findings())


__all__ = ["FINDING_KINDS", "Basis", "ProtectiveOrder", "Protects", "SafetyFinding", "SafetyScreening"]
