"""PDF files below the level of forms: open one safely, hear what pypdf says, make a page of text.

:func:`open_pdf` refuses, with a :class:`~.errors.FormError` naming the file,
input that is not a PDF, is damaged beyond reading, or is encrypted;
:func:`collect_pypdf_warnings` turns pypdf's log messages into notes instead of
stderr; :func:`text_page_pdf` makes the one-page notes a filing packet carries.
"""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from ..errors import FormError

# Exceptions pypdf lets out on a damaged file besides its own PyPdfError.
PDF_DAMAGE_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError, RecursionError, zlib.error)


_COLLECTING: ContextVar[list[str] | None] = ContextVar("pypdf_notes", default=None)


class _PypdfNotes(logging.Handler):
    """On the ``pypdf`` logger: inside :func:`collect_pypdf_warnings` a record becomes a note;
    outside, it goes on to the root logger's handlers exactly as if it had propagated."""

    def emit(self, record: logging.LogRecord) -> None:
        notes = _COLLECTING.get()
        if notes is None or record.levelno < logging.WARNING:
            logging.getLogger().handle(record)
            return
        message = record.getMessage()
        if message not in notes:
            notes.append(message)


def _install_note_handler() -> None:
    logger = logging.getLogger("pypdf")
    if not any(isinstance(h, _PypdfNotes) for h in logger.handlers):
        logger.addHandler(_PypdfNotes())
        logger.propagate = False


@contextmanager
def collect_pypdf_warnings(notes: list[str]) -> Iterator[None]:
    """Collect what pypdf logs (it warns through ``logging``) into ``notes`` instead of stderr.

    Safe with threads: which list collects is a context variable, not global state.
    """
    _install_note_handler()
    token = _COLLECTING.set(notes)
    try:
        yield
    finally:
        _COLLECTING.reset(token)


def load_bytes(source: bytes | str | Path, label: str | None = None) -> tuple[bytes, str]:
    """The bytes of a PDF given as bytes or a path, and a label naming it; a file that cannot be read is a :class:`FormError`."""
    if isinstance(source, bytes):
        return source, label or "<pdf>"
    path = Path(source)
    try:
        return path.read_bytes(), label or str(path)
    except FileNotFoundError:
        raise FormError("file not found", path=path) from None
    except IsADirectoryError:
        raise FormError("is a directory, expected a PDF file", path=path) from None
    except OSError as exc:
        raise FormError(f"cannot read file: {exc.strerror}", path=path) from None


def open_pdf(source: bytes | str | Path, *, label: str | None = None, notes: list[str] | None = None) -> tuple[PdfReader, bytes, str]:
    """Open a PDF for reading; refuse (with :class:`FormError`) one that is not a PDF,
    is damaged beyond reading, or is encrypted."""
    data, where = load_bytes(source, label)
    if b"%PDF-" not in data[:1024]:
        raise FormError("is not a PDF file (no %PDF- header)", path=where)
    collected: list[str] = [] if notes is None else notes
    try:
        with collect_pypdf_warnings(collected):
            reader = PdfReader(io.BytesIO(data), strict=False)
            encrypted = reader.is_encrypted
            if not encrypted:
                _ = len(reader.pages)
                _ = reader.trailer["/Root"]
    except PDF_DAMAGE_ERRORS as exc:
        raise FormError(f"cannot be read; the PDF is damaged ({exc.__class__.__name__}: {exc})", path=where) from None
    if encrypted:
        raise FormError(
            "is encrypted; forms are filled only from unencrypted PDFs",
            path=where,
            hint="ask the court for an unencrypted copy, or make one with `qpdf --decrypt IN.pdf OUT.pdf` if you may",
        )
    return reader, data, where


# --------------------------------------------------------------------------- small PDFs


def text_page_pdf(lines: list[str], *, width: float = 612.0, height: float = 792.0, title: str | None = None) -> bytes:
    """A one-page PDF of plain text lines in Helvetica (for notes inside a packet).

    The first line is set in bold as a heading.  Characters outside WinAnsi are replaced by '?'.
    """
    writer = PdfWriter()
    page = writer.add_blank_page(width=width, height=height)
    regular = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })
    bold = DictionaryObject({**regular, NameObject("/BaseFont"): NameObject("/Helvetica-Bold")})
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/Font"): DictionaryObject({
            NameObject("/F1"): writer._add_object(regular),
            NameObject("/F2"): writer._add_object(bold),
        })
    })
    ops = ["BT", f"72 {height - 90:.1f} Td", "15 TL"]
    for number, line in enumerate(lines):
        font = "/F2 14" if number == 0 else "/F1 11"
        encoded = line.encode("cp1252", errors="replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(f"{font} Tf")
        ops.append(f"({encoded.decode('latin-1')}) Tj T*")
        if number == 0:
            ops.append("T*")
    ops.append("ET")
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    if title:
        writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def page_count(source: bytes, *, label: str) -> int:
    reader, _data, _where = open_pdf(source, label=label)
    return len(reader.pages)


__all__ = [
    "PDF_DAMAGE_ERRORS",
    "collect_pypdf_warnings",
    "load_bytes",
    "open_pdf",
    "page_count",
    "text_page_pdf",
]
