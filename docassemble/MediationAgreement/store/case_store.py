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

The MAC chain (schema 2): anyone can recompute those hashes, so someone who can
write to the database could delete the last events and point the case's head
at the new last one.  So each event also carries
``HMAC-SHA256(K, canonical_json({"purpose": "event", "case_id", "seq", "hash",
"prev_mac"}))`` and the case row ``HMAC-SHA256(K, canonical_json({"purpose":
"head", "case_id", "seq", "hash", "mac", "status"}))`` of its head, where ``K``
is derived from the store key with HKDF-SHA256 and never stored
(:func:`.keys.derive_log_mac_key`).  :meth:`CaseStore.audit` checks both; a
development store opened without a key has no ``K`` and no MACs, so a log cut
short there cannot be detected.

Schema: the tables are created and upgraded by Alembic revisions
(:mod:`.migrate`; ``mediation-agreement case init`` runs them on a new server).
A version-1 store (no MAC columns) is upgraded the first time it is opened
with its key: in one transaction, under the store's write lock, revision 0002
adds the MAC columns and every case whose log verifies (:meth:`.CaseSession.chain_audit`)
gets its MAC chain and head MAC.  A case whose log was already broken is left
without MACs, so its audit keeps reporting it.

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

This module opens stores (:class:`CaseStore`, :class:`StoreSettings`,
:func:`open_store`) and re-exports the rest, which lives next to it:
``event_log`` (canonical JSON, the event hash, :class:`LogEvent`,
:func:`verify_chain`), ``store_keys`` (keys and AES-GCM), ``case_records``
(case, draft, token and final records), ``store_database`` (tables and
SQLAlchemy engines) and ``case_session`` (:class:`CaseSession`).
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import ConfigError, StoreError
from .database import first_line, make_engine, redact_url, schema_tables, sqlite_path
from .event_log import (
    ZERO_HASH,
    Actor,
    LogEvent,
    head_mac,
    iso_z,
    utc_now,
)
from .keys import KEY_CHECK, KEY_ENV, PREVIOUS_KEYS_ENV, FieldCipher, derive_log_mac_key, parse_key, parse_previous_keys
from .migrate import HEAD, Migration, current_revision, migrate
from .records import CaseRecord, TokenRecord
from .session import CaseSession, case_record_from_row

SCHEMA_VERSION = "2"
"""2: the event log's MAC chain (``ma_events.mac``, ``ma_cases.head_mac``); a version-1 store is upgraded on opening."""
UPGRADABLE = ("1",)
DEFAULT_URL = "sqlite:///mediation-cases.db"
URL_ENV = "MEDIATION_STORE_URL"
KEY_FILE_ENV = "MEDIATION_STORE_KEY_FILE"


