"""Shared pieces for the signing, seal and verify tests.

- :func:`signature_png`: a drawn signature as a signature pad would send it;
- :func:`log_chain`: case-log events hashed exactly as the store hashes them
  (through :func:`store.event_hash`), on a fixed clock;
- :func:`signed_case`: three captures and the log that records them;
- :class:`Executed`: an executed, sealed agreement built once per test module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Any

from doc_fixtures import sample_agreement
from PIL import Image, ImageDraw
from pki import TestPKI, make_pki

from docassemble.MediationAgreement.assembly.document import AgreementDocument
from docassemble.MediationAgreement.signing.signatures import SignatureCapture, SigningConfig, capture_signature
from docassemble.MediationAgreement.store import ZERO_HASH, LogEvent, event_hash

CASE_ID = "c-test-0001"
START = dt.datetime(2026, 11, 21, 14, 0, tzinfo=dt.UTC)
DRAFT_SHA256 = "5e" * 32
CONSENT = (
    "I agree to sign this agreement electronically. I have read the whole agreement, I understand it, "
    "and I sign it voluntarily. I know the mediator is not my lawyer."
)


def signature_png(size: tuple[int, int] = (600, 200), *, background: tuple[int, int, int, int] = (0, 0, 0, 0), strokes: bool = True) -> bytes:
    """A PNG like a signature pad's: transparent canvas, dark strokes."""
    image = Image.new("RGBA", size, background)
    if strokes:
        draw = ImageDraw.Draw(image)
        w, h = size
        draw.line([(w * 0.05, h * 0.7), (w * 0.3, h * 0.2), (w * 0.55, h * 0.8), (w * 0.9, h * 0.25)], fill=(10, 20, 90, 255), width=max(2, h // 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def log_chain(specs: list[tuple[str, str, dict[str, Any]]], *, case_id: str = CASE_ID, start: dt.datetime = START) -> list[LogEvent]:
    """Events ``(kind, actor, payload)`` numbered from 1, five minutes apart, hash-chained."""
    events: list[LogEvent] = []
    previous = ZERO_HASH
    for seq, (kind, actor, payload) in enumerate(specs, start=1):
        at = start + dt.timedelta(minutes=5 * seq)
        digest = event_hash(seq=seq, case_id=case_id, kind=kind, actor=actor, at=at, prev_hash=previous, payload=payload)
        events.append(LogEvent(seq, case_id, kind, actor, at, payload, previous, digest))
        previous = digest
    return events


def rehash(events: list[LogEvent]) -> list[LogEvent]:
    """Recompute every hash (as a forger with database access would)."""
    return log_chain([(e.kind, e.actor, e.payload) for e in events], case_id=events[0].case_id)


def captures() -> dict[str, SignatureCapture]:
    return {
        "a": capture_signature("a", method="drawn", image_png=signature_png(), intent_confirmed=True, consent_text=CONSENT),
        "b": capture_signature("b", method="typed", typed_name="Sam Rivera", intent_confirmed=True, consent_text=CONSENT),
        "mediator": capture_signature("mediator", method="drawn", image_png=signature_png((900, 240)), intent_confirmed=True, consent_text=CONSENT),
    }


def signed_case(caps: dict[str, SignatureCapture] | None = None, *, draft_sha256: str = DRAFT_SHA256) -> tuple[dict[str, SignatureCapture], list[LogEvent]]:
    """Captures and a log: case opened, draft issued, a confidential comment, approvals, three signatures."""
    caps = caps or captures()
    specs: list[tuple[str, str, dict[str, Any]]] = [
        ("case_opened", "mediator", {"label": "Rivera / Rivera"}),
        ("draft_issued", "mediator", {"draft": 1, "sha256": draft_sha256}),
        ("comment", "a", {"draft": 1, "section": "4.2", "text": "CONFIDENTIAL-COMMENT: please change the exchange time"}),
        ("approved", "a", {"draft": 1}),
        ("approved", "b", {"draft": 1}),
        ("signed", "a", caps["a"].to_event_payload(draft_sha256, {"ip": "203.0.113.7", "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"})),
        ("signed", "b", caps["b"].to_event_payload(draft_sha256, None)),
        ("signed", "mediator", caps["mediator"].to_event_payload(draft_sha256, {"ip": "198.51.100.20"})),
    ]
    return caps, log_chain(specs)


@dataclasses.dataclass
class Executed:
    """One executed agreement and everything that went into it."""

    pki: TestPKI
    paths: dict[str, Path]
    config: SigningConfig
    doc: AgreementDocument
    captures: dict[str, SignatureCapture]
    events: list[LogEvent]
    pdf: bytes


def build_executed(folder: Path, **seal_options: Any) -> Executed:
    from docassemble.MediationAgreement.signing.seal import build_executed_pdf

    pki = make_pki()
    paths = pki.write(folder)
    config = SigningConfig.from_paths(paths["key"], paths["cert"], paths["ca"])
    doc = sample_agreement(draft=False)
    caps, events = signed_case()
    pdf = build_executed_pdf(doc, caps, events, config, **seal_options)
    return Executed(pki, paths, config, doc, caps, events, pdf)


def flip_byte_in_content(pdf: bytes) -> bytes:
    """Flip one bit inside the first page content stream's data: the file still parses, the digest breaks."""
    start = pdf.index(b"stream", pdf.index(b"/Length")) + len(b"stream\n")
    target = start + 40
    damaged = bytearray(pdf)
    damaged[target] ^= 0x01
    return bytes(damaged)
