"""``mediation-agreement``: the command-line face of the engine.

Every command is a thin wrapper over library calls.  Library code raises
:class:`~.errors.MediationError` subclasses; :class:`GuardedGroup` turns them
into one-line messages on stderr and the error's exit status (2 for bad input,
1 for lint findings or a failed verification) without a traceback.
"""

from __future__ import annotations

import gc
import importlib
import os
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


COMMANDS: dict[str, tuple[str, str, str]] = {
    "assemble": ("core", "assemble_command", 'Assemble the agreement for CASE_FILE into PDF, DOCX and HTML (--language es: the Spanish reading copy).'),
    "batch": ("batch", "batch_command", 'Assemble many case files (files or folders of them) in one process, over all cores.'),
    "case": ("case", "case_group", 'Review rounds and e-signatures: open a case, issue drafts, comment, approve, sign, finalize.'),
    "check": ("core", "check_command", "Check CASE_FILE against the case model: every problem with its line and field (exit 2), or ok."),
    "clauses": ("core", "clauses_command", 'List clauses: id, topic, version, source library (and whether each applies).'),
    "coversheet": ("filing", "coversheet_command", 'Fill a court cover sheet for CASE_FILE from a mapping file.'),
    "demo": ("demo", "demo_command", 'Run a whole review round on an example case: two drafts with a redline, approvals, three signatures, sealed PDF.'),
    "dev-certificate": ("verify", "dev_certificate_command", 'Make a DEVELOPMENT-ONLY root CA and office seal certificate for trying out sealing.'),
    "fields": ("filing", "fields_command", "List FORM_PDF's fillable fields: name, type, allowed values, page and position."),
    "guidelines": ("support", "guidelines_command", "Check and list the child support guidelines: id, state, method, dates in force, source."),
    "lint": ("core", "lint_command", 'Check every clause: shape, syntax, fields, references.'),
    "options": ("support", "options_command", "Compare up to three parenting-time schedules (OPTION_FILES, or the case's options: list): overnights, holidays, guideline support."),
    "packet": ("filing", "packet_command", 'Build the filing packet for CASE_FILE: cover sheet, agreement and attachments as separate files, merged into filing-packet.pdf with bookmarks, and a README.txt.'),
    "preview": ("core", "preview_command", 'Render one clause for CASE (for staff editing a clause).'),
    "referrals": ("referrals", "referrals_group", "The community-resource directory for referrals: list it (by kind, language, county) or lint it."),
    "schedule": ("schedule", "schedule_command", "Print each parent's overnights for CASE_FILE and write the year calendar (PDF) and each parent's .ics."),
    "schema": ("core", "schema_command", "Print the case file's JSON Schema."),
    "support": ("support", "support_command", "Print the child support guideline worksheet for CASE_FILE: each line, the payer and the monthly amount."),
    "verify": ("verify", "verify_command", 'Check a sealed agreement PDF: seal, attached log, and (with --store) the case store.'),
}
"""Every command: name -> (module in this package, the command's name in it, its one-line help).

The modules are imported only when their command runs (or ``--help`` asks for
its options), so ``mediation-agreement --help`` does not load pydantic, Typst,
pypdf or the case store.  The one-line help is kept here for the same reason;
``tests/test_cli.py`` checks it against each command's own help text.
"""


class LazyGroup(GuardedGroup):
    """A group whose commands are imported on first use, listed from :data:`COMMANDS` without importing them."""

    freeze_imports = False
    """Pause the garbage collector while a command's modules are imported, then freeze what they made
    (``gc.freeze``).  Importing the engine makes some hundred thousand objects (classes, functions, the
    models' fields) that live as long as the process, and the collector would otherwise walk them again
    and again (about 15 ms of an ``assemble``).  Meanwhile the methods ``dataclasses`` writes, the string
    annotations ``typing`` compiles and the regular expressions modules compile as they load come from, and
    go to, the kept folder (:func:`.startup.kept_compiles`).  Only :func:`command_line` sets it: frozen
    objects are never freed, which suits a process that ends after one command, not a test run calling
    :func:`run` thousands of times."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _help = COMMANDS[cmd_name]
        if not self.freeze_imports:
            return self._command(module, attribute)
        from .startup import kept_compiles

        gc.disable()
        try:
            with kept_compiles(cmd_name):
                return self._command(module, attribute)
        finally:
            gc.freeze()
            gc.enable()

    @staticmethod
    def _command(module: str, attribute: str) -> click.Command:
        command = getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        width = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, click.utils.make_default_short_help(COMMANDS[name][2], width)) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


# pydantic looks for plugins among every installed distribution's entry points when it
# builds the first model (about 20 ms of a command's start); the CLI uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="docassemble.MediationAgreement", prog_name="mediation-agreement")
def main() -> None:
    """Assemble, review, sign and file mediated parenting agreements.

    A case file (YAML or JSON) plus one or more clause libraries become a
    formal written agreement in PDF, DOCX and HTML.  Run any command with
    --help for its options.
    """


def command_line() -> None:
    """The ``mediation-agreement`` executable (and ``python -m docassemble.MediationAgreement``): :func:`main`, then exit.

    On the way out the collector's objects are frozen (``gc.freeze``): the
    process is ending and the operating system takes its memory back whole, so
    Python need not walk every object once more looking for cycles to free
    (about 40 ms of a short command such as ``assemble``).  Nothing is lost:
    files are written and closed by the commands themselves, standard output is
    flushed and ``atexit`` handlers run as before.  Only the executable does
    this; :func:`run` and ``main`` in a longer-lived process (tests) do not.
    For the same reason only the executable freezes what importing its command
    made (:attr:`LazyGroup.freeze_imports`).
    """
    main.freeze_imports = True
    try:
        main()
    finally:
        gc.freeze()


def run(argv: list[str] | None = None) -> int:
    """Run the CLI in-process and return its exit status (for tests and benchmarks)."""
    try:
        main.main(args=argv, prog_name="mediation-agreement", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
