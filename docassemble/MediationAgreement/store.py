"""The case store: cases, immutable drafts and a hash-chained event log.

One SQLite file by default; the same code runs on PostgreSQL (a docassemble
server's database) through SQLAlchemy Core.  Everything a review round does is
an *event* appended to the case's log (draft issued, comment, approval,
request for changes, signature, finalisation...).  Each event carries the hash
of the one before it, so editing or deleting a stored event is detected by
:func:`verify_chain`; the case row also keeps the head of the chain, so
deleting the *last* events is detected too (:meth:`CaseStore.audit`).

Hash of an event (shared with ``verify.py`` and the Certificate of Completion)::

    sha256_hex(canonical_json({
        "seq": 3, "case_id": "c-...", "kind": "comment", "actor": "a",
        "at": "2026-11-20T17:04:05Z",
        "payload_sha256": sha256_hex(canonical_json(payload)),
        "prev_hash": "<hash of event 2>"}))

``canonical_json`` is ``json.dumps(obj, sort_keys=True, separators=(",", ":"))``
(ASCII escapes, no NaN) encoded as UTF-8; the first event's ``prev_hash`` is 64
zeros.

Encryption at rest: names, addresses, incomes, comments and documents (the case
answers, the rendered drafts, event payloads, signature images, the executed
PDF and the case label) are sealed with AES-256-GCM under the key from
configuration (``MEDIATION_STORE_KEY``, urlsafe base64 of 32 bytes).  Each
value's associated data names where it belongs (``event:<case>:<seq>``...), so a
ciphertext copied to another row fails to open.  Hashes, sequence numbers,
kinds, actors and times stay in clear: they are what lets anyone check the
chain.  A store created without a key (development only) says so in its
metadata and refuses to open unless plaintext is explicitly allowed.

Concurrency: every write to a case happens inside :meth:`CaseStore.session`
with ``write=True``, which takes the case's lock first — ``BEGIN IMMEDIATE``
on SQLite, ``SELECT ... FOR UPDATE`` on the case row on PostgreSQL — so two
parents commenting at the same moment are appended one after the other and
neither comment is lost.  Rules that must hold when an event is appended
(approval of the *current* draft, both approvals before a signature...) are
checked inside that same session.

Example::

    store = open_store("sqlite:///cases.db", key=generate_key())
    case_id = store.create_case("Rivera / Rivera", {"case_sha256": "..."})
    with store.session(case_id, write=True) as s:
        s.append("comment", "a", {"draft": 1, "section": "4.2", "text": "..."})
    assert verify_chain(store.events(case_id)) == []
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from .errors import ConfigError, StoreError

ZERO_HASH = "0" * 64
"""``prev_hash`` of a case's first event."""

ACTORS = ("mediator", "a", "b", "system")
"""Who can act on a case: the mediator, parent A, parent B, or the software itself."""

Actor = Literal["mediator", "a", "b", "system"]

SCHEMA_VERSION = "1"
DEFAULT_URL = "sqlite:///mediation-cases.db"
URL_ENV = "MEDIATION_STORE_URL"
KEY_ENV = "MEDIATION_STORE_KEY"
KEY_FILE_ENV = "MEDIATION_STORE_KEY_FILE"
_KEY_CHECK = b"docassemble.MediationAgreement case store key check"
_PLAIN = b"\x00"
_SEALED = b"\x01"


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


def verify_chain(events: list[LogEvent]) -> list[str]:
    """Every problem with a case's log, in order; an empty list means intact.

    Checks that sequence numbers run 1, 2, 3... without gaps (a gap is a deleted
    event), that all events belong to one case, that each ``prev_hash`` is the
    hash of the event before, and that each stored hash matches the event's
    content (a mismatch is an edited event).
    """
    problems: list[str] = []
    previous_hash = ZERO_HASH
    expected_seq = 1
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


# --------------------------------------------------------------------------- keys and encryption


