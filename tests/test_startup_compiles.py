"""What the executable's start-up compiles, kept between runs (cli/startup.py): dataclass methods, string
annotations and regular expressions from the kept pack equal to what Python compiles, a second process
compiling none of them, the same agreement with and without the pack, nothing of a case in it, damaged
entries compiled again, and nothing changed outside the executable."""

from __future__ import annotations

import dataclasses
import marshal
import re
import typing
from pathlib import Path

import pytest
import yaml

from docassemble.MediationAgreement import kept
from docassemble.MediationAgreement.cli import startup

from .conftest import EXAMPLES, run_cli

JOINT = EXAMPLES / "joint-two-children.yml"

pytestmark = pytest.mark.skipif(not startup._SUPPORTED, reason="the start-up compiles are kept with CPython 3.12 only")


def assemble_pdf(tmp_path: Path, case: Path, name: str, cache: str) -> bytes:
    out = tmp_path / name
    result = run_cli("assemble", case, "--out", out, "--format", "pdf", env={"MEDIATION_TEMPLATE_CACHE": cache})
    assert result.code == 0, result.err
    return (out / "agreement.pdf").read_bytes()


def startup_pack(cache: Path) -> tuple[Path, kept.Pack]:
    (path,) = cache.glob("__mediation_startup_*")
    return path, kept.Pack("startup", startup._head(), where=cache)


