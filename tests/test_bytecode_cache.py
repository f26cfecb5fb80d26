"""Compiled clause texts and `when` expressions kept on disk between processes (library/bytecode.py):
the same agreement with and without the cache, the sandbox's refusals in code loaded from it, a damaged
file recompiled, an unsafe folder or `off` writing nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import EXAMPLES, run_cli

JOINT = EXAMPLES / "joint-two-children.yml"


def assemble_html(tmp_path: Path, name: str, cache: str) -> str:
    out = tmp_path / name
    result = run_cli("assemble", JOINT, "--out", out, "--format", "html", env={"MEDIATION_TEMPLATE_CACHE": cache})
    assert result.code == 0, result.err
    return (out / "agreement.html").read_text()


def test_the_cache_fills_once_and_gives_the_same_agreement(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = assemble_html(tmp_path, "first", str(cache))
    files = sorted(cache.glob("__mediation_clause_*"))
    assert len(files) > 50  # texts and expressions (the library read beside them: test_library_snapshot.py)
    (pack,) = cache.glob("__mediation_code_*")  # and the code of every text the process used, in one file
    stamps = {f: f.stat().st_mtime_ns for f in [*files, pack]}
    second = assemble_html(tmp_path, "second", str(cache))  # read from the pack: nothing written again
    assert second == first
    assert {f: f.stat().st_mtime_ns for f in [*sorted(cache.glob("__mediation_clause_*")), *cache.glob("__mediation_code_*")]} == stamps
    assert assemble_html(tmp_path, "none", "off") == first
    for f in files[:5]:
        f.write_bytes(b"not bytecode")  # damaged: recompiled and rewritten ...
    pack.write_bytes(pack.read_bytes()[:-100])  # ... once the pack, cut short, no longer has them
    assert assemble_html(tmp_path, "damaged", str(cache)) == first
    assert all(f.read_bytes() != b"not bytecode" for f in files[:5])
    assert pack.stat().st_size > 1000 and assemble_html(tmp_path, "after", str(cache)) == first


def test_off_and_a_folder_others_can_write_to_keep_nothing(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    assemble_html(tmp_path, "out", str(shared))
    assert list(shared.iterdir()) == []


def test_code_loaded_from_the_cache_is_still_sandboxed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jinja2.exceptions import SecurityError

    from docassemble.MediationAgreement import kept
    from docassemble.MediationAgreement.library.templating import compile_sandboxed, sandbox_environment

    monkeypatch.setenv("MEDIATION_TEMPLATE_CACHE", str(tmp_path / "cache"))
    kept.folder.cache_clear()
    try:
        unsafe = "{{ ''.__class__.__mro__ }}"
        for _ in range(2):  # compiled, then loaded from the file
            with pytest.raises(SecurityError):
                compile_sandboxed(unsafe).render()
        assert len(list((tmp_path / "cache").iterdir())) == 1
        expression = sandbox_environment().compile_expression("x.__class__", undefined_to_none=False)
        with pytest.raises(SecurityError):
            str(expression(x=1))
        assert compile_sandboxed("{{ n|money }}").render(n=5) == "$5.00"
    finally:
        kept.folder.cache_clear()


def test_a_full_pack_is_made_again_from_what_the_last_process_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docassemble.MediationAgreement.library import bytecode

    code = {name: compile(f"{name} = 1", name, "exec") for name in ("a", "b", "c", "d")}
    first = bytecode._Pack(tmp_path)
    for name in "abc":
        first.add(name, code[name])
    first.kept.write()
    second = bytecode._Pack(tmp_path)  # the next process
    assert sorted(second.kept.loaded) == ["a", "b", "c"] and second.get("x") is None
    assert second.get("b") == code["b"]
    second.add("d", code["d"])
    monkeypatch.setattr(second.kept, "most", 3)
    second.kept.write()
    assert sorted(bytecode._Pack(tmp_path).kept.loaded) == ["b", "d"]  # used ("b") and added ("d"); "a" and "c" dropped
    third = bytecode._Pack(tmp_path)
    third.kept.loaded["b"] = b"not code"  # a damaged entry: a miss, then made again and kept
    assert third.get("b") is None and "b" not in third.kept.loaded
    third.add("b", code["b"])
    third.kept.write()
    assert bytecode._Pack(tmp_path).get("b") == code["b"]
