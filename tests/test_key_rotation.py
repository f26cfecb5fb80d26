"""Store keys rotate without re-encrypting anything offline (issue 17, part 2): each value names its key by id.

A store made under one key is opened with a new current key and the old one
among the previous keys: old values open, new ones are sealed with the new key,
the event log's MAC chain carries on unbroken, and a key that is missing is
named by its id.  Against SQLite and a real PostgreSQL server.
"""

from __future__ import annotations

import pytest

from docassemble.MediationAgreement.errors import ConfigError, StoreError
from docassemble.MediationAgreement.store import CaseStore, FieldCipher, generate_key, key_id, parse_key

from .conftest import run_cli
from .postgres import postgres_server, postgres_url, store_url  # noqa: F401
from .test_store_schema import rows


def payload_blobs(url: str, case_id: str) -> list[bytes]:
    return [bytes(r[0]) for r in rows(url, f"SELECT payload FROM ma_events WHERE case_id = '{case_id}' ORDER BY seq")]


def test_a_key_id_names_a_key_without_revealing_it() -> None:
    first, second = generate_key(), generate_key()
    assert key_id(parse_key(first)) == key_id(parse_key(first)) != key_id(parse_key(second))
    assert len(key_id(parse_key(first))) == 16 and key_id(parse_key(first)) not in first
    cipher = FieldCipher(parse_key(second), (parse_key(first),))
    assert cipher.key_ids == [key_id(parse_key(second)), key_id(parse_key(first))]
    blob = cipher.seal(b"Maria's income", "event:c-1:1")
    assert FieldCipher.sealed_with(blob) == key_id(parse_key(second)) and b"income" not in blob
    assert FieldCipher(parse_key(second)).open(blob, "event:c-1:1") == b"Maria's income"
    with pytest.raises(StoreError, match="fails authentication"):
        cipher.open(blob, "event:c-1:2")  # moved to another row


def test_a_new_key_takes_over_and_the_old_values_and_the_log_stay_readable(store_url: str) -> None:  # noqa: F811
    old, new = generate_key(), generate_key()
    with CaseStore(store_url, old) as store:
        case_id = store.create_case("Rivera / Rivera", {"note": "under the old key"})
        with store.session(case_id, write=True) as s:
            s.append("comment", "mediator", {"draft": 1, "section": "1.1", "text": "old comment"})
    with CaseStore(store_url, new, previous_keys=(old,)) as store:
        assert [e.payload for e in store.events(case_id)][0] == {"note": "under the old key"}
        assert store.audit(case_id) == []
        with store.session(case_id, write=True) as s:
            s.append("comment", "mediator", {"draft": 1, "section": "1.1", "text": "new comment"})
        assert store.audit(case_id) == []  # the MAC chain carries on: its key comes from the store's first key
        assert store.case(case_id).label == "Rivera / Rivera"
    sealed_with = [FieldCipher.sealed_with(blob) for blob in payload_blobs(store_url, case_id)]
    assert sealed_with == [key_id(parse_key(old))] * 2 + [key_id(parse_key(new))]

    # Without the old key, the store does not open: its key check is the old key's.
    with pytest.raises(ConfigError, match="the key given does not open"):
        CaseStore(store_url, new)
    # With only the old key, the old values open and the new one is named by its key id.
    with CaseStore(store_url, old) as store:
        problems = store.audit(case_id)
        assert any(f"sealed with store key {key_id(parse_key(new))}, which is not among the keys given" in p for p in problems), problems
        assert not any(p.startswith(("event 1 ", "event 2 ")) for p in problems)  # the old key's values are fine


def test_the_cli_and_case_init_read_the_previous_keys_from_the_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    old, new = generate_key(), generate_key()
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    assert run_cli("case", "init", "--store", url, env={"MEDIATION_STORE_KEY": old}).code == 0
    refused = run_cli("case", "init", "--store", url, env={"MEDIATION_STORE_KEY": new})
    assert refused.code != 0 and "MEDIATION_STORE_PREVIOUS_KEYS" in refused.err and "Traceback" not in refused.err
    rotated = run_cli("case", "init", "--store", url, env={"MEDIATION_STORE_KEY": new, "MEDIATION_STORE_PREVIOUS_KEYS": f" {old} "})
    assert rotated.code == 0, rotated.err
    assert f"new values are sealed with store key {key_id(parse_key(new))}; earlier keys still read: {key_id(parse_key(old))}" in rotated.out
    bad = run_cli("case", "init", "--store", url, env={"MEDIATION_STORE_KEY": new, "MEDIATION_STORE_PREVIOUS_KEYS": "not-a-key"})
    assert bad.code != 0 and "MEDIATION_STORE_PREVIOUS_KEYS (item 1) is not a valid store key" in bad.err
