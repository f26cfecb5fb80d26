"""Core commands: assemble, lint, preview, clauses, schema."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..assembly.assemble import Selected, assemble, clause_numbers, reference_resolver, render_clause, select_clauses, tables_for, text_to_blocks
from ..assembly.document import block_text
from ..case.model import Case, load_case
from ..errors import LibraryError, LintFailed
from ..library.clauses import SIGNATURE_TOPIC, load_case_library
from ..library.templating import case_context
from ..outputs import write_all
from ..render.formats import FORMATS, render_outputs
from ..support.case_support import guideline_dirs
from .fonts import font_path_option
from .support import guidelines_option

library_option = click.option(
    "--library",
    "libraries",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A clause library folder laid over the ones before it (repeatable, in order). "
    "The package's own library always comes first unless --no-default-library.",
)
no_default_option = click.option(
    "--no-default-library",
    is_flag=True,
    help="Do not start from the package's own clause library (use only the --library folders).",
)


state_overlay_option = click.option(
    "--no-state-overlay",
    "no_state_overlay",
    is_flag=True,
    help="Do not lay the package's overlay for the case's court.state (clauses/overlays/<state>/) "
    "between its own library and the --library folders.",
)


language_option = click.option(
    "--language",
    default="en",
    show_default=True,
    type=click.Choice(["en", "es"]),
    help="The language of the agreement's words. es: a Spanish reading copy, marked as a courtesy translation on every page "
    "(the English agreement is the one signed and filed); every clause needs its Spanish text (clauses/translations/es/).",
)


def library_stack(libraries: tuple[Path, ...], no_default: bool) -> list[Path]:
    """The ordered list of library folders the options describe."""
    from ..library.clauses import default_library_dir

    return ([] if no_default else [default_library_dir()]) + list(libraries)


@click.command("assemble")
@click.argument("case_file", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Folder to write the agreement files into.")
@library_option
@no_default_option
@click.option("--draft/--final", default=True, help="Draft (marked 'DRAFT — not for signature', the default) or final for signing.")
@click.option("--format", "formats", default="pdf,docx,html", show_default=True, help=f"Comma-separated output formats: {', '.join(FORMATS)}.")
@guidelines_option
@state_overlay_option
@language_option
@font_path_option
def assemble_command(
    case_file: Path, out_dir: Path, libraries: tuple[Path, ...], no_default_library: bool, draft: bool, formats: str,
    guideline_folders: tuple[Path, ...], no_state_overlay: bool, language: str,
) -> None:
    """Assemble the agreement for CASE_FILE into PDF, DOCX and HTML (--language es: the Spanish reading copy)."""
    case = load_case(case_file)
    library = load_case_library(library_stack(libraries, no_default_library), case.court.state, state_overlay=not no_state_overlay, language=language)
    doc = assemble(case, library, draft=draft, guidelines=guideline_dirs(guideline_folders))
    files = render_outputs(doc, [f.strip() for f in formats.split(",") if f.strip()])
    for path in write_all(out_dir, files):
        click.echo(str(path))


@click.command("check")
@click.argument("case_file", type=click.Path(path_type=Path))
def check_command(case_file: Path) -> None:
    """Check CASE_FILE against the case model: every problem with its line and field (exit 2), or ok."""
    case = load_case(case_file)
    click.echo(f"ok: {case_file} is a whole case ({len(case.children)} child{'ren' if len(case.children) != 1 else ''})")


@click.command("lint")
@library_option
@no_default_option
@click.option(
    "--case",
    "case_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Run every clause against this case file (repeatable; default: the example cases in examples/cases/).",
)
@click.option("--no-state-overlay", "no_state_overlay", is_flag=True, help="Do not also check the package's state overlays (clauses/overlays/).")
@click.option(
    "--language",
    type=click.Choice(["es"]),
    help="Check the library's translation into this language instead: every clause, alternative, label and heading without "
    "text in it, stale translations, and the translated texts themselves (run against the example cases).",
)
def lint_command(libraries: tuple[Path, ...], no_default_library: bool, case_files: tuple[Path, ...], no_state_overlay: bool, language: str | None) -> None:
    """Check every clause: shape, syntax, fields, references. Then run each against example cases. Exit 1 on findings."""
    from ..library.lint import lint_library

    report = lint_library(
        library_stack(libraries, no_default_library), cases=list(case_files) or None, state_overlays=not no_state_overlay, language=language or "en"
    )
    if report:
        raise LintFailed(report)
    count, stacked = report.clauses_checked, report.libraries_checked
    click.echo(f"ok: {count} clauses in {stacked} librar{'y' if stacked == 1 else 'ies'}, no problems")


@click.command("preview")
@click.argument("clause_id")
@click.option("--case", "case_file", required=True, type=click.Path(path_type=Path), help="Case file to render the clause with.")
@library_option
@no_default_option
@click.option("--alternative", help="Render this alternative instead of the one the case selects.")
@state_overlay_option
@language_option
def preview_command(clause_id: str, case_file: Path, libraries: tuple[Path, ...], no_default_library: bool, alternative: str | None, no_state_overlay: bool, language: str) -> None:
    """Render one clause for CASE (for staff editing a clause)."""
    case = load_case(case_file)
    library = load_case_library(library_stack(libraries, no_default_library), case.court.state, state_overlay=not no_state_overlay, language=language)
    clause = library.get(clause_id)
    chosen_list = select_clauses(case, library)
    selected = {s.clause.id: s for s in chosen_list}
    chosen = alternative or (selected[clause_id].alternative if clause_id in selected else clause.default or next(iter(clause.alternatives), None))
    if alternative is not None and alternative not in clause.alternatives:
        raise LibraryError(f"no alternative '{alternative}' (alternatives: {', '.join(clause.alternatives) or 'none'})", clause_id=clause_id)
    context = case_context(case, ref=reference_resolver(clause_numbers(chosen_list, library), library), language=library.language)
    text = render_clause(Selected(clause, chosen if clause.alternatives else None), context)
    status = "applies to this case" if clause_id in selected else "does NOT apply to this case (its `when` is false)"
    click.echo(f"# {clause.id} v{clause.version} — {clause.title} [{clause.library}] — {status}" + (f", alternative '{chosen}'" if chosen and clause.alternatives else ""))
    if clause.topic == SIGNATURE_TOPIC:  # a signature block: its text and each signature line as the agreement prints them
        from ..assembly.assemble import signature_block

        block, lines = signature_block(Selected(clause, None), text, tables_for(case, context, library.language))
        for part in block.before:
            click.echo(block_text(part) + "\n")
        for line in lines:
            click.echo("\n".join(x for x in (line.statement, f"{line.printed_name}, {line.role}", f"Signature ({line.party}): ____________________  Date: __________") if x) + "\n")
        for part in block.after:
            click.echo(block_text(part) + "\n")
        return
    for block in text_to_blocks(text, tables_for(case, context, library.language), clause=clause):
        click.echo(block_text(block))
        click.echo()


@click.command("clauses")
@click.option("--case", "case_file", type=click.Path(path_type=Path), help="Also say whether each clause applies to this case (and use its state's overlay).")
@library_option
@no_default_option
@click.option("--state", "state", help="Lay this state's overlay (e.g. AZ) without a case; with --case, the case's court.state is used.")
@state_overlay_option
def clauses_command(case_file: Path | None, libraries: tuple[Path, ...], no_default_library: bool, state: str | None, no_state_overlay: bool) -> None:
    """List clauses: id, topic, version, source library (and whether each applies).

    LIBRARY is the library that supplied the clause: ``base``, the state overlay
    (``state-overlay-az``) or an office overlay's name.  REQUIRED marks the
    parts every agreement must have (an overlay may reword them, not drop them).
    """
    case = load_case(case_file) if case_file is not None else None
    state = case.court.state if case is not None else state
    library = load_case_library(library_stack(libraries, no_default_library), state, state_overlay=not no_state_overlay)
    applies: dict[str, str | None] | None = None
    if case is not None:
        applies = {s.clause.id: s.alternative for s in select_clauses(case, library)}
    rows = [("ID", "TOPIC", "VER", "LIBRARY") + (("APPLIES",) if applies is not None else ()) + ("REQUIRED",)]
    for clause in library.ordered():
        row = (clause.id, clause.topic, str(clause.version), clause.library)
        if applies is not None:
            row += ((("yes" + (f" ({applies[clause.id]})" if applies[clause.id] else "")) if clause.id in applies else "no"),)
        required = clause.required
        row += ("yes" if required is True else f"when {required}" if isinstance(required, str) else "",)
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())


@click.command("schema")
def schema_command() -> None:
    """Print the case file's JSON Schema."""
    click.echo(json.dumps(Case.model_json_schema(), indent=2))
