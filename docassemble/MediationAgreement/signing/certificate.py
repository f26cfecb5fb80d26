"""The Certificate of Completion and the machine-readable record behind it.

An executed agreement ends with a Certificate of Completion: the document
title, the SHA-256 of the version everyone signed, each signer (role, printed
name, method, what they typed or the name a drawn signature was made for,
consent-text hash, time, IP address and device when recorded),
the case's whole event log (number, kind, actor, time, hash) and the final
hash of the chain.  The same facts travel inside the PDF as the attachment
``mediation-record.json`` (:class:`CompletionRecord`), which
:mod:`.verify` compares with the case store without parsing any page text.

Confidentiality: mediation communications are privileged, and the executed
PDF goes to both parents and the court.  So the record carries every event's
*hashes* (enough to check the chain with :func:`.store.verify_chain`'s rules)
but the *content* of signature events only; comments and change requests stay
in the store.

The page is typeset from ``templates/certificate.typ``; the data goes in as
JSON through ``sys.inputs`` and is never spliced into Typst source.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..assembly.document import AgreementDocument, SignatureLine
from ..errors import SignatureError
from ..render.typesetting import typeset
from ..store import LogEvent, canonical_json, iso_z, payload_sha256
from .signatures import SignatureCapture, is_signature_payload, names_match

__all__ = [
    "RECORD_FORMAT",
    "RECORD_NAME",
    "CompletionRecord",
    "SealIdentity",
    "SignerEntry",
    "completion_record",
    "render_certificate",
    "signed_at_text",
]

RECORD_NAME = "mediation-record.json"
"""File name of the record attached to an executed PDF."""
RECORD_FORMAT = "docassemble.MediationAgreement/completion-record/1"
TEMPLATE_NAME = "certificate.typ"

LEGAL_NOTE = (
    "This certificate records how each signature was captured. Whether an electronic signature is "
    "accepted for this agreement depends on the state's electronic-transactions law and the court's rules."
)



@dataclass(frozen=True)
class SealIdentity:
    """Who seals the PDF: the office certificate's subject and SHA-256 fingerprint."""

    subject: str
    fingerprint_sha256: str


@dataclass(frozen=True)
class SignerEntry:
    """One signer as the certificate lists them.

    ``party`` is the party letter (``a``, ``b``, ``mediator``) and
    ``legal_name`` their legal name as of the signed draft (what the case
    answers give and the signature line prints), so ``verify`` can check each
    signature against it from the PDF alone.  Records sealed before this field
    existed lack it (``None``); ``printed_name`` stands in.
    """

    party: str
    role: str
    printed_name: str
    method: str
    typed_name: str | None
    intent: str
    consent_sha256: str
    image_sha256: str | None
    signed_at: str
    """UTC, ``YYYY-MM-DDTHH:MM:SSZ`` (the log event's time)."""
    ip: str | None
    user_agent: str | None
    event_seq: int
    legal_name: str | None = None

    @property
    def signed_for(self) -> str:
        """The legal name this signature was made for."""
        return self.legal_name or self.printed_name


