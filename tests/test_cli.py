"""The command line: help everywhere, errors without tracebacks, and the module entry point."""

from __future__ import annotations

from pathlib import Path

import click

from docassemble.MediationAgreement.cli import main
from docassemble.MediationAgreement.cli.app import COMMANDS

from .conftest import run_cli


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{prefix}{name} "))
    return found


def test_every_command_and_option_has_help_text() -> None:
    commands = _commands(main)
    assert {"assemble", "lint", "preview", "clauses", "schema"} <= {name for name, _ in commands}
    for name, command in commands:
        assert (command.help or "").strip(), f"command '{name}' has no help text"
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert (param.help or "").strip(), f"option {param.opts} of '{name}' has no help text"


def test_help_runs_for_every_command() -> None:
    for name, _ in _commands(main):
        result = run_cli(*name.split(), "--help")
        assert result.code == 0 and "Usage:" in result.out, name


def test_unknown_command_is_a_usage_error() -> None:
    result = run_cli("asemble")
    assert result.code == 2 and "No such command" in result.err


def test_the_command_list_says_what_each_command_says_of_itself() -> None:
    """``--help`` lists commands from COMMANDS without importing them; it must not drift from their help."""
    for name, command in _commands(main):
        if " " not in name:
            assert COMMANDS[name][2] == command.get_short_help_str(limit=200), name


def test_help_loads_no_command_module() -> None:
    """The top-level --help imports neither the case model nor any command's libraries."""
    import subprocess
    import sys

    probe = (
        "import sys; from docassemble.MediationAgreement.cli import run; run(['--help']);"
        "heavy = [m for m in ('pydantic', 'typst', 'pypdf', 'sqlalchemy', 'docx', 'docassemble.MediationAgreement.case.model') if m in sys.modules];"
        "print('LOADED', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "LOADED []" in out


def test_only_the_executable_freezes_what_a_command_import_made() -> None:
    """`command_line` (the executable) pauses the collector while a command's modules are imported and freezes
    what they made; `run` (tests, long-lived processes) never freezes anything, and the collector stays on."""
    import subprocess
    import sys

    probe = (
        "import gc, sys; from docassemble.MediationAgreement.cli import app;"
        "before = gc.get_freeze_count();"
        "app.run(['schema']) if sys.argv[1] == 'run' else None;"
        "ran_froze = gc.get_freeze_count() > before;"
        "app.main.freeze_imports = sys.argv[1] == 'executable';"
        "app.main.get_command(None, 'check');"
        "print('FROZE', ran_froze, gc.get_freeze_count() > before, gc.isenabled())"
    )
    executable = subprocess.run([sys.executable, "-c", probe, "executable"], capture_output=True, text=True, check=True).stdout
    assert "FROZE False True True" in executable
    in_process = subprocess.run([sys.executable, "-c", probe, "run"], capture_output=True, text=True, check=True).stdout
    assert "FROZE False False True" in in_process


def test_an_agreement_that_gives_the_support_amount_does_not_load_the_guideline_engine(tmp_path: Path) -> None:
    """The joint example gives the amount the parents agreed; the guideline engine (support/compute, guideline,
    data, worksheet) is imported only where a worksheet is computed (the New York example)."""
    import subprocess
    import sys

    from .conftest import EXAMPLES

    probe = (
        "import sys; from docassemble.MediationAgreement.cli import run;"
        "code = run(['assemble', sys.argv[1], '--out', sys.argv[2], '--format', 'html']);"
        "engine = sorted(m for m in ('compute', 'guideline', 'data', 'worksheet') if 'docassemble.MediationAgreement.support.' + m in sys.modules);"
        "print('EXIT', code, 'ENGINE', engine)"
    )
    for case, engine in (("joint-two-children.yml", "[]"), ("support-ny-cssa.yml", "['compute', 'data', 'guideline', 'worksheet']")):
        out = subprocess.run([sys.executable, "-c", probe, str(EXAMPLES / case), str(tmp_path / case)], capture_output=True, text=True, check=True).stdout
        assert f"EXIT 0 ENGINE {engine}" in out, out
