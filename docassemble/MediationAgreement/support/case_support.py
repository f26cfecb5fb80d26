"""The child support a case's agreement states: the guideline worksheet from the case's own figures.

The case file gives each parent's income and costs (``child_support.guideline``);
the overnights come from the parenting-time schedule — the same two-year
average the agreement's overnight table shows — unless the mediator gives them
by hand with a reason.  :func:`support_terms` computes the worksheet once per
agreement and checks the agreed terms against it: an amount or a payer that
differs from the guideline's needs ``deviation_reason``, as before.

Guidelines are looked up by id in the package's ``guidelines`` folder and in any
folders an office adds (``--guidelines DIR``; the server's ``mediation
agreement: guidelines`` setting), later folders first, so an office's new table
year replaces ours without Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..case.model import Case, ChildSupport
from ..errors import GuidelineError
from ..schedule.compute import default_year, overnight_figures
from .ends import support_ends

if TYPE_CHECKING:  # the guideline engine is imported where a worksheet is computed: most agreements give an amount
    from .data import Guideline
    from .inputs import SupportInputs
    from .worksheet import Worksheet

PER_MONTH = {"monthly": Decimal(1), "semimonthly": Decimal(2), "biweekly": Decimal(26) / Decimal(12), "weekly": Decimal(52) / Decimal(12)}
"""Payments a month at each frequency (26 every-two-weeks and 52 weekly payments a year)."""


def default_guidelines_dir() -> Path:
    """The guidelines shipped inside the package (``data/sources/guidelines``)."""
    return Path(str(resources.files("docassemble.MediationAgreement") / "data" / "sources" / "guidelines"))


def guideline_dirs(extra: Sequence[str | Path] = (), *, no_default: bool = False) -> list[Path]:
    """The folders searched for guidelines: ours first, then each office folder in order."""
    return ([] if no_default else [default_guidelines_dir()]) + [Path(p) for p in extra]


def find_guideline(guideline_id: str, dirs: Sequence[Path]) -> Guideline | None:
    """The guideline ``guideline_id`` from the last folder that has it (an office's folder wins)."""
    from .guideline import GUIDELINE_FILE

    for folder in reversed(list(dirs)):
        candidate = folder / guideline_id / GUIDELINE_FILE
        if candidate.is_file():
            return _load(candidate.resolve(), candidate.stat().st_mtime_ns)
    return None


def known_guidelines(dirs: Sequence[Path]) -> list[str]:
    from .guideline import GUIDELINE_FILE

    return sorted({p.parent.name for folder in dirs for p in Path(folder).glob(f"*/{GUIDELINE_FILE}")})


@lru_cache(maxsize=32)
def _load(file: Path, _mtime: int) -> Guideline:
    """A guideline is read and checked once per process (again only if its file changed)."""
    from .guideline import load_guideline

    return load_guideline(file)


@dataclass(frozen=True)
class SupportTerms:
    """What the agreement says about the guideline: the worksheet (when the case has one) and the amounts.

    ``guideline_amount`` is per payment, at the case's frequency, like
    ``child_support.amount``; ``monthly_amount`` is the worksheet's own figure.
    """

    worksheet: Worksheet | None
    guideline: Guideline | None
    guideline_amount: Decimal | None
    monthly_amount: Decimal | None
    overnights: dict[str, int] | None
    overnights_source: str | None
    end_rule: Any = None
    """The state's :class:`~.ends.SupportEndRule` (None when no quoted rule was found); set by :func:`support_terms`."""
    ends: tuple[Any, ...] = ()
    """Each child's :class:`~.ends.ChildSupportEnd` under ``end_rule``."""

    @property
    def title(self) -> str | None:
        return self.guideline.title if self.guideline else None

    @property
    def effective_date(self) -> date | None:
        return self.worksheet.effective_date if self.worksheet else None

    @property
    def payer(self) -> str | None:
        return self.worksheet.payer if self.worksheet else None

    @property
    def secondary_sources(self) -> bool:
        """True when the worksheet used a figure whose file marks its source as not yet checked against the official text."""
        return bool(self.worksheet and any("secondary source" in note for note in self.worksheet.notes))


NO_TERMS = SupportTerms(None, None, None, None, None, None)


def as_of(case: Case) -> date:
    """The date the guideline is applied on: the agreement date, or the date support starts."""
    support = case.child_support
    return case.agreement_date or (support.start_date if support else date.today())


def schedule_overnights(case: Case) -> dict[str, int]:
    """Each parent's overnights a year from the schedule: the two-year average, whole nights adding up to 365."""
    figures = overnight_figures(case, default_year(case))
    a = int(Decimal(str(figures.average["a"])).to_integral_value(rounding=ROUND_HALF_UP))
    return {"a": a, "b": 365 - a}


def support_inputs(case: Case) -> tuple[SupportInputs, dict[str, int], str]:
    """The worksheet's inputs from the case; also the overnights used and where they came from."""
    from .inputs import Child, ParentInputs, SupportInputs

    support = case.child_support
    assert support is not None and support.guideline is not None
    given = support.guideline
    if given.overnights is not None:
        nights, where = {"a": given.overnights.parent_a, "b": given.overnights.parent_b}, f"as the mediator gave them ({given.overnights.reason.rstrip('.')})"
    else:
        nights, where = schedule_overnights(case), "as the parenting-time schedule gives them, averaged over two years"

    def parent(letter: str) -> ParentInputs:
        figures = given.parent_a if letter == "a" else given.parent_b
        return ParentInputs(
            monthly_gross_income=figures.monthly_gross_income,
            deductions=dict(figures.deductions),
            other_children=figures.other_children,
            health_insurance_premium=figures.health_insurance_premium,
            child_care=figures.child_care,
            long_distance_transportation=figures.long_distance_transportation,
            annual_overnights=nights[letter],
        )

    inputs = SupportInputs(
        as_of=as_of(case),
        a=parent("a"),
        b=parent("b"),
        children=tuple(Child(child.date_of_birth) for child in case.children),
        primary_residence=given.primary_residence,
    )
    return inputs, nights, where


def per_payment(monthly: Decimal, frequency: str) -> Decimal:
    """A monthly amount at the case's payment frequency, to the cent."""
    return (monthly / PER_MONTH[frequency]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def support_terms(case: Case, dirs: Sequence[Path] | None = None) -> SupportTerms:
    """Compute the worksheet for ``case`` (when it gives incomes) and check the agreed terms against it.

    Raises :class:`GuidelineError` for a guideline problem (file and line) and
    the case's own :class:`CaseValidationError` (case file and line) for terms
    that differ from the guideline without a reason.
    """
    terms = compute_terms(case, dirs)
    support = case.child_support
    if support is not None and terms.worksheet is not None:
        problems = deviation_problems(support.payer, support.amount, support.frequency, support.deviation_reason, terms.worksheet)
        if problems:
            raise case.invalid(problems)
    rule, ends = support_ends(case)
    return replace(terms, end_rule=rule, ends=ends)


def compute_terms(case: Case, dirs: Sequence[Path] | None = None) -> SupportTerms:
    """The guideline terms for ``case`` without comparing them with what the parents agreed (for options)."""
    support = case.child_support
    if support is None:
        return NO_TERMS
    if support.guideline is None:
        amount = support.guideline_amount
        monthly = None if amount is None else (amount * PER_MONTH[support.frequency]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return SupportTerms(None, None, amount, monthly, None, None)
    dirs = guideline_dirs() if dirs is None else dirs
    guideline = find_guideline(support.guideline.id, dirs)
    if guideline is None:
        raise case.invalid([("child_support.guideline.id", f"unknown guideline '{support.guideline.id}' (known: {', '.join(known_guidelines(dirs)) or 'none'})")])
    if guideline.jurisdiction.upper() != case.court.state.upper():
        raise case.invalid([("child_support.guideline.id", f"guideline '{guideline.id}' is {guideline.jurisdiction}'s; the court is in {case.court.state}")])
    day = as_of(case)
    if not guideline.covers(day):
        span = f"from {guideline.start.isoformat()} to {guideline.end.isoformat() if guideline.end else 'further notice'}"
        where_file = f"{guideline.path.parent.name}/{guideline.path.name}:{guideline.line_of('effective_to' if guideline.end and day > guideline.end else 'effective_from')}"
        raise case.invalid([("child_support.guideline.id", f"guideline '{guideline.id}' is in force {span} ({where_file}); it does not cover the agreement date {day.isoformat()}")])
    from .compute import compute_worksheet

    inputs, nights, where = support_inputs(case)
    try:
        worksheet = compute_worksheet(guideline, inputs)
    except GuidelineError as exc:
        if exc.path is None and exc.field_path and exc.field_path.startswith("inputs."):
            raise case.invalid([(case_field(exc.field_path), exc.message)]) from None
        raise
    return SupportTerms(worksheet, guideline, per_payment(worksheet.monthly_amount, support.frequency), worksheet.monthly_amount, nights, where)


def deviation_problems(payer: str, amount: Decimal, frequency: str, deviation_reason: str | None, worksheet: Worksheet) -> list[tuple[str, str]]:
    """Agreed terms (payer, amount at ``frequency``) that differ from the worksheet's without a reason."""
    if deviation_reason:
        return []
    every = {"weekly": "a week", "biweekly": "every two weeks", "semimonthly": "twice a month", "monthly": "a month"}[frequency]
    guideline_amount = per_payment(worksheet.monthly_amount, frequency)
    if worksheet.payer is not None and worksheet.payer != payer:
        return [("child_support.payer", f"the guideline worksheet has parent {worksheet.payer} paying, not parent {payer}: give deviation_reason (courts require the reason for a deviation)")]
    if amount != guideline_amount:
        return [("child_support.amount", f"the guideline amount is {guideline_amount:,.2f} {every}; {amount:,.2f} differs: give deviation_reason (courts require the reason for a deviation)")]
    return []


def case_field(input_path: str) -> str:
    """``inputs.a.monthly_gross_income`` -> ``child_support.guideline.parent_a.monthly_gross_income``."""
    rest = input_path.removeprefix("inputs.")
    for letter in ("a", "b"):
        if rest == letter or rest.startswith(letter + "."):
            return f"child_support.guideline.parent_{letter}{rest[1:]}"
    if rest.startswith("children"):
        return rest
    return "child_support.guideline"


def terms_from_answers(data: Mapping[str, Any], dirs: Sequence[Path] | None = None) -> SupportTerms:
    """The worksheet from a case that is not finished yet (the interview asks support before communication).

    Only what the worksheet reads must be complete and valid: the court, the
    parents, the children, the schedule and ``child_support.guideline`` (with
    ``start_date`` or the agreement date).  The agreed amount is not compared:
    it is asked after the mediator has seen the guideline's.
    """
    from pydantic import ValidationError

    from ..case.model import Child as CaseChild
    from ..case.model import Court, GuidelineInputs, Parent
    from ..case.schedule import ParentingTimeSchedule
    from ..errors import CaseValidationError, Problem
    from .compute import compute_worksheet

    support = data.get("child_support") or {}
    wanted: list[tuple[str, Any, Any]] = [
        ("court", Court, data.get("court")),
        ("parent_a", Parent, data.get("parent_a")),
        ("parent_b", Parent, data.get("parent_b")),
        ("parenting_time", ParentingTimeSchedule, data.get("parenting_time")),
        ("child_support.guideline", GuidelineInputs, support.get("guideline")),
    ] + [(f"children[{i}]", CaseChild, c) for i, c in enumerate(data.get("children") or [])]
    parts: dict[str, Any] = {"children": []}
    for where, model, value in wanted:
        try:
            item = model.model_validate(value)
        except ValidationError as exc:
            first = exc.errors()[0]
            inner = ".".join(str(p) for p in first["loc"])
            raise CaseValidationError([Problem(first["msg"], field_path=f"{where}.{inner}" if inner else where)]) from None
        if where.startswith("children"):
            parts["children"].append(item)
        else:
            parts[where] = item
    guideline = parts.pop("child_support.guideline")
    start = support.get("start_date")
    agreement = data.get("agreement_date")
    as_of_day = _day(agreement) or _day(start) or date.today()
    case = Case.model_construct(agreement_date=as_of_day, child_support=ChildSupport.model_construct(guideline=guideline, start_date=as_of_day), **parts)
    dirs = guideline_dirs() if dirs is None else dirs
    found = find_guideline(guideline.id, dirs)
    if found is None:
        raise CaseValidationError([Problem(f"unknown guideline '{guideline.id}'", field_path="child_support.guideline.id")])
    inputs, nights, where = support_inputs(case)
    worksheet = compute_worksheet(found, inputs)
    return SupportTerms(worksheet, found, None, worksheet.monthly_amount, nights, where)


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def guidelines_for_state(state: str, dirs: Sequence[Path] | None = None) -> list[Guideline]:
    """The guidelines an office can use for a court in ``state`` (for the interview's choices)."""
    dirs = guideline_dirs() if dirs is None else dirs
    found = [find_guideline(name, dirs) for name in known_guidelines(dirs)]
    return [g for g in found if g is not None and g.jurisdiction.upper() == state.upper()]
