"""The mediator's child support screens: which guideline, each parent's figures, the worksheet, the agreed terms.

The engine computes (:mod:`..support.case_support`); this module only turns the
interview's answers into the engine's inputs and its results into fields,
a table and messages on the right field.  The order of the screens follows the
mediation: the guideline's figure first, then what the parents agree.
"""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

from docassemble.base.util import DAObject, validation_error

from ..errors import CaseValidationError, GuidelineError
from ..support.case_support import PER_MONTH, SupportTerms, deviation_problems, guidelines_for_state, terms_from_answers
from ..support.worksheet import worksheet_rows
from .answers import answers_to_data, variable_for
from .markup import html_table
from .server import plain

PARENT_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("monthly_gross_income", "Gross income, each month", "currency"),
    ("other_children", "Other children this parent must support", "integer"),
    ("health_insurance_premium", "Health insurance for the children, each month (this parent pays)", "currency"),
    ("child_care", "Work-related child care, each month (this parent pays)", "currency"),
    ("long_distance_transportation", "Travel for parenting time, each month (this parent pays)", "currency"),
)
"""The figures asked for each parent, with their labels (deductions come from the guideline file)."""


def _state(answers: DAObject) -> str:
    court = getattr(answers, "court", None)
    return str(getattr(court, "state", "") or "") if court is not None else ""


def guideline_offered(answers: DAObject) -> bool:
    """True when a guideline file exists for the court's state (otherwise the amount is typed in, as before)."""
    return bool(guidelines_for_state(_state(answers)))


def guideline_choices(answers: DAObject) -> list[dict[str, str]]:
    """The guidelines for the court's state, for a radio field."""
    return [{g.id: f"{g.title} (from {g.start:%B} {g.start.day}, {g.start.year})"} for g in guidelines_for_state(_state(answers))]


def _chosen(answers: DAObject) -> Any:
    support = getattr(answers, "child_support", None)
    guideline = getattr(support, "guideline", None) if support is not None else None
    wanted = str(getattr(guideline, "id", "") or "") if guideline is not None else ""
    found = [g for g in guidelines_for_state(_state(answers)) if g.id == wanted]
    return found[0] if found else None


def income_fields(answers: DAObject) -> list[dict[str, Any]]:
    """Both parents' figures on one screen, under each parent's name; the deductions the chosen guideline lists."""
    guideline = _chosen(answers)
    deductions = list(guideline.deductions.items()) if guideline is not None else []
    fields: list[dict[str, Any]] = []
    for letter in ("a", "b"):
        parent = getattr(answers, f"parent_{letter}")
        fields.append({"note": f"**{html.escape(parent.label)}**"})
        base = f"case.child_support.guideline.parent_{letter}"
        for name, label, kind in PARENT_FIGURES:
            field: dict[str, Any] = {"label": label, "field": f"{base}.{name}", "datatype": kind, "min": 0}
            if name != "monthly_gross_income":
                field["required"] = False
            fields.append(field)
        for key, deduction in deductions:
            fields.append({"label": f"{deduction.label}, each month", "field": f"{base}.deductions[{key!r}]", "datatype": "currency", "min": 0, "required": False})
    fields.append(
        {
            "label": "Where the overnights are equal, the children mainly live with",
            "field": "case.child_support.guideline.primary_residence",
            "datatype": "radio",
            "choices": [{"a": answers.parent_a.label}, {"b": answers.parent_b.label}],
            "required": False,
        }
    )
    fields.append({"label": "Give the overnights by hand instead of from the schedule", "field": "case.child_support.guideline.has_overnights", "datatype": "yesnoradio"})
    for letter in ("a", "b"):
        label = getattr(answers, f"parent_{letter}").label
        fields.append({"label": f"Overnights a year with {label}", "field": f"case.child_support.guideline.overnights.parent_{letter}", "datatype": "integer", "min": 0, "max": 366, "show if": "case.child_support.guideline.has_overnights"})
    fields.append({"label": "Why the overnights are given by hand", "field": "case.child_support.guideline.overnights.reason", "datatype": "area", "show if": "case.child_support.guideline.has_overnights"})
    return fields


FIGURE_PATHS: tuple[str, ...] = (
    *(f"child_support.guideline.parent_{p}.{name}" for p in ("a", "b") for name, _label, _kind in PARENT_FIGURES),
    "child_support.guideline.parent_a.deductions",
    "child_support.guideline.parent_b.deductions",
    "child_support.guideline.primary_residence",
    "child_support.guideline.overnights.parent_a",
    "child_support.guideline.overnights.parent_b",
    "child_support.guideline.overnights.reason",
)
"""The case fields :func:`income_fields` asks (its fields are built in code, so the tests read this list)."""


def _terms(answers: DAObject) -> SupportTerms:
    return terms_from_answers(answers_to_data(answers))


def check_support_figures(answers: DAObject) -> bool:
    """``validation code`` of the figures screen: the worksheet must compute; a problem is shown on its field."""
    try:
        _terms(answers)
    except CaseValidationError as exc:
        first = exc.problems[0]
        validation_error(plain(first.message), field=variable_for(first.field_path) if first.field_path else None)
    except GuidelineError as exc:
        validation_error(plain(exc.message))
    return True


