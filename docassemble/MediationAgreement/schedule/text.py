"""The parenting-time schedule in words: the clauses' paragraphs, the holiday table, the overnights.

:func:`summarize_schedule` is what clause text sees as ``schedule``::

    {{ schedule.regular }}

    {{ schedule.summer }}

    {{ schedule.holidays_intro }}

    [[table:holidays]]

    {% if office.state_overnights %}{{ schedule.overnights_text }}

    [[table:overnights]]{% endif %}

Everything is built from the case model, never typed by hand, so the words
and the calendar always agree.  ``regular`` states the pattern only (days,
times, first day, time zone): where exchanges happen, who drives, how long a
parent waits and who supervises are stated once, by the exchange and
supervision clauses.  No address is ever printed: the exchange place is
``case.exchanges.location`` (a public place or a center), and the text is
checked against the parents' confidential addresses before it is returned.

The paragraphs are written by :mod:`.pattern_text` (regular pattern, summer)
and :mod:`.holiday_text` (the holiday table), from the small words in
:mod:`.schedule_words`; this module writes the one-off changes and the
overnights, assembles the :class:`ScheduleSummary` and guards it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import ScheduleError
from ..wording.formats import clock
from .checks import check_case_schedule
from .compute import OvernightFigures, default_year, overnight_figures
from .holiday_text import HOLIDAY_HEADER, HolidayLine, holiday_line, holidays_intro
from .pattern_text import regular_text, summer_text
from .timeline import PARTIES, Conflict
from .words import CaseWords, child_names, dated, figure, tidy

if TYPE_CHECKING:
    from ..case.model import Case


@dataclass(frozen=True)
class ScheduleSummary:
    """The schedule as the agreement states it (see the module docstring for use in clauses)."""

    regular: str
    summer: str
    holidays_intro: str
    holiday_header: tuple[str, ...]
    holiday_rows: list[tuple[str, ...]]
    one_off_changes: str
    overnights: dict[str, float]
    percent: dict[str, float]
    overnight_header: tuple[str, ...]
    overnight_rows: list[tuple[str, ...]]
    overnights_text: str
    state_overnights: bool
    years: tuple[int, int]
    conflicts: tuple[Conflict, ...] = field(default=())
    holiday_lines: list[HolidayLine] = field(default_factory=list)
    one_off_items: list[str] = field(default_factory=list)
    missing_in_years: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- one-off changes


def _one_off_stated(case: Case, w: CaseWords) -> list[str]:
    """Each one-off change, without a final full stop, with its own start and end times when it has them."""
    s = case.parenting_time
    stated = []
    for change in sorted(s.one_off_changes, key=lambda c: c.start):
        who, _ = w.who(child_names(case, change.children) if change.children else [])
        why = f" ({change.reason})" if change.reason else ""
        stated.append(
            f"{w.name(change.parent)} has {who} from {dated(change.start)} at {clock(change.start_time or s.exchange_time)} "
            f"to {dated(change.end)} at {clock(change.end_time or s.exchange_time)}{why}"
        )
    return stated


def _one_off_text(stated: list[str]) -> str:
    if not stated:
        return ""
    return (
        "The parents have agreed to these one-time changes, each of which takes priority over every other part of the schedule "
        f"for its own dates: {'; '.join(stated)}."
    )


# --------------------------------------------------------------------------- overnights


def _overnight_table(case: Case, figures: OvernightFigures, w: CaseWords) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    y1, y2 = figures.years
    header = ("Parent", str(y1), str(y2), "Average per year", "Share")
    if figures.hours:
        header += ("Hours per year",)
    rows: list[tuple[str, ...]] = []
    for key, (first, second) in figures.by_child.items():
        for party in PARTIES:
            label = w.name(party) if key == "all" else f"{w.name(party)} ({key})"
            total = first[party] + second[party]
            nights = first["a"] + first["b"] + second["a"] + second["b"]
            row = (label, str(first[party]), str(second[party]), figure(total / 2), f"{100 * total / nights:.1f}%")
            rows.append(row + ((f"{round(figures.hours[party]):,}",) if figures.hours else ()))
    return header, rows


def _overnights(n: float) -> str:
    return "overnight" if n == 1 else "overnights"


def _overnights_text(figures: OvernightFigures, w: CaseWords) -> str:
    y1, y2 = figures.years
    a, b = figures.average, figures.percent
    text = (
        f"Under this schedule, {w.name('a')} has {w.kids} for about {figure(a['a'])} {_overnights(a['a'])} a year ({b['a']:.1f}%) and "
        f"{w.name('b')} for about {figure(a['b'])} {_overnights(a['b'])} a year ({b['b']:.1f}%), averaged over {y1} and {y2}, "
        f"counting holidays and summer as scheduled."
    )
    if figures.hours:
        h = figures.hours
        text += (
            f" Visits of a few hours are time, not overnights: counted in hours, {w.name('a')} has {w.kids} for about {round(h['a']):,} hours a year "
            f"and {w.name('b')} for about {round(h['b']):,} hours a year."
        )
    return text


def _missing_in_years(figures: OvernightFigures) -> list[str]:
    """What the overnight figures could not count: summers and breaks the school calendar gives no dates for."""
    found: list[str] = []
    for conflict in figures.conflicts:  # only the notices that touch the two years counted
        if conflict.kind != "missing_dates":
            continue
        what = conflict.message.split(" is not placed", 1)[0]
        if what.startswith(("Winter break ", "Spring break ")):
            what = what[:1].lower() + what[1:]
        what = re.sub(r"\b(\d{4})-(\d{2})\b", "\\1\u2013\\2", what)  # 2028-29 -> 2028–29, as the school calendar writes years
        if what not in found:
            found.append(what)
    return found


# --------------------------------------------------------------------------- the summary


def confidential_fragments(case: Case) -> list[str]:
    """Street and postal code of every confidential address (text must never contain them)."""
    fragments: list[str] = []
    for parent in (case.parent_a, case.parent_b):
        if parent.address is not None and parent.address.confidential:
            fragments += [f for f in (parent.address.street, parent.address.postal_code) if f and len(f) >= 4]
    return fragments


def guard_confidential(case: Case, *texts: str) -> None:
    """Raise :class:`ScheduleError` if any text contains a confidential address."""
    fragments = [f.casefold() for f in confidential_fragments(case)]
    for text in texts:
        lowered = text.casefold()
        if any(f in lowered for f in fragments):
            raise ScheduleError(
                "the exchange place contains a confidential address; use a public place or an exchange center",
                field_path="exchanges.location",
            )


def summarize_schedule(case: Case, year: int | None = None, *, language: str = "en") -> ScheduleSummary:
    """The schedule in the agreement's words, with overnights for ``year`` and ``year + 1``.

    ``language="es"``: the same schedule in Spanish (:mod:`.spanish`), for the Spanish reading copy.

    ``year`` defaults to the first full calendar year the agreement is in force
    (:func:`.schedule.default_year`).  Raises :class:`~.errors.ScheduleError` for a
    schedule the parents cannot have meant (see :func:`.schedule_checks.check_case_schedule`).
    """
    check_case_schedule(case)
    first_year = year if year is not None else default_year(case)
    figures = overnight_figures(case, first_year)
    w = CaseWords(case)
    header, rows = _overnight_table(case, figures, w)
    lines = [holiday_line(rule, case, w) for rule in case.parenting_time.holidays]
    stated = _one_off_stated(case, w)
    summary = ScheduleSummary(
        regular=tidy(regular_text(case, w)),
        summer=tidy(summer_text(case, w)),
        holidays_intro=holidays_intro(case, w),
        holiday_header=HOLIDAY_HEADER,
        holiday_rows=[line.row for line in lines],
        one_off_changes=tidy(_one_off_text(stated)),
        overnights={p: figures.average[p] for p in PARTIES},
        percent={p: figures.percent[p] for p in PARTIES},
        overnight_header=header,
        overnight_rows=rows,
        overnights_text=_overnights_text(figures, w),
        state_overnights=case.office.state_overnights,
        years=figures.years,
        conflicts=figures.conflicts,
        holiday_lines=lines,
        one_off_items=[tidy(f"{item}.") for item in stated],
        missing_in_years=_missing_in_years(figures),
    )
    if language == "es":
        summary = _in_spanish(case, summary, figures)
    guard_confidential(
        case,
        case.exchanges.location or "",  # printed by the exchange clauses, the calendar and the .ics files
        summary.regular,
        summary.summer,
        summary.holidays_intro,
        summary.one_off_changes,
        *summary.one_off_items,
        *(cell for row in summary.holiday_rows for cell in row),
        *(line.sentence for line in summary.holiday_lines),
        *summary.missing_in_years,
    )
    return summary


def _in_spanish(case: Case, english: ScheduleSummary, figures: OvernightFigures) -> ScheduleSummary:
    """``english``'s words in Spanish; its figures as they are."""
    from dataclasses import replace

    from ..wording.spanish import contract
    from . import spanish as es

    w = es.CaseWordsEs(case)
    lines = [es.holiday_line(rule, case, w, line) for rule, line in zip(case.parenting_time.holidays, english.holiday_lines)]
    stated = es.one_off_stated(case, w)
    header, rows = es.overnight_table(figures, w)
    return replace(
        english,
        regular=contract(es.regular_text(case, w)),
        summer=contract(es.summer_text(case, w)),
        holidays_intro=es.holidays_intro(case),
        holiday_header=es.HOLIDAY_HEADER_ES,
        holiday_rows=[line.row for line in lines],
        one_off_changes=es.one_off_text(stated),
        overnight_header=header,
        overnight_rows=rows,
        overnights_text=es.overnights_text(figures, w),
        holiday_lines=lines,
        one_off_items=[f"{item}." for item in stated],
        missing_in_years=es.missing_in_years(english.missing_in_years),
    )


# HolidayLine lives in holiday_text; it stays importable from here, beside the
# ScheduleSummary that holds it, as docs/schedule.md describes them together.
__all__ = [
    "HolidayLine",
    "ScheduleSummary",
    "confidential_fragments",
    "guard_confidential",
    "summarize_schedule",
]
