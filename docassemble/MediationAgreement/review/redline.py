"""A word-level redline of one draft against the one before it, in HTML and PDF.

:func:`compare` lines the two :class:`~.document.AgreementDocument` versions up
clause by clause (by clause id, so a renumbered clause is still the same
clause), diffs each clause word by word, and attaches to each changed clause
the comments made on it in the earlier draft — "the comments each change
answers".  Comments on clauses that did not change are listed separately, so
nobody's comment silently disappears.

:func:`redline_html` (for phones: one column, ``<ins>``/``<del>`` that screen
readers announce) and :func:`redline_pdf` (Typst) print the same
:class:`Redline`: insertions underlined, deletions struck through, each also in
colour and announced in words in the legend.

>>> red = compare(draft_1, draft_2, comments=[...])          # doctest: +SKIP
>>> html = redline_html(red); pdf = redline_pdf(red)         # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..assembly.document import (
    AgreementDocument,
    Block,
    BulletList,
    ClauseBlock,
    Paragraph,
    Section,
    SignatureLine,
    Table,
)
from ..errors import RenderError
from ..render.typesetting import typeset

__all__ = [
    "ClauseChange",
    "Redline",
    "RedlineComment",
    "Segment",
    "compare",
    "diff_words",
    "document_from_data",
    "redline_html",
    "redline_pdf",
]

Op = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Segment:
    """A run of text that is unchanged, inserted or deleted."""

    op: Op
    text: str


@dataclass(frozen=True)
class RedlineComment:
    """A comment made on the earlier draft, as the redline lists it."""

    comment_id: int
    author: str
    draft: int
    section: str
    text: str
    clause_id: str | None = None


@dataclass(frozen=True)
class ClauseChange:
    """One part of the agreement in the redline (a clause, a heading, the caption...)."""

    key: str
    kind: Literal["front", "heading", "clause", "signature"]
    status: Literal["unchanged", "changed", "added", "removed"]
    old_number: str | None
    new_number: str | None
    title: tuple[Segment, ...]
    body: tuple[Segment, ...]
    answers: tuple[RedlineComment, ...] = ()

    @property
    def number(self) -> str | None:
        return self.new_number or self.old_number

    @property
    def renumbered(self) -> bool:
        return self.old_number is not None and self.new_number is not None and self.old_number != self.new_number


@dataclass(frozen=True)
class Redline:
    """Draft ``new_label`` compared with ``old_label``."""

    title: str
    old_label: str
    new_label: str
    old_sha256: str | None
    new_sha256: str | None
    parts: tuple[ClauseChange, ...]
    unanswered: tuple[RedlineComment, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def changes(self) -> list[ClauseChange]:
        return [p for p in self.parts if p.status != "unchanged"]

    def summary(self) -> str:
        counts = {s: sum(1 for p in self.parts if p.kind == "clause" and p.status == s) for s in ("changed", "added", "removed")}
        other = sum(1 for p in self.parts if p.kind != "clause" and p.status != "unchanged")
        pieces = [f"{n} clause{'s' if n != 1 else ''} {s}" for s, n in counts.items() if n]
        if other:
            pieces.append(f"{other} other change{'s' if other != 1 else ''} (headings, caption or signature blocks)")
        return "; ".join(pieces) if pieces else "no changes"


# --------------------------------------------------------------------------- diffing

_CHUNK = re.compile(r"\S+\s*|\s+")
_LEAD = re.compile(r"[(\[“‘\"']+")
_TRAIL = re.compile(r"[.,;:!?)\]”’\"']+$")


def _tokens(text: str) -> list[str]:
    """Words with their following whitespace; opening and closing punctuation are
    tokens of their own, so "support." and "support" are the same word (while
    "6:00" and "p.m" stay whole)."""
    out: list[str] = []
    for chunk in _CHUNK.findall(text):
        word = chunk.rstrip()
        if not word:
            out.append(chunk)
            continue
        lead = _LEAD.match(word)
        a = lead.end() if lead else 0
        trail = _TRAIL.search(word, a)
        b = trail.start() if trail else len(word)
        parts = [p for p in (word[:a], word[a:b], word[b:]) if p]
        parts[-1] += chunk[len(word) :]
        out.extend(parts)
    return out


def diff_words(old: str, new: str) -> tuple[Segment, ...]:
    """Word-level diff: each word keeps its following whitespace; a changed
    stretch is shown as the old words deleted, then the new words inserted.
    Changes of whitespace alone are not shown (the new text's spacing is kept)."""
    old_tokens = _tokens(old)
    new_tokens = _tokens(new)
    matcher = difflib.SequenceMatcher(None, [t.strip() for t in old_tokens], [t.strip() for t in new_tokens], autojunk=False)
    out: list[Segment] = []
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            text = "".join(new_tokens[j1:j2])
            following = opcodes[index + 1][0] if index + 1 < len(opcodes) else None
            old_space = old_tokens[i2 - 1][len(old_tokens[i2 - 1].rstrip()) :]
            if following in ("delete", "replace") and old_space and not text[-1:].isspace():
                text += old_space  # keep the deleted word apart from the one before it
            _push(out, "equal", text)
            continue
        if tag in ("delete", "replace"):
            _push(out, "delete", "".join(old_tokens[i1:i2]))
        if tag in ("insert", "replace"):
            # The space after an insertion is not part of it (no underlined gap).
            inserted = "".join(new_tokens[j1:j2])
            stripped = inserted.rstrip()
            _push(out, "insert", stripped)
            _push(out, "equal", inserted[len(stripped) :])
    return tuple(out)


def _push(out: list[Segment], op: Op, text: str) -> None:
    if not text:
        return
    if out and out[-1].op == op:
        out[-1] = Segment(op, out[-1].text + text)
    else:
        out.append(Segment(op, text))


CELL = "\ue000"
"""Between a table's cells in the text that is diffed: a private-use character no one types, so a "|" in a
paragraph stays text, and a table's lines come back as rows of cells (:func:`_body_blocks`)."""


def _block_text(block: Block) -> str:
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, BulletList):
        return "\n".join(f"• {item}" for item in block.items)
    return "\n".join(f" {CELL} ".join(row) for row in (block.header, *block.rows))


