"""``mediation-agreement referrals …`` (the office's resource directory) and the ``case`` commands after the seal:
``refer`` (referrals for one parent), ``next-steps`` (each parent's sheet) and ``filed`` (filing recorded)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..errors import ConfigError, LintFailed

referrals_option = click.option(
    "--referrals", "folders", multiple=True, type=click.Path(path_type=Path),
    help="The office's resource folder, laid over the package's national resources (repeatable; later folders win).",
)


@click.group("referrals")
def referrals_group() -> None:
    """The community-resource directory for referrals: list it (by kind, language, county) or lint it."""


@referrals_group.command("list")
@referrals_option
@click.option("--kind", help="Only this kind: parenting_education, legal_aid, domestic_violence, counseling, employment, child_care.")
@click.option("--language", help="Only resources serving this language (a code: en, es).")
@click.option("--state", help="Only resources serving this state (two letters) ...")
@click.option("--county", help="... and this county.")
def list_command(folders: tuple[Path, ...], kind: str | None, language: str | None, state: str | None, county: str | None) -> None:
    """List the resources: id, kind, area, languages and name (private ones are marked)."""
    from ..referrals import load_directory

    if county and not state:
        raise ConfigError("--county needs --state")
    found = load_directory(folders).find(kind=kind, language=language, state=state, county=county)
    for r in found:
        mark = "  (private)" if r.private else ""
        click.echo(f"{r.id:<40} {r.kind:<20} {r.area:<24} {','.join(r.languages):<8} {r.name}{mark}")
    click.echo(f"{len(found)} resource(s)", err=True)


@referrals_group.command("lint")
@referrals_option
@click.option("--no-default", is_flag=True, help="Check only the --referrals folders, without the package's own.")
def lint_command(folders: tuple[Path, ...], no_default: bool) -> None:
    """Check every resource file: fields, kinds, languages, area, contact; each problem as path:line (exit 1)."""
    from ..referrals import lint_directory

    report = lint_directory(folders, with_default=not no_default)
    if report.problems:
        raise LintFailed(report)
    click.echo(f"ok: {report.clauses_checked} resource(s)")


def add_case_commands(case_group: click.Group, store_options: click.decorators.FC) -> None:  # type: ignore[name-defined]
    """Attach ``refer``, ``next-steps`` and ``filed`` to the ``case`` group (defined in :mod:`.case`)."""

    @case_group.command("refer")
    @click.argument("case_id")
    @click.argument("resource_ids", nargs=-1)
    @click.option("--party", type=click.Choice(["a", "b"]), required=True, help="The parent the referrals are for (only they will see them).")
    @referrals_option
    @store_options
    def refer_command(case_id: str, resource_ids: tuple[str, ...], party: str, folders: tuple[Path, ...], store: object) -> None:
        """Mediator: give one parent these referrals (resource ids from `referrals list`), privately; none clears them."""
        from ..referrals import give_referrals, load_directory

        directory = load_directory(folders)
        given = give_referrals(store, case_id, party, [directory.get(i) for i in resource_ids])  # type: ignore[arg-type]
        click.echo(f"parent {party.upper()} now has {len(given)} referral(s), seen only by them and the office:")
        for r in given:
            click.echo(f"  {r.id}: {r.name}" + ("  (private)" if r.private else ""))

    @case_group.command("next-steps")
    @click.argument("case_id")
    @click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for next-steps-a and next-steps-b (PDF and HTML).")
    @click.option("--party", type=click.Choice(["a", "b"]), help="Only this parent's sheet (default: both, each its own files).")
    @click.option("--text-file", type=click.Path(dir_okay=False, path_type=Path), help="The office's own next-steps wording (same shape as the package's next_steps.yml).")
    @store_options
    def next_steps_command(case_id: str, out_dir: Path, party: str | None, text_file: Path | None, store: object) -> None:
        """Mediator: write each parent's next-steps sheet (what happens now, their own referrals, help later) once the agreement is sealed."""
        from ..followup import next_steps_for, next_steps_html, next_steps_pdf
        from ..outputs import write_all

        files: dict[str, bytes | str] = {}
        for p in [party] if party else ["a", "b"]:
            sheet = next_steps_for(store, case_id, p, path=text_file)  # type: ignore[arg-type]
            files[f"next-steps-{p}.pdf"] = next_steps_pdf(sheet)
            files[f"next-steps-{p}.html"] = next_steps_html(sheet)
        for path in write_all(out_dir, files):
            click.echo(f"wrote {path}")
        click.echo("each sheet is for its parent only: it lists their own referrals")

    @case_group.command("filed")
    @click.argument("case_id")
    @click.option("--on", "on", required=True, help="The date the executed agreement was filed, YYYY-MM-DD.")
    @click.option("--court-case-number", help="The court's case number, if the filing gave one.")
    @store_options
    def filed_command(case_id: str, on: str, court_case_number: str | None, store: object) -> None:
        """Mediator: record that the executed agreement was filed with the court (it shows on the timeline)."""
        from ..followup import record_filing

        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise ConfigError(f"--on takes a date as YYYY-MM-DD, not {on!r}") from None
        filing = record_filing(store, case_id, day, court_case_number=court_case_number)  # type: ignore[arg-type]
        click.echo(f"recorded: filed on {filing.on.isoformat()}" + (f", court case {filing.court_case_number}" if filing.court_case_number else ""))