def generate_key() -> str:
    """A new store key: urlsafe base64 of 32 random bytes (give it as ``MEDIATION_STORE_KEY``)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def parse_key(value: str | bytes, *, source: str = KEY_ENV) -> bytes:
    """Decode a configured key; raw 32 bytes are accepted as they are."""
    if isinstance(value, bytes) and len(value) == 32:
        return value
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    text = text.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32 or not text:
        raise ConfigError(
            f"{source} is not a valid store key: expected urlsafe base64 of 32 bytes",
            hint="make one with `mediation-agreement case keygen`",
        )
    return raw


class FieldCipher:
    """AES-256-GCM for values at rest; the identity (marked as plaintext) without a key."""

    def __init__(self, key: bytes | None) -> None:
        self.encrypted = key is not None
        if key is not None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            self._aead: Any = AESGCM(key)

    def seal(self, data: bytes, where: str) -> bytes:
        if not self.encrypted:
            return _PLAIN + data
        nonce = os.urandom(12)
        return _SEALED + nonce + bytes(self._aead.encrypt(nonce, data, where.encode("utf-8")))

    def open(self, blob: bytes, where: str) -> bytes:
        from cryptography.exceptions import InvalidTag

        blob = bytes(blob)
        marker, body = blob[:1], blob[1:]
        if marker == _PLAIN:
            if self.encrypted:
                raise StoreError(f"{where}: stored in plaintext inside an encrypted store (written by something else)")
            return body
        if marker != _SEALED:
            raise StoreError(f"{where}: stored value is damaged (unknown format)")
        if not self.encrypted:
            raise ConfigError(f"{where}: the value is encrypted but no store key was given", hint=f"set {KEY_ENV}")
        try:
            return bytes(self._aead.decrypt(body[:12], body[12:], where.encode("utf-8")))
        except InvalidTag:
            raise StoreError(f"{where}: encrypted value fails authentication (altered, moved from another row, or sealed with another key)") from None


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class CaseRecord:
    """A case's row: its id, label (decrypted), status and the head of its log."""

    case_id: str
    label: str
    status: str
    created_at: datetime
    head_seq: int
    head_hash: str


@dataclass(frozen=True)
class DraftRecord:
    """One immutable draft version: the case answers it was built from, the clause
    versions, the document model, the rendered PDF and the PDF's SHA-256."""

    case_id: str
    number: int
    created_at: datetime
    sha256: str
    case_data: dict[str, Any]
    document: dict[str, Any]
    pdf: bytes
    libraries: dict[str, Any]


@dataclass(frozen=True)
class TokenRecord:
    """A party's access token; only its SHA-256 is stored, ``token_id`` is a short public name."""

    token_id: str
    case_id: str
    party: str
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    spent_at: datetime | None = None


@dataclass(frozen=True)
class FinalRecord:
    """The executed (signed and sealed) agreement."""

    case_id: str
    draft: int
    created_at: datetime
    sha256: str
    pdf: bytes


# --------------------------------------------------------------------------- schema


