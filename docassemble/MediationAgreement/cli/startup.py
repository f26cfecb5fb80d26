"""What Python compiles the same way each time the executable imports a command, kept between runs.

Importing the engine for a command such as ``assemble`` makes Python compile
three kinds of source that no ``.pyc`` file holds:

* the methods :mod:`dataclasses` writes as text and ``exec``\\ s: ``__init__``,
  ``__repr__``, ``__eq__``, ``__setattr__``, ``__hash__`` of some ninety classes
  (the engine's, pydantic's, annotated-types'), about 400 functions, each
  compiled on its own by Python 3.12;
* the string annotations :class:`typing.ForwardRef` compiles (pydantic's and
  the case model's ``"str | None"``), some 300 distinct texts;
* the regular expressions modules compile as they load (PyYAML's reader,
  phonenumbers, Jinja2's, the engine's), about 80.

Together 80–110 ms of an ``assemble``.  While :func:`kept_compiles` is active
they go through a :class:`..kept.Pack` (one per command) in the private kept
folder: the code object of each text (what ``exec`` and ``compile`` make of it:
the same text, the file name ``<string>``, no ``__future__`` flags, since
neither ``dataclasses.py`` nor ``typing.py`` has any) and each pattern's
program (what ``re._compiler.compile`` hands to ``_sre.compile``).  The next process takes
them from the pack.  Each pack is made again from what its command used each
time something was added, so texts older code compiled do not pile up.

Only the executable uses it, and only while a command's modules are imported
(:attr:`.app.LazyGroup.freeze_imports`): what is compiled then is code's own
text, before any case file is read, so nothing about a case reaches the pack
(``tests/test_startup_compiles.py`` checks that the window is closed when the
case file is opened).  It works with CPython 3.12, whose internals it calls,
and only while that Python's pattern compiler agrees with
:func:`_compile_pattern` on a test pattern; any other Python compiles as usual.
The pack's header names the exact Python build, so no other Python reads it;
the file carries a checksum, and an entry that still does not decode, or a
program ``_sre.compile`` refuses, is compiled again.  One difference remains: a
warning Python gives while compiling (a ``FutureWarning`` for a pattern such as
``[[a]``) comes only from the process that compiled it, not from those that
find it in the pack.  ``MEDIATION_TEMPLATE_CACHE=off`` keeps nothing.
"""

from __future__ import annotations

import builtins
import dataclasses
import hashlib
import marshal
import re
import sys
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from types import CodeType
from typing import Any

from .. import kept

_MOST = 4000
"""Entries a pack holds before it is made again from what the last process used and added."""

try:  # CPython 3.12's pattern compiler, which this module repeats (see _compile_pattern)
    import _sre
    from re import _compiler, _parser

    _ORIGINAL_PATTERN_COMPILE = _compiler.compile
    _SUPPORTED = (
        sys.implementation.name == "cpython"
        and sys.version_info[:2] == (3, 12)
        and "exec" in dataclasses._create_fn.__code__.co_names  # type: ignore[attr-defined]
        and "compile" in typing.ForwardRef.__init__.__code__.co_names
    )
except (ImportError, AttributeError):
    _SUPPORTED = False


def _head() -> bytes:
    """Code objects and pattern programs are this Python's own: its exact build and bytecode reads the pack."""
    from importlib.util import MAGIC_NUMBER

    text = f"{sys.version}\0{marshal.version}\0{MAGIC_NUMBER!r}\0{_sre.MAGIC}\0{_sre.CODESIZE}\0{sys.flags.optimize}"
    return hashlib.blake2b(text.encode(), digest_size=32).digest()


