"""Typst: the one place the package typesets a PDF from a layout template.

Every PDF the toolkit makes — the agreement, the year calendar, the redline,
the Certificate of Completion — is a layout in ``templates/*.typ`` filled with
data passed as JSON through ``sys.inputs``.  Party and clause text is never
written into Typst source, so whatever a name contains (``#set page(...)``,
``*bold*``, ``$x$``) prints literally.

Only the fonts bundled in the ``typst`` wheel are used unless font folders are
added, so the same data gives the same bytes on every machine.  Folders come
from a call's ``font_paths``, from :func:`use_font_paths` (the CLI's
``--font-path``, the server's ``mediation agreement: font paths``) and from
``MEDIATION_FONT_PATHS`` (folders separated by ``:``); Typst falls back to
them for any character the layout's own fonts lack (Chinese, Japanese,
Korean, Arabic, Hebrew names with ``fonts-noto-cjk`` and DejaVu).  A compiler
with its fonts loaded is kept per process (a warm compile of a 15-page
agreement takes a few hundredths of a second); compiles are serialised because
one compiler is not meant to be used from two threads at once.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import typst

from ..errors import RenderError

PDF_STANDARD = "a-2b"
"""The archival standard every PDF conforms to (Typst checks it while writing)."""

_SOURCE_LINE = re.compile(r"__typst_py_bytes__\.typ:(\d+):\d+")
_LOCK = threading.Lock()

LONGEST_RUN = 1000
"""Characters without a space after which :func:`breakable` offers a line break.

Typst stops with a panic (not an error) when one unbreakable run of text is
longer than 65,535 bytes; the case model already refuses such values, and
this keeps every layout safe whatever data it is given."""

_RUN = re.compile(r"\S+")


@lru_cache(maxsize=16)
def template_source(name: str) -> bytes:
    """A layout from the installed package's ``data/templates`` folder, read once."""
    resource = files("docassemble.MediationAgreement") / "data" / "templates" / name
    try:
        return resource.read_bytes()
    except OSError as exc:
        raise RenderError(f"cannot read the layout: {exc.strerror or exc}", path=f"templates/{name}") from None


FONT_PATHS_VARIABLE = "MEDIATION_FONT_PATHS"
_configured_font_paths: tuple[str, ...] = ()


def use_font_paths(paths: Sequence[str | Path]) -> None:
    """Add font folders to every PDF this process typesets from now on.

    A folder that does not exist is a :class:`RenderError` naming it, raised here
    rather than as a missing glyph later.
    """
    global _configured_font_paths
    added = []
    for path in paths:
        folder = Path(path)
        if not folder.exists():
            raise RenderError("no such font folder or file", path=str(folder), hint="--font-path and 'mediation agreement: font paths' name folders of .ttf/.otf/.ttc fonts")
        added.append(str(folder))
    _configured_font_paths = tuple(dict.fromkeys((*_configured_font_paths, *added)))


def configured_font_paths() -> tuple[str, ...]:
    """The folders from :func:`use_font_paths`, then ``MEDIATION_FONT_PATHS`` (missing folders there are skipped)."""
    from_environment = [p for p in os.environ.get(FONT_PATHS_VARIABLE, "").split(os.pathsep) if p and Path(p).exists()]
    return tuple(dict.fromkeys((*_configured_font_paths, *from_environment)))


@lru_cache(maxsize=8)
def _compiler(font_paths: tuple[str, ...]) -> typst.Compiler:
    return typst.Compiler(ignore_system_fonts=True, font_paths=list(font_paths))


def date_timestamp(day: date | None) -> int:
    """Seconds since the epoch at midnight UTC of ``day`` (0 without one): never the clock."""
    if day is None:
        return 0
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def typeset(
    template: str,
    inputs: Mapping[str, Any],
    *,
    what: str,
    timestamp: int = 0,
    tagged: bool = True,
    font_paths: Sequence[str | Path] = (),
    source: bytes | None = None,
) -> bytes:
    """Typeset ``templates/<template>`` with ``inputs`` (each JSON-encoded into ``sys.inputs``).

    ``what`` names the document in error messages ("the agreement").  Raises
    :class:`RenderError` naming the layout line when Typst reports one.
    """
    inputs = {key: breakable(value) for key, value in inputs.items()}
    encoded = {key: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":")) for key, value in inputs.items()}
    layout = source if source is not None else template_source(template)
    compiler = _compiler(tuple(dict.fromkeys((*(str(Path(p)) for p in font_paths), *configured_font_paths()))))
    options: dict[str, Any] = {}
    if not tagged:
        options["pdf_tags"] = False
    try:
        with _LOCK:
            pdf = compiler.compile(
                input=layout,
                format="pdf",
                sys_inputs=encoded,
                pdf_standards=[PDF_STANDARD],
                timestamp=timestamp,
                **options,
            )
    except typst.TypstError as exc:
        raise _error(exc, template, what) from None
    except BaseException as exc:  # a Rust panic inside Typst arrives as pyo3's PanicException (a BaseException)
        if type(exc).__name__ != "PanicException":
            raise
        raise RenderError(f"Typst failed while typesetting {what}: {str(exc)[:200]}", path=f"templates/{template}") from None
    if not isinstance(pdf, bytes):  # one output file, not a list of pages
        raise RenderError(f"Typst returned {type(pdf).__name__}, expected PDF bytes", path=f"templates/{template}")
    return pdf


def breakable(value: Any) -> Any:
    """``value`` with a zero-width space after every :data:`LONGEST_RUN` characters of any longer run without a space.

    Strings inside dicts and lists are changed too (keys are not); anything
    else is returned as it is.  Text with no such run is returned unchanged.
    """
    if isinstance(value, str):
        if len(value) <= LONGEST_RUN:
            return value
        return _RUN.sub(_break_run, value)
    if isinstance(value, Mapping):
        return {key: breakable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [breakable(item) for item in value]
    return value


def _break_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if len(run) <= LONGEST_RUN:
        return run
    return "\u200b".join(run[i : i + LONGEST_RUN] for i in range(0, len(run), LONGEST_RUN))


def _error(exc: typst.TypstError, template: str, what: str) -> RenderError:
    """A Typst diagnostic as a :class:`RenderError` naming the layout line."""
    message = str(getattr(exc, "message", "") or exc).strip()
    diagnostic = str(getattr(exc, "diagnostic", "") or "")
    hints = [str(h) for h in getattr(exc, "hints", None) or []]
    found = _SOURCE_LINE.search(diagnostic)
    line = int(found.group(1)) if found else None
    if "could not be displayed with font" in message:
        return RenderError(
            f"the PDF cannot show some text in {what}: {message.removeprefix('PDF/A-2b error: ')}",
            hint="no font given has these characters: add a folder of fonts that do with --font-path "
            "(or the server setting 'mediation agreement: font paths'), for example "
            "--font-path /usr/share/fonts/opentype/noto --font-path /usr/share/fonts/truetype/dejavu",
        )
    return RenderError(
        f"Typst could not typeset {what}: {message}",
        path=f"templates/{template}",
        line=line,
        hint="; ".join(hints) or None,
    )