def _tables() -> tuple[Any, ...]:
    from sqlalchemy import Column, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text, UniqueConstraint

    md = MetaData()
    meta = Table("ma_meta", md, Column("key", String(64), primary_key=True), Column("value", LargeBinary, nullable=False))
    cases = Table(
        "ma_cases",
        md,
        Column("case_id", String(40), primary_key=True),
        Column("created_at", String(20), nullable=False),
        Column("status", String(20), nullable=False),
        Column("label", LargeBinary, nullable=False),
        Column("head_seq", Integer, nullable=False),
        Column("head_hash", String(64), nullable=False),
    )
    events = Table(
        "ma_events",
        md,
        Column("case_id", String(40), ForeignKey("ma_cases.case_id"), primary_key=True),
        Column("seq", Integer, primary_key=True, autoincrement=False),
        Column("at", String(20), nullable=False),
        Column("kind", String(40), nullable=False),
        Column("actor", String(16), nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False),
    )
    drafts = Table(
        "ma_drafts",
        md,
        Column("case_id", String(40), ForeignKey("ma_cases.case_id"), primary_key=True),
        Column("number", Integer, primary_key=True, autoincrement=False),
        Column("created_at", String(20), nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("case_data", LargeBinary, nullable=False),
        Column("document", LargeBinary, nullable=False),
        Column("pdf", LargeBinary, nullable=False),
        Column("libraries", Text, nullable=False),
    )
    tokens = Table(
        "ma_tokens",
        md,
        Column("token_hash", String(64), primary_key=True),
        Column("token_id", String(16), nullable=False),
        Column("case_id", String(40), ForeignKey("ma_cases.case_id"), nullable=False, index=True),
        Column("party", String(16), nullable=False),
        Column("issued_at", String(20), nullable=False),
        Column("expires_at", String(20), nullable=False),
        Column("revoked_at", String(20)),
        Column("spent_at", String(20)),
        UniqueConstraint("token_id", name="uq_ma_tokens_token_id"),
    )
    blobs = Table(
        "ma_blobs",
        md,
        Column("case_id", String(40), ForeignKey("ma_cases.case_id"), primary_key=True),
        Column("sha256", String(64), primary_key=True),
        Column("data", LargeBinary, nullable=False),
    )
    finals = Table(
        "ma_finals",
        md,
        Column("case_id", String(40), ForeignKey("ma_cases.case_id"), primary_key=True),
        Column("draft", Integer, nullable=False),
        Column("created_at", String(20), nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("pdf", LargeBinary, nullable=False),
    )
    return md, meta, cases, events, drafts, tokens, blobs, finals


def redact_url(url: str) -> str:
    """The store URL with any password hidden, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL we cannot parse is shown without its credentials part
        return url.split("@")[-1]


# --------------------------------------------------------------------------- the store


class CaseStore:
    """Cases, drafts, tokens and the event log in one SQL database.

    ``url`` is an SQLAlchemy URL (``sqlite:///path.db`` or
    ``postgresql://user@host:port/db``); ``key`` the 32-byte store key (or its
    base64 text).  Without a key a *new* store is created only when
    ``allow_plaintext`` is true (development); ``create=False`` refuses to
    create one at all (``verify --store`` uses that).  ``clock`` returns the
    current UTC time (tests fix it).

    :meth:`events` returns the events as stored and does **not** raise when a
    row was altered: call :func:`verify_chain` (or :meth:`audit`, which adds
    the head check and undecryptable payloads) to find out.  Writes refuse to
    append to a chain that no longer verifies.
    """

    def __init__(
        self,
        url: str,
        key: bytes | str | None,
        *,
        allow_plaintext: bool = False,
        create: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.url = url
        self.display_url = redact_url(url)
        self.clock = clock or utc_now
        raw_key = parse_key(key) if key is not None else None
        _refuse_before_connecting(url, raw_key, allow_plaintext=allow_plaintext, create=create)
        self._engine = _make_engine(url)
        (self._md, self._meta, self._cases, self._events, self._drafts, self._tokens, self._blobs, self._finals) = _tables()
        try:
            self.cipher = self._open_or_create(raw_key, allow_plaintext=allow_plaintext, create=create)
        except BaseException:
            self._engine.dispose()
            raise

    # ----------------------------------------------------------------- opening

    def _open_or_create(self, key: bytes | None, *, allow_plaintext: bool, create: bool) -> FieldCipher:
        from sqlalchemy import inspect, select
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self._engine.connect() as conn:
                exists = inspect(conn).has_table("ma_meta")
                meta = dict(conn.execute(select(self._meta.c.key, self._meta.c.value)).all()) if exists else {}
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the case store at {self.display_url}: {_first_line(exc)}") from None
        if not meta:
            if not create:
                raise StoreError(f"no case store at {self.display_url}", hint=f"check --store / {URL_ENV}")
            if key is None and not allow_plaintext:
                raise ConfigError(
                    f"no encryption key: refusing to create a case store at {self.display_url} that would keep names, "
                    "addresses, incomes and comments unencrypted",
                    hint=f"set {KEY_ENV} (make one with `mediation-agreement case keygen`) or pass --dev-plaintext for a development store",
                )
            cipher = FieldCipher(key)
            try:
                self._md.create_all(self._engine)
                with self._engine.begin() as conn:
                    conn.execute(
                        self._meta.insert(),
                        [
                            {"key": "schema", "value": SCHEMA_VERSION.encode()},
                            {"key": "encryption", "value": b"aes-256-gcm" if key else b"none"},
                            {"key": "key_check", "value": cipher.seal(_KEY_CHECK, "meta:key_check")},
                        ],
                    )
            except SQLAlchemyError as exc:
                raise StoreError(f"cannot create the case store at {self.display_url}: {_first_line(exc)}") from None
            return cipher
        schema = meta.get("schema", b"?").decode()
        if schema != SCHEMA_VERSION:
            raise StoreError(f"case store at {self.display_url} has schema version {schema}; this version reads {SCHEMA_VERSION}")
        if meta.get("encryption") == b"none":
            if not allow_plaintext:
                raise ConfigError(
                    f"the case store at {self.display_url} was created without encryption (development only)",
                    hint="pass --dev-plaintext to open it",
                )
            return FieldCipher(None)
        if key is None:
            raise ConfigError(
                f"the case store at {self.display_url} is encrypted and no key was given",
                hint=f"set {KEY_ENV} or pass --key-file",
            )
        cipher = FieldCipher(key)
        try:
            ok = cipher.open(meta.get("key_check", b""), "meta:key_check") == _KEY_CHECK
        except StoreError:
            ok = False
        if not ok:
            raise ConfigError(f"wrong encryption key: the key given does not open the case store at {self.display_url}", hint=f"check {KEY_ENV}")
        return cipher

    @property
    def encrypted(self) -> bool:
        return self.cipher.encrypted

    @property
    def dialect(self) -> str:
        return str(self._engine.dialect.name)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- cases

    @contextmanager
    def new_case(self, label: str) -> Iterator[CaseSession]:
        """Create a case and yield a write session on it: whatever the block stores
        (its first events, files, tokens) is committed together with the case, or
        nothing is."""
        case_id = "c-" + base64.b32encode(secrets.token_bytes(5)).decode("ascii").lower()
        now = self.clock().replace(microsecond=0)
        with self._transaction(write=True) as conn:
            conn.execute(
                self._cases.insert().values(
                    case_id=case_id,
                    created_at=iso_z(now),
                    status="open",
                    label=self.cipher.seal(label.encode("utf-8"), f"case:{case_id}:label"),
                    head_seq=0,
                    head_hash=ZERO_HASH,
                )
            )
            yield CaseSession(self, conn, case_id, write=True)

    def create_case(self, label: str, payload: dict[str, Any], *, actor: Actor = "mediator") -> str:
        """Create a case whose first event is ``case_opened`` with ``payload``; return its id."""
        with self.new_case(label) as session:
            session.append("case_opened", actor, payload)
            return session.case_id

    def cases(self) -> list[CaseRecord]:
        from sqlalchemy import select

        with self._transaction(write=False) as conn:
            rows = conn.execute(select(self._cases).order_by(self._cases.c.created_at, self._cases.c.case_id)).all()
            return [self._case_record(row) for row in rows]

    def case(self, case_id: str) -> CaseRecord:
        with self.session(case_id) as s:
            return s.record

    def events(self, case_id: str) -> list[LogEvent]:
        """The case's log in order, as stored (see the class docstring)."""
        with self.session(case_id) as s:
            return s.events()

    def audit(self, case_id: str) -> list[str]:
        """Every problem with the case's log: :func:`verify_chain` plus the head check
        (deleted trailing events) and payloads that no longer decrypt."""
        with self.session(case_id) as s:
            return s.audit()

    @contextmanager
    def session(self, case_id: str, *, write: bool = False) -> Iterator[CaseSession]:
        """One transaction on one case; with ``write=True`` it holds the case's lock.

        Raises :class:`StoreError` for an unknown case.  Nothing is stored unless
        the block finishes without an exception.
        """
        with self._transaction(write=write) as conn:
            yield CaseSession(self, conn, case_id, write=write)

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Any]:
        from sqlalchemy.exc import IntegrityError, SQLAlchemyError

        try:
            with self._engine.connect() as conn:
                conn = conn.execution_options(ma_write=write)
                with conn.begin():
                    yield conn
        except IntegrityError as exc:
            raise StoreError(f"the case store refused a write (a concurrent change?); nothing was changed: {_first_line(exc)}") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"case store error at {self.display_url}; nothing was changed: {_first_line(exc)}") from None

    def _case_record(self, row: Any) -> CaseRecord:
        return CaseRecord(
            case_id=row.case_id,
            label=self.cipher.open(row.label, f"case:{row.case_id}:label").decode("utf-8"),
            status=row.status,
            created_at=parse_iso_z(row.created_at),
            head_seq=row.head_seq,
            head_hash=row.head_hash,
        )

    def token_lookup(self, token_hash: str) -> TokenRecord | None:
        """The token with this SHA-256, whichever case it belongs to."""
        with self._transaction(write=False) as conn:
            return CaseSession(self, conn, "", write=False, check_case=False).token_by_hash(token_hash)


