"""The options handout: the schedules the parents are weighing, side by side, as a one-page PDF."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from ..case.model import Case
from ..schedule.text import guard_confidential
from ..support.options import OptionFigures, options_table
from .typesetting import date_timestamp, typeset

TEMPLATE_NAME = "options.typ"


def options_data(case: Case, results: Sequence[OptionFigures]) -> dict[str, object]:
    notes = [
        "Overnights are each parent's average over the two calendar years "
        f"{results[0].years[0]} and {results[0].years[1]}, as the agreement's overnight table counts them.",
        "This is a worksheet for discussion in mediation, not an agreement or legal advice.",
    ]
    worksheets = [r.support for r in results if r.support.worksheet is not None]
    if worksheets:
        first = worksheets[0]
        notes.insert(1, f"Child support is computed by {first.title}, from the incomes in the case, for each schedule.")
        notes += sorted({n for t in worksheets for n in (t.worksheet.notes if t.worksheet else ())})
    return {
        "title": "Parenting-time options compared",
        "subtitle": f"{case.parent_a.short_name} and {case.parent_b.short_name} — {case.office.name}",
        "rows": [list(row) for row in options_table(case, results)],
        "notes": notes,
        "footer": f"Prepared {(case.agreement_date or date.today()):%B %d, %Y} for mediation. Figures from mediation-agreement options.",
    }


def render_options_pdf(case: Case, results: Sequence[OptionFigures]) -> bytes:
    """The handout as PDF/A-2b bytes (the same case and options give the same bytes)."""
    data = options_data(case, results)
    guard_confidential(case, json.dumps(data, ensure_ascii=False))
    return typeset(TEMPLATE_NAME, {"data": data}, what="the options handout", timestamp=date_timestamp(case.agreement_date))
