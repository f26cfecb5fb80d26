"""One transaction on one case: reading and appending its log, drafts, tokens, files and the final.

A :class:`CaseSession` is opened by :meth:`.store.CaseStore.session`; with
``write=True`` it holds the case's lock for its whole life, so the checks made
before an append and the append itself cannot interleave with another writer.

Every append extends both chains of the log (see :mod:`.event_log`): the
event's SHA-256 hash and, when the store has a key, its HMAC; the case row's
head (sequence number, hash, MAC and status) is rewritten with its own MAC in
the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import StoreError
from .event_log import ACTORS, ZERO_HASH, LogEvent, canonical_json, event_hash, event_mac, head_mac, iso_z, mac_problems, parse_iso_z, sha256_hex, verify_chain
from .keys import FieldCipher
from .records import CaseRecord, DraftRecord, FinalRecord, TokenRecord

if TYPE_CHECKING:
    from .database import StoreTables


class StoreHandle(Protocol):
    """What a session needs of the store that opened it (:class:`.case_store.CaseStore` is one)."""

    tables: StoreTables
    cipher: FieldCipher
    mac_key: bytes | None
    clock: Callable[[], datetime]


def case_record_from_row(cipher: FieldCipher, row: Any) -> CaseRecord:
    """A case row, its label decrypted."""
    return CaseRecord(
        case_id=row.case_id,
        label=cipher.open(row.label, f"case:{row.case_id}:label").decode("utf-8"),
        status=row.status,
        created_at=parse_iso_z(row.created_at),
        head_seq=row.head_seq,
        head_hash=row.head_hash,
        head_mac=getattr(row, "head_mac", None),
    )


class CaseSession:
    """What can be read and written about one case inside one transaction."""

    def __init__(self, store: StoreHandle, conn: Any, case_id: str, *, write: bool, check_case: bool = True) -> None:
        self.store = store
        self.conn = conn
        self.case_id = case_id
        self.write = write
        self._events: list[LogEvent] | None = None
        self._unreadable: list[str] = []
        self._audit: list[str] | None = None
        self._intact_checked = False
        self._head: tuple[int, str, str | None] | None = None  # (seq, hash, mac) of the verified head
        self.record: CaseRecord
        if check_case:
            self.record = self._load_record()

    def _load_record(self) -> CaseRecord:
        from sqlalchemy import select

        cases = self.store.tables.cases
        query = select(cases).where(cases.c.case_id == self.case_id)
        if self.write and self.conn.dialect.name != "sqlite":
            query = query.with_for_update()  # the per-case lock row (SQLite: BEGIN IMMEDIATE)
        row = self.conn.execute(query).first()
        if row is None:
            raise StoreError(f"unknown case '{self.case_id}'", hint="`mediation-agreement case show` lists nothing for it; check the id")
        return case_record_from_row(self.store.cipher, row)

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
            t = self.store.tables.events
            rows = self.conn.execute(select(t).where(t.c.case_id == self.case_id).order_by(t.c.seq)).all()
            events = []
            self._unreadable = []
            for row in rows:
                events.append(self._event_from_row(row))
            self._events = events
        return list(self._events)

    def _event_from_row(self, row: Any) -> LogEvent:
        where = f"event:{row.case_id}:{row.seq}"
        try:
            payload = json.loads(self.cipher.open(row.payload, where))
            if not isinstance(payload, dict):
                raise StoreError(f"{where}: payload is not a mapping")
        except (StoreError, ValueError) as exc:
            self._unreadable.append(f"event {row.seq} ({row.kind}): {exc}")
            payload = {"_unreadable": True}
        return LogEvent(
            seq=row.seq,
            case_id=row.case_id,
            kind=row.kind,
            actor=row.actor,
            at=_parse_time_lenient(row.at),
            payload=payload,
            prev_hash=row.prev_hash,
            hash=row.hash,
            mac=row.mac,
        )

    def audit(self) -> list[str]:
        """Every problem with the log: :meth:`chain_audit`, then (with a key) the MAC chain and the head's MAC."""
        if self._audit is not None:
            return list(self._audit)
        problems = self.chain_audit() + self._mac_problems(self.events())
        self._audit = problems
        if problems:  # whatever finds damage stops this process's writes, whatever it verified before
            _verified_heads(self.store).pop(self.case_id, None)
        return list(problems)

    def _mac_problems(self, events: list[LogEvent], *, after_mac: str = ZERO_HASH) -> list[str]:
        """:func:`mac_problems` for ``events`` (the whole log, or the tail after ``after_mac``) and the case's head; none without a key."""
        key = self.store.mac_key
        if key is None:
            return []
        return mac_problems(
            events,
            key,
            case_id=self.case_id,
            head_seq=self.record.head_seq,
            head_hash=self.record.head_hash,
            head_status=self.record.status,
            stored_head_mac=self.record.head_mac,
            after_mac=after_mac,
        )

    def chain_audit(self) -> list[str]:
        """The public checks, which need no key: payloads that no longer decrypt,
        :func:`verify_chain`, and the head the case row records against the log's last event."""
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
        return problems

    def require_intact(self) -> None:
        """Refuse to go on if the log no longer verifies (nothing is appended to a broken chain).

        The first time a store object sees a case, the whole log is checked; after
        that only the events after the head it verified last (kept per store
        object, so per process), so appending costs the same at event 10,000 as at
        event 10.  ``verify`` and ``case log`` always check the whole log.
        """
        if self._intact_checked:
            return
        verified = _verified_heads(self.store).get(self.case_id)
        if verified is not None and self._events is None and self.record.head_seq >= verified[0]:
            problems = self._tail_audit(*verified)
        else:
            problems = self.audit()
            events = self.events()
            self._head = (events[-1].seq, events[-1].hash, events[-1].mac) if events else None
        if problems:
            _verified_heads(self.store).pop(self.case_id, None)
            raise StoreError(
                f"the event log of case '{self.case_id}' has been altered; nothing was changed: {problems[0]}",
                hint=f"`mediation-agreement case log {self.case_id}` lists every problem",
            )
        self._intact_checked = True
        self._remember_head()

    def _remember_head(self) -> None:
        if self._head is not None:
            _verified_heads(self.store)[self.case_id] = self._head

    def _tail_audit(self, seq: int, digest: str, mac: str | None) -> list[str]:
        """The checks of :meth:`audit`, on the events after ``seq`` only (verified earlier)."""
        from sqlalchemy import select

        t = self.store.tables.events
        rows = self.conn.execute(select(t).where(t.c.case_id == self.case_id, t.c.seq > seq).order_by(t.c.seq)).all()
        tail = [self._event_from_row(row) for row in rows]
        problems = list(self._unreadable) + verify_chain(tail, after_seq=seq, after_hash=digest)
        last_seq, last_hash = (tail[-1].seq, tail[-1].hash) if tail else (seq, digest)
        if self.record.head_seq != last_seq:
            problems.append(f"the case records {self.record.head_seq} events but the log ends at event {last_seq}")
        elif self.record.head_hash != last_hash:
            problems.append(f"the hash of event {last_seq} differs from the one the case records: the last event was altered")
        problems += self._mac_problems(tail, after_mac=mac or "")
        self._head = (tail[-1].seq, tail[-1].hash, tail[-1].mac) if tail else (seq, digest, mac)
        return problems

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
        head = self._head
        seq = (head[0] if head else 0) + 1
        prev = head[1] if head else ZERO_HASH
        at = self._now()
        digest = event_hash(seq=seq, case_id=self.case_id, kind=kind, actor=actor, at=at, prev_hash=prev, payload=payload)
        key = self.store.mac_key
        prev_mac = (head[2] or "") if head else ZERO_HASH
        mac = event_mac(key, case_id=self.case_id, seq=seq, event_hash=digest, prev_mac=prev_mac) if key else None
        self.conn.execute(
            self.store.tables.events.insert().values(
                case_id=self.case_id,
                seq=seq,
                at=iso_z(at),
                kind=kind,
                actor=actor,
                payload=self.cipher.seal(body, f"event:{self.case_id}:{seq}"),
                prev_hash=prev,
                hash=digest,
                mac=mac,
            )
        )
        self._update_case(head_seq=seq, head_hash=digest, head_mac=self._head_mac(seq, digest, mac, self.record.status))
        event = LogEvent(seq, self.case_id, kind, actor, at, json.loads(body), prev, digest, mac)
        if self._events is not None:
            self._events.append(event)
        self._head = (seq, digest, mac)
        self._remember_head()
        self._audit = None
        return event

    def _update_case(self, **values: Any) -> None:
        t = self.store.tables.cases
        self.conn.execute(t.update().where(t.c.case_id == self.case_id).values(**values))
        self.record = case_record_from_row(self.store.cipher, self.conn.execute(t.select().where(t.c.case_id == self.case_id)).one())

    def _head_mac(self, seq: int, digest: str, mac: str | None, status: str) -> str | None:
        key = self.store.mac_key
        if key is None:
            return None
        return head_mac(key, case_id=self.case_id, seq=seq, event_hash=digest, mac=mac or "", status=status)

    def set_status(self, status: str) -> None:
        self._require_write()
        self.require_intact()  # a new head MAC must never vouch for a log that no longer verifies
        last_mac = self._head[2] if self._head else ZERO_HASH
        self._update_case(status=status, head_mac=self._head_mac(self.record.head_seq, self.record.head_hash, last_mac, status))

    def seal_log(self) -> bool:
        """Give a log written without MACs (a version-1 store) its MAC chain and head MAC.

        Only a log that passes :meth:`chain_audit` is sealed (sealing a broken
        one would make its damage look authorised); returns whether it was.
        Used once, when a version-1 store is upgraded.
        """
        self._require_write()
        key = self.store.mac_key
        if key is None or self.chain_audit():
            return False
        t = self.store.tables.events
        previous = ZERO_HASH
        sealed = []
        for event in self.events():
            mac = event_mac(key, case_id=self.case_id, seq=event.seq, event_hash=event.hash, prev_mac=previous)
            self.conn.execute(t.update().where(t.c.case_id == self.case_id, t.c.seq == event.seq).values(mac=mac))
            sealed.append(LogEvent(event.seq, event.case_id, event.kind, event.actor, event.at, event.payload, event.prev_hash, event.hash, mac))
            previous = mac
        self._events = sealed
        self._update_case(head_mac=self._head_mac(self.record.head_seq, self.record.head_hash, previous, self.record.status))
        self._audit = None
        self._head = (sealed[-1].seq, sealed[-1].hash, sealed[-1].mac) if sealed else None
        _verified_heads(self.store).pop(self.case_id, None)
        return True

    # ----------------------------------------------------------------- drafts

    def add_draft(self, number: int, *, sha256: str, case_data: dict[str, Any], document: dict[str, Any], pdf: bytes, libraries: dict[str, Any]) -> DraftRecord:
        self._require_write()
        if sha256_hex(pdf) != sha256:
            raise StoreError(f"draft {number}: sha256 does not match the rendered document")
        at = self._now()
        where = f"draft:{self.case_id}:{number}"
        self.conn.execute(
            self.store.tables.drafts.insert().values(
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

        t = self.store.tables.drafts
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

        t = self.store.tables.drafts
        return [r[0] for r in self.conn.execute(select(t.c.number).where(t.c.case_id == self.case_id).order_by(t.c.number)).all()]

    # ----------------------------------------------------------------- tokens

    def add_token(self, token_hash: str, record: TokenRecord) -> None:
        self._require_write()
        self.conn.execute(
            self.store.tables.tokens.insert().values(
                token_hash=token_hash,
                token_id=record.token_id,
                case_id=record.case_id,
                party=record.party,
                issued_at=iso_z(record.issued_at),
                expires_at=iso_z(record.expires_at),
            )
        )

    def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        """The index row for a token's SHA-256 (case and party; its state is in the log, not here)."""
        from sqlalchemy import select

        t = self.store.tables.tokens
        row = self.conn.execute(select(t).where(t.c.token_hash == token_hash)).first()
        return _token_record(row) if row is not None else None

    def tokens(self) -> list[TokenRecord]:
        """The case's index rows (hash -> token id, party); ``review.tokens`` gives each link's state, from the log."""
        from sqlalchemy import select

        t = self.store.tables.tokens
        rows = self.conn.execute(select(t).where(t.c.case_id == self.case_id).order_by(t.c.issued_at, t.c.token_id)).all()
        return [_token_record(r) for r in rows]

    # ----------------------------------------------------------------- blobs and the final

    def add_blob(self, data: bytes) -> str:
        """Store bytes (e.g. a signature image) encrypted; returns their SHA-256."""
        from sqlalchemy import select

        self._require_write()
        digest = sha256_hex(data)
        t = self.store.tables.blobs
        exists = self.conn.execute(select(t.c.sha256).where(t.c.case_id == self.case_id, t.c.sha256 == digest)).first()
        if exists is None:
            self.conn.execute(t.insert().values(case_id=self.case_id, sha256=digest, data=self.cipher.seal(data, f"blob:{self.case_id}:{digest}")))
        return digest

    def blob(self, digest: str) -> bytes:
        from sqlalchemy import select

        t = self.store.tables.blobs
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
            self.store.tables.finals.insert().values(
                case_id=self.case_id, draft=draft, created_at=iso_z(at), sha256=digest, pdf=self.cipher.seal(pdf, f"final:{self.case_id}")
            )
        )
        return FinalRecord(self.case_id, draft, at, digest, pdf)

    def final(self) -> FinalRecord | None:
        from sqlalchemy import select

        t = self.store.tables.finals
        row = self.conn.execute(select(t).where(t.c.case_id == self.case_id)).first()
        if row is None:
            return None
        pdf = self.cipher.open(row.pdf, f"final:{self.case_id}")
        if sha256_hex(pdf) != row.sha256:
            raise StoreError(f"the executed agreement of case '{self.case_id}' no longer matches its SHA-256 (altered)")
        return FinalRecord(self.case_id, row.draft, parse_iso_z(row.created_at), row.sha256, pdf)


# --------------------------------------------------------------------------- helpers


def _token_record(row: Any) -> TokenRecord:
    """An index row.  Its revoked/spent columns (written by schema 1) are not read: the log decides."""
    return TokenRecord(
        token_id=row.token_id,
        case_id=row.case_id,
        party=row.party,
        issued_at=parse_iso_z(row.issued_at),
        expires_at=parse_iso_z(row.expires_at),
    )


def _parse_time_lenient(text: str) -> datetime:
    """Read an event time; a malformed (edited) one becomes the epoch so the hash check reports it."""
    try:
        return parse_iso_z(text)
    except StoreError:
        return datetime(1970, 1, 1, tzinfo=UTC)


def _verified_heads(store: Any) -> dict[str, tuple[int, str, str | None]]:
    """case id -> the head (seq, hash, MAC) this store object last verified or wrote."""
    heads = getattr(store, "_verified_heads", None)
    if heads is None:
        heads = {}
        store._verified_heads = heads
    return heads