class CaseSession:
    """What can be read and written about one case inside one transaction."""

    def __init__(self, store: CaseStore, conn: Any, case_id: str, *, write: bool, check_case: bool = True) -> None:
        self.store = store
        self.conn = conn
        self.case_id = case_id
        self.write = write
        self._events: list[LogEvent] | None = None
        self._unreadable: list[str] = []
        self._audit: list[str] | None = None
        self._intact_checked = False
        self.record: CaseRecord
        if check_case:
            self.record = self._load_record()

    def _load_record(self) -> CaseRecord:
        from sqlalchemy import select

        cases = self.store._cases
        query = select(cases).where(cases.c.case_id == self.case_id)
        if self.write and self.conn.dialect.name != "sqlite":
            query = query.with_for_update()  # the per-case lock row (SQLite: BEGIN IMMEDIATE)
        row = self.conn.execute(query).first()
        if row is None:
            raise StoreError(f"unknown case '{self.case_id}'", hint="`mediation-agreement case show` lists nothing for it; check the id")
        return self.store._case_record(row)

    @property
    def cipher(self) -> FieldCipher:
        return self.store.cipher

    def _now(self) -> datetime:
        return self.store.clock().replace(microsecond=0)

    def _require_write(self) -> None:
        if not self.write:
            raise RuntimeError("this session was opened read-only")

    # ----------------------------------------------------------------- events

    def events(self) -> list[LogEvent]:
        from sqlalchemy import select

        if self._events is None:
            t = self.store._events
            rows = self.conn.execute(select(t).where(t.c.case_id == self.case_id).order_by(t.c.seq)).all()
            events = []
            self._unreadable = []
            for row in rows:
                where = f"event:{row.case_id}:{row.seq}"
                try:
                    payload = json.loads(self.cipher.open(row.payload, where))
                    if not isinstance(payload, dict):
                        raise StoreError(f"{where}: payload is not a mapping")
                except (StoreError, ValueError) as exc:
                    self._unreadable.append(f"event {row.seq} ({row.kind}): {exc}")
                    payload = {"_unreadable": True}
                events.append(
                    LogEvent(
                        seq=row.seq,
                        case_id=row.case_id,
                        kind=row.kind,
                        actor=row.actor,
                        at=_parse_time_lenient(row.at),
                        payload=payload,
                        prev_hash=row.prev_hash,
                        hash=row.hash,
                    )
                )
            self._events = events
        return list(self._events)

    def audit(self) -> list[str]:
        if self._audit is not None:
            return list(self._audit)
        events = self.events()
        problems = list(self._unreadable) + verify_chain(events)
        last_seq = events[-1].seq if events else 0
        last_hash = events[-1].hash if events else ZERO_HASH
        if self.record.head_seq > last_seq:
            problems.append(f"the case records {self.record.head_seq} events but the log ends at event {last_seq}: events were deleted")
        elif self.record.head_seq < last_seq:
            problems.append(f"the log has events after event {self.record.head_seq}, the last one the case records: events were inserted")
        elif self.record.head_hash != last_hash:
            problems.append(f"the hash of event {last_seq} differs from the one the case records: the last event was altered")
        self._audit = problems
        return list(problems)

    def require_intact(self) -> None:
        """Refuse to go on if the log no longer verifies (nothing is appended to a broken chain)."""
        if self._intact_checked:
            return
        problems = self.audit()
        if problems:
            raise StoreError(
                f"the event log of case '{self.case_id}' has been altered; nothing was changed: {problems[0]}",
                hint=f"`mediation-agreement case log {self.case_id}` lists every problem",
            )
        self._intact_checked = True

    def append(self, kind: str, actor: str, payload: dict[str, Any]) -> LogEvent:
        """Append one event at the head of the chain (inside this session's lock)."""
        self._require_write()
        if actor not in ACTORS:
            raise StoreError(f"unknown actor '{actor}' (one of {', '.join(ACTORS)})")
        if not isinstance(payload, dict):
            raise StoreError("an event payload must be a mapping")
        body = canonical_json(payload)
        if json.loads(body) != payload:
            raise StoreError(f"event payload for '{kind}' does not survive a JSON round trip (use strings, integers, booleans, lists, mappings)")
        self.require_intact()
        events = self.events()
        seq = (events[-1].seq if events else 0) + 1
        prev = events[-1].hash if events else ZERO_HASH
        at = self._now()
        digest = event_hash(seq=seq, case_id=self.case_id, kind=kind, actor=actor, at=at, prev_hash=prev, payload=payload)
        self.conn.execute(
            self.store._events.insert().values(
                case_id=self.case_id,
                seq=seq,
                at=iso_z(at),
                kind=kind,
                actor=actor,
                payload=self.cipher.seal(body, f"event:{self.case_id}:{seq}"),
                prev_hash=prev,
                hash=digest,
            )
        )
        self._update_case(head_seq=seq, head_hash=digest)
        event = LogEvent(seq, self.case_id, kind, actor, at, json.loads(body), prev, digest)
        assert self._events is not None
        self._events.append(event)
        self._audit = None
        return event

    def _update_case(self, **values: Any) -> None:
        t = self.store._cases
        self.conn.execute(t.update().where(t.c.case_id == self.case_id).values(**values))
        self.record = self.store._case_record(self.conn.execute(t.select().where(t.c.case_id == self.case_id)).one())

    def set_status(self, status: str) -> None:
        self._require_write()
        self._update_case(status=status)

    # ----------------------------------------------------------------- drafts

    def add_draft(self, number: int, *, sha256: str, case_data: dict[str, Any], document: dict[str, Any], pdf: bytes, libraries: dict[str, Any]) -> DraftRecord:
        self._require_write()
        if sha256_hex(pdf) != sha256:
            raise StoreError(f"draft {number}: sha256 does not match the rendered document")
        at = self._now()
        where = f"draft:{self.case_id}:{number}"
        self.conn.execute(
            self.store._drafts.insert().values(
                case_id=self.case_id,
                number=number,
                created_at=iso_z(at),
                sha256=sha256,
                case_data=self.cipher.seal(canonical_json(case_data), where + ":case"),
                document=self.cipher.seal(canonical_json(document), where + ":document"),
                pdf=self.cipher.seal(pdf, where + ":pdf"),
                libraries=canonical_json(libraries).decode("ascii"),
            )
        )
        return DraftRecord(self.case_id, number, at, sha256, case_data, document, pdf, libraries)

    def draft(self, number: int) -> DraftRecord:
        """Draft ``number``, checked against its SHA-256 (raises :class:`StoreError` if missing or altered)."""
        from sqlalchemy import select

        t = self.store._drafts
        row = self.conn.execute(select(t).where(t.c.case_id == self.case_id, t.c.number == number)).first()
        if row is None:
            raise StoreError(f"case '{self.case_id}' has no draft {number}")
        where = f"draft:{self.case_id}:{number}"
        pdf = self.cipher.open(row.pdf, where + ":pdf")
        if sha256_hex(pdf) != row.sha256:
            raise StoreError(f"draft {number} of case '{self.case_id}' no longer matches its SHA-256 (altered)")
        return DraftRecord(
            case_id=self.case_id,
            number=number,
            created_at=parse_iso_z(row.created_at),
            sha256=row.sha256,
            case_data=json.loads(self.cipher.open(row.case_data, where + ":case")),
            document=json.loads(self.cipher.open(row.document, where + ":document")),
            pdf=pdf,
            libraries=json.loads(row.libraries),
        )

    def draft_numbers(self) -> list[int]:
        from sqlalchemy import select

        t = self.store._drafts
        return [r[0] for r in self.conn.execute(select(t.c.number).where(t.c.case_id == self.case_id).order_by(t.c.number)).all()]

    # ----------------------------------------------------------------- tokens

    def add_token(self, token_hash: str, record: TokenRecord) -> None:
        self._require_write()
        self.conn.execute(
            self.store._tokens.insert().values(
                token_hash=token_hash,
                token_id=record.token_id,
                case_id=record.case_id,
                party=record.party,
                issued_at=iso_z(record.issued_at),
                expires_at=iso_z(record.expires_at),
            )
        )

    def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        from sqlalchemy import select

        t = self.store._tokens
        row = self.conn.execute(select(t).where(t.c.token_hash == token_hash)).first()
        return _token_record(row) if row is not None else None

    def tokens(self) -> list[TokenRecord]:
        from sqlalchemy import select

        t = self.store._tokens
        rows = self.conn.execute(select(t).where(t.c.case_id == self.case_id).order_by(t.c.issued_at, t.c.token_id)).all()
        return [_token_record(r) for r in rows]

    def mark_token(self, token_id: str, *, revoked: bool = False, spent: bool = False) -> None:
        self._require_write()
        t = self.store._tokens
        values: dict[str, str] = {}
        if revoked:
            values["revoked_at"] = iso_z(self._now())
        if spent:
            values["spent_at"] = iso_z(self._now())
        self.conn.execute(t.update().where(t.c.case_id == self.case_id, t.c.token_id == token_id).values(**values))

    # ----------------------------------------------------------------- blobs and the final

    def add_blob(self, data: bytes) -> str:
        """Store bytes (e.g. a signature image) encrypted; returns their SHA-256."""
        from sqlalchemy import select

        self._require_write()
        digest = sha256_hex(data)
        t = self.store._blobs
        exists = self.conn.execute(select(t.c.sha256).where(t.c.case_id == self.case_id, t.c.sha256 == digest)).first()
        if exists is None:
            self.conn.execute(t.insert().values(case_id=self.case_id, sha256=digest, data=self.cipher.seal(data, f"blob:{self.case_id}:{digest}")))
        return digest

    def blob(self, digest: str) -> bytes:
        from sqlalchemy import select

        t = self.store._blobs
        row = self.conn.execute(select(t.c.data).where(t.c.case_id == self.case_id, t.c.sha256 == digest)).first()
        if row is None:
            raise StoreError(f"case '{self.case_id}' has no stored file with SHA-256 {digest[:12]}…")
        data = self.cipher.open(row.data, f"blob:{self.case_id}:{digest}")
        if sha256_hex(data) != digest:
            raise StoreError(f"stored file {digest[:12]}… of case '{self.case_id}' no longer matches its SHA-256")
        return data

    def add_final(self, draft: int, pdf: bytes) -> FinalRecord:
        self._require_write()
        at = self._now()
        digest = sha256_hex(pdf)
        self.conn.execute(
            self.store._finals.insert().values(
                case_id=self.case_id, draft=draft, created_at=iso_z(at), sha256=digest, pdf=self.cipher.seal(pdf, f"final:{self.case_id}")
            )
        )
        return FinalRecord(self.case_id, draft, at, digest, pdf)

    def final(self) -> FinalRecord | None:
        from sqlalchemy import select

        t = self.store._finals
        row = self.conn.execute(select(t).where(t.c.case_id == self.case_id)).first()
        if row is None:
            return None
        pdf = self.cipher.open(row.pdf, f"final:{self.case_id}")
        if sha256_hex(pdf) != row.sha256:
            raise StoreError(f"the executed agreement of case '{self.case_id}' no longer matches its SHA-256 (altered)")
        return FinalRecord(self.case_id, row.draft, parse_iso_z(row.created_at), row.sha256, pdf)