@dataclass(frozen=True)
class CompletionRecord:
    """What the executed PDF carries as ``mediation-record.json``.

    ``events`` are :meth:`.store.LogEvent.to_record` dictionaries (hashes, no
    payload), except that signature events also carry their ``payload``.
    """

    case_id: str
    title: str
    draft_sha256: str
    signers: tuple[SignerEntry, ...]
    consents: dict[str, str]
    """SHA-256 -> consent text, for every text a signer was shown."""
    events: tuple[dict[str, Any], ...]
    final_hash: str
    seal: SealIdentity

    def to_json(self) -> bytes:
        """Canonical JSON (sorted keys, ASCII), the bytes attached to the PDF."""
        return canonical_json(
            {
                "format": RECORD_FORMAT,
                "case_id": self.case_id,
                "title": self.title,
                "draft_sha256": self.draft_sha256,
                "signers": [vars(s) for s in self.signers],
                "consents": self.consents,
                "events": list(self.events),
                "final_hash": self.final_hash,
                "seal": vars(self.seal),
            }
        )

    @classmethod
    def from_json(cls, data: bytes) -> CompletionRecord:
        """Parse an attached record; :class:`SignatureError` says what is wrong with it."""
        try:
            raw = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise SignatureError(f"the attached record is not JSON: {exc}", path=RECORD_NAME) from None
        if not isinstance(raw, dict) or raw.get("format") != RECORD_FORMAT:
            found = raw.get("format") if isinstance(raw, dict) else type(raw).__name__
            raise SignatureError(f"the attached record has format {found!r}, expected {RECORD_FORMAT!r}", path=RECORD_NAME)
        try:
            return cls(
                case_id=str(raw["case_id"]),
                title=str(raw["title"]),
                draft_sha256=str(raw["draft_sha256"]),
                signers=tuple(SignerEntry(**s) for s in raw["signers"]),
                consents={str(k): str(v) for k, v in raw["consents"].items()},
                events=tuple(dict(e) for e in raw["events"]),
                final_hash=str(raw["final_hash"]),
                seal=SealIdentity(**raw["seal"]),
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise SignatureError(f"the attached record is incomplete or malformed: {exc!r}", path=RECORD_NAME) from None


def signed_at_text(at: datetime) -> str:
    """How a signing time is printed after "Date:" in a signature block."""
    utc = datetime.fromisoformat(iso_z(at).replace("Z", "+00:00"))
    return f"{utc:%B} {utc.day}, {utc.year}, {utc:%H:%M} UTC"


def signature_events(events: Sequence[LogEvent], capture: SignatureCapture) -> list[LogEvent]:
    """The log events that record exactly this signature (normally one)."""
    return [e for e in events if e.actor == capture.party and capture.matches_payload(e.payload)]


def completion_record(
    doc: AgreementDocument,
    signatures: Mapping[str, SignatureCapture],
    events: Sequence[LogEvent],
    seal: SealIdentity,
) -> CompletionRecord:
    """Match every signature line with its capture and its log event, and build the record.

    Raises :class:`SignatureError` when a line is unsigned, a capture has no
    matching event in the log, a signature was made for someone other than
    the person printed under its line (a typed name, or the recorded
    ``signer_name``, that is not that name), the signers signed different
    versions, or the log's hash chain is broken.
    """
    from ..store import verify_chain

    if not events:
        raise SignatureError("the case log is empty; signatures must be recorded in the store before sealing")
    problems = verify_chain(list(events))
    if problems:
        raise SignatureError(f"the case log is broken, refusing to seal: {problems[0]}")
    # Only the parents' and the mediator's lines are signed here; counsel, the
    # agency, the judge and a notary sign the printed copy.
    flow_lines = [line for line in doc.signatures if line.signs_electronically]
    lines = {line.party: line for line in flow_lines}
    extra = sorted(set(signatures) - set(lines))
    if extra:
        raise SignatureError(f"signature(s) for {', '.join(extra)} but the agreement has no signature line for them", field_path="signatures")
    signers: list[SignerEntry] = []
    drafts: dict[str, str] = {}
    for line in flow_lines:
        capture = signatures.get(line.party)
        if capture is None:
            raise SignatureError(f"{line.printed_name} ({line.role}) has not signed", field_path=f"signatures.{line.party}")
        if capture.party != line.party:
            raise SignatureError(f"holds the signature of party {capture.party!r}", field_path=f"signatures.{line.party}")
        matching = signature_events(events, capture)
        if not matching:
            raise SignatureError(
                "no event in the case log records this signature (log it with to_event_payload before sealing)",
                field_path=f"signatures.{line.party}",
            )
        event = matching[-1]
        _check_name_on_line(line, capture)
        drafts[line.party] = str(event.payload.get("draft_sha256"))
        signers.append(_signer_entry(line, capture, event))
    if len(set(drafts.values())) != 1:
        detail = ", ".join(f"{party}: {digest[:12]}…" for party, digest in drafts.items())
        raise SignatureError(f"the signers signed different versions of the agreement ({detail})", field_path="signatures")
    consents = {c.consent_sha256: c.consent_text for c in signatures.values()}
    return CompletionRecord(
        case_id=events[0].case_id,
        title=doc.title,
        draft_sha256=next(iter(drafts.values())),
        signers=tuple(signers),
        consents=dict(sorted(consents.items())),
        events=tuple(_event_entry(e) for e in events),
        final_hash=events[-1].hash,
        seal=seal,
    )


def _check_name_on_line(line: SignatureLine, capture: SignatureCapture) -> None:
    where = f"signatures.{line.party}"
    if capture.signer_name is not None and not names_match(capture.signer_name, line.printed_name):
        raise SignatureError(f"was made for {capture.signer_name}, but the signature line is for {line.printed_name}", field_path=where)
    if capture.method == "typed" and not names_match(capture.typed_name, line.printed_name):
        raise SignatureError(f"the typed name {capture.typed_name!r} is not {line.printed_name}, the name printed under the signature line", field_path=where)


def _signer_entry(line: SignatureLine, capture: SignatureCapture, event: LogEvent) -> SignerEntry:
    client = event.payload.get("client") or {}
    return SignerEntry(
        party=line.party,
        role=line.role,
        printed_name=line.printed_name,
        method=capture.method,
        typed_name=capture.typed_name,
        intent=capture.intent,
        consent_sha256=capture.consent_sha256,
        image_sha256=capture.image_sha256,
        signed_at=event.at_iso,
        ip=client.get("ip"),
        user_agent=client.get("user_agent"),
        event_seq=event.seq,
        legal_name=line.printed_name,  # the party's name in the signed draft (_check_name_on_line held the signature to it)
    )


def _event_entry(event: LogEvent) -> dict[str, Any]:
    entry = event.to_record()
    if is_signature_payload(event.payload):
        entry["payload"] = event.payload
    return entry


def record_event_problems(record: CompletionRecord) -> list[str]:
    """Check the record's own log: the hash chain (as :func:`.store.verify_chain` does,
    from the payload hashes) and that each embedded payload matches its hash."""
    from ..store import ZERO_HASH, event_hash

    problems: list[str] = []
    previous, expected = ZERO_HASH, 1
    for entry in record.events:
        try:
            seq, kind = int(entry["seq"]), str(entry["kind"])
            label = f"event {seq} ({kind})"
            if seq != expected:
                problems.append(f"{label}: expected event {expected} (an event is missing or out of order)")
            if entry["prev_hash"] != previous:
                problems.append(f"{label}: prev_hash does not match the hash of the event before it")
            computed = event_hash(
                seq=seq,
                case_id=str(entry["case_id"]),
                kind=kind,
                actor=str(entry["actor"]),
                at=str(entry["at"]),
                prev_hash=str(entry["prev_hash"]),
                payload_digest=str(entry["payload_sha256"]),
            )
            if computed != entry["hash"]:
                problems.append(f"{label}: hash does not match the event's fields")
            if "payload" in entry and payload_sha256(entry["payload"]) != entry["payload_sha256"]:
                problems.append(f"{label}: the attached signature content does not match its hash")
            if entry["case_id"] != record.case_id:
                problems.append(f"{label}: belongs to case {entry['case_id']!r}, not {record.case_id!r}")
            previous, expected = str(entry["hash"]), seq + 1
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"event entry {entry!r:.60}: malformed ({exc!r})")
            break
    if record.events and record.final_hash != record.events[-1].get("hash"):
        problems.append("the final hash is not the hash of the last event")
    return problems