def _clause_body(clause: ClauseBlock) -> str:
    return "\n\n".join(_block_text(b) for b in clause.blocks)


@dataclass(frozen=True)
class _Unit:
    key: str
    kind: Literal["front", "heading", "clause", "signature"]
    number: str | None
    title: str
    body: str


def _units(doc: AgreementDocument) -> list[_Unit]:
    units = [
        _Unit("front:title", "front", None, "", "\n".join([doc.title, doc.subtitle])),
        _Unit("front:caption", "front", None, "", "\n".join(doc.court_caption)),
        _Unit("front:parties", "front", None, "", doc.parties_line),
    ]
    if doc.preamble:
        units.append(_Unit("front:preamble", "front", None, "", "\n\n".join(_block_text(b) for b in doc.preamble)))
    for section in doc.sections:
        units.append(_Unit(f"section:{section.topic}", "heading", str(section.number), section.heading, ""))
        for clause in section.clauses:
            units.append(_Unit(f"clause:{clause.clause_id}", "clause", clause.number, clause.title, _clause_body(clause)))
    for blk, lines in doc.signature_groups():
        if blk is not None and (blk.before or blk.after):
            body = "\n\n".join(_block_text(b) for b in (*blk.before, *blk.after))
            units.append(_Unit(f"signature-block:{blk.block_id}", "signature", None, blk.heading, body))
        for index, sig in enumerate(lines):
            key = f"signature:{sig.party}" if sig.signs_electronically else f"signature:{sig.block}:{sig.party}:{index}"
            units.append(_Unit(key, "signature", None, "", "\n".join(x for x in (sig.statement, f"{sig.printed_name}, {sig.role}") if x)))
    return units