class _Compiles:
    """Stand-ins for ``exec`` (in dataclasses), ``compile`` (in typing) and the pattern compiler (in re),
    each answering from the pack first."""

    def __init__(self, pack: kept.Pack) -> None:
        self.pack = pack
        self.codes: dict[tuple[str, str], CodeType] = {}

    def exec(self, source: Any, globals: dict[str, Any] | None = None, locals: Any = None) -> None:
        """``exec`` as ``dataclasses`` calls it: a text, its globals and a namespace (anything else: Python's own,
        in the caller's frame as ``exec`` would use it)."""
        if type(source) is str and type(globals) is dict:
            builtins.exec(self.code(source, "exec"), globals, locals)
            return
        if globals is None:
            caller = sys._getframe(1)
            globals, locals = caller.f_globals, caller.f_locals if locals is None else locals
        if isinstance(source, str | bytes):
            source = builtins.compile(source, "<string>", "exec", dont_inherit=True)  # dataclasses.py has no __future__ flags
        builtins.exec(source, globals, locals)

    def compile(self, source: Any, filename: str, mode: str, flags: int = 0, dont_inherit: bool = False, optimize: int = -1) -> Any:
        """``typing.ForwardRef`` compiles each string annotation (``"str | None"``): some 300 distinct texts."""
        if type(source) is str and filename == "<string>" and mode == "eval" and not flags and optimize == -1:
            return self.code(source, "eval")
        return builtins.compile(source, filename, mode, flags, True, optimize)  # typing.py has no __future__ flags to inherit

    def code(self, text: str, mode: str) -> CodeType:
        name = (mode, text)
        code = self.codes.get(name)
        if code is not None:
            return code
        code = self.pack.code(name)
        if code is None:
            code = compile(text, "<string>", mode, dont_inherit=True)
            self.pack.add(name, marshal.dumps(code))
        self.codes[name] = code
        return code

    def pattern(self, pattern: Any, flags: int = 0) -> re.Pattern[Any]:
        if type(pattern) not in (str, bytes) or flags & _compiler.SRE_FLAG_DEBUG:  # a str subclass could not be kept
            return _ORIGINAL_PATTERN_COMPILE(pattern, flags)
        name = ("re", pattern, int(flags))
        data = self.pack.get(name)
        if data is not None:
            try:
                return _sre.compile(pattern, *marshal.loads(data))
            except Exception:  # noqa: BLE001 - a damaged entry, or a program _sre refuses (RuntimeError): a miss
                self.pack.forget(name)
        program = _compile_pattern(pattern, flags)
        self.pack.add(name, marshal.dumps(program))
        return _sre.compile(pattern, *program)


def _compile_pattern(pattern: str | bytes, flags: int) -> tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]:
    """What CPython 3.12's ``re._compiler.compile`` passes to ``_sre.compile`` after the pattern, as plain data."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for group, index in groupindex.items():
        indexgroup[index] = group
    return int(flags | parsed.state.flags), [int(op) for op in code], parsed.state.groups - 1, groupindex, tuple(indexgroup)


def _pattern_compiler_agrees() -> bool:
    """This Python's pattern compiler still hands ``_sre.compile`` what :func:`_compile_pattern` does (a
    patch release that changed it would make patterns differ): one pattern with flags, names and a
    back-reference, compiled both ways, must be the same pattern, program and all."""
    canary = r"(?im)^(?P<word>[\w.-]+)\s*(\d{2,})?(?(2)x|y)\1$"
    try:
        ours = _sre.compile(canary, *_compile_pattern(canary, 0))
    except Exception:  # noqa: BLE001 - any failure means "do not use the kept patterns"
        return False
    python = _ORIGINAL_PATTERN_COMPILE(canary, 0)
    return bool(ours == python and ours.groupindex == python.groupindex and ours.groups == python.groups)


@contextmanager
def kept_compiles(command: str) -> Iterator[None]:
    """Inside: dataclass methods, string annotations and regular expressions come from ``command``'s kept pack
    (and new ones go into it); after: Python compiles as usual, and the pack is written if this process
    added to it."""
    where = kept.folder() if _SUPPORTED and _pattern_compiler_agrees() else None
    if where is None or "exec" in vars(dataclasses) or "compile" in vars(typing) or _compiler.compile is not _ORIGINAL_PATTERN_COMPILE:
        yield  # nowhere to keep things, another Python, or already active
        return
    compiles = _Compiles(kept.Pack("startup", _head(), where=where, most=_MOST, part=command, only_used=True))
    # dataclasses and typing call the builtins by their global names: a module global of that name comes first.
    dataclasses.exec = compiles.exec  # type: ignore[attr-defined]
    typing.compile = compiles.compile  # type: ignore[attr-defined]
    _compiler.compile = compiles.pattern
    try:
        yield
    finally:
        vars(dataclasses).pop("exec", None)
        vars(typing).pop("compile", None)
        _compiler.compile = _ORIGINAL_PATTERN_COMPILE
        old = sys.modules.get("sre_compile")  # the deprecated alias copies re._compiler's names when imported
        if old is not None and getattr(old, "compile", None) == compiles.pattern:
            old.compile = _ORIGINAL_PATTERN_COMPILE  # type: ignore[attr-defined]
        compiles.pack.write()
