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
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING

from jinja2 import Environment, Template

from ..kept import folder

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
    where = folder()
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
    bucket = bcc.get_bucket(env, digest, None, source)
    if bucket.code is None:
        bucket.code = build()
        try:
            bcc.set_bucket(bucket)
        except OSError:
            pass  # a full or read-only disk: the code still runs, compiled in memory
    return env.template_class.from_code(env, bucket.code, env.make_globals(None), None)


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
