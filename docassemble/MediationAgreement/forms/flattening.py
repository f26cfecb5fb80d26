"""Flattening: paint every form field's current appearance into its page and remove the form.

A flattened copy shows the same values but can no longer be edited.  Each
visible widget's appearance stream becomes a form XObject placed on its
rectangle; links and other annotations stay.
"""

from __future__ import annotations

import io
from typing import Any, cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, IndirectObject, NameObject, StreamObject

from .pdf_files import collect_pypdf_warnings

# Annotation flags (table 165).
_AF_HIDDEN = 1 << 1
_AF_NOVIEW = 1 << 5


def _appearance(widget: DictionaryObject) -> StreamObject | None:
    ap = widget.get("/AP")
    if ap is None:
        return None
    normal = ap.get_object().get("/N")
    if normal is None:
        return None
    normal = normal.get_object()
    if isinstance(normal, StreamObject):
        return normal
    if isinstance(normal, DictionaryObject):
        state = widget.get("/AS")
        stream = normal.get(state) if state is not None else None
        stream = stream.get_object() if stream is not None else None
        return stream if isinstance(stream, StreamObject) else None
    return None


def _placement(stream: StreamObject, rect: list[float]) -> tuple[float, float, float, float] | None:
    """The ``cm`` operands that put an appearance's /BBox (after its /Matrix) onto /Rect (PDF 12.5.5)."""
    bbox = [float(v) for v in stream.get("/BBox", [0, 0, rect[2] - rect[0], rect[3] - rect[1]])]
    a, b, c, d, e, f = (float(v) for v in stream.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    corners = [(bbox[0], bbox[1]), (bbox[0], bbox[3]), (bbox[2], bbox[1]), (bbox[2], bbox[3])]
    xs = [a * x + c * y + e for x, y in corners]
    ys = [b * x + d * y + f for x, y in corners]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    if width <= 0 or height <= 0:
        return None
    x0, y0, x1, y1 = min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])
    sx, sy = (x1 - x0) / width, (y1 - y0) / height
    return sx, sy, x0 - min(xs) * sx, y0 - min(ys) * sy


def _page_resources(page: DictionaryObject) -> DictionaryObject:
    node: Any = page
    while node is not None:
        if "/Resources" in node:
            res = cast(DictionaryObject, node["/Resources"].get_object())
            if node is not page:  # inherited: give the page its own copy before adding to it
                res = DictionaryObject(res)
                page[NameObject("/Resources")] = res
            return res
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    res = DictionaryObject()
    page[NameObject("/Resources")] = res
    return res


def flatten_writer(writer: PdfWriter) -> int:
    """Paint every visible widget's current appearance into its page and remove the form.

    Returns the number of widgets painted.  Links and other annotations stay.
    """
    painted = 0
    for page in writer.pages:
        annots = page.get("/Annots")
        if annots is None:
            continue
        annots = annots.get_object()
        keep = ArrayObject()
        ops: list[str] = []
        xobjects: DictionaryObject | None = None
        for ref in annots:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Widget":
                keep.append(ref)
                continue
            flags = int(annot.get("/F", 0) or 0)
            stream = None if flags & (_AF_HIDDEN | _AF_NOVIEW) else _appearance(annot)
            if stream is None:
                continue
            place = _placement(stream, [float(v) for v in annot["/Rect"]])
            if place is None:
                continue
            if "/Subtype" not in stream:
                stream[NameObject("/Subtype")] = NameObject("/Form")
            stream[NameObject("/Type")] = NameObject("/XObject")
            if "/BBox" not in stream:
                r = [float(v) for v in annot["/Rect"]]
                stream[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in (0, 0, abs(r[2] - r[0]), abs(r[3] - r[1])))
            if xobjects is None:
                res = _page_resources(page)
                if "/XObject" not in res:
                    res[NameObject("/XObject")] = DictionaryObject()
                xobjects = cast(DictionaryObject, res["/XObject"].get_object())
            name = f"/Flat{painted}"
            while name in xobjects:
                painted += 1
                name = f"/Flat{painted}"
            ref_stream = stream.indirect_reference or writer._add_object(stream)
            xobjects[NameObject(name)] = ref_stream
            sx, sy, tx, ty = place
            ops.append(f"q {sx:.6f} 0 0 {sy:.6f} {tx:.4f} {ty:.4f} cm {name} Do Q")
            painted += 1
        if ops:
            _append_content(writer, page, "\n".join(ops))
        if keep:
            page[NameObject("/Annots")] = keep
        else:
            del page["/Annots"]
    if "/AcroForm" in writer._root_object:
        del writer._root_object["/AcroForm"]
    return painted


def _append_content(writer: PdfWriter, page: DictionaryObject, operators: str) -> None:
    """Add operators after the page's content, with the old content wrapped in q/Q."""
    before = DecodedStreamObject()
    before.set_data(b"q\n")
    after = DecodedStreamObject()
    after.set_data(f"\nQ\n{operators}\n".encode("latin-1"))
    contents = page.get("/Contents")
    parts = ArrayObject([writer._add_object(before)])
    if contents is not None:
        obj = contents.get_object()
        if isinstance(obj, ArrayObject):
            parts.extend(obj)
        else:
            parts.append(contents if isinstance(contents, IndirectObject) else writer._add_object(obj))
    parts.append(writer._add_object(after))
    page[NameObject("/Contents")] = parts


def flatten_pdf(data: bytes) -> bytes:
    """A copy of ``data`` with every form field painted into the page and the form removed."""
    notes: list[str] = []
    with collect_pypdf_warnings(notes):
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data), strict=False))
        flatten_writer(writer)
        buffer = io.BytesIO()
        writer.write(buffer)
    return buffer.getvalue()


__all__ = [
    "flatten_pdf",
    "flatten_writer",
]
