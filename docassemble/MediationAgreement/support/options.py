"""Exploring options: up to three parenting-time schedules side by side, with the guideline support each gives.

In mediation the parents weigh schedules before they choose one.  For each
option this computes what the agreement would say: each parent's overnights a
year (the same two-year average as the agreement's overnight table) and share,
the holidays each parent has in even and odd years, and — when the case gives
the parents' incomes — the guideline support under that schedule.  Each option
is the case with its schedule replaced, computed by the same engine as the
agreement, so an option the parents choose gives exactly the figures shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..case.model import Case, ScheduleOption
from ..case.validation import validation_problems
from ..case.yamlsource import load_with_lines
from ..errors import CaseFileError, CaseValidationError
from ..schedule.compute import default_year, overnight_figures
from ..schedule.text import summarize_schedule
from .case_support import SupportTerms, compute_terms

MAX_OPTIONS = 3


@dataclass(frozen=True)
class OptionFigures:
    """One option's figures, ready to print."""

    label: str
    years: tuple[int, int]
    overnights: dict[str, float]
    percent: dict[str, float]
    holidays: tuple[tuple[str, str, str], ...]
    """(holiday, who has it in even years, who has it in odd years)."""
    support: SupportTerms

    @property
    def payer(self) -> str | None:
        return self.support.payer if self.support.worksheet else None

    @property
    def monthly_support(self) -> Decimal | None:
        return self.support.monthly_amount if self.support.worksheet else None


def option_case(case: Case, option: ScheduleOption) -> Case:
    """The case with the option's schedule (overnights given by hand do not carry over: they belong to one schedule)."""
    update: dict[str, Any] = {"parenting_time": option.parenting_time, "options": []}
    support = case.child_support
    if support is not None and support.guideline is not None and support.guideline.overnights is not None:
        update["child_support"] = support.model_copy(update={"guideline": support.guideline.model_copy(update={"overnights": None})})
    variant = case.model_copy(update=update)
    variant._origin = case._origin
    return variant


def option_figures(case: Case, option: ScheduleOption, dirs: Sequence[Path] | None = None) -> OptionFigures:
    variant = option_case(case, option)
    year = default_year(variant)
    figures = overnight_figures(variant, year)
    summary = summarize_schedule(variant)
    holidays = tuple((row[0], row[-2], row[-1]) for row in summary.holiday_rows)
    return OptionFigures(option.label, figures.years, dict(figures.average), dict(figures.percent), holidays, compute_terms(variant, dirs))


def compare_options(case: Case, options: Sequence[ScheduleOption] | None = None, dirs: Sequence[Path] | None = None) -> list[OptionFigures]:
    """Each option's figures: ``options``, or the case file's own ``options:`` list."""
    chosen = list(options if options is not None else case.options)
    if not chosen:
        raise CaseFileError("no schedules to compare: give option files, or an options: list in the case file", path=case._origin[0])
    if len(chosen) > MAX_OPTIONS:
        raise CaseFileError(f"{len(chosen)} options given; compare at most {MAX_OPTIONS} at a time (a one-page handout)", path=case._origin[0])
    return [option_figures(case, option, dirs) for option in chosen]


def load_option(path: str | Path, case: Case | None = None) -> ScheduleOption:
    """An option file: ``label:`` and ``parenting_time:`` as in a case file; problems name the file and line.

    Parts of ``parenting_time`` the option leaves out (holidays, summer, school
    years, the time zone...) are the case's own, so an option can change just
    the regular pattern and be compared on everything else.
    """
    from pydantic import ValidationError

    data, lines = load_with_lines(path, error=CaseFileError)
    if not isinstance(data, dict):
        raise CaseFileError("an option file must be a mapping with label: and parenting_time:", path=path, line=1)
    given = data.get("parenting_time")
    if case is not None and isinstance(given, dict):
        base = case.parenting_time.model_dump(mode="json", exclude_none=True)
        data = {**data, "parenting_time": {**base, **given}}
    try:
        return ScheduleOption.model_validate(data)
    except ValidationError as exc:
        raise CaseValidationError(validation_problems(exc, ScheduleOption, str(path), lines), path=path) from None


def options_table(case: Case, results: Sequence[OptionFigures]) -> list[tuple[str, ...]]:
    """The comparison as rows: a label column, then one column per option (the CLI, the handout and the interview share it)."""
    names = {"a": case.parent_a.short_name, "b": case.parent_b.short_name}
    rows: list[tuple[str, ...]] = [("", *(r.label for r in results))]
    for p in ("a", "b"):
        rows.append((f"Overnights a year with {names[p]}", *(f"{r.overnights[p]:g} ({r.percent[p]:.1f}%)" for r in results)))
    if any(r.support.worksheet for r in results):
        rows.append(
            (
                "Guideline child support",
                *(
                    ("none" if r.payer is None else f"{names[r.payer]} pays ${r.monthly_support:,.2f} a month") if r.support.worksheet else "not computed"
                    for r in results
                ),
            )
        )
    holiday_names = list(dict.fromkeys(h[0] for r in results for h in r.holidays))
    for name in holiday_names:
        cells = []
        for r in results:
            found = [h for h in r.holidays if h[0] == name]
            cells.append(f"even years: {found[0][1]}; odd years: {found[0][2]}" if found else "not in this option")
        rows.append((name, *cells))
    return rows
