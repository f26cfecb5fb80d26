"""What the executable's start-up compiles, kept between runs (cli/startup.py): dataclass methods, string
annotations and regular expressions from the kept pack equal to what Python compiles without it, a second
process compiling none of them, the same agreement with and without the pack, the window closed before a
case file is opened, damaged entries and files compiled again, and nothing changed outside the executable."""

from __future__ import annotations

import dataclasses
import json
import marshal
import os
import re
import subprocess
import sys
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


def startup_pack(cache: Path, command: str = "assemble") -> tuple[Path, kept.Pack]:
    pack = kept.Pack("startup", startup._head(), where=cache, part=command, only_used=True)
    path = kept._path("startup", pack.key, cache)
    assert path is not None and path.exists(), sorted(p.name for p in cache.iterdir())
    return path, pack


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
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x40  # one byte damaged: the checksum no longer matches, so the pack is a miss ...
    path.write_bytes(bytes(data))
    assert assemble_pdf(tmp_path, JOINT, "damaged", str(cache)) == first
    _path, again = startup_pack(cache)  # ... and is made again whole
    assert again.loaded.keys() == pack.loaded.keys()


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
            code = marshal.loads(data)
            expected = compile(text, "<string>", mode, dont_inherit=True)  # as dataclasses.py and typing.py, which have no __future__ imports
            assert (code, code.co_filename, code.co_flags) == (expected, expected.co_filename, expected.co_flags), text
        checked += 1
    assert checked == len(pack.loaded) > 300


def test_classes_and_annotations_made_through_the_pack_are_pythons_own(tmp_path: Path) -> None:
    """The same dataclass and the same string annotation made with and without the stand-ins, twice with them
    (compiled and added, then from the pack): the same code, file name and flags."""

    def make() -> tuple[typing.Any, typing.ForwardRef]:
        @dataclasses.dataclass(frozen=True, order=True)
        class Visit:
            starts: str
            nights: int = 0
            notes: list[str] = dataclasses.field(default_factory=list)

        return Visit, typing.ForwardRef("dict[str, list[int]] | None")

    def codes(made: tuple[typing.Any, typing.ForwardRef]) -> list[tuple[typing.Any, ...]]:
        cls, ref = made
        functions = [cls.__init__, cls.__repr__, cls.__eq__, cls.__lt__, cls.__setattr__, cls.__hash__]
        return [(c, c.co_filename, c.co_flags, c.co_qualname) for c in [*(f.__code__ for f in functions), ref.__forward_code__]]

    python = codes(make())
    pack = tmp_path / "cache"
    pack.mkdir(mode=0o700)
    for _ in range(2):
        kept.folder.cache_clear()
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("MEDIATION_TEMPLATE_CACHE", str(pack))
            with startup.kept_compiles("test"):
                assert codes(make()) == python
    kept.folder.cache_clear()


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


WINDOW_PROBE = """
import dataclasses, json, os, re, sys, typing
from docassemble.MediationAgreement.cli import startup
from docassemble.MediationAgreement.cli.app import command_line
case = os.path.realpath(sys.argv[1])
seen = []
def hook(event, args):
    if event == "open" and isinstance(args[0], str) and os.path.realpath(args[0]) == case:
        seen.append(("exec" in vars(dataclasses), "compile" in vars(typing), re._compiler.compile is not startup._ORIGINAL_PATTERN_COMPILE))
sys.addaudithook(hook)
sys.argv = ["mediation-agreement", "assemble", case, "--out", sys.argv[2], "--format", "html"]
try:
    command_line()
except SystemExit as end:
    assert not end.code, end.code
print(json.dumps(seen))
"""


def test_the_window_is_closed_before_the_case_file_is_opened(tmp_path: Path) -> None:
    """The stand-ins are in place only while the command's modules are imported: whenever the executable opens
    the case file, Python compiles as usual, so nothing made from a case can reach the pack."""
    probe = subprocess.run(
        [sys.executable, "-c", WINDOW_PROBE, str(JOINT), str(tmp_path / "out")],
        capture_output=True, text=True, env={**os.environ, "MEDIATION_TEMPLATE_CACHE": str(tmp_path / "cache")}, check=True,
    )
    seen = json.loads(probe.stdout.strip().splitlines()[-1])  # for each time the case file was opened: which stand-ins were in place
    assert seen and all(state == [False, False, False] for state in seen), seen
    startup_pack(tmp_path / "cache")  # and the window did open, for the imports


