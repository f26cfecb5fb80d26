"""``mediation-agreement support``: the state guideline's worksheet for a case, line by line."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..case.model import load_case
from ..errors import CaseFileError
from ..support.case_support import guideline_dirs, support_terms
from .fonts import font_path_option

guidelines_option = click.option(
    "--guidelines",
    "guideline_folders",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A folder of child support guideline folders laid over the package's own (repeatable; a guideline with the same id replaces ours).",
)


@click.command("support")
@click.argument("case_file", type=click.Path(path_type=Path))
@guidelines_option
@click.option("--json", "as_json", is_flag=True, help='Print {"guideline", "payer", "monthly_amount", "lines": [...]} as JSON.')
def support_command(case_file: Path, guideline_folders: tuple[Path, ...], as_json: bool) -> None:
    """Print the child support guideline worksheet for CASE_FILE: each line, the payer and the monthly amount."""
    from ..support.worksheet import worksheet_rows

    case = load_case(case_file)
    if case.child_support is None or case.child_support.guideline is None:
        raise CaseFileError("has no child_support.guideline (each parent's income and costs); add it to compute the worksheet", path=case_file)
    terms = support_terms(case, guideline_dirs(guideline_folders))
    worksheet = terms.worksheet
    assert worksheet is not None and terms.guideline is not None
    if as_json:
        click.echo(json.dumps(worksheet.to_json(), indent=2))
        return
    names = {"a": case.parent_a.short_name, "b": case.parent_b.short_name}
    click.echo(f"{terms.guideline.title}, in force {worksheet.effective_date:%Y-%m-%d}; applied on {worksheet.as_of:%Y-%m-%d}")
    click.echo(f"Overnights a year: {names['a']} {terms.overnights['a']}, {names['b']} {terms.overnights['b']}, {terms.overnights_source}")  # type: ignore[index]
    header = ("", f"{names['a']} (A)", f"{names['b']} (B)", "Combined")
    rows = [header, *worksheet_rows(worksheet)]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        click.echo("  ".join([row[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(row[1:], widths[1:]))]).rstrip())
    if worksheet.payer:
        payee = "b" if worksheet.payer == "a" else "a"
        click.echo(f"{names[worksheet.payer]} (parent {worksheet.payer}) pays {names[payee]} ${worksheet.monthly_amount:,.2f} a month.")
    else:
        click.echo("Neither parent pays the other under the guideline.")
    for note in worksheet.notes:
        click.echo(f"note: {note}")


@click.command("guidelines")
@guidelines_option
@click.option("--no-default-guidelines", is_flag=True, help="Check only the --guidelines folders, not the package's own.")
def guidelines_command(guideline_folders: tuple[Path, ...], no_default_guidelines: bool) -> None:
    """Check and list the child support guidelines: id, state, method, dates in force, source."""
    from ..errors import GuidelineError, Problem
    from ..support.guideline import GUIDELINE_FILE, load_guideline

    found: dict[str, tuple[str, ...]] = {}
    problems: list[Problem] = []
    for folder in guideline_dirs(guideline_folders, no_default=no_default_guidelines):
        for file in sorted(Path(folder).glob(f"*/{GUIDELINE_FILE}")):
            try:
                g = load_guideline(file)
            except GuidelineError as exc:
                problems += exc.problems
                continue
            until = g.end.isoformat() if g.end else "now"
            found[g.id] = (g.id, g.jurisdiction, g.model, f"{g.start.isoformat()}..{until}", g.source.cite)
    if problems:
        raise GuidelineError(problems[0].message, problems=problems)
    rows = [("ID", "STATE", "METHOD", "IN FORCE", "SOURCE"), *found.values()]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for row in rows:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())


@click.command("options")
@click.argument("case_file", type=click.Path(path_type=Path))
@click.argument("option_files", nargs=-1, type=click.Path(path_type=Path))
@guidelines_option
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the one-page handout (PDF) here.")
@click.option("--json", "as_json", is_flag=True, help="Print each option's figures as JSON.")
@font_path_option
def options_command(case_file: Path, option_files: tuple[Path, ...], guideline_folders: tuple[Path, ...], out_file: Path | None, as_json: bool) -> None:
    """Compare up to three parenting-time schedules (OPTION_FILES, or the case's options: list): overnights, holidays, guideline support."""
    from ..outputs import write_atomically
    from ..support.options import compare_options, load_option, options_table

    case = load_case(case_file)
    options = [load_option(p, case) for p in option_files] if option_files else None
    results = compare_options(case, options, guideline_dirs(guideline_folders))
    if out_file is not None:
        from ..render.options import render_options_pdf

        pdf = render_options_pdf(case, results)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "label": r.label,
                        "years": list(r.years),
                        "overnights": r.overnights,
                        "percent": r.percent,
                        "holidays": [{"holiday": h[0], "even_years": h[1], "odd_years": h[2]} for h in r.holidays],
                        "support": None if r.support.worksheet is None else {"guideline": r.support.worksheet.guideline, "payer": r.payer, "monthly_amount": float(r.monthly_support or 0)},
                    }
                    for r in results
                ],
                indent=2,
            )
        )
    else:
        rows = options_table(case, results)
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for row in rows:
            click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    if out_file is not None:
        click.echo(str(write_atomically(out_file, pdf)), err=as_json)