# --------------------------------------------------------------------------- helpers


def _token_record(row: Any) -> TokenRecord:
    return TokenRecord(
        token_id=row.token_id,
        case_id=row.case_id,
        party=row.party,
        issued_at=parse_iso_z(row.issued_at),
        expires_at=parse_iso_z(row.expires_at),
        revoked_at=parse_iso_z(row.revoked_at) if row.revoked_at else None,
        spent_at=parse_iso_z(row.spent_at) if row.spent_at else None,
    )


def _parse_time_lenient(text: str) -> datetime:
    """Read an event time; a malformed (edited) one becomes the epoch so the hash check reports it."""
    try:
        return parse_iso_z(text)
    except StoreError:
        return datetime(1970, 1, 1, tzinfo=UTC)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else exc.__class__.__name__


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite") or "///" not in url:
        return None
    path = url.split("///", 1)[1].split("?", 1)[0]
    return Path(path).expanduser() if path and not path.startswith("file:") and path != ":memory:" else None


def _refuse_before_connecting(url: str, key: bytes | None, *, allow_plaintext: bool, create: bool) -> None:
    """Refuse early for a SQLite file that does not exist, so a refusal leaves no empty file behind."""
    path = _sqlite_path(url)
    if path is None or path.exists():
        return
    if not create:
        raise StoreError(f"no case store at {url}", hint=f"check --store / {URL_ENV}")
    if key is None and not allow_plaintext:
        raise ConfigError(
            f"no encryption key: refusing to create a case store at {url} that would keep names, "
            "addresses, incomes and comments unencrypted",
            hint=f"set {KEY_ENV} (make one with `mediation-agreement case keygen`) or pass --dev-plaintext for a development store",
        )