def not_set_up(url: str) -> str:
    """The message for a store URL with no store behind it (the interviews show it as it is, so it says what to do)."""
    return (f"the case store is not set up at {url}: check the store URL (--store / {URL_ENV}, or the configuration's "
            "'store url'); on a new server run `mediation-agreement case init --store URL` once (docs/server.md)")


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
    the head check, undecryptable payloads and the MAC chain) to find out.
    Writes refuse to append to a chain that no longer verifies.

    ``mac_key`` is derived from the store key (HKDF); a development store
    without a key has none, and its log is not MAC-protected
    (:attr:`mac_protected`).  Opening a version-1 store upgrades it (see the
    module docstring); :attr:`upgraded` then lists what happened.
    """

    def __init__(
        self,
        url: str,
        key: bytes | str | None,
        *,
        allow_plaintext: bool = False,
        create: bool = True,
        clock: Callable[[], datetime] | None = None,
        previous_keys: tuple[bytes | str, ...] = (),
    ) -> None:
        self.url = url
        self.display_url = redact_url(url)
        self.clock = clock or utc_now
        raw_key = parse_key(key) if key is not None else None
        self._previous = tuple(parse_key(k, source=PREVIOUS_KEYS_ENV) for k in previous_keys)
        _refuse_before_connecting(url, raw_key, allow_plaintext=allow_plaintext, create=create)
        self._engine = make_engine(url)
        self.tables = schema_tables()
        self.upgraded: dict[str, list[str]] | None = None
        self.migration: Migration | None = None
        """What opening did to the tables (Alembic revision before and after), or ``None`` when they were already at the head."""
        try:
            self.cipher, schema, original = self._open_or_create(raw_key, allow_plaintext=allow_plaintext, create=create)
            # The log's MAC key comes from the store's first key (the one its key check was sealed with), so
            # rotating the encryption key leaves the MAC chain as it is.
            self.mac_key: bytes | None = derive_log_mac_key(original) if original is not None else None
            if schema in UPGRADABLE:
                self.upgraded = self._upgrade_from_v1()
            elif self.migration is None:
                self._bring_schema_to_head(schema)
        except BaseException:
            self._engine.dispose()
            raise

    # ----------------------------------------------------------------- opening

    def _open_or_create(self, key: bytes | None, *, allow_plaintext: bool, create: bool) -> tuple[FieldCipher, str, bytes | None]:
        """The cipher, the schema number and the store's first key (``None`` for a development store)."""
        from sqlalchemy import inspect, select
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self._engine.connect() as conn:
                exists = inspect(conn).has_table("ma_meta")
                meta = dict(conn.execute(select(self.tables.meta.c.key, self.tables.meta.c.value)).all()) if exists else {}
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the case store at {self.display_url}: {first_line(exc)}") from None
        if not meta:
            if not create:
                raise StoreError(not_set_up(self.display_url))
            if key is None and not allow_plaintext:
                raise ConfigError(
                    f"no encryption key: refusing to create a case store at {self.display_url} that would keep names, "
                    "addresses, incomes and comments unencrypted",
                    hint=f"set {KEY_ENV} (make one with `mediation-agreement case keygen`) or pass --dev-plaintext for a development store",
                )
            cipher = FieldCipher(key, self._previous)
            with self._transaction(write=True) as conn:  # the tables through Alembic's revisions, then the store's metadata
                self.migration = migrate(conn, legacy_schema=None, display_url=self.display_url)
                conn.execute(
                    self.tables.meta.insert(),
                    [
                        {"key": "schema", "value": SCHEMA_VERSION.encode()},
                        {"key": "encryption", "value": b"aes-256-gcm" if key else b"none"},
                        {"key": "key_check", "value": cipher.seal(KEY_CHECK, "meta:key_check")},
                        {"key": "log_mac", "value": b"hmac-sha256" if key else b"none"},
                    ],
                )
            return cipher, SCHEMA_VERSION, key
        schema = bytes(meta.get("schema", b"?")).decode()
        if schema != SCHEMA_VERSION and schema not in UPGRADABLE:
            raise StoreError(
                f"case store at {self.display_url} has schema version {schema}; this version reads {SCHEMA_VERSION} (and upgrades {', '.join(UPGRADABLE)})",
                hint="a newer version of docassemble.MediationAgreement set it up: upgrade the package here",
            )
        if meta.get("encryption") == b"none":
            if not allow_plaintext:
                raise ConfigError(
                    f"the case store at {self.display_url} was created without encryption (development only)",
                    hint="pass --dev-plaintext to open it",
                )
            return FieldCipher(None), schema, None
        if key is None:
            raise ConfigError(
                f"the case store at {self.display_url} is encrypted and no key was given",
                hint=f"set {KEY_ENV} or pass --key-file",
            )
        cipher = FieldCipher(key, self._previous)
        check = meta.get("key_check", b"")
        original = cipher.opening_key(check, "meta:key_check")
        if original is None or cipher.open(check, "meta:key_check") != KEY_CHECK:
            raise ConfigError(
                f"wrong encryption key: {'none of the keys given opens' if self._previous else 'the key given does not open'} the case store at {self.display_url}",
                hint=f"check {KEY_ENV} (after a rotation, the store's earlier keys go in {PREVIOUS_KEYS_ENV})",
            )
        return cipher, schema, original

    def _upgrade_from_v1(self) -> dict[str, list[str]]:
        """Schema 1 -> 2, once, under the store's write lock: add the MAC columns and seal
        the head of every case whose log verifies.  Returns the case ids ``sealed`` and
        ``not_sealed`` (logs already broken, or no key in a development store)."""
        from sqlalchemy import select

        meta = self.tables.meta
        done: dict[str, list[str]] = {"sealed": [], "not_sealed": []}
        with self._transaction(write=True) as conn:
            query = select(meta.c.value).where(meta.c.key == "schema")
            if conn.dialect.name != "sqlite":
                query = query.with_for_update()  # two processes opening the old store at once: one upgrades
            if bytes(conn.execute(query).scalar_one()).decode() not in UPGRADABLE:
                return done
            self.migration = migrate(conn, legacy_schema="1", display_url=self.display_url)  # the MAC columns (revision 0002)
            case_ids = [row[0] for row in conn.execute(select(self.tables.cases.c.case_id).order_by(self.tables.cases.c.case_id))]
            for case_id in case_ids:
                sealed = CaseSession(self, conn, case_id, write=True).seal_log()
                done["sealed" if sealed else "not_sealed"].append(case_id)
            conn.execute(meta.update().where(meta.c.key == "schema").values(value=SCHEMA_VERSION.encode()))
            conn.execute(meta.insert().values(key="log_mac", value=b"hmac-sha256" if self.mac_key else b"none"))
        return done

    def _bring_schema_to_head(self, schema: str) -> None:
        """A store made before Alembic managed it is stamped at its revision; one behind the head is upgraded; a newer one refused."""
        with self._transaction(write=False) as conn:
            current = current_revision(conn)
        if current == HEAD:
            return
        with self._transaction(write=True) as conn:
            migration = migrate(conn, legacy_schema=schema, display_url=self.display_url)
        self.migration = migration if migration.changed else None

    @property
    def encrypted(self) -> bool:
        return self.cipher.encrypted

    @property
    def mac_protected(self) -> bool:
        """Whether the event log carries MACs under a key outside the database (not in a development store)."""
        return self.mac_key is not None

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
                self.tables.cases.insert().values(
                    case_id=case_id,
                    created_at=iso_z(now),
                    status="open",
                    label=self.cipher.seal(label.encode("utf-8"), f"case:{case_id}:label"),
                    head_seq=0,
                    head_hash=ZERO_HASH,
                    head_mac=head_mac(self.mac_key, case_id=case_id, seq=0, event_hash=ZERO_HASH, mac=ZERO_HASH, status="open") if self.mac_key else None,
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
            rows = conn.execute(select(self.tables.cases).order_by(self.tables.cases.c.created_at, self.tables.cases.c.case_id)).all()
            return [case_record_from_row(self.cipher, row) for row in rows]

    def case(self, case_id: str) -> CaseRecord:
        with self.session(case_id) as s:
            return s.record

    def events(self, case_id: str) -> list[LogEvent]:
        """The case's log in order, as stored (see the class docstring)."""
        with self.session(case_id) as s:
            return s.events()

    def audit(self, case_id: str) -> list[str]:
        """Every problem with the case's log: :func:`verify_chain` plus the head check
        (deleted trailing events), payloads that no longer decrypt, and (with a key)
        the MAC chain and the head's MAC (a log cut short with its head rewritten)."""
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
            raise StoreError(f"the case store refused a write (a concurrent change?); nothing was changed: {first_line(exc)}") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"case store error at {self.display_url}; nothing was changed: {first_line(exc)}") from None

    def token_lookup(self, token_hash: str) -> TokenRecord | None:
        """The index row for this token SHA-256, whichever case it belongs to (the link's state is in that case's log)."""
        with self._transaction(write=False) as conn:
            return CaseSession(self, conn, "", write=False, check_case=False).token_by_hash(token_hash)


