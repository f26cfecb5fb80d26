"""A clause library kept on disk between processes (library/snapshot.py): the next process gets the same
library without reading its files; an edited clause, other loader code, a damaged file or `off` mean the
files are read again; the folder keeps a bounded number of snapshots."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from docassemble.MediationAgreement import kept
from docassemble.MediationAgreement.library import clauses, snapshot
from docassemble.MediationAgreement.library.clauses import ClauseLibrary, load_library

from .conftest import EXAMPLES, run_cli

BASE = Path(__file__).parent / "libraries" / "base"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MEDIATION_TEMPLATE_CACHE", str(folder))
    kept.folder.cache_clear()
    clauses._LOADED.clear()
    yield folder
    kept.folder.cache_clear()
    clauses._LOADED.clear()


def in_a_new_process(folder: Path, monkeypatch: pytest.MonkeyPatch, *, may_read: bool) -> ClauseLibrary:
    """load_library as a fresh process would call it: nothing kept in memory; reading the files fails the test
    unless ``may_read``."""
    clauses._LOADED.clear()
    reads: list[Path] = []
    real = clauses._load_fresh

    def counted(folders: list[Path], **kwargs: object) -> ClauseLibrary:
        reads.append(folders[0])
        return real(folders, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(clauses, "_load_fresh", counted)
    library = load_library([folder])
    monkeypatch.setattr(clauses, "_load_fresh", real)
    assert bool(reads) == may_read, "read from its files" if reads else "given from the snapshot"
    return library


def same(a: ClauseLibrary, b: ClauseLibrary) -> None:
    assert [c.id for c in a.ordered()] == [c.id for c in b.ordered()]
    assert a.clauses == b.clauses  # every field: texts, alternatives, source file, library, language
    for clause in a.ordered():  # and the lines messages name
        other = b.clauses[clause.id]
        assert (other.line_of("text"), other.text_start_line(), other.line_of("when")) == (clause.line_of("text"), clause.text_start_line(), clause.line_of("when"))
    assert a.libraries == b.libraries


def test_the_next_process_gets_the_same_library_without_reading_its_files(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "base"
    shutil.copytree(BASE, folder)
    first = in_a_new_process(folder, monkeypatch, may_read=True)
    assert [p.name.startswith("__mediation_library_") for p in cache.glob("*.pickle")] == [True]
    again = in_a_new_process(folder, monkeypatch, may_read=False)
    same(first, again)
    again.clauses["support.amount"].compiled(None)  # its texts still compile in the sandbox (a failure raises)


def test_an_edited_clause_is_read_again(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "base"
    shutil.copytree(BASE, folder)
    in_a_new_process(folder, monkeypatch, may_read=True)
    amount = folder / "child_support" / "amount.yml"
    amount.write_text(amount.read_text().replace("each month", "per month!"))
    edited = in_a_new_process(folder, monkeypatch, may_read=True)
    assert "per month!" in (edited.clauses["support.amount"].text or "")
    assert "per month!" in (in_a_new_process(folder, monkeypatch, may_read=False).clauses["support.amount"].text or "")


def test_other_loader_code_a_damaged_file_or_off_read_the_files_again(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "base"
    shutil.copytree(BASE, folder)
    fresh = in_a_new_process(folder, monkeypatch, may_read=True)
    monkeypatch.setattr(snapshot, "loader_fingerprint", lambda: bytes(32))  # another version of the loader
    in_a_new_process(folder, monkeypatch, may_read=True)
    monkeypatch.undo()
    monkeypatch.setenv("MEDIATION_TEMPLATE_CACHE", str(cache))
    in_a_new_process(folder, monkeypatch, may_read=True)  # written again for the real code
    (written,) = cache.glob("__mediation_library_*.pickle")
    data = written.read_bytes()
    written.write_bytes(data[:-40] + b"\x00" * 40)  # damaged inside the pickle: a miss, not an error
    same(fresh, in_a_new_process(folder, monkeypatch, may_read=True))
    written.write_bytes(data[:100])
    in_a_new_process(folder, monkeypatch, may_read=True)
    monkeypatch.setenv("MEDIATION_TEMPLATE_CACHE", "off")
    kept.folder.cache_clear()
    for p in cache.glob("*"):
        p.unlink()
    in_a_new_process(folder, monkeypatch, may_read=True)
    in_a_new_process(folder, monkeypatch, may_read=True)
    assert list(cache.glob("*")) == []


def test_the_folder_keeps_the_newest_snapshots(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept, "_KEEP", 3)
    folders = []
    for index in range(5):
        folders.append(tmp_path / f"lib{index}")
        shutil.copytree(BASE, folders[-1])
        in_a_new_process(folders[-1], monkeypatch, may_read=True)
    assert len(list(cache.glob("__mediation_library_*.pickle"))) == 3
    in_a_new_process(folders[-1], monkeypatch, may_read=False)
    in_a_new_process(folders[0], monkeypatch, may_read=True)


def test_the_command_line_reads_the_package_library_once_across_processes(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"MEDIATION_TEMPLATE_CACHE": str(cache)}
    outputs = []
    for run in ("first", "second"):
        result = run_cli("assemble", EXAMPLES / "joint-two-children.yml", "--out", tmp_path / run, "--format", "html", env=env)
        assert result.code == 0, result.err
        outputs.append((tmp_path / run / "agreement.html").read_text())
        if run == "first":
            snapshots = {p: p.stat().st_mtime_ns for p in cache.glob("__mediation_library_*.pickle")}
            assert snapshots  # the package's library with Washington's overlay
    assert outputs[0] == outputs[1]
    assert {p: p.stat().st_mtime_ns for p in cache.glob("__mediation_library_*.pickle")} == snapshots  # read, not written again
