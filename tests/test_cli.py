"""The command line: help everywhere, errors without tracebacks, and the module entry point."""

from __future__ import annotations

import click

from docassemble.MediationAgreement.cli import main

from .conftest import run_cli


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in sorted(group.commands.items()):
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
