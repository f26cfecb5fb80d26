"""One call to produce every requested output format of an agreement."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..assembly.document import AgreementDocument, to_plain_text
from ..errors import RenderError

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

FORMATS = ("pdf", "docx", "html", "txt")
"""Formats ``assemble --format`` accepts; ``txt`` is the normalised text used for golden files."""


def render_outputs(doc: AgreementDocument, formats: Iterable[str] = ("pdf", "docx", "html"), *, stem: str = "agreement") -> dict[str, bytes]:
    """Render ``doc`` in each format; returns file name -> content, nothing written yet.

    With the PDF and another format, Typst typesets the PDF on a second thread
    (it lets go of Python's lock while it works) as the others are built: the
    joint example's three formats take about the PDF's time plus a little.
    """
    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise RenderError(f"unknown format(s): {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    pdf: Future[bytes] | None = _typst_thread().submit(_render, doc, "pdf") if "pdf" in wanted and len(wanted) > 1 else None
    rendered: dict[str, bytes] = {}
    try:
        for fmt in wanted:
            if not (fmt == "pdf" and pdf is not None):
                rendered[fmt] = _render(doc, fmt)
    finally:
        if pdf is not None:  # waited for even when another format failed; its own error is raised from here
            rendered["pdf"] = pdf.result()
    return {f"{stem}.{fmt}": rendered[fmt] for fmt in wanted}


def _render(doc: AgreementDocument, fmt: str) -> bytes:
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(doc)
    if fmt == "docx":
        from .docx import render_docx

        return render_docx(doc)
    if fmt == "html":
        from .html import render_html

        return render_html(doc).encode("utf-8")
    return to_plain_text(doc).encode("utf-8")


_POOL: tuple[int, ThreadPoolExecutor] | None = None


def _typst_thread() -> ThreadPoolExecutor:
    """One worker thread per process for Typst (made again after a fork: a forked child has no threads)."""
    from concurrent.futures import ThreadPoolExecutor  # only with a second format (a PDF alone needs no thread)

    global _POOL
    if _POOL is None or _POOL[0] != os.getpid():
        _POOL = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="typst"))
    return _POOL[1]
