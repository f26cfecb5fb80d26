"""The case's append-only event log: canonical JSON, the event hash, the chain check and its MACs.

Pure functions and one frozen record, no database: ``verify.py`` and the
Certificate of Completion check a log with the same rules the store writes it
by.  The hash formula is documented in :mod:`.store`.

Two chains run through a case's log.  The public one is SHA-256
(:func:`event_hash`): anyone can recompute it, which is why the sealed PDF can
carry it, and why on its own it cannot stop someone with write access to the
database from cutting off the last events and pointing the case's head at the
new last one.  The second is an HMAC-SHA256 chain (:func:`event_mac`,
:func:`head_mac`) under a key derived from the store key
(:func:`.keys.derive_log_mac_key`) that never enters the database: each event
carries a MAC over its hash and the MAC before it, and the case row carries a
MAC over its head (last sequence number, hash, MAC and status).  Without the
key nobody can make a head MAC for a shortened or rewritten log.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from ..errors import StoreError

ZERO_HASH = "0" * 64
"""``prev_hash`` of a case's first event."""

ACTORS = ("mediator", "a", "b", "system")
"""Who can act on a case: the mediator, parent A, parent B, or the software itself."""

Actor = Literal["mediator", "a", "b", "system"]


# --------------------------------------------------------------------------- hashing (pure)


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value that every hash in the store is taken over."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise StoreError(f"value cannot be stored as canonical JSON: {exc}") from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def payload_sha256(payload: dict[str, Any]) -> str:
    """SHA-256 of an event payload's canonical JSON (what the event hash covers)."""
    return sha256_hex(canonical_json(payload))


SALT_KEY = "salt"