def compare(
    old: AgreementDocument,
    new: AgreementDocument,
    *,
    comments: Iterable[RedlineComment] = (),
    old_label: str = "the previous draft",
    new_label: str = "this draft",
    old_sha256: str | None = None,
    new_sha256: str | None = None,
) -> Redline:
    """The redline of ``new`` against ``old``.

    ``comments`` are those made on ``old``; each is attached to the clause its
    section number named in ``old`` (so it follows the clause if renumbered).
    """
    old_units = _units(old)
    new_units = _units(new)
    old_by_key = {u.key: u for u in old_units}
    new_keys = {u.key for u in new_units}
    by_number = {c.number: c.clause_id for s in old.sections for c in s.clauses}
    pending: dict[str, list[RedlineComment]] = {}
    orphans: list[RedlineComment] = []
    for comment in comments:
        clause_id = comment.clause_id or by_number.get(comment.section)
        if clause_id is None:
            orphans.append(comment)
        else:
            pending.setdefault(f"clause:{clause_id}", []).append(comment)

    # Removed units go right after the unit that preceded them in the old draft.
    removed_after: dict[str | None, list[_Unit]] = {}
    anchor: str | None = None
    for unit in old_units:
        if unit.key in new_keys:
            anchor = unit.key
        else:
            removed_after.setdefault(anchor, []).append(unit)

    parts: list[ClauseChange] = []
    unanswered: list[RedlineComment] = []

    def emit(part: ClauseChange) -> None:
        answers = tuple(pending.pop(part.key, []))
        if answers and part.status == "unchanged":
            unanswered.extend(answers)
            answers = ()
        parts.append(ClauseChange(**{**part.__dict__, "answers": answers}))

    for unit in removed_after.get(None, []):
        emit(_removed(unit))
    for unit in new_units:
        before = old_by_key.get(unit.key)
        if before is None:
            emit(ClauseChange(unit.key, unit.kind, "added", None, unit.number, _all("insert", unit.title), _all("insert", unit.body)))
        else:
            title = diff_words(before.title, unit.title)
            body = diff_words(before.body, unit.body)
            changed = any(s.op != "equal" for s in (*title, *body))
            emit(ClauseChange(unit.key, unit.kind, "changed" if changed else "unchanged", before.number, unit.number, title, body))
        for gone in removed_after.get(unit.key, []):
            emit(_removed(gone))
    for rest in pending.values():
        unanswered.extend(rest)
    unanswered.extend(orphans)
    unanswered.sort(key=lambda c: c.comment_id)
    return Redline(
        title=new.title,
        old_label=old_label,
        new_label=new_label,
        old_sha256=old_sha256,
        new_sha256=new_sha256,
        parts=tuple(parts),
        unanswered=tuple(unanswered),
    )


def _all(op: Op, text: str) -> tuple[Segment, ...]:
    return (Segment(op, text),) if text else ()


def _removed(unit: _Unit) -> ClauseChange:
    return ClauseChange(unit.key, unit.kind, "removed", unit.number, None, _all("delete", unit.title), _all("delete", unit.body))


# --------------------------------------------------------------------------- HTML

_CSS = """
:root { color-scheme: light; }
body { font: 17px/1.55 Georgia, 'Times New Roman', serif; margin: 0; padding: 1rem; color: #1b1b1b; background: #fff; }
main { max-width: 42rem; margin: 0 auto; }
h1 { font-size: 1.35rem; line-height: 1.3; }
.meta, .legend, .summary { font: 15px/1.5 system-ui, sans-serif; }
.legend { border: 1px solid #ccc; border-radius: 6px; padding: .5rem .75rem; }
ins { text-decoration: underline 2px; text-underline-offset: 2px; color: #0b5d1e; background: #e8f5e9; }
del { text-decoration: line-through 2px; color: #a4001d; background: #fdecea; }
.part { margin: 1.1rem 0; padding-left: .6rem; border-left: 4px solid transparent; }
.part.changed, .part.added, .part.removed { border-left-color: #f0a500; }
.body { white-space: pre-wrap; overflow-wrap: anywhere; }
.redline-table { border-collapse: collapse; white-space: normal; margin: .3rem 0; }
.redline-table td { border: 1px solid #999; padding: .15rem .4rem; }
.badge { font: 13px system-ui, sans-serif; background: #fff3cd; border-radius: 4px; padding: 0 .35rem; margin-left: .3rem; }
.answers { font: 15px/1.45 system-ui, sans-serif; background: #f4f6fb; border-radius: 6px; padding: .4rem .7rem; margin-top: .4rem; }
.answers ul, .unanswered ul { margin: .2rem 0; padding-left: 1.2rem; }
h2.heading { font-size: 1.1rem; text-transform: uppercase; letter-spacing: .03em; }
code { font-size: .85em; word-break: break-all; }
"""


def _segments_html(segments: Sequence[Segment]) -> str:
    out = []
    for seg in segments:
        text = html.escape(seg.text)
        if seg.op == "insert":
            out.append(f"<ins>{text}</ins>")
        elif seg.op == "delete":
            out.append(f"<del>{text}</del>")
        else:
            out.append(text)
    return "".join(out)


Body = list[tuple[Literal["text", "table"], Any]]
"""A part's body as blocks: ("text", segments) and ("table", rows of cells of segments)."""


