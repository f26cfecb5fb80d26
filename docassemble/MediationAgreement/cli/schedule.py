"""``mediation-agreement schedule``: overnights, the year calendar and each parent's .ics."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import click

from ..case.model import case_from_data
from ..case.schedule import Party
from ..case.yamlsource import LineMap, load_with_lines
from ..errors import CaseFileError, ScheduleError
from ..outputs import write_all
from ..render.calendar import render_calendar_pdf, render_ics
from ..schedule.checks import check_case_schedule
from ..schedule.compute import default_year, overnight_figures
from ..schedule.timeline import PARTIES


def _path_key(field_path: str) -> tuple[str | int, ...]:
    """``parenting_time.holidays[2].split_date`` -> ``("parenting_time", "holidays", 2, "split_date")``."""
    return tuple(int(p[1:-1]) if p.startswith("[") else p for p in re.findall(r"\[\d+\]|[^.\[\]]+", field_path))


def _located(exc: ScheduleError, source: Path, lines: LineMap) -> ScheduleError:
    """The same error, pointing at the case file and the line of its field."""
    if exc.path is not None:
        return exc
    line = lines.line_for(_path_key(exc.field_path)) if exc.field_path else None
    return ScheduleError(exc.message, path=source, line=line, field_path=exc.field_path, hint=exc.hint)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "parent"


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


@click.command("schedule")
@click.argument("case_file", type=click.Path(path_type=Path))
@click.option("--year", type=click.IntRange(1970, 2100), help="Calendar year to draw, and the first of the two years the overnights cover (default: the first full calendar year of the agreement: the year after the agreement date, or its own year if it is January 1).")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Folder to write calendar-YEAR.pdf and one .ics file per parent into.")
@click.option("--ics-years", type=click.IntRange(1, 10), default=1, show_default=True, help="How many calendar years, starting with --year, the .ics files cover.")
def schedule_command(case_file: Path, year: int | None, out_dir: Path, ics_years: int) -> None:
    """Print each parent's overnights for CASE_FILE and write the year calendar (PDF) and each parent's .ics."""
    data, lines = load_with_lines(case_file, error=CaseFileError)
    case = case_from_data(data, source=str(case_file), lines=lines)
    first = year if year is not None else default_year(case)
    try:
        check_case_schedule(case)
        figures = overnight_figures(case, first)
        files: dict[str, bytes] = {f"calendar-{first}.pdf": render_calendar_pdf(case, first)}
        start, end = figures_range(first, ics_years)
        for party in PARTIES:
            parent = case.parent(party)
            files[f"parenting-time-{party}-{_slug(parent.short_name)}.ics"] = render_ics(case, party, start, end)
    except ScheduleError as exc:
        raise _located(exc, case_file, lines) from None

    names: dict[Party, str] = {"a": case.parent_a.short_name, "b": case.parent_b.short_name}
    y1, y2 = figures.years
    rows: list[tuple[str, ...]] = [("Parent", str(y1), str(y2), "Average", "Share")]
    for key, (one, two) in figures.by_child.items():
        for party in PARTIES:
            label = names[party] if key == "all" else f"{names[party]} ({key})"
            total_nights = sum(one.values()) + sum(two.values())
            rows.append((label, str(one[party]), str(two[party]), f"{(one[party] + two[party]) / 2:.1f}", f"{100 * (one[party] + two[party]) / total_nights:.1f}%"))
    click.echo(f"Overnights (the night of a date belongs to whoever has the children at midnight; {case.parenting_time.time_zone})")
    for line in _table(rows):
        click.echo(line)
    if figures.hours:
        click.echo(f"Hours a year (visits of a few hours are time, not overnights): {names['a']} {round(figures.hours['a']):,}, {names['b']} {round(figures.hours['b']):,}")
    if len(figures.by_child) > 1:
        click.echo(f"Average over the children: {names['a']} {figures.average['a']:.1f} ({figures.percent['a']:.1f}%), {names['b']} {figures.average['b']:.1f} ({figures.percent['b']:.1f}%)")
    for conflict in figures.conflicts:
        click.echo(f"{conflict.kind.replace('_', ' ')}: {conflict}")
    for path in write_all(out_dir, files):
        click.echo(str(path))


def figures_range(first: int, years: int) -> tuple[date, date]:
    """First and last date the .ics files cover."""
    return date(first, 1, 1), date(first + years - 1, 12, 31)
