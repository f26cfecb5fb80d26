"""Case files: the examples load, and every kind of bad input gets a precise message.

Each folder under tests/cases/bad/ holds one broken ``case.yml`` (or ``case.json``)
and the exact message lines (``expected.txt``, paths relative to the folder) the
CLI must print.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docassemble.MediationAgreement.case.model import Case, dump_case, load_case, parse_case_text
from docassemble.MediationAgreement.errors import CaseFileError, MediationError

from .conftest import ROOT, example_cases, run_cli

BAD = sorted((ROOT / "tests" / "cases" / "bad").iterdir())


def bad_case_file(folder: Path) -> Path:
    """The folder's ``case.yml`` or ``case.json``."""
    (found,) = [p for p in folder.iterdir() if p.stem == "case"]
    return found


@pytest.mark.parametrize("folder", BAD, ids=[p.name for p in BAD])
def test_bad_case_is_refused_with_file_line_and_field(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("assemble", bad_case_file(folder).relative_to(ROOT), "--out", out, "--format", "txt")
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    expected = [f"error: {folder.relative_to(ROOT)}/{line}" for line in (folder / "expected.txt").read_text().splitlines()]
    assert result.err.splitlines() == expected
    assert not out.exists(), "no output may be written for bad input"


def test_missing_case_file_is_named(tmp_path: Path) -> None:
    result = run_cli("assemble", tmp_path / "nope.yml", "--out", tmp_path / "out")
    assert result.code == 2
    assert result.err.strip() == f"error: {tmp_path / 'nope.yml'}: file not found"


def test_json_case_file_reports_lines_too(tmp_path: Path) -> None:
    data = json.loads(json.dumps(dump_case(load_case(ROOT / "tests" / "cases" / "minimal.yml"))))
    data["child_support"]["amount"] = "-5"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data, indent=2))
    with pytest.raises(CaseFileError) as info:
        load_case(path)
    assert "child_support.amount" in str(info.value)
    assert f"{path}:" in str(info.value)


def test_errors_share_one_root() -> None:
    with pytest.raises(MediationError):
        parse_case_text("children: [")


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: p.stem)
def test_examples_round_trip_through_the_case_format(path: Path) -> None:
    case = load_case(path)
    again = Case.model_validate(json.loads(json.dumps(dump_case(case))))
    assert again == case


def test_there_are_at_least_three_examples() -> None:
    names = {p.stem for p in example_cases()}
    assert {"joint-two-children", "safety-sole-supervised", "long-distance-summer"} <= names


def test_schema_command_prints_json_schema() -> None:
    result = run_cli("schema")
    assert result.code == 0
    schema = json.loads(result.out)
    assert "parent_a" in schema["properties"] and "children" in schema["required"]