def _body_blocks(segments: Sequence[Segment]) -> Body:
    """The agreement's tables (lines of cells joined by :data:`CELL`) as tables, cell by cell; everything else as text."""
    lines: list[list[Segment]] = [[]]
    for index, seg in enumerate(segments):
        # A changed last word takes its line's end with it ("8,610\n" out, "8,558\n" in): the
        # deleted line end is the inserted one, so only the insertion ends the line.
        replaced = seg.op == "delete" and index + 1 < len(segments) and segments[index + 1].op == "insert"
        for i, piece in enumerate(seg.text.split("\n")):
            if i and not replaced:
                lines.append([])
            if piece:
                lines[-1].append(Segment(seg.op, piece))
    blocks: Body = []
    for line in lines:
        if any(CELL in seg.text for seg in line):
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(_cells(line))
            else:
                blocks.append(("table", [_cells(line)]))
        elif blocks and blocks[-1][0] == "text":
            blocks[-1][1].extend([Segment("equal", "\n"), *line])
        else:
            blocks.append(("text", list(line)))
    for kind, rows in blocks:
        if kind == "table":  # every row as wide as the widest, so a table lays out whatever changed
            width = max(len(row) for row in rows)
            for row in rows:
                row.extend([] for _ in range(width - len(row)))
    return blocks


def _rich_html(segments: Sequence[Segment]) -> str:
    """Segments as HTML, with the agreement's tables as tables and their changed cells marked."""
    out = []
    for kind, content in _body_blocks(segments):
        if kind == "table":
            rows = "".join("<tr>" + "".join(f"<td>{_segments_html(cell)}</td>" for cell in row) + "</tr>" for row in content)
            out.append(f'<table class="redline-table">{rows}</table>')
        else:
            out.append(_segments_html(content))
    return "\n".join(out)


def _cells(line: Sequence[Segment]) -> list[list[Segment]]:
    cells: list[list[Segment]] = [[]]
    for seg in line:
        for i, piece in enumerate(seg.text.split(CELL)):
            if i:
                cells.append([])
            if piece.strip():
                cells[-1].append(Segment(seg.op, piece.strip() + " "))
    return cells


def _comment_html(c: RedlineComment) -> str:
    return f"<li><strong>{html.escape(c.author)}</strong> on {html.escape(c.section)} (draft {c.draft}): {html.escape(c.text)}</li>"


def redline_html(red: Redline) -> str:
    """A self-contained HTML page (no scripts, no external files)."""
    e = html.escape
    rows = []
    for part in red.parts:
        label = {"changed": "changed", "added": "added", "removed": "removed"}.get(part.status)
        badge = f'<span class="badge">{label}</span>' if label else ""
        if part.renumbered:
            badge += f'<span class="badge">was {e(part.old_number or "")}</span>'
        anchor = f' id="{e(part.key.replace(":", "-"))}"'
        if part.kind == "heading":
            rows.append(f'<h2 class="heading part {part.status}"{anchor}>{e(part.number or "")}. {_segments_html(part.title)}{badge}</h2>')
            continue
        head = ""
        if part.kind == "clause":
            head = f'<h3 class="clause">{e(part.number or "")} {_segments_html(part.title)}{badge}</h3>'
        elif label:
            head = f'<div class="meta">{e(part.key.split(":")[1].capitalize())}{badge}</div>'
        answers = ""
        if part.answers:
            answers = '<div class="answers">This change answers:<ul>' + "".join(_comment_html(c) for c in part.answers) + "</ul></div>"
        rows.append(f'<section class="part {part.status}"{anchor}>{head}<div class="body">{_rich_html(part.body)}</div>{answers}</section>')
    jump = "".join(
        f'<li><a href="#{e(p.key.replace(":", "-"))}">{e(p.number or p.key.split(":")[1].capitalize())}'
        f'{" " + e("".join(s.text for s in p.title if s.op != "delete" or p.status == "removed")) if p.title else ""}</a> — {p.status}</li>'
        for p in red.changes
    )
    unanswered = ""
    if red.unanswered:
        unanswered = (
            '<section class="unanswered"><h2>Comments without a change in this draft</h2><ul>'
            + "".join(_comment_html(c) for c in red.unanswered)
            + "</ul></section>"
        )
    hashes = ""
    if red.old_sha256 or red.new_sha256:
        hashes = f'<p class="meta">SHA-256 of {e(red.old_label)}: <code>{e(red.old_sha256 or "?")}</code><br>SHA-256 of {e(red.new_label)}: <code>{e(red.new_sha256 or "?")}</code></p>'
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Redline: {e(red.new_label)} compared with {e(red.old_label)}</title><style>{_CSS}</style></head><body><main>"
        f"<h1>Changes in {e(red.new_label)} compared with {e(red.old_label)}</h1>"
        f'<p class="summary">{e(red.title)}: {e(red.summary())}.</p>'
        '<p class="legend">How to read this: <ins>underlined green text was added</ins>; <del>struck-through red text was removed</del>. '
        "Changed parts have an orange bar on the left.</p>"
        + (f'<nav class="meta"><ul>{jump}</ul></nav>' if jump else "")
        + hashes
        + "".join(rows)
        + unanswered
        + "</main></body></html>\n"
    )


