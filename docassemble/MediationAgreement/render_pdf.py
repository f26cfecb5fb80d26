"""The agreement as a PDF/A-2b file, typeset by Typst.

The layout lives in ``templates/agreement.typ``; this module hands it the
:class:`~.document.AgreementDocument` as JSON through ``sys.inputs`` and never
writes party or clause text into Typst source, so whatever a name contains
(``#set page(width: 1pt)``, ``*bold*``, ``$x$``) is printed literally.

Only the fonts bundled inside the ``typst`` wheel are used by default
(Libertinus Serif, with New Computer Modern and DejaVu Sans Mono as fallbacks),
so the same document gives the same bytes on every machine.  Text those fonts
cannot show (Chinese, for example) raises :class:`~.errors.RenderError`;
pass ``font_paths`` naming a folder of fonts that cover it.

>>> pdf = render_pdf(doc)                                   # doctest: +SKIP
>>> pdf = render_pdf(doc, font_paths=["/usr/share/fonts/truetype/droid"])  # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Final

import typst

from .document import AgreementDocument
from .errors import RenderError

__all__ = ["PDF_STANDARD", "TEMPLATE_NAME", "pdf_timestamp", "render_pdf"]

TEMPLATE_NAME = "agreement.typ"
"""File name of the layout inside the package's ``data/templates`` folder."""

PDF_STANDARD: Final = "a-2b"
"""The archival standard every agreement PDF conforms to (Typst checks it while writing)."""

_TEMPLATE_LABEL = f"templates/{TEMPLATE_NAME}"
_SOURCE_NAME = re.compile(r"__typst_py_bytes__\.typ:(\d+):\d+")
_COMPILE_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _template_source() -> bytes:
    """The Typst layout, read once from the installed package."""
    resource = files("docassemble.MediationAgreement") / "data" / "templates" / TEMPLATE_NAME
    try:
        return resource.read_bytes()
    except OSError as exc:
        raise RenderError(f"cannot read the PDF layout: {exc.strerror or exc}", path=_TEMPLATE_LABEL) from None


@lru_cache(maxsize=8)
def _compiler(font_paths: tuple[str, ...]) -> typst.Compiler:
    """A compiler with its fonts loaded, kept so later documents start warm."""
    return typst.Compiler(ignore_system_fonts=True, font_paths=list(font_paths))


def pdf_timestamp(doc: AgreementDocument) -> int:
    """Seconds since the epoch written as the PDF's creation date.

    The agreement's own date (``metadata["date_iso"]``) at midnight UTC, or the
    epoch when the document has none: never the clock, so bytes repeat.
    """
    value = doc.metadata.get("date_iso")
    if not value:
        return 0
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise RenderError(f"not a date (YYYY-MM-DD): {value!r}", field_path="metadata.date_iso") from None
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def render_pdf(doc: AgreementDocument, *, font_paths: Sequence[str | Path] = ()) -> bytes:
    """Typeset ``doc`` as a tagged PDF/A-2b file and return its bytes.

    The same document always gives the same bytes.  ``font_paths`` adds
    folders of fonts to the bundled ones (for scripts they do not cover).
    Raises :class:`RenderError` when Typst cannot typeset the document; the
    message says what failed and where in the layout.
    """
    source = _template_source()
    data = json.dumps(doc.to_data(), ensure_ascii=False, separators=(",", ":"))
    compiler = _compiler(tuple(str(Path(p)) for p in font_paths))
    try:
        with _COMPILE_LOCK:
            pdf = compiler.compile(
                input=source,
                format="pdf",
                sys_inputs={"doc": data},
                pdf_standards=[PDF_STANDARD],
                timestamp=pdf_timestamp(doc),
            )
    except typst.TypstError as exc:
        raise _render_error(exc) from None
    if not isinstance(pdf, bytes):  # one output file, not a list of pages
        raise RenderError(f"Typst returned {type(pdf).__name__}, expected PDF bytes", path=_TEMPLATE_LABEL)
    return pdf


def _render_error(exc: typst.TypstError) -> RenderError:
    """Turn a Typst diagnostic into a :class:`RenderError` naming the layout line."""
    message = str(getattr(exc, "message", "") or exc).strip()
    diagnostic = str(getattr(exc, "diagnostic", "") or "")
    hints = [str(h) for h in getattr(exc, "hints", None) or []]
    found = _SOURCE_NAME.search(diagnostic)
    line = int(found.group(1)) if found else None
    hint = "; ".join(hints) or None
    if "could not be displayed with font" in message:
        return RenderError(
            f"the PDF cannot show some text: {message.removeprefix('PDF/A-2b error: ')}",
            hint="no bundled font has these characters; pass font_paths= a folder of fonts that do",
        )
    return RenderError(f"Typst could not typeset the agreement: {message}", path=_TEMPLATE_LABEL if line else None, line=line, hint=hint)
