"""The SQL database under the case store: the table schema and the SQLAlchemy engines.

SQLite gets WAL, foreign keys and ``BEGIN IMMEDIATE`` for writers (the
per-case lock); PostgreSQL locks the case row instead (see
:class:`~.session.CaseSession`).  SQLAlchemy is imported inside the
functions, so importing the store costs nothing until a store is opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from ..errors import ConfigError

# --------------------------------------------------------------------------- schema


class StoreTables(NamedTuple):
    """The SQLAlchemy metadata and every table of the store."""

    md: Any
    meta: Any
    cases: Any
    events: Any
    drafts: Any
    tokens: Any
    blobs: Any
    finals: Any


def schema_tables() -> StoreTables:
    """The metadata and every table of the store (all named `ma_...`, so they can sit beside docassemble's own)."""
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
        Column("head_mac", String(64)),  # schema 2: HMAC of the head (event_log.head_mac); NULL without a key
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
        Column("mac", String(64)),  # schema 2: HMAC chain (event_log.event_mac); NULL without a key
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
    # An index only (token hash -> case, party): whether a link is spent, revoked or
    # expired is replayed from the MAC-protected log.  revoked_at/spent_at are no
    # longer written (schema 1 wrote them; nothing reads them).
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
    return StoreTables(md, meta, cases, events, drafts, tokens, blobs, finals)


def redact_url(url: str) -> str:
    """The store URL with any password hidden, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL we cannot parse is shown without its credentials part
        return url.split("@")[-1]


def first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else exc.__class__.__name__


def sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite") or "///" not in url:
        return None
    path = url.split("///", 1)[1].split("?", 1)[0]
    return Path(path).expanduser() if path and not path.startswith("file:") and path != ":memory:" else None


def make_engine(url: str) -> Any:
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        if url.startswith("sqlite"):
            if url in ("sqlite://", "sqlite:///:memory:"):
                raise ConfigError("an in-memory SQLite store would vanish at exit; give a file, e.g. sqlite:///cases.db")
            path = sqlite_path(url)
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
