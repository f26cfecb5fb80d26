"""``mediation-agreement batch``: many cases in one process; a bad case is named and stops nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from pypdf import PdfReader

from docassemble.MediationAgreement.assembly.assemble import assemble
from docassemble.MediationAgreement.assembly.document import to_plain_text
from docassemble.MediationAgreement.case.model import load_case
from docassemble.MediationAgreement.library.clauses import default_library_dir, load_case_library

from .conftest import ROOT, example_cases, run_cli

BAD = ROOT / "tests" / "cases" / "bad" / "future-birth"


def _inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "more").mkdir(parents=True)
    for case in example_cases():
        shutil.copy(case, folder / "more" / case.name)
    shutil.copy(BAD / "case.yml", folder / "broken.yml")
    return folder


def test_a_folder_of_cases_with_a_bad_one_among_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("batch", _inputs(tmp_path), "--out", out, "--format", "pdf,txt", "--jobs", "2")

    assert result.code == 2
    expected = (BAD / "expected.txt").read_text(encoding="utf-8").strip().replace("case.yml", str(tmp_path / "in" / "broken.yml"))
    assert f"error: {expected}" in result.err
    assert "Traceback" not in result.err
    assert f"batch: {len(example_cases())} assembled, 1 failed" in result.err
    assert not (out / "broken").exists(), "a bad case leaves nothing behind"

    for case_file in example_cases():
        folder = out / case_file.stem
        assert sorted(p.name for p in folder.iterdir()) == ["agreement.pdf", "agreement.txt"]
        # The same agreement a single in-process assembly gives (with the case's state overlay), and a PDF that reads back.
        library = load_case_library([default_library_dir()], load_case(case_file).court.state)
        expected_text = to_plain_text(assemble(load_case(case_file), library, draft=True))
        assert (folder / "agreement.txt").read_text(encoding="utf-8") == expected_text
        case = load_case(case_file)
        first_page = PdfReader(folder / "agreement.pdf").pages[0].extract_text()
        assert case.parent_a.full_name in " ".join(first_page.split())


def test_one_worker_gives_the_same_files(tmp_path: Path) -> None:
    inputs = [str(p) for p in example_cases()]
    one = run_cli("batch", *inputs, "--out", tmp_path / "one", "--format", "txt", "--jobs", "1")
    two = run_cli("batch", *inputs, "--out", tmp_path / "two", "--format", "txt", "--jobs", "2")
    assert one.code == two.code == 0
    for case_file in example_cases():
        name = f"{case_file.stem}/agreement.txt"
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_two_cases_that_would_share_a_folder_are_refused_before_any_work(tmp_path: Path) -> None:
    case = example_cases()[0]
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        shutil.copy(case, tmp_path / sub / case.name)
    result = run_cli("batch", tmp_path / "x", tmp_path / "y", "--out", tmp_path / "out")
    assert result.code == 2
    assert f"two case files would write to {tmp_path / 'out' / case.stem}" in result.err
    assert not (tmp_path / "out").exists()


def test_a_missing_input_and_an_unknown_format_are_named(tmp_path: Path) -> None:
    missing = run_cli("batch", tmp_path / "nope", "--out", tmp_path / "out")
    assert missing.code == 2 and f"error: {tmp_path / 'nope'}: no such file or folder" in missing.err
    bad_format = run_cli("batch", example_cases()[0], "--out", tmp_path / "out", "--format", "pdf,odt")
    assert bad_format.code == 2 and "unknown format(s): odt" in bad_format.err
    assert not (tmp_path / "out").exists()