_FRAGMENT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "since": "What changed since {label}", "nothing": "Nothing in the text changed.", "answers": "This answers:",
        "unanswered": "Comments with no change in this draft:",
        "legend": "<ins>Underlined text was added.</ins> <del>Crossed-out text was taken out.</del>",
        "changed": "changed", "added": "added", "removed": "removed", "draft": "draft {n}",
    },
    "es": {
        "since": "Qué cambió desde el {label}", "nothing": "No cambió nada del texto.", "answers": "Esto responde a:",
        "unanswered": "Comentarios sin un cambio en este borrador:",
        "legend": "<ins>El texto subrayado se agregó.</ins> <del>El texto tachado se quitó.</del>",
        "changed": "cambió", "added": "se agregó", "removed": "se quitó", "draft": "borrador {n}",
    },
}
"""The words of :func:`changes_fragment` in each language a parent can read it in."""


def _summary_es(red: Redline) -> str:
    counts = {s: sum(1 for p in red.parts if p.kind == "clause" and p.status == s) for s in ("changed", "added", "removed")}
    verbs = {"changed": ("cambió", "cambiaron"), "added": ("se agregó", "se agregaron"), "removed": ("se quitó", "se quitaron")}
    pieces = [f"{n} cláusula{'s' if n != 1 else ''} {verbs[s][n != 1]}" for s, n in counts.items() if n]
    other = sum(1 for p in red.parts if p.kind != "clause" and p.status != "unchanged")
    if other:
        pieces.append(f"{other} otro{'s' if other != 1 else ''} cambio{'s' if other != 1 else ''} (títulos, encabezado o bloques de firma)")
    return "; ".join(pieces) if pieces else "sin cambios"


def changes_fragment(red: Redline, language: str = "en") -> str:
    """"What changed since draft N": an HTML fragment for a parent's screen on a phone.

    A short list of the parts that changed (each with the comments it
    answers), then each changed part with its words added and removed.  No
    hashes and no unchanged text: the whole draft follows it on the screen.
    ``language="es"``: the fragment's own words in Spanish (for the redline of
    two Spanish reading copies).
    """
    e = html.escape
    words = _FRAGMENT_WORDS[language]
    changed = red.changes
    since = words["since"].format(label=red.old_label)
    if not changed:
        return f'<section class="what-changed"><h2>{e(since)}</h2><p>{e(words["nothing"])}</p></section>'

    def name(part: ClauseChange) -> str:
        title = "".join(s.text for s in part.title if s.op != "delete" or part.status == "removed").strip()
        if part.kind == "clause":
            return f"{part.number or ''} {title}".strip()
        return title or part.key.split(":")[1].replace("_", " ").capitalize()

    items = []
    for part in changed:
        answered = "".join(f"<li>{e(c.author)}: “{e(c.text)}”</li>" for c in part.answers)
        items.append(f"<li><strong>{e(name(part))}</strong> — {e(words[part.status])}" + (f"<br>{e(words['answers'])}<ul>{answered}</ul>" if answered else "") + "</li>")
    bodies = "".join(
        f'<div class="change {part.status}"><h3>{e(name(part))}</h3><div style="white-space: pre-line">{_rich_html(part.body)}</div></div>'
        for part in changed
        if part.body
    )
    unanswered = ""
    if red.unanswered:
        unanswered = f"<p>{e(words['unanswered'])}</p><ul>" + "".join(f"<li>{e(c.author)}: “{e(c.text)}”</li>" for c in red.unanswered) + "</ul>"
    summary = _summary_es(red) if language == "es" else red.summary()
    return (
        f'<section class="what-changed"{"" if language == "en" else f' lang="{language}"'}><h2>{e(since)}</h2>'
        f"<p>{e(summary.capitalize())}.</p><ul>{''.join(items)}</ul>{unanswered}"
        f'<p class="legend">{words["legend"]}</p>'
        f"{bodies}</section>"
    )