def test_a_second_process_compiles_nothing_and_makes_the_same_agreement(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = assemble_pdf(tmp_path, JOINT, "first", str(cache))
    path, pack = startup_pack(cache)
    kinds = [name[0] for name in pack.loaded]
    assert kinds.count("exec") > 200 and kinds.count("eval") > 100 and kinds.count("re") > 30, {k: kinds.count(k) for k in set(kinds)}
    written = path.stat().st_mtime_ns
    # Anything the second process had to compile would be added, and the pack written again.
    assert assemble_pdf(tmp_path, JOINT, "second", str(cache)) == first
    assert path.stat().st_mtime_ns == written
    assert assemble_pdf(tmp_path, JOINT, "none", "off") == first


def test_kept_code_and_patterns_equal_what_python_compiles(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assemble_pdf(tmp_path, JOINT, "out", str(cache))
    _path, pack = startup_pack(cache)
    checked = 0
    for name, data in pack.loaded.items():
        if name[0] == "re":
            _kind, pattern, flags = name
            ours, python = startup._sre.compile(pattern, *marshal.loads(data)), startup._ORIGINAL_PATTERN_COMPILE(pattern, flags)
            # Pattern equality compares the flags, the pattern and the compiled program itself.
            assert (ours, ours.groups, ours.groupindex) == (python, python.groups, python.groupindex), pattern
        else:
            mode, text = name
            assert marshal.loads(data) == compile(text, "<string>", mode, dont_inherit=True), text
        checked += 1
    assert checked == len(pack.loaded) > 300


@pytest.mark.parametrize(
    ("pattern", "flags"),
    [
        (r"(?P<year>\d{4})-(?P<month>\d\d)", 0),
        (r"(?ix) straße | a \\ b  # spaced", 0),  # inline flags end up in the program's flags
        (r"[\w·-]+", re.ASCII),
        (r"^\s*#", re.MULTILINE | re.IGNORECASE),
        (rb"\x00[^\xff]*", 0),
    ],
)
def test_a_pattern_compiled_through_the_pack_is_pythons_own(tmp_path: Path, pattern: str | bytes, flags: int) -> None:
    compiles = startup._Compiles(kept.Pack("startup", b"test", where=tmp_path))
    made = compiles.pattern(pattern, flags)  # compiled, and added
    compiles.pack.write()
    again = startup._Compiles(kept.Pack("startup", b"test", where=tmp_path))
    kept_one = again.pattern(pattern, flags)  # from the pack
    python = startup._ORIGINAL_PATTERN_COMPILE(pattern, flags)
    assert made == kept_one == python and kept_one.flags == python.flags and kept_one.groupindex == python.groupindex
    assert not again.pack.added  # nothing compiled the second time


def test_damaged_entries_are_compiled_again(tmp_path: Path) -> None:
    compiles = startup._Compiles(kept.Pack("startup", b"test", where=tmp_path))
    pattern, flags = r"(\d+)-(\d+)", 0
    program = list(marshal.loads(marshal.dumps(startup._compile_pattern(pattern, flags))))
    program[1] = [*program[1][:-1], 999]  # not a program _sre will run
    too_big = [*program]
    too_big[1] = [*program[1][:-1], 2**40]  # not even a program's number
    other = r"\w+"
    compiles.pack.loaded = {
        ("re", pattern, flags): marshal.dumps(tuple(program)),
        ("re", other, flags): marshal.dumps(tuple(too_big)),
        ("eval", "int | None"): b"not code",
    }
    assert compiles.pattern(pattern, flags) == startup._ORIGINAL_PATTERN_COMPILE(pattern, flags)
    assert compiles.pattern(other, flags) == startup._ORIGINAL_PATTERN_COMPILE(other, flags)
    assert compiles.code("int | None", "eval") == compile("int | None", "<string>", "eval", dont_inherit=True)
    assert set(compiles.pack.added) == {("re", pattern, flags), ("re", other, flags), ("eval", "int | None")}
    assert not compiles.pack.loaded  # forgotten, so a full pack is not made again from them


def test_the_pack_holds_nothing_from_the_case(tmp_path: Path) -> None:
    data = yaml.safe_load(JOINT.read_text(encoding="utf-8"))
    data["parent_a"].update(full_name="Quillon Zebediah Farthingale", email="quillon.f@mail.example", phone="(602) 555-0199")
    data["parent_a"]["address"]["street"] = "7731 Xanthippe Lantern Road"
    data["children"][0]["full_name"] = "Philomena Ysolde Farthingale"
    case = tmp_path / "case.yml"
    case.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    cache = tmp_path / "cache"
    assemble_pdf(tmp_path, case, "out", str(cache))
    startup_pack(cache)  # the pack was written
    secrets = [b"Quillon", b"Zebediah", b"Farthingale", b"quillon.f", b"555-0199", b"6025550199", b"Xanthippe", b"Philomena", b"Ysolde"]
    found = {(f.name, s) for f in cache.iterdir() for s in secrets if s in f.read_bytes()}
    assert found == set()


def test_outside_the_executable_python_compiles_as_usual(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docassemble.MediationAgreement.cli import run

    monkeypatch.setenv("MEDIATION_TEMPLATE_CACHE", str(tmp_path / "cache"))
    kept.folder.cache_clear()
    try:
        assert run(["check", str(JOINT)]) == 0  # in-process: no start-up compiles
        assert not list((tmp_path / "cache").glob("__mediation_startup_*"))
        with startup.kept_compiles():
            assert dataclasses.exec == typing.compile.__self__.exec  # type: ignore[attr-defined]
            assert re._compiler.compile is not startup._ORIGINAL_PATTERN_COMPILE  # type: ignore[attr-defined]
            with startup.kept_compiles():  # already active: left as it is
                pass
            assert hasattr(dataclasses, "exec")

            @dataclasses.dataclass(frozen=True)
            class Made:
                when: str
                count: int = 0

            assert Made("x") == Made("x", 0) and hash(Made("x")) == hash(Made("x"))
        assert not hasattr(dataclasses, "exec") and not hasattr(typing, "compile")
        assert re._compiler.compile is startup._ORIGINAL_PATTERN_COMPILE  # type: ignore[attr-defined]
        _path, pack = startup_pack(tmp_path / "cache")
        assert any(name[0] == "exec" and "when" in name[1] for name in pack.loaded)  # Made's __init__
    finally:
        kept.folder.cache_clear()


def test_a_pattern_compiler_that_changed_turns_the_kept_compiles_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert startup._pattern_compiler_agrees()
    monkeypatch.setenv("MEDIATION_TEMPLATE_CACHE", str(tmp_path / "cache"))
    kept.folder.cache_clear()
    try:
        original = startup._compile_pattern
        # as if a patch release had moved the inline flags (`(?i)`) somewhere _compile_pattern does not look
        monkeypatch.setattr(startup, "_compile_pattern", lambda pattern, flags: (int(flags), *original(pattern, flags)[1:]))
        assert not startup._pattern_compiler_agrees()
        with startup.kept_compiles():
            assert not hasattr(dataclasses, "exec")  # left as Python has it
            assert re.compile(r"(?i)kept-off-\d").match("KEPT-OFF-1")
        assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").glob("__mediation_startup_*"))
    finally:
        kept.folder.cache_clear()