def salted(payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` with 128 random bits beside it, for an event whose content is private.

    An executed agreement carries every event's ``payload_sha256`` (so anyone
    can check the chain); without a salt, a payload drawn from a small set --
    yes/no safety answers, a short note -- could be found by hashing every
    possibility.  With one, the hash says nothing about the content.
    """
    import secrets

    return {**payload, SALT_KEY: secrets.token_hex(16)}


def utc_now() -> datetime:
    """Now in UTC, microseconds dropped (the precision events are stored with)."""
    return datetime.now(UTC).replace(microsecond=0)


def iso_z(at: datetime) -> str:
    """``2026-11-20T17:04:05Z``: the form times take inside hashes and certificates."""
    if at.tzinfo is None:
        raise StoreError(f"time {at.isoformat()} has no time zone; events are stored in UTC")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso_z(text: str) -> datetime:
    """Inverse of :func:`iso_z`."""
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise StoreError(f"stored time {text!r} is not of the form YYYY-MM-DDTHH:MM:SSZ") from None


def event_hash(
    *,
    seq: int,
    case_id: str,
    kind: str,
    actor: str,
    at: datetime | str,
    prev_hash: str,
    payload: dict[str, Any] | None = None,
    payload_digest: str | None = None,
) -> str:
    """The hash of one event.  Give the plaintext ``payload``, or its ``payload_digest``
    (:func:`payload_sha256`) when only that is known (e.g. read from a certificate)."""
    if (payload is None) == (payload_digest is None):
        raise TypeError("event_hash needs exactly one of payload= or payload_digest=")
    digest = payload_digest if payload_digest is not None else payload_sha256(payload or {})
    when = at if isinstance(at, str) else iso_z(at)
    return sha256_hex(
        canonical_json(
            {"seq": seq, "case_id": case_id, "kind": kind, "actor": actor, "at": when, "payload_sha256": digest, "prev_hash": prev_hash}
        )
    )


@dataclass(frozen=True)
class LogEvent:
    """One entry of a case's append-only log, payload decrypted.

    ``hash`` is the hash *as stored*; :func:`verify_chain` recomputes it from the
    other fields, so an edited row shows up as a mismatch.
    """

    seq: int
    case_id: str
    kind: str
    actor: str
    at: datetime
    payload: dict[str, Any]
    prev_hash: str
    hash: str
    mac: str | None = None
    """The event's HMAC (:func:`event_mac`) as stored; ``None`` in a store without a key."""

    @property
    def payload_sha256(self) -> str:
        return payload_sha256(self.payload)

    @property
    def at_iso(self) -> str:
        return iso_z(self.at)

    def computed_hash(self) -> str:
        """The hash this event's content gives (equal to :attr:`hash` unless altered)."""
        return event_hash(
            seq=self.seq, case_id=self.case_id, kind=self.kind, actor=self.actor, at=self.at, prev_hash=self.prev_hash, payload=self.payload
        )

    def to_record(self) -> dict[str, Any]:
        """The hashed fields without the payload (what a certificate page can print)."""
        return {
            "seq": self.seq,
            "case_id": self.case_id,
            "kind": self.kind,
            "actor": self.actor,
            "at": self.at_iso,
            "payload_sha256": self.payload_sha256,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def verify_chain(events: list[LogEvent], *, after_seq: int = 0, after_hash: str = ZERO_HASH) -> list[str]:
    """Every problem with a case's log, in order; an empty list means intact.

    Checks that sequence numbers run 1, 2, 3... without gaps (a gap is a deleted
    event), that all events belong to one case, that each ``prev_hash`` is the
    hash of the event before, and that each stored hash matches the event's
    content (a mismatch is an edited event).  ``after_seq``/``after_hash`` check
    only the events after a head verified earlier.
    """
    problems: list[str] = []
    previous_hash = after_hash
    expected_seq = after_seq + 1
    case_ids = {e.case_id for e in events}
    if len(case_ids) > 1:
        problems.append(f"events from more than one case: {', '.join(sorted(case_ids))}")
    for event in events:
        label = f"event {event.seq} ({event.kind})"
        if event.seq != expected_seq:
            if event.seq > expected_seq:
                missing = f"{expected_seq}" if event.seq == expected_seq + 1 else f"{expected_seq}-{event.seq - 1}"
                problems.append(f"event(s) {missing} missing before {label}: deleted from the log")
            else:
                problems.append(f"{label} is out of order or duplicated (expected event {expected_seq})")
        if event.prev_hash != previous_hash:
            problems.append(f"{label}: prev_hash does not match the hash of the event before it (the chain is broken here)")
        if event.computed_hash() != event.hash:
            problems.append(f"{label}: stored hash does not match the event's content (the event was edited)")
        previous_hash = event.hash
        expected_seq = event.seq + 1
    return problems


# --------------------------------------------------------------------------- the MAC chain (needs the store's MAC key)


def _mac(key: bytes, fields: dict[str, Any]) -> str:
    return hmac.new(key, canonical_json(fields), hashlib.sha256).hexdigest()


def event_mac(key: bytes, *, case_id: str, seq: int, event_hash: str, prev_mac: str) -> str:
    """HMAC-SHA256 of one event: over its hash (which covers everything else) and the
    MAC of the event before it (:data:`ZERO_HASH` for the first)."""
    return _mac(key, {"purpose": "event", "case_id": case_id, "seq": seq, "hash": event_hash, "prev_mac": prev_mac})


def head_mac(key: bytes, *, case_id: str, seq: int, event_hash: str, mac: str, status: str) -> str:
    """HMAC-SHA256 of a case's head: the last event's number, hash and MAC and the case's
    status.  Its ``purpose`` differs from :func:`event_mac`'s, so no event MAC stored in
    the log can be copied into the head."""
    return _mac(key, {"purpose": "head", "case_id": case_id, "seq": seq, "hash": event_hash, "mac": mac, "status": status})


def mac_problems(
    events: list[LogEvent],
    key: bytes,
    *,
    case_id: str,
    head_seq: int,
    head_hash: str,
    head_status: str,
    stored_head_mac: str | None,
    after_mac: str = ZERO_HASH,
) -> list[str]:
    """Every event whose MAC is missing or wrong, and whether the case's head carries the right MAC.

    Run after :func:`verify_chain` and the head check: those say *what* changed;
    this says whether whoever changed it held the store key.  A log cut short
    with its head rewritten passes both of those, but not this.  ``after_mac``
    is the MAC of the event before ``events[0]`` when only a tail is checked.
    """
    problems: list[str] = []
    missing: list[int] = []
    previous = after_mac
    for event in events:
        if event.mac is None:
            missing.append(event.seq)
        elif not hmac.compare_digest(event.mac, event_mac(key, case_id=case_id, seq=event.seq, event_hash=event.hash, prev_mac=previous)):
            problems.append(f"event {event.seq} ({event.kind}): its MAC does not match: the event was written or rewritten without the store key")
        previous = event.mac or ""
    if missing:
        numbers = ", ".join(str(n) for n in missing[:5]) + (", …" if len(missing) > 5 else "")
        problems.insert(0, f"event(s) {numbers} carry no MAC: written without the store key (or the log was not intact when the store was upgraded)")
    last_mac = events[-1].mac if events else after_mac
    if stored_head_mac is None:
        problems.append("the head of the log carries no MAC: it was written without the store key (or the log was not intact when the store was upgraded)")
    elif last_mac is None or not hmac.compare_digest(
        stored_head_mac, head_mac(key, case_id=case_id, seq=head_seq, event_hash=head_hash, mac=last_mac, status=head_status)
    ):
        problems.append(
            f"the head of the log (event {head_seq}, status '{head_status}') does not carry the store's MAC: "
            "the log was cut short, or its head or status rewritten, by someone without the store key"
        )
    return problems