# --------------------------------------------------------------------------- the page


def certificate_data(record: CompletionRecord, signatures: Mapping[str, SignatureCapture], *, legal_note: str = LEGAL_NOTE) -> dict[str, Any]:
    """The JSON the Typst template receives."""
    actor_names = {s.party: s.printed_name + (" (mediator)" if s.party == "mediator" else "") for s in record.signers}
    actor_names.setdefault("system", "system")
    shown_to: dict[str, list[str]] = {}
    for s in record.signers:
        shown_to.setdefault(s.consent_sha256, []).append(s.printed_name)
    last = max((s.signed_at for s in record.signers), default="")
    return {
        "title": record.title,
        "case_id": record.case_id,
        "draft_sha256": record.draft_sha256,
        "completed_at_text": _utc_text(last) if last else "",
        "seal": vars(record.seal),
        "record_name": RECORD_NAME,
        "legal_note": legal_note,
        "signers": [
            {
                "printed_name": s.printed_name,
                "role": s.role,
                "method_text": "drawn on screen" if s.method == "drawn" else "typed name",
                "signed_at_text": _utc_text(s.signed_at),
                "ip_text": s.ip or "not recorded",
                "user_agent_text": s.user_agent or "not recorded",
                "consent_sha256": s.consent_sha256,
                "intent": s.intent,
                "event_seq": s.event_seq,
                "typed_name": s.typed_name,
                # What was typed, or for a drawn signature the legal name it was made for.
                "name_label": "Typed" if s.method == "typed" else "Signed for",
                "name_text": (s.typed_name or "") if s.method == "typed" else s.signed_for,
                "image_png": _display_image(signatures[s.party]),
            }
            for s in record.signers
        ],
        "consents": [{"sha256": h, "text": t, "shown_to": ", ".join(shown_to.get(h, []))} for h, t in record.consents.items()],
        "events": [
            {
                "seq": e["seq"],
                "kind": e["kind"],
                "actor_text": actor_names.get(e["actor"], e["actor"]),
                "at_text": str(e["at"]).replace("T", " ").removesuffix("Z"),
                "hash": e["hash"],
            }
            for e in record.events
        ],
        "final_hash": record.final_hash,
    }


def _display_image(capture: SignatureCapture) -> list[int] | None:
    """The drawn signature cropped to its strokes, as byte values for Typst."""
    from .signatures import trimmed_signature_png

    return list(trimmed_signature_png(capture.image_png)) if capture.image_png is not None else None


def _utc_text(iso: str) -> str:
    return iso.replace("T", " ").removesuffix("Z") + " UTC"


def render_certificate(
    record: CompletionRecord,
    signatures: Mapping[str, SignatureCapture],
    *,
    timestamp: int | None = None,
    legal_note: str = LEGAL_NOTE,
) -> bytes:
    """Typeset the Certificate of Completion pages (PDF/A-2b, untagged: they are appended to a tagged agreement)."""
    return typeset(
        TEMPLATE_NAME,
        {"record": certificate_data(record, signatures, legal_note=legal_note)},
        what="the certificate of completion",
        timestamp=timestamp if timestamp is not None else 0,
        tagged=False,
    )
