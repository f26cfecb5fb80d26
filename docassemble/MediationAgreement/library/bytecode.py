"""Compiled clause texts and expressions kept on disk between processes.

Compiling Jinja2 source to Python is most of a cold ``assemble``: about 0.1 s
for the joint example's 76 texts and 45 ``when`` expressions, paid again by
every process.  The compiled code depends only on the source, the sandbox
(its settings and its code generator, ``bounded.py``), Jinja2's version and
Python's.  Each file is keyed by the hash of the source and of the sandbox
(:func:`sandbox_fingerprint`), and Jinja2's own
:class:`~jinja2.FileSystemBytecodeCache` checks a magic header naming Jinja2's
and Python's versions, so a changed sandbox or upgrade never runs old code.
The files are in the private per-user folder of :mod:`..kept` (which refuses a
folder another user owns or can write to); without one, or when
``$MEDIATION_TEMPLATE_CACHE`` is ``off``, code is compiled in memory only.  The
sandbox is unchanged: the cached code is what the sandboxed environment
generated, and it runs against that environment.

One file per text means a hundred-odd files opened by each ``assemble``
(about 15 ms).  So the code a process used is also kept in one file, the
*pack* (:class:`_Pack`), which the next process reads first: the code of
every text, keyed by the same hash, written as the process ends when it had to
look beyond the pack, never when everything was in it.
"""

from __future__ import annotations

import atexit
import hashlib
import marshal
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING

import jinja2
from jinja2 import Environment, Template

from .. import kept

if TYPE_CHECKING:
    from jinja2.bccache import BytecodeCache



@cache
def sandbox_fingerprint(env: Environment) -> str:
    """What the generated code depends on besides the source: the code generator's module and the settings."""
    import inspect

    settings = (type(env).__qualname__, env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline, env.autoescape, env.undefined.__qualname__, env.newline_sequence)
    generator = Path(inspect.getfile(type(env)))  # bounded.py for the sandbox; this file builds the expressions' templates
    return hashlib.sha256(generator.read_bytes() + Path(__file__).read_bytes() + repr(settings).encode()).hexdigest()


def bytecode_cache() -> BytecodeCache | None:
    """Jinja2's file cache in :func:`..kept.folder`; None when nothing is kept."""
    where = kept.folder()
    return None if where is None else _file_cache(where)


@cache
def _file_cache(where: Path) -> BytecodeCache:
    from jinja2 import FileSystemBytecodeCache

    return FileSystemBytecodeCache(str(where), pattern="__mediation_clause_%s.cache")


def template_from_cache(env: Environment, kind: str, source: str, build: Callable[[], CodeType]) -> Template:
    """The template for ``source`` (a clause ``text`` or a ``when`` ``expr``): its code from the disk cache, else ``build()``."""
    bcc = bytecode_cache()
    if bcc is None:
        return env.template_class.from_code(env, build(), env.make_globals(None), None)
    digest = hashlib.sha256(f"{sandbox_fingerprint(env)}\0{kind}\0{source}".encode()).hexdigest()
    pack = _packed(Path(bcc.directory))  # type: ignore[attr-defined]
    code = pack.get(digest)
    if code is None:
        bucket = bcc.get_bucket(env, digest, None, source)
        if bucket.code is None:
            bucket.code = build()
            try:
                bcc.set_bucket(bucket)
            except OSError:
                pass  # a full or read-only disk: the code still runs, compiled in memory
        code = bucket.code
        pack.add(digest, code)
    return env.template_class.from_code(env, code, env.make_globals(None), None)


_PACK_MOST = 2000
"""Texts a pack holds at most (about 5 MB); past that it is made again from what the last process used."""


class _Pack:
    """The compiled code of the texts a folder's last processes used, kept in one file of that folder
    (a :class:`..kept.Pack` of marshalled code objects, written as the process ends)."""

    def __init__(self, where: Path) -> None:
        self.kept = kept.Pack("code", _pack_head(), where=where, most=_PACK_MOST)

    def get(self, digest: str) -> CodeType | None:
        """The code kept for ``digest``, or None."""
        return self.kept.code(digest)

    def add(self, digest: str, code: CodeType) -> None:
        """Add ``code`` to the pack this process leaves for the next (written as the process ends)."""
        if not self.kept.added:
            atexit.register(self.kept.write)
        self.kept.add(digest, marshal.dumps(code))


def _pack_head() -> bytes:
    """A pack is marshal data: only this Python (and Jinja2, whose runtime the code calls) may read it."""
    return hashlib.blake2b(f"{sys.version}\0{marshal.version}\0{jinja2.__version__}".encode(), digest_size=32).digest()


@cache
def _packed(where: Path) -> _Pack:
    """The pack in ``where`` (read once per process; empty when there is none or it is damaged)."""
    return _Pack(where)


def expression_template(env: Environment, source: str) -> Template:
    """What Jinja2's ``Environment.compile_expression`` builds for ``source`` (the same parse and the same
    "chunk after expression" check), its code from the cache: ``result = <expression>``.

    The expression is parsed only when its code is not in the cache: code is cached only for a source that
    parsed and compiled in this sandbox, so the same source cannot fail now."""
    from jinja2 import nodes
    from jinja2.exceptions import TemplateSyntaxError
    from jinja2.parser import Parser

    def build() -> CodeType:
        parser = Parser(env, source, state="variable")
        try:
            expr = parser.parse_expression()
            if not parser.stream.eos:
                raise TemplateSyntaxError("chunk after expression", parser.stream.current.lineno, None, None)
            expr.set_environment(env)
        except TemplateSyntaxError:
            env.handle_exception(source=source)
        body = [nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)]
        return env.compile(nodes.Template(body, lineno=1))

    return template_from_cache(env, "expr", source, build)