def test_outside_the_executable_python_compiles_as_usual(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docassemble.MediationAgreement.cli import run

    entered: list[str] = []
    real = startup.kept_compiles
    monkeypatch.setattr(startup, "kept_compiles", lambda command: entered.append(command) or real(command))
    monkeypatch.setenv("MEDIATION_TEMPLATE_CACHE", str(tmp_path / "cache"))
    kept.folder.cache_clear()
    try:
        assert run(["check", str(JOINT)]) == 0 and run(["schema"]) == 0  # in-process: no start-up compiles
        assert entered == []
        with real("test"):
            assert dataclasses.exec == typing.compile.__self__.exec  # type: ignore[attr-defined]
            assert re._compiler.compile is not startup._ORIGINAL_PATTERN_COMPILE  # type: ignore[attr-defined]
            with real("test"):  # already active: left as it is
                pass
            assert hasattr(dataclasses, "exec")

            @dataclasses.dataclass(frozen=True)
            class Made:
                when: str
                count: int = 0

            assert Made("x") == Made("x", 0) and hash(Made("x")) == hash(Made("x"))
        assert not hasattr(dataclasses, "exec") and not hasattr(typing, "compile")
        assert re._compiler.compile is startup._ORIGINAL_PATTERN_COMPILE  # type: ignore[attr-defined]
        _path, pack = startup_pack(tmp_path / "cache", "test")
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
        with startup.kept_compiles("test"):
            assert not hasattr(dataclasses, "exec")  # left as Python has it
            assert re.compile(r"(?i)kept-off-\d").match("KEPT-OFF-1")
        assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").glob("__mediation_startup_*"))
    finally:
        kept.folder.cache_clear()


def test_an_entry_marshal_fails_on_in_any_way_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A damaged code object can make marshal raise SystemError, not only ValueError: still a miss."""

    class Marshal:
        dumps = staticmethod(marshal.dumps)

        @staticmethod
        def loads(data: bytes) -> typing.Any:
            if data == b"damaged":
                raise SystemError("Objects/codeobject.c: bad argument to internal function")
            return marshal.loads(data)

    monkeypatch.setattr(startup, "marshal", Marshal)  # patterns are decoded here ...
    monkeypatch.setattr(kept, "marshal", Marshal)  # ... code objects by the pack
    compiles = startup._Compiles(kept.Pack("startup", b"test", where=tmp_path))
    compiles.pack.loaded = {("exec", "x = 1"): b"damaged", ("re", "a+b", 0): b"damaged"}
    assert compiles.code("x = 1", "exec") == compile("x = 1", "<string>", "exec", dont_inherit=True)
    assert compiles.pattern("a+b", 0) == startup._ORIGINAL_PATTERN_COMPILE("a+b", 0)
    assert set(compiles.pack.added) == {("exec", "x = 1"), ("re", "a+b", 0)} and not compiles.pack.loaded


def test_a_kept_file_with_one_byte_changed_is_a_miss(tmp_path: Path) -> None:
    """Every kept file carries a checksum after its header: a changed byte that would still decode (a pattern's
    program, a code object's constant) is not used."""
    head, payload = b"head", marshal.dumps({("re", "a", 0): b"program"})
    kept.write("startup", "k", head, payload, where=tmp_path)
    assert kept.read("startup", "k", head, where=tmp_path) == payload
    path = kept._path("startup", "k", tmp_path)
    assert path is not None
    data = path.read_bytes()
    changed = data.replace(b"program", b"progrbm")
    assert changed != data
    path.write_bytes(changed)
    assert kept.read("startup", "k", head, where=tmp_path) is None


def test_what_a_command_no_longer_compiles_leaves_its_pack(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assemble_pdf(tmp_path, JOINT, "first", str(cache))
    _path, pack = startup_pack(cache)
    entries = dict(pack.loaded)
    dropped = next(name for name in entries if name[0] == "re")
    stale = {name: data for name, data in entries.items() if name != dropped}
    stale[("exec", "left_from_older_code = 1")] = marshal.dumps(compile("left_from_older_code = 1", "<string>", "exec"))
    kept.write("startup", pack.key, pack.head, marshal.dumps(stale), where=cache)
    assemble_pdf(tmp_path, JOINT, "second", str(cache))  # compiles the one that was missing, so writes the pack
    _path, after = startup_pack(cache)
    assert after.loaded.keys() == entries.keys()  # the missing one back, the stale one gone