def worksheet_html(answers: DAObject) -> str:
    """The worksheet as an HTML table (every value escaped), then who pays what, then its notes."""
    terms = _terms(answers)
    worksheet = terms.worksheet
    assert worksheet is not None and terms.guideline is not None
    names = {p: getattr(answers, f"parent_{p}").label for p in ("a", "b")}
    if worksheet.payer:
        payee = "b" if worksheet.payer == "a" else "a"
        result = f"Under the guideline, {names[worksheet.payer]} pays {names[payee]} <strong>${worksheet.monthly_amount:,.2f} a month</strong>."
    else:
        result = "Under the guideline, neither parent pays the other."
    nights = terms.overnights or {}
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in worksheet.notes)
    return (
        f"<p>{html.escape(terms.guideline.title)}, in force from {worksheet.effective_date:%B} {worksheet.effective_date.day}, {worksheet.effective_date.year}. "
        f"Overnights a year: {html.escape(names['a'])} {nights.get('a')}, {html.escape(names['b'])} {nights.get('b')}, {html.escape(terms.overnights_source or '')}.</p>"
        + html_table(("", names["a"], names["b"], "Combined"), worksheet_rows(worksheet))
        + f"<p>{result}</p>" + (f"<ul>{notes}</ul>" if notes else "")
    )


def guideline_used(answers: DAObject) -> bool:
    support = getattr(answers, "child_support", None)
    return bool(support is not None and getattr(support, "has_guideline", False))


def guideline_payer(answers: DAObject) -> str:
    """The worksheet's payer, as the default for "Parent who pays" ("" when there is none: no default)."""
    return (_terms(answers).payer or "") if guideline_used(answers) else ""


def guideline_monthly(answers: DAObject) -> str:
    """The worksheet's monthly amount, as the default for the agreed amount.

    A field's ``default:`` is Mako text, so "no default" must be "" (docassemble leaves the
    field blank); ``None`` would print as "None", which a currency field cannot show.
    """
    amount = _terms(answers).monthly_amount if guideline_used(answers) else None
    return "" if amount is None else f"{amount:.2f}"


def check_agreed_support(answers: DAObject) -> bool:
    """``validation code`` of the agreed-terms screen: an amount or payer other than the guideline's needs a reason."""
    if not guideline_used(answers):
        return True
    data = answers_to_data(answers)
    support = data.get("child_support") or {}
    terms = _terms(answers)
    worksheet = terms.worksheet
    frequency = str(support.get("frequency") or "monthly")
    if worksheet is None or frequency not in PER_MONTH or support.get("amount") is None:
        return True

    problems = deviation_problems(str(support.get("payer")), Decimal(str(support.get("amount"))), frequency, support.get("deviation_reason"), worksheet)
    if problems:
        _path, message = problems[0]
        validation_error(plain(message.replace("give deviation_reason", "give the reason for the difference")), field="case.child_support.deviation_reason")
    return True


__all__ = [
    "FIGURE_PATHS",
    "apply_schedule_option",
    "check_agreed_support",
    "check_support_figures",
    "guideline_choices",
    "guideline_monthly",
    "guideline_offered",
    "guideline_payer",
    "guideline_used",
    "income_fields",
    "options_html",
    "schedule_option_choices",
    "schedule_options_offered",
    "worksheet_html",
]


# --------------------------------------------------------------------------- exploring options


def schedule_options_offered(answers: DAObject) -> bool:
    """True when the case lists schedules to compare (from a case file; ``mediation-agreement options`` makes the same table)."""
    options = getattr(answers, "options", None)
    return bool(options is not None and len(options.elements) > 0)


def _option_results(answers: DAObject) -> tuple[Any, list[Any]]:
    from ..case.model import case_from_data
    from ..support.options import compare_options

    case = case_from_data(answers_to_data(answers), source="interview answers")
    return case, compare_options(case)


def options_html(answers: DAObject) -> str:
    """The options side by side: overnights, guideline support and holidays, as an HTML table (every value escaped)."""
    from ..support.options import options_table

    case, results = _option_results(answers)
    rows = options_table(case, results)
    return html_table(rows[0], rows[1:])


def schedule_option_choices(answers: DAObject) -> list[dict[str, str]]:
    """Keep the schedule as entered, or take one of the options."""
    labels = [str(item.label) for item in answers.options.elements]
    return [{"keep": "Keep the schedule as entered"}, *({str(i): label} for i, label in enumerate(labels))]


def apply_schedule_option(answers: DAObject, choice: str) -> bool:
    """Make the chosen option the case's schedule (its holidays, summer and school years included)."""
    if choice == "keep":
        return True
    from ..case.model import case_from_data
    from .answers import fill_answers

    data = answers_to_data(answers)
    option = data["options"][int(choice)]
    case = case_from_data({**data, "parenting_time": option["parenting_time"]}, source="interview answers")
    fill_answers(answers, case)
    return True
