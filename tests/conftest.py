"""Shared test fixtures: paths, a fixed clock, and running the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "cases"
SHARED = ROOT.parent / "shared"
CLI = [sys.executable, "-m", "docassemble.MediationAgreement"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite golden files from the current output (then read the diff).")


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run ``mediation-agreement`` as a separate process, exactly as a user would."""
    result = subprocess.run(
        [*CLI, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
    return Run(result.returncode, result.stdout, result.stderr)


@pytest.fixture
def cli() -> type[Run]:
    return Run


def example_cases() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yml"))


@pytest.fixture
def smtp_server() -> Any:
    """A real SMTP server (aiosmtpd) on a free 127.0.0.1 port, keeping what it receives (tests/mailbox.py)."""
    pytest.importorskip("aiosmtpd")
    from .smtp_mailbox import SmtpServer

    with SmtpServer() as server:
        yield server
