"""dayamlchecker, the docassemble ecosystem's interview linter, passes on every interview file.

It catches what docassemble's parser does not (missing ids, accessibility,
Mako and Python syntax inside blocks). No finding is suppressed; if one ever
has to be, add ``--suppress CODE`` to SUPPRESS with a comment saying why.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT

pytest.importorskip("dayamlchecker")

SUPPRESS: list[str] = []  # (none: every finding is fixed in the YAML instead)


def test_dayamlchecker_finds_nothing_in_the_interviews() -> None:
    command = [sys.executable, "-m", "dayamlchecker", "--no-url-check", *(f"--suppress={code}" for code in SUPPRESS), "interviews/"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No issues found" in result.stdout, result.stdout