def _make_engine(url: str) -> Any:
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        if url.startswith("sqlite"):
            if url in ("sqlite://", "sqlite:///:memory:"):
                raise ConfigError("an in-memory SQLite store would vanish at exit; give a file, e.g. sqlite:///cases.db")
            path = _sqlite_path(url)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 60})

            @event.listens_for(engine, "connect")
            def _connect(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA busy_timeout=60000")
                cursor.close()

            @event.listens_for(engine, "begin")
            def _begin(conn: Any) -> None:
                # Writers take SQLite's write lock up front, so the read of the
                # chain head and the append cannot interleave with another writer.
                conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("ma_write") else "BEGIN")

            return engine
        if url.startswith(("postgresql", "postgres")):
            if url.startswith("postgres://"):
                url = "postgresql://" + url[len("postgres://") :]
            return create_engine(url, pool_pre_ping=True)
    except NoSuchModuleError as exc:
        raise ConfigError(f"no database driver for {redact_url(url)}: {exc}") from None
    except ModuleNotFoundError as exc:
        raise ConfigError(f"the database driver for {redact_url(url)} is not installed ({exc.name})", hint="pip install psycopg2-binary") from None
    except ArgumentError as exc:
        raise ConfigError(f"not a database URL: {redact_url(url)} ({exc})") from None
    raise ConfigError(f"unsupported case store URL {redact_url(url)}: use sqlite:///FILE.db or postgresql://USER@HOST:PORT/DB")


