"""The case store: hash chain, encryption at rest, keys, locking — on SQLite and a real PostgreSQL."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from postgres import postgres_server, postgres_url, store_url  # noqa: F401 (fixtures)
from sqlalchemy import create_engine, text

from docassemble.MediationAgreement.errors import ConfigError, MediationError, StoreError
from docassemble.MediationAgreement.store import (
    ZERO_HASH,
    CaseStore,
    LogEvent,
    StoreSettings,
    canonical_json,
    event_hash,
    generate_key,
    parse_key,
    payload_sha256,
    sha256_hex,
    verify_chain,
)

AT = datetime(2026, 11, 20, 17, 4, 5, tzinfo=UTC)


def chain(payloads: list[dict], case_id: str = "c-test") -> list[LogEvent]:
    """Events built with the documented formula, for the pure-function tests."""
    events: list[LogEvent] = []
    prev = ZERO_HASH
    for seq, payload in enumerate(payloads, start=1):
        at = AT + timedelta(seconds=seq)
        digest = event_hash(seq=seq, case_id=case_id, kind="comment", actor="a", at=at, prev_hash=prev, payload=payload)
        events.append(LogEvent(seq, case_id, "comment", "a", at, payload, prev, digest))
        prev = digest
    return events


# --------------------------------------------------------------------------- the hash (pure)


def test_event_hash_is_the_documented_formula() -> None:
    payload = {"text": "Could the exchange be at 5 p.m.?", "draft": 1}
    expected = sha256_hex(
        json.dumps(
            {
                "seq": 1,
                "case_id": "c-x",
                "kind": "comment",
                "actor": "a",
                "at": "2026-11-20T17:04:05Z",
                "payload_sha256": sha256_hex(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()),
                "prev_hash": "0" * 64,
            },
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
    )
    assert event_hash(seq=1, case_id="c-x", kind="comment", actor="a", at=AT, prev_hash=ZERO_HASH, payload=payload) == expected
    # From a certificate, where only the payload's digest is known:
    assert event_hash(seq=1, case_id="c-x", kind="comment", actor="a", at="2026-11-20T17:04:05Z", prev_hash=ZERO_HASH, payload_digest=payload_sha256(payload)) == expected


def test_canonical_json_refuses_values_json_cannot_hold() -> None:
    with pytest.raises(StoreError):
        canonical_json({"x": float("nan")})
    with pytest.raises(StoreError):
        canonical_json({"x": object()})


def test_intact_chain_has_no_problems() -> None:
    assert verify_chain(chain([{"n": i} for i in range(5)])) == []
    assert verify_chain([]) == []


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda ev: ev.__setitem__(2, replace(ev[2], payload={"n": 99})), "event 3 (comment): stored hash does not match"),
        (lambda ev: ev.__setitem__(2, replace(ev[2], actor="b")), "event 3 (comment): stored hash does not match"),
        (lambda ev: ev.__setitem__(2, replace(ev[2], at=ev[2].at + timedelta(hours=1))), "event 3 (comment): stored hash does not match"),
        (lambda ev: ev.pop(2), "event(s) 3 missing before event 4"),
        (lambda ev: ev.insert(1, ev.pop(3)), "out of order"),
        (lambda ev: ev.__setitem__(0, replace(ev[0], prev_hash="1" * 64)), "event 1 (comment): prev_hash does not match"),
    ],
    ids=["payload edited", "actor edited", "time edited", "event deleted", "events reordered", "first prev_hash"],
)
def test_verify_chain_names_what_was_altered(mutate, expected: str) -> None:
    events = chain([{"n": i} for i in range(5)])
    mutate(events)
    problems = verify_chain(events)
    assert problems and any(expected in p for p in problems), problems


@settings(max_examples=60, deadline=None)
@given(
    payloads=st.lists(st.dictionaries(st.text(min_size=1, max_size=8), st.one_of(st.text(max_size=20), st.integers(), st.booleans()), max_size=3), min_size=1, max_size=8),
    data=st.data(),
)
def test_any_single_edit_is_detected(payloads: list[dict], data: st.DataObject) -> None:
    """Property: changing any one field of any one event breaks the chain."""
    events = chain(payloads)
    i = data.draw(st.integers(0, len(events) - 1))
    field = data.draw(st.sampled_from(["kind", "actor", "at", "payload", "case_id", "seq"]))
    e = events[i]
    changed = {
        "kind": replace(e, kind=e.kind + "x"),
        "actor": replace(e, actor="mediator"),
        "at": replace(e, at=e.at + timedelta(seconds=1)),
        "payload": replace(e, payload={**e.payload, "__edited__": True}),
        "case_id": replace(e, case_id="c-other"),
        "seq": replace(e, seq=e.seq + 100),
    }[field]
    events[i] = changed
    assert verify_chain(events)


# --------------------------------------------------------------------------- keys


def test_keys_parse_and_bad_keys_are_named() -> None:
    key = generate_key()
    assert len(parse_key(key)) == 32
    with pytest.raises(ConfigError, match="not a valid store key"):
        parse_key("too-short")
    with pytest.raises(ConfigError, match="key file"):
        StoreSettings.from_env(key_file=Path("/nonexistent/key"), environ={})


def test_no_key_refuses_to_create_a_store_and_leaves_no_file(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    with pytest.raises(ConfigError, match=r"no encryption key.*--dev-plaintext"):
        CaseStore(f"sqlite:///{db}", None)
    assert not db.exists()


def test_dev_plaintext_store_must_be_reopened_as_such(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'dev.db'}"
    CaseStore(url, None, allow_plaintext=True).close()
    with pytest.raises(ConfigError, match="created without encryption"):
        CaseStore(url, None)
    CaseStore(url, None, allow_plaintext=True).close()


def test_missing_and_wrong_key_are_refused(store_url: str) -> None:
    key = generate_key()
    store = CaseStore(store_url, key)
    case_id = store.create_case("Rivera / Rivera", {"x": 1})
    store.close()
    with pytest.raises(ConfigError, match="encrypted and no key"):
        CaseStore(store_url, None)
    with pytest.raises(ConfigError, match="wrong encryption key"):
        CaseStore(store_url, generate_key())
    with CaseStore(store_url, key) as again:
        assert again.events(case_id)[0].payload == {"x": 1}


def test_create_false_does_not_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="the case store is not set up at .*mediation-agreement case init"):
        CaseStore(f"sqlite:///{tmp_path / 'none.db'}", generate_key(), create=False)
    assert not (tmp_path / "none.db").exists()


def test_unknown_case_is_a_clear_error(store_url: str) -> None:
    with CaseStore(store_url, generate_key()) as store, pytest.raises(StoreError, match="unknown case 'c-nope'"):
        store.events("c-nope")


# --------------------------------------------------------------------------- encryption at rest


def _raw_dump(url: str) -> bytes:
    """Every stored value of every table, as bytes (what someone with the database file sees)."""
    engine = create_engine(url)
    out = []
    with engine.connect() as conn:
        for table in ("ma_cases", "ma_events", "ma_drafts", "ma_tokens", "ma_blobs", "ma_finals", "ma_meta"):
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                for value in row:
                    out.append(bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode())
    engine.dispose()
    return b"\n".join(out)


def test_names_incomes_and_comments_are_encrypted_at_rest(store_url: str) -> None:
    secret = {"name": "Alex Quetzal Rivera", "income": "8123.45", "address": "1200 Juniper Lane", "comment": "Please move the exchange"}
    with CaseStore(store_url, generate_key()) as store:
        case_id = store.create_case("Alex Quetzal Rivera / Sam Rivera", secret)
        with store.session(case_id, write=True) as s:
            s.append("comment", "a", {"text": secret["comment"]})
            s.add_blob(json.dumps(secret).encode())
            s.add_draft(1, sha256=sha256_hex(b"%PDF Alex Quetzal Rivera"), case_data=secret, document={"title": "Alex Quetzal Rivera"}, pdf=b"%PDF Alex Quetzal Rivera", libraries={})
    raw = _raw_dump(store_url)
    for value in secret.values():
        assert value.encode() not in raw, f"{value!r} stored in clear"
    assert case_id.encode() in raw  # ids and hashes stay in clear, so the chain can be checked


def test_plaintext_dev_store_is_readable_on_disk(tmp_path: Path) -> None:
    """The contrast: this is why a key is required outside development."""
    url = f"sqlite:///{tmp_path / 'dev.db'}"
    with CaseStore(url, None, allow_plaintext=True) as store:
        store.create_case("Alex Quetzal Rivera", {"comment": "Please move the exchange"})
    assert b"Please move the exchange" in _raw_dump(url)


def test_ciphertext_moved_to_another_row_fails_authentication(store_url: str) -> None:
    key = generate_key()
    with CaseStore(store_url, key) as store:
        case_id = store.create_case("x", {"n": 1})
        with store.session(case_id, write=True) as s:
            s.append("comment", "a", {"text": "first"})
            s.append("comment", "b", {"text": "second"})
    engine = create_engine(store_url)
    with engine.begin() as conn:
        payload = conn.execute(text("SELECT payload FROM ma_events WHERE seq = 2")).scalar_one()
        conn.execute(text("UPDATE ma_events SET payload = :p WHERE seq = 3"), {"p": payload})
    engine.dispose()
    with CaseStore(store_url, key) as store:
        problems = store.audit(case_id)
    assert any("event 3" in p and "fails authentication" in p for p in problems), problems


# --------------------------------------------------------------------------- tamper detection in the database


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE ma_events SET actor = 'b' WHERE seq = 2", "event 2 (comment): stored hash does not match"),
        ("UPDATE ma_events SET at = '2026-01-01T00:00:00Z' WHERE seq = 3", "event 3 (comment): stored hash does not match"),
        ("DELETE FROM ma_events WHERE seq = 2", "missing before event 3"),
        ("DELETE FROM ma_events WHERE seq = 4", "events were deleted"),
        ("UPDATE ma_cases SET head_hash = '" + "de" * 32 + "'", "differs from the one the case records"),
    ],
    ids=["actor edited", "time edited", "middle event deleted", "last event deleted", "head edited"],
)
def test_edits_in_the_database_are_detected_and_writes_refused(store_url: str, sql: str, expected: str) -> None:
    key = generate_key()
    with CaseStore(store_url, key) as store:
        case_id = store.create_case("x", {"n": 0})
        with store.session(case_id, write=True) as s:
            for n in range(3):
                s.append("comment", "a", {"n": n})
    engine = create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(text(sql))
    engine.dispose()
    with CaseStore(store_url, key) as store:
        problems = store.audit(case_id)
        assert any(expected in p for p in problems), problems
        before = [e.hash for e in store.events(case_id)]
        with pytest.raises(StoreError, match="has been altered; nothing was changed"), store.session(case_id, write=True) as s:
            s.require_intact()
            s.append("comment", "b", {"n": 99})
        assert [e.hash for e in store.events(case_id)] == before


def test_drafts_are_checked_against_their_hash(store_url: str) -> None:
    key = generate_key()
    with CaseStore(store_url, key) as store:
        case_id = store.create_case("x", {})
        with store.session(case_id, write=True) as s:
            s.add_draft(1, sha256=sha256_hex(b"one"), case_data={}, document={}, pdf=b"one", libraries={})
            with pytest.raises(StoreError, match="does not match the rendered document"):
                s.add_draft(2, sha256=sha256_hex(b"x"), case_data={}, document={}, pdf=b"two", libraries={})
    engine = create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE ma_drafts SET sha256 = :h"), {"h": sha256_hex(b"other")})
    engine.dispose()
    with CaseStore(store_url, key) as store, store.session(case_id) as s, pytest.raises(StoreError, match="no longer matches its SHA-256"):
        s.draft(1)


# --------------------------------------------------------------------------- concurrency


def test_concurrent_appends_never_lose_an_event(store_url: str) -> None:
    """Several writers, each with its own connection, append to one case at once."""
    key = generate_key()
    with CaseStore(store_url, key) as store:
        case_id = store.create_case("x", {})
    writers, per_writer = 4, 12
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(actor: str, n: int) -> None:
        try:
            with CaseStore(store_url, key) as mine:
                barrier.wait()
                for i in range(per_writer):
                    with mine.session(case_id, write=True) as s:
                        s.append("comment", actor, {"writer": n, "i": i})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=("ab"[n % 2], n)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with CaseStore(store_url, key) as store:
        events = store.events(case_id)
        assert store.audit(case_id) == []
    assert len(events) == 1 + writers * per_writer
    assert {(e.payload["writer"], e.payload["i"]) for e in events[1:]} == {(n, i) for n in range(writers) for i in range(per_writer)}


def test_a_failed_session_stores_nothing(store_url: str) -> None:
    with CaseStore(store_url, generate_key()) as store:
        case_id = store.create_case("x", {})
        with pytest.raises(MediationError), store.session(case_id, write=True) as s:
            s.append("comment", "a", {"text": "half"})
            raise StoreError("boom after the append")
        assert [e.kind for e in store.events(case_id)] == ["case_opened"]
        with pytest.raises(StoreError, match="unknown actor"), store.session(case_id, write=True) as s:
            s.append("comment", "someone", {})
        with pytest.raises(StoreError, match="JSON"), store.session(case_id, write=True) as s:
            s.append("comment", "a", {"n": (1, 2)})
        assert len(store.events(case_id)) == 1


@pytest.mark.slow
def test_postgres_backend_really_is_postgres(postgres_url: str) -> None:  # noqa: F811
    with CaseStore(postgres_url, generate_key()) as store:
        assert store.dialect == "postgresql"
