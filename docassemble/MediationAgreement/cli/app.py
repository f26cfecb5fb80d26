"""``mediation-agreement``: the command-line face of the engine.

Every command is a thin wrapper over library calls.  Library code raises
:class:`~.errors.MediationError` subclasses; :class:`GuardedGroup` turns them
into one-line messages on stderr and the error's exit status (2 for bad input,
1 for lint findings or a failed verification) without a traceback.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from ..errors import LintFailed, MediationError


class GuardedGroup(click.Group):
    """A click group that reports :class:`MediationError` as a message, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LintFailed as exc:
            # Findings are the command's output: bare `path:line: message` lines.
            for problem in exc.report.problems:
                click.echo(str(problem))
            click.echo(f"lint: {len(exc.report.problems)} problem(s)", err=True)
            ctx.exit(exc.exit_code)
        except MediationError as exc:
            for line in str(exc).splitlines() or [exc.__class__.__name__]:
                click.echo(f"error: {line}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=GuardedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="docassemble.MediationAgreement", prog_name="mediation-agreement")
def main() -> None:
    """Assemble, review, sign and file mediated parenting agreements.

    A case file (YAML or JSON) plus one or more clause libraries become a
    formal written agreement in PDF, DOCX and HTML.  Run any command with
    --help for its options.
    """


def _register() -> None:
    """Attach every command.  Explicit, so nothing registers itself by import side effect."""
    from . import batch, case, core, demo, filing, schedule, verify

    for command in [*core.COMMANDS, *batch.COMMANDS, *verify.COMMANDS, *filing.COMMANDS, *case.COMMANDS, *demo.COMMANDS, *schedule.COMMANDS]:
        main.add_command(command)


_register()


def run(argv: list[str] | None = None) -> int:
    """Run the CLI in-process and return its exit status (for tests and benchmarks)."""
    try:
        main.main(args=argv, prog_name="mediation-agreement", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
