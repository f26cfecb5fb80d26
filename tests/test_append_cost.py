"""Appending to a case checks only what is new (issue 20), and never less than that.

The first session of a store object on a case verifies the whole log; later
writes check the events after the head it verified (their hashes, MACs and the
case row's head), so event 10,000 costs what event 10 did
(benchmarks/bench_append.py).  A full read that finds damage stops every
later write in the process; ``verify`` and ``case log`` always read it all.
"""

from __future__ import annotations

import pytest
from postgres import postgres_server, postgres_url, store_url  # noqa: F401 (fixtures)
from sqlalchemy import create_engine, text

from docassemble.MediationAgreement.errors import StoreError
from docassemble.MediationAgreement.store import CaseStore, generate_key


@pytest.fixture
def store_key() -> str:
    return generate_key()


def new_case(store: CaseStore, events: int) -> str:
    case_id = store.create_case("append test", {"n": 0})
    for n in range(1, events):
        with store.session(case_id, write=True) as s:
            s.append("note", "mediator", {"n": n})
    return case_id


def test_a_later_append_reads_only_the_new_events(store_url: str, store_key: str) -> None:  # noqa: F811
    with CaseStore(store_url, store_key) as store:
        case_id = new_case(store, 50)
        with store.session(case_id, write=True) as s:
            s.append("note", "mediator", {"n": 50})
            assert s._events is None, "the whole log was read to append one event"
        with store.session(case_id) as s:
            assert [e.seq for e in s.events()] == list(range(1, 52))
            assert s.audit() == []


def test_events_another_process_appended_are_checked_before_writing(store_url: str, store_key: str) -> None:  # noqa: F811
    with CaseStore(store_url, store_key) as mine, CaseStore(store_url, store_key) as theirs:
        case_id = new_case(mine, 5)
        with theirs.session(case_id, write=True) as s:  # another server process, same key: fine
            s.append("note", "mediator", {"n": "theirs"})
        with mine.session(case_id, write=True) as s:
            s.append("note", "mediator", {"n": "mine"})
        with mine.session(case_id) as s:
            assert s.audit() == [] and len(s.events()) == 7


def test_a_new_event_written_without_the_key_stops_the_next_write(store_url: str, store_key: str) -> None:  # noqa: F811
    with CaseStore(store_url, store_key) as mine, CaseStore(store_url, store_key) as other:
        case_id = new_case(mine, 5)
        with other.session(case_id, write=True) as s:
            s.append("note", "mediator", {"n": 6})
        engine = create_engine(store_url)
        with engine.begin() as conn:  # someone with only the database rewrites the MAC of the new event
            conn.execute(text("UPDATE ma_events SET mac = :m WHERE case_id = :c AND seq = 6"), {"m": "0" * 64, "c": case_id})
        engine.dispose()
        with pytest.raises(StoreError, match="has been altered; nothing was changed.*event 6"), mine.session(case_id, write=True) as s:
            s.append("note", "mediator", {"n": 7})


def test_a_cut_log_goes_back_to_the_full_check(store_url: str, store_key: str) -> None:  # noqa: F811
    with CaseStore(store_url, store_key) as store:
        case_id = new_case(store, 6)
        engine = create_engine(store_url)
        with engine.begin() as conn:  # the last two events deleted and the head rewound, without the key
            conn.execute(text("DELETE FROM ma_events WHERE case_id = :c AND seq > 4"), {"c": case_id})
            row = conn.execute(text("SELECT hash FROM ma_events WHERE case_id = :c AND seq = 4"), {"c": case_id}).one()
            conn.execute(text("UPDATE ma_cases SET head_seq = 4, head_hash = :h WHERE case_id = :c"), {"h": row.hash, "c": case_id})
        engine.dispose()
        with pytest.raises(StoreError, match="has been altered"), store.session(case_id, write=True) as s:
            s.append("note", "mediator", {"n": "after the cut"})


def test_damage_to_an_event_verified_earlier_is_found_by_a_full_read_and_then_stops_writes(store_url: str, store_key: str) -> None:  # noqa: F811
    with CaseStore(store_url, store_key) as store:
        case_id = new_case(store, 5)
        engine = create_engine(store_url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE ma_events SET actor = 'b' WHERE case_id = :c AND seq = 2"), {"c": case_id})
        engine.dispose()
        with store.session(case_id) as s:  # a screen or `case log` reads the whole log
            assert any("event 2" in p for p in s.audit())
        with pytest.raises(StoreError, match="has been altered"), store.session(case_id, write=True) as s:
            s.append("note", "mediator", {"n": "after the damage"})
        with CaseStore(store_url, store_key) as fresh, pytest.raises(StoreError, match="has been altered"), fresh.session(case_id, write=True) as s:
            s.append("note", "mediator", {"n": "from a new process"})