@dataclass(frozen=True)
class StoreSettings:
    """Where the store is and how it is keyed, from options or the environment."""

    url: str = DEFAULT_URL
    key: bytes | None = None
    allow_plaintext: bool = False
    key_source: str | None = field(default=None, compare=False)

    @classmethod
    def from_env(
        cls,
        *,
        url: str | None = None,
        key_file: str | Path | None = None,
        allow_plaintext: bool = False,
        environ: dict[str, str] | None = None,
    ) -> StoreSettings:
        env = os.environ if environ is None else environ
        chosen_url = url or env.get(URL_ENV) or DEFAULT_URL
        key: bytes | None = None
        source: str | None = None
        file_name = key_file or env.get(KEY_FILE_ENV)
        if file_name:
            try:
                text = Path(file_name).read_text(encoding="ascii")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"cannot read the store key file: {exc.strerror if isinstance(exc, OSError) else exc}", path=file_name) from None
            key, source = parse_key(text, source=f"key file {file_name}"), str(file_name)
        elif env.get(KEY_ENV):
            key, source = parse_key(env[KEY_ENV]), KEY_ENV
        return cls(url=chosen_url, key=key, allow_plaintext=allow_plaintext, key_source=source)

    def open(self, *, create: bool = True, clock: Callable[[], datetime] | None = None) -> CaseStore:
        return CaseStore(self.url, self.key, allow_plaintext=self.allow_plaintext, create=create, clock=clock)


def open_store(
    url: str | None = None,
    key: bytes | str | None = None,
    *,
    key_file: str | Path | None = None,
    allow_plaintext: bool = False,
    create: bool = True,
) -> CaseStore:
    """Open (or create) a store; missing arguments come from ``MEDIATION_STORE_URL``,
    ``MEDIATION_STORE_KEY`` / ``MEDIATION_STORE_KEY_FILE``."""
    settings = StoreSettings.from_env(url=url, key_file=key_file, allow_plaintext=allow_plaintext)
    if key is not None:
        settings = StoreSettings(settings.url, parse_key(key), allow_plaintext)
    return settings.open(create=create)


__all__ = [
    "ACTORS",
    "DEFAULT_URL",
    "KEY_ENV",
    "URL_ENV",
    "ZERO_HASH",
    "CaseRecord",
    "CaseSession",
    "CaseStore",
    "DraftRecord",
    "FieldCipher",
    "FinalRecord",
    "LogEvent",
    "StoreSettings",
    "TokenRecord",
    "canonical_json",
    "event_hash",
    "generate_key",
    "iso_z",
    "open_store",
    "parse_iso_z",
    "parse_key",
    "payload_sha256",
    "sha256_hex",
    "utc_now",
    "verify_chain",
]
