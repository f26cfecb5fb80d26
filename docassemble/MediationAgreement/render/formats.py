"""One call to produce every requested output format of an agreement."""

from __future__ import annotations

from collections.abc import Iterable

from ..assembly.document import AgreementDocument, to_plain_text
from ..errors import RenderError

FORMATS = ("pdf", "docx", "html", "txt")
"""Formats ``assemble --format`` accepts; ``txt`` is the normalised text used for golden files."""


def render_outputs(doc: AgreementDocument, formats: Iterable[str] = ("pdf", "docx", "html"), *, stem: str = "agreement") -> dict[str, bytes]:
    """Render ``doc`` in each format; returns file name -> content, nothing written yet."""
    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise RenderError(f"unknown format(s): {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    files: dict[str, bytes] = {}
    for fmt in wanted:
        if fmt == "pdf":
            from .pdf import render_pdf

            files[f"{stem}.pdf"] = render_pdf(doc)
        elif fmt == "docx":
            from .docx import render_docx

            files[f"{stem}.docx"] = render_docx(doc)
        elif fmt == "html":
            from .html import render_html

            files[f"{stem}.html"] = render_html(doc).encode("utf-8")
        else:
            files[f"{stem}.txt"] = to_plain_text(doc).encode("utf-8")
    return files