def _refuse_before_connecting(url: str, key: bytes | None, *, allow_plaintext: bool, create: bool) -> None:
    """Refuse early for a SQLite file that does not exist, so a refusal leaves no empty file behind."""
    path = sqlite_path(url)
    if path is None or path.exists():
        return
    if not create:
        raise StoreError(not_set_up(redact_url(url)))
    if key is None and not allow_plaintext:
        raise ConfigError(
            f"no encryption key: refusing to create a case store at {url} that would keep names, "
            "addresses, incomes and comments unencrypted",
            hint=f"set {KEY_ENV} (make one with `mediation-agreement case keygen`) or pass --dev-plaintext for a development store",
        )


@dataclass(frozen=True)
class StoreSettings:
    """Where the store is and how it is keyed, from options or the environment."""

    url: str = DEFAULT_URL
    key: bytes | None = None
    allow_plaintext: bool = False
    key_source: str | None = field(default=None, compare=False)
    previous_keys: tuple[bytes, ...] = ()
    """The store's earlier keys, after a rotation (``MEDIATION_STORE_PREVIOUS_KEYS``)."""

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
        previous = parse_previous_keys(env.get(PREVIOUS_KEYS_ENV))
        return cls(url=chosen_url, key=key, allow_plaintext=allow_plaintext, key_source=source, previous_keys=previous)

    def open(self, *, create: bool = True, clock: Callable[[], datetime] | None = None) -> CaseStore:
        return CaseStore(self.url, self.key, allow_plaintext=self.allow_plaintext, create=create, clock=clock, previous_keys=self.previous_keys)


def open_store(
    url: str | None = None,
    key: bytes | str | None = None,
    *,
    key_file: str | Path | None = None,
    allow_plaintext: bool = False,
    create: bool = True,
    previous_keys: tuple[bytes | str, ...] | None = None,
) -> CaseStore:
    """Open (or create) a store; missing arguments come from ``MEDIATION_STORE_URL``,
    ``MEDIATION_STORE_KEY`` / ``MEDIATION_STORE_KEY_FILE`` and ``MEDIATION_STORE_PREVIOUS_KEYS``."""
    settings = StoreSettings.from_env(url=url, key_file=key_file, allow_plaintext=allow_plaintext)
    if key is not None:
        settings = StoreSettings(settings.url, parse_key(key), allow_plaintext, previous_keys=settings.previous_keys)
    if previous_keys is not None:
        settings = StoreSettings(settings.url, settings.key, allow_plaintext, previous_keys=tuple(parse_key(k, source=PREVIOUS_KEYS_ENV) for k in previous_keys))
    return settings.open(create=create)