# --------------------------------------------------------------------------- PDF

def _redline_data(red: Redline) -> dict[str, Any]:
    def segs(segments: Sequence[Segment]) -> list[dict[str, str]]:
        return [{"op": s.op, "text": s.text} for s in segments]

    def comment(c: RedlineComment) -> dict[str, Any]:
        return {"author": c.author, "section": c.section, "draft": str(c.draft), "text": c.text}

    hashes = []
    if red.old_sha256 or red.new_sha256:
        hashes = [f"SHA-256 of {red.old_label}: {red.old_sha256 or '?'}", f"SHA-256 of {red.new_label}: {red.new_sha256 or '?'}"]
    return {
        "heading": f"Changes in {red.new_label} compared with {red.old_label}",
        "summary": f"{red.title}: {red.summary()}.",
        "footer": f"Redline: {red.new_label} against {red.old_label}",
        "hashes": hashes,
        "parts": [
            {
                "kind": p.kind,
                "status": p.status,
                "number": p.number or "",
                "was": p.old_number if p.renumbered else None,
                "label": p.key.split(":")[1].capitalize(),
                "title": segs(p.title),
                "body": [
                    {"kind": "text", "segs": segs(content)} if kind == "text" else {"kind": "table", "rows": [[segs(cell) for cell in row] for row in content]}
                    for kind, content in _body_blocks(p.body)
                ],
                "answers": [comment(c) for c in p.answers],
            }
            for p in red.parts
        ],
        "unanswered": [comment(c) for c in red.unanswered],
    }


def redline_pdf(red: Redline) -> bytes:
    """The redline as PDF (Typst; text is passed as data, never as markup)."""
    return typeset("redline.typ", {"redline": _redline_data(red)}, what="the redline")


# --------------------------------------------------------------------------- documents from stored data


def _engine_words(language: str) -> dict[str, str]:
    from ..assembly.words import agreement_words

    return agreement_words(language)


def document_from_data(data: dict[str, Any]) -> AgreementDocument:
    """Rebuild an :class:`AgreementDocument` from :meth:`AgreementDocument.to_data` output
    (how the store keeps each draft)."""

    def block(b: dict[str, Any]) -> Block:
        kind = b.get("kind")
        if kind == "paragraph":
            return Paragraph(b["text"])
        if kind == "list":
            return BulletList(tuple(b["items"]))
        if kind == "table":
            return Table(tuple(b["header"]), tuple(tuple(r) for r in b["rows"]))
        raise RenderError(f"stored document has a block of unknown kind {kind!r}")

    def signature(s: dict[str, Any]) -> SignatureLine:
        values = dict(s)
        if values.get("signature_png") is not None:
            values["signature_png"] = bytes(values["signature_png"])
        known = set(SignatureLine.__dataclass_fields__)
        return SignatureLine(**{k: v for k, v in values.items() if k in known})

    try:
        return AgreementDocument(
            title=data["title"],
            subtitle=data["subtitle"],
            court_caption=tuple(data["court_caption"]),
            parties_line=data["parties_line"],
            preamble=tuple(block(b) for b in data["preamble"]),
            sections=tuple(
                Section(
                    s["topic"],
                    s["number"],
                    s["heading"],
                    tuple(ClauseBlock(c["clause_id"], c["number"], c["title"], tuple(block(b) for b in c["blocks"]), c.get("alternative")) for c in s["clauses"]),
                )
                for s in data["sections"]
            ),
            signatures=tuple(signature(s) for s in data["signatures"]),
            draft=data["draft"],
            date_text=data["date_text"],
            initials_each_page=data["initials_each_page"],
            initials_labels=tuple(data.get("initials_labels", ())),
            metadata=dict(data.get("metadata", {})),
            language=data.get("language", "en"),
            words=dict(data.get("words") or _engine_words(data.get("language", "en"))),
            notice=data.get("notice"),
        )
    except (KeyError, TypeError) as exc:
        raise RenderError(f"stored document is incomplete: {exc}") from None
